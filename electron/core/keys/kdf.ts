import { randomBytes } from 'node:crypto';
import { hashRaw } from '@node-rs/argon2';
import { StationError } from '../errors.ts';

// argon2id turns the station passphrase into the key that wraps the vault master key.
// The parameters are stored beside the wrapped key so they can be raised later, and a floor is
// enforced when READING them: a database edited to weaken the KDF is refused, not obeyed.
export type KdfParams = {
  algorithm: 'argon2id';
  memoryKiB: number;
  iterations: number;
  parallelism: number;
  salt: string; // base64
};

export const KDF_FLOOR = { memoryKiB: 65_536, iterations: 3, parallelism: 1 } as const;

export function newKdfParams(overrides: Partial<Omit<KdfParams, 'algorithm' | 'salt'>> = {}): KdfParams {
  const params: KdfParams = {
    algorithm: 'argon2id',
    memoryKiB: KDF_FLOOR.memoryKiB,
    iterations: KDF_FLOOR.iterations,
    parallelism: KDF_FLOOR.parallelism,
    ...overrides,
    salt: randomBytes(16).toString('base64'),
  };
  assertKdfFloor(params);
  return params;
}

export function assertKdfFloor(params: KdfParams): void {
  const salt = Buffer.from(params.salt ?? '', 'base64');
  if (
    params.algorithm !== 'argon2id' ||
    !(params.memoryKiB >= KDF_FLOOR.memoryKiB) ||
    !(params.iterations >= KDF_FLOOR.iterations) ||
    !(params.parallelism >= KDF_FLOOR.parallelism) ||
    salt.length < 16
  ) {
    throw new StationError('verify', 'station.kdf_below_floor', {
      memoryKiB: params.memoryKiB,
      iterations: params.iterations,
      floorMemoryKiB: KDF_FLOOR.memoryKiB,
      floorIterations: KDF_FLOOR.iterations,
    });
  }
}

export async function deriveKey(passphrase: string, params: KdfParams): Promise<Buffer> {
  assertKdfFloor(params);
  return hashRaw(passphrase.normalize('NFC'), {
    memoryCost: params.memoryKiB,
    timeCost: params.iterations,
    parallelism: params.parallelism,
    outputLen: 32,
    salt: Buffer.from(params.salt, 'base64'),
  });
}

/** The weakest passphrase the station accepts at setup; the UI shows a strength hint above this. */
export const MIN_PASSPHRASE_LENGTH = 12;
