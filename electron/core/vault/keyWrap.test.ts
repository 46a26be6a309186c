import { describe, expect, it } from 'vitest';
import { StationError } from '../errors.ts';
import { KEY_LENGTH, randomKey, unwrapKey, WRAPPED_KEY_LENGTH, wrapKey } from './keyWrap.ts';

const aad = Buffer.from('object:6f1c2a3b-0000-4000-8000-000000000001');

function expectUnwrapFailure(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(StationError);
    expect((e as StationError).toJSON()).toEqual({ code: 'vault.key_unwrap_failed', kind: 'verify', params: {} });
    return;
  }
  throw new Error('expected unwrapKey to fail');
}

describe('randomKey', () => {
  it('makes distinct 32-byte keys', () => {
    const a = randomKey();
    const b = randomKey();
    expect(a.length).toBe(KEY_LENGTH);
    expect(a.equals(b)).toBe(false);
  });
});

describe('wrapKey / unwrapKey', () => {
  it('round-trips and lays out nonce ‖ ciphertext ‖ tag', () => {
    const kek = randomKey();
    const key = randomKey();
    const wrapped = wrapKey(kek, key, aad);
    expect(wrapped.length).toBe(WRAPPED_KEY_LENGTH);
    expect(wrapped.includes(key)).toBe(false);
    expect(unwrapKey(kek, wrapped, aad).equals(key)).toBe(true);
  });

  it('uses a fresh nonce for every wrap', () => {
    const kek = randomKey();
    const key = randomKey();
    const a = wrapKey(kek, key, aad);
    const b = wrapKey(kek, key, aad);
    expect(a.subarray(0, 12).equals(b.subarray(0, 12))).toBe(false);
    expect(a.equals(b)).toBe(false);
  });

  it('wraps keys of other lengths and empty associated data', () => {
    const kek = randomKey();
    const key = Buffer.from('a short secret');
    expect(unwrapKey(kek, wrapKey(kek, key, Buffer.alloc(0)), Buffer.alloc(0)).equals(key)).toBe(true);
  });

  it('fails with the wrong kek', () => {
    const wrapped = wrapKey(randomKey(), randomKey(), aad);
    expectUnwrapFailure(() => unwrapKey(randomKey(), wrapped, aad));
  });

  it('fails with other associated data (a wrapped key moved to another object)', () => {
    const kek = randomKey();
    const wrapped = wrapKey(kek, randomKey(), aad);
    expectUnwrapFailure(() => unwrapKey(kek, wrapped, Buffer.from('object:another')));
  });

  it('fails when any byte is flipped: nonce, ciphertext or tag', () => {
    const kek = randomKey();
    const wrapped = wrapKey(kek, randomKey(), aad);
    for (const at of [0, 11, 12, 30, 43, 44, 59]) {
      const bad = Buffer.from(wrapped);
      bad[at]! ^= 0x01;
      expectUnwrapFailure(() => unwrapKey(kek, bad, aad));
    }
  });

  it('fails on truncated or malformed input instead of throwing something else', () => {
    const kek = randomKey();
    const wrapped = wrapKey(kek, randomKey(), aad);
    expectUnwrapFailure(() => unwrapKey(kek, wrapped.subarray(0, wrapped.length - 1), aad));
    expectUnwrapFailure(() => unwrapKey(kek, wrapped.subarray(0, 27), aad));
    expectUnwrapFailure(() => unwrapKey(kek, Buffer.alloc(0), aad));
    expectUnwrapFailure(() => unwrapKey(Buffer.alloc(16), wrapped, aad));
  });

  it('refuses a kek of the wrong length when wrapping', () => {
    expect(() => wrapKey(Buffer.alloc(16), randomKey(), aad)).toThrow(
      expect.objectContaining({ code: 'vault.bad_key', kind: 'input' }),
    );
  });
});
