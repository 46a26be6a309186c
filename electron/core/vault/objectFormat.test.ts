import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  bytesToObjectId,
  chunkCountForSize,
  chunkNonce,
  chunkOffset,
  chunkPlainLength,
  chunksForRange,
  createHeader,
  decodeHeader,
  DEFAULT_CHUNK_SIZE,
  encodeHeader,
  fileSizeForPlaintext,
  HEADER_LENGTH,
  layoutFromFileSize,
  MAGIC,
  MAX_CHUNK_SIZE,
  objectIdToBytes,
  plaintextSizeFromFileSize,
  TAG_LENGTH,
} from './objectFormat.ts';

const objectId = '6f1c2a3b-9d4e-4f00-8a1b-0123456789ab';

function corruptReason(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a failure');
}

describe('object ids', () => {
  it('converts a UUID to its 16 bytes and back', () => {
    const bytes = objectIdToBytes(objectId);
    expect(bytes.toString('hex')).toBe('6f1c2a3b9d4e4f008a1b0123456789ab');
    expect(bytesToObjectId(bytes)).toBe(objectId);
  });

  it('accepts upper case and answers in lower case', () => {
    expect(bytesToObjectId(objectIdToBytes(objectId.toUpperCase()))).toBe(objectId);
  });

  it('refuses what is not a UUID', () => {
    for (const bad of ['', 'not-a-uuid', objectId.slice(1), `${objectId}0`, objectId.replaceAll('-', '')]) {
      expect(() => objectIdToBytes(bad)).toThrow(expect.objectContaining({ code: 'vault.bad_object_id', kind: 'input' }));
    }
  });
});

describe('header', () => {
  it('encodes to a fixed 40 bytes and decodes back', () => {
    const header = createHeader(objectId, 4096);
    const bytes = encodeHeader(header);
    expect(bytes.length).toBe(HEADER_LENGTH);
    expect(bytes.subarray(0, 8).equals(MAGIC)).toBe(true);
    expect(bytes[8]).toBe(1);
    expect(bytes[9]).toBe(1);
    expect(bytes.readUInt32BE(12)).toBe(4096);
    expect(bytes.subarray(16, 32).equals(objectIdToBytes(objectId))).toBe(true);
    expect(bytes.subarray(32, 39).equals(header.noncePrefix)).toBe(true);
    expect(decodeHeader(bytes, objectId)).toEqual(header);
    expect(decodeHeader(bytes)).toEqual(header);
  });

  it('defaults to 1 MiB chunks and a fresh nonce prefix per object', () => {
    const a = createHeader(objectId);
    const b = createHeader(objectId);
    expect(a.chunkSize).toBe(DEFAULT_CHUNK_SIZE);
    expect(DEFAULT_CHUNK_SIZE).toBe(1048576);
    expect(a.noncePrefix.length).toBe(7);
    expect(a.noncePrefix.equals(b.noncePrefix)).toBe(false);
  });

  it('refuses impossible chunk sizes when creating', () => {
    for (const bad of [0, -1, 1.5, MAX_CHUNK_SIZE + 1, Number.NaN]) {
      expect(() => createHeader(objectId, bad)).toThrow(expect.objectContaining({ code: 'vault.bad_chunk_size' }));
    }
  });

  const tamper = (at: number, value: number): Buffer => {
    const bytes = encodeHeader(createHeader(objectId, 4096));
    bytes[at] = value;
    return bytes;
  };

  it.each([
    ['bad magic', 0, 0x41],
    ['bad magic', 7, 0x01],
    ['unsupported version', 8, 2],
    ['unsupported algorithm', 9, 2],
    ['reserved bytes set', 10, 1],
    ['reserved bytes set', 39, 1],
  ])('rejects %s (byte %i)', (reason, at, value) => {
    const e = corruptReason(() => decodeHeader(tamper(at, value), objectId));
    expect(e).toMatchObject({ kind: 'verify', code: 'vault.object_corrupt', params: { objectId, reason } });
  });

  it('rejects a chunk size of zero or beyond the maximum', () => {
    const bytes = encodeHeader(createHeader(objectId, 4096));
    bytes.writeUInt32BE(0, 12);
    expect(corruptReason(() => decodeHeader(bytes, objectId))).toMatchObject({
      params: { reason: 'bad chunk size', objectId },
    });
    bytes.writeUInt32BE(0xffffffff, 12);
    expect(corruptReason(() => decodeHeader(bytes, objectId))).toMatchObject({ params: { reason: 'bad chunk size' } });
  });

  it('rejects a short header', () => {
    const bytes = encodeHeader(createHeader(objectId));
    expect(corruptReason(() => decodeHeader(bytes.subarray(0, HEADER_LENGTH - 1), objectId))).toMatchObject({
      code: 'vault.object_corrupt',
      params: { reason: 'truncated header' },
    });
  });

  it('rejects a header naming another object', () => {
    const bytes = encodeHeader(createHeader(randomUUID()));
    expect(corruptReason(() => decodeHeader(bytes, objectId))).toMatchObject({
      kind: 'verify',
      code: 'vault.object_corrupt',
      params: { objectId, reason: 'object id mismatch' },
    });
  });
});

