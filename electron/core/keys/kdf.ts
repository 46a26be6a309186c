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
  /** Absent on stations set up before the parameters were bound to the wrapped master key. */
  binding?: typeof KDF_BINDING;
};

export const KDF_FLOOR = { memoryKiB: 65_536, iterations: 3, parallelism: 1 } as const;

/**
 * And a ceiling, checked before anything runs: a header edited to ask for 8 GiB would otherwise
 * grind for minutes (or be killed for memory) and then report a wrong passphrase. 2 GiB and 64
 * passes are far beyond what the station's PCs would ever be set to.
 */
export const KDF_CEILING = { memoryKiB: 2_097_152, iterations: 64, parallelism: 16 } as const;

/** Marks wraps whose AES-GCM associated data includes these parameters (keyring.ts). */
export const KDF_BINDING = 'params-v2';

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
  assertKdfCeiling(params);
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

export function assertKdfCeiling(params: KdfParams): void {
  if (!(params.memoryKiB <= KDF_CEILING.memoryKiB) || !(params.iterations <= KDF_CEILING.iterations) || !(params.parallelism <= KDF_CEILING.parallelism)) {
    throw new StationError('verify', 'station.kdf_above_ceiling', {
      memoryKiB: params.memoryKiB,
      iterations: params.iterations,
      parallelism: params.parallelism,
      ceilingMemoryKiB: KDF_CEILING.memoryKiB,
      ceilingIterations: KDF_CEILING.iterations,
    });
  }
}

/** The parameters as bytes for the master key's associated data: any change fails authentication. */
export function kdfBindingBytes(params: KdfParams): Buffer {
  return Buffer.from(`${params.algorithm};m=${params.memoryKiB};t=${params.iterations};p=${params.parallelism};salt=${params.salt}`, 'utf8');
}

export async function deriveKey(passphrase: string, params: KdfParams): Promise<Buffer> {
  assertKdfFloor(params);
  assertKdfCeiling(params);
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
