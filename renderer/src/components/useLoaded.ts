import { useCallback, useEffect, useState, type DependencyList } from 'react';

/**
 * What a screen shows from the station: loaded when it mounts and whenever `deps` change, and again on `reload()`
 * (after an action). A failed reload keeps the last good value beside the error, so a list does not vanish when
 * one refresh fails.
 */
export function useLoaded<T>(fetch: () => Promise<T>, deps: DependencyList): { value: T | null; error: unknown; reload: () => Promise<void> } {
  const [value, setValue] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  // `fetch` is a new closure each render; `deps` name what it reads, as with useCallback.
  const reload = useCallback(async () => {
    try {
      setValue(await fetch());
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, deps);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { value, error, reload };
}