describe('chunk nonce', () => {
  it('is prefix ‖ uint32 BE counter ‖ last flag', () => {
    const prefix = Buffer.from('01020304050607', 'hex');
    expect(chunkNonce(prefix, 0, false).toString('hex')).toBe('010203040506070000000000');
    expect(chunkNonce(prefix, 0x01020304, true).toString('hex')).toBe('010203040506070102030401');
    expect(chunkNonce(prefix, 0xffffffff, false).toString('hex')).toBe('01020304050607ffffffff00');
  });
});

describe('layout', () => {
  it('counts one chunk for an empty object and ceil(size/chunk) otherwise', () => {
    expect(chunkCountForSize(0, 16)).toBe(1);
    expect(chunkCountForSize(1, 16)).toBe(1);
    expect(chunkCountForSize(16, 16)).toBe(1);
    expect(chunkCountForSize(17, 16)).toBe(2);
    expect(chunkCountForSize(48, 16)).toBe(3);
  });

  it('maps plaintext size to file size and back for every size around the chunk boundaries', () => {
    for (const chunkSize of [1, 16, 100, DEFAULT_CHUNK_SIZE]) {
      const sizes = [0, 1, 2, chunkSize - 1, chunkSize, chunkSize + 1, 2 * chunkSize, 3 * chunkSize + 7];
      for (const size of sizes.filter((s) => s >= 0)) {
        const fileSize = fileSizeForPlaintext(size, chunkSize);
        expect(fileSize).toBe(HEADER_LENGTH + size + chunkCountForSize(size, chunkSize) * TAG_LENGTH);
        expect(plaintextSizeFromFileSize(fileSize, chunkSize)).toBe(size);
        expect(layoutFromFileSize(fileSize, chunkSize, objectId)).toEqual({
          size,
          chunkSize,
          chunkCount: chunkCountForSize(size, chunkSize),
          fileSize,
        });
      }
    }
  });

  it('rejects file sizes no writer produces', () => {
    const bad = [0, HEADER_LENGTH, HEADER_LENGTH + 15, HEADER_LENGTH + 32 + 1, HEADER_LENGTH + 32 + 15];
    for (const fileSize of bad) {
      expect(corruptReason(() => plaintextSizeFromFileSize(fileSize, 16, objectId))).toMatchObject({
        code: 'vault.object_corrupt',
        params: { objectId, reason: 'truncated' },
      });
    }
  });

  it('places chunks after the header at chunkSize + tag strides', () => {
    expect(chunkOffset(0, 16)).toBe(HEADER_LENGTH);
    expect(chunkOffset(3, 16)).toBe(HEADER_LENGTH + 3 * 32);
  });

  it('tells how much plaintext each chunk holds', () => {
    expect(chunkPlainLength(0, 0, 16)).toBe(0);
    expect(chunkPlainLength(0, 40, 16)).toBe(16);
    expect(chunkPlainLength(2, 40, 16)).toBe(8);
    expect(chunkPlainLength(1, 32, 16)).toBe(16);
  });

  it('finds the chunks a byte range touches', () => {
    expect(chunksForRange(0, 0, 16)).toEqual({ first: 0, last: 0 });
    expect(chunksForRange(15, 16, 16)).toEqual({ first: 0, last: 1 });
    expect(chunksForRange(16, 47, 16)).toEqual({ first: 1, last: 2 });
  });
});
