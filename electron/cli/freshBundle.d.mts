/** The bundle's entry URL if it is up to date with the sources under root, else null. */
export function freshBundle(root: string, env?: Record<string, string | undefined>): string | null;
