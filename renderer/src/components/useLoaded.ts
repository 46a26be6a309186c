import { useCallback, useEffect, useState, type DependencyList } from 'react';

/**
 * Which answer may still be shown. Loads overlap — a filter typed quickly, a reload after an action while the first
 * load is still out — and the station may answer them out of order; only the newest request's answer is current,
 * and none is after `cancel()` (the screen went away or asked for something else).
 */
export function latestOnly() {
  let latest = 0;
  return {
    async run<T>(fetch: () => Promise<T>, onValue: (value: T) => void, onError: (error: unknown) => void): Promise<void> {
      const mine = ++latest;
      let value: T;
      try {
        value = await fetch();
      } catch (e) {
        if (mine === latest) onError(e);
        return;
      }
      if (mine === latest) onValue(value);
    },
    cancel() {
      latest++;
    },
  };
}

/**
 * What a screen shows from the station: loaded when it mounts and whenever `deps` change, and again on `reload()`
 * (after an action). A failed reload keeps the last good value beside the error, so a list does not vanish when
 * one refresh fails. An answer to an older request, or one arriving after the screen closed, is dropped.
 * `clearOnChange` empties the value while a different thing (new `deps`) loads, for views where showing the previous
 * thing under the new title would mislead (one ledger entry, one recording). `skip` asks for nothing and keeps what
 * is shown — a drawer closing with its last content still sliding out.
 */
export function useLoaded<T>(
  fetch: () => Promise<T>,
  deps: DependencyList,
  { clearOnChange = false, skip = false }: { clearOnChange?: boolean; skip?: boolean } = {},
): { value: T | null; error: unknown; loading: boolean; reload: () => Promise<void> } {
  const [value, setValue] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  // True while the newest request is out (a refresh button spins on it).
  const [loading, setLoading] = useState(false);
  const [loads] = useState(latestOnly);
  // `fetch` is a new closure each render; `deps` name what it reads, as with useCallback.
  const reload = useCallback(() => {
    setLoading(true);
    return loads.run(
      fetch,
      (v) => {
        setValue(v);
        setError(null);
        setLoading(false);
      },
      (e) => {
        setError(e);
        setLoading(false);
      },
    );
  }, deps);
  useEffect(() => {
    if (skip) {
      setLoading(false);
      return loads.cancel;
    }
    if (clearOnChange) {
      setValue(null);
      setError(null);
    }
    void reload();
    return loads.cancel;
  }, [reload, skip]);
  return { value, error, loading, reload };
}
