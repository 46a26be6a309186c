import type { Station } from './station.ts';

/**
 * A feature's services for one station, created on first use: the composition root (station.ts)
 * needs no edit for a feature it does not otherwise know about, and every caller of the same
 * station shares one instance (one ingest queue, one burn queue).
 */
export function perStation<T>(create: (station: Station) => T): (station: Station) => T {
  const instances = new WeakMap<Station, T>();
  return (station) => {
    let instance = instances.get(station);
    if (instance === undefined) {
      instance = create(station);
      instances.set(station, instance);
    }
    return instance;
  };
}
