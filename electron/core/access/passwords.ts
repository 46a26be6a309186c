import { hash, verify } from '@node-rs/argon2';
import { StationError } from '../errors.ts';

// OWASP's argon2id baseline (19 MiB, t=2): user logins happen all day, unlike the station unlock.
const PASSWORD_HASH_OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

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
