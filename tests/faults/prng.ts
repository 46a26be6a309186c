// A small seeded generator (mulberry32): the campaign's kill points are a function of FAULTS_SEED,
// so a failing run is replayed by giving the same seed.
export type Rng = { next(): number; int(lo: number, hi: number): number; pick<T>(items: readonly T[]): T };

export function rng(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (items) => items[Math.floor(next() * items.length)]!,
  };
}

/** The seed of one run, from the campaign's seed, the scenario and the run's number. */
export function runSeed(seed: number, scenario: string, index: number): number {
  let h = seed >>> 0;
  for (const c of `${scenario}#${index}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  return h;
}
