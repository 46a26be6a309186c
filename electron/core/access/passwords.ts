import { hash, verify } from '@node-rs/argon2';
import { StationError } from '../errors.ts';

// OWASP's argon2id baseline (19 MiB, t=2): user logins happen all day, unlike the station unlock.
const PASSWORD_HASH_OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/**
 * Like the station KDF (keys/kdf.ts), a stored hash is checked against a floor and a ceiling
 * BEFORE it is used: a hash planted with m=8 KiB t=1 is refused, not verified, and one with absurd
 * parameters cannot stall a login. The floor is what the station itself hashes with.
 */
export const PASSWORD_HASH_FLOOR = { memoryKiB: PASSWORD_HASH_OPTIONS.memoryCost, iterations: PASSWORD_HASH_OPTIONS.timeCost, parallelism: 1 } as const;
export const PASSWORD_HASH_CEILING = { memoryKiB: 1_048_576, iterations: 32, parallelism: 8 } as const;

const PHC = /^\$argon2id\$v=19\$m=(\d{1,10}),t=(\d{1,10}),p=(\d{1,3})\$[A-Za-z0-9+/]{22,}\$[A-Za-z0-9+/]{43,}$/;

/** Parses the PHC string's parameters; null when it is not an argon2id hash within floor and ceiling. */
export function passwordHashProblem(passwordHash: string): { memoryKiB: number; iterations: number; parallelism: number } | null {
  const m = PHC.exec(passwordHash);
  const params = m ? { memoryKiB: Number(m[1]), iterations: Number(m[2]), parallelism: Number(m[3]) } : { memoryKiB: 0, iterations: 0, parallelism: 0 };
  const ok =
    m !== null &&
    params.memoryKiB >= PASSWORD_HASH_FLOOR.memoryKiB &&
    params.iterations >= PASSWORD_HASH_FLOOR.iterations &&
    params.parallelism >= PASSWORD_HASH_FLOOR.parallelism &&
    params.memoryKiB <= PASSWORD_HASH_CEILING.memoryKiB &&
    params.iterations <= PASSWORD_HASH_CEILING.iterations &&
    params.parallelism <= PASSWORD_HASH_CEILING.parallelism;
  return ok ? null : params;
}

export const MIN_PASSWORD_LENGTH = 8;

export function assertPasswordAcceptable(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new StationError('input', 'user.password_too_short', { min: MIN_PASSWORD_LENGTH });
  }
}

export async function hashPassword(password: string): Promise<string> {
  assertPasswordAcceptable(password);
  return hash(password.normalize('NFC'), PASSWORD_HASH_OPTIONS);
}

export async function checkPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password.normalize('NFC'));
  } catch {
    return false;
  }
}

/** A hash to verify against when the user does not exist, so timing does not reveal usernames. */
let dummyHash: string | null = null;
export async function dummyPasswordHash(): Promise<string> {
  dummyHash ??= await hash('not-a-real-password', PASSWORD_HASH_OPTIONS);
  return dummyHash;
}
