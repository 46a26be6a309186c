// The on-disk layout of one vault object (README.md, Architecture: "The vault"):
//
//   header (HEADER_LENGTH bytes)
//     0  magic        8  "EVSTOBJ\0"
//     8  version      1  FORMAT_VERSION
//     9  algorithm    1  ALGORITHM_AES_256_GCM
//    10  reserved     2  zero
//    12  chunk size   4  uint32 BE, plaintext bytes per chunk
//    16  object id   16  the object's UUID as raw bytes
//    32  nonce prefix 7  random per object
//    39  reserved     1  zero
//   chunk 0 … chunk n-1, each ciphertext ‖ 16-byte GCM tag
//
// Chunk i is sealed with nonce = nonce prefix ‖ uint32 BE i ‖ last flag, and the whole header as associated data.
// Every chunk but the last holds exactly `chunk size` plaintext bytes, the last 0…chunk size, and an empty object is
// one empty last chunk. So the file size alone fixes the chunk layout, and:
//   - truncation at a chunk boundary leaves a final chunk that was not sealed as last → its tag fails;
//   - truncation inside a chunk moves the tag → that chunk fails;
//   - reordering chunks changes their counters; splicing in a chunk from another object changes key, prefix and header;
//   - swapping whole files is caught by the object id check before any chunk is read.
import { randomBytes } from 'node:crypto';
import { StationError } from '../errors.ts';

export const MAGIC = Buffer.from('EVSTOBJ\0', 'latin1');
export const FORMAT_VERSION = 1;
export const ALGORITHM_AES_256_GCM = 1;
export const HEADER_LENGTH = 40;
export const TAG_LENGTH = 16;
export const NONCE_LENGTH = 12;
export const NONCE_PREFIX_LENGTH = 7;
export const DEFAULT_CHUNK_SIZE = 1024 * 1024;
/** Bounds what a (possibly corrupt) header can make a reader allocate per chunk. */
export const MAX_CHUNK_SIZE = 16 * 1024 * 1024;
/** The counter is 32 bits wide; a further chunk would reuse a nonce. */
export const MAX_CHUNK_COUNT = 0x1_0000_0000;

export type ObjectHeader = {
  version: number;
  algorithm: number;
  chunkSize: number;
  objectId: string;
  noncePrefix: Buffer;
};

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isObjectId(value: string): boolean {
  return UUID_RE.test(value);
}

export function objectIdToBytes(objectId: string): Buffer {
  if (!UUID_RE.test(objectId)) throw new StationError('input', 'vault.bad_object_id', { objectId });
  return Buffer.from(objectId.replaceAll('-', ''), 'hex');
}

export function bytesToObjectId(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export function assertChunkSize(chunkSize: number): void {
  if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE) {
    throw new StationError('input', 'vault.bad_chunk_size', { chunkSize });
  }
}

export function corrupt(objectId: string, reason: string, extra: Record<string, number> = {}): StationError {
  return new StationError('verify', 'vault.object_corrupt', { objectId, reason, ...extra });
}

/** A header for a new object, with a fresh random nonce prefix. */
export function createHeader(objectId: string, chunkSize: number = DEFAULT_CHUNK_SIZE): ObjectHeader {
  assertChunkSize(chunkSize);
  objectIdToBytes(objectId);
  return {
    version: FORMAT_VERSION,
    algorithm: ALGORITHM_AES_256_GCM,
    chunkSize,
    objectId: objectId.toLowerCase(),
    noncePrefix: randomBytes(NONCE_PREFIX_LENGTH),
  };
}

export function encodeHeader(header: ObjectHeader): Buffer {
  assertChunkSize(header.chunkSize);
  if (header.noncePrefix.length !== NONCE_PREFIX_LENGTH) throw new Error('nonce prefix must be 7 bytes');
  const out = Buffer.alloc(HEADER_LENGTH);
  MAGIC.copy(out, 0);
  out.writeUInt8(header.version, 8);
  out.writeUInt8(header.algorithm, 9);
  out.writeUInt32BE(header.chunkSize, 12);
  objectIdToBytes(header.objectId).copy(out, 16);
  header.noncePrefix.copy(out, 32);
  return out;
}

/**
 * Parses and checks a header. Only its structure is checked here: its integrity is proven by each chunk's tag, which
 * covers every header byte. With `expectedObjectId`, a header naming another object is rejected, which is what
 * catches two objects' files being swapped on disk.
 */
export function decodeHeader(bytes: Uint8Array, expectedObjectId?: string): ObjectHeader {
  const id = expectedObjectId ?? '';
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < HEADER_LENGTH) throw corrupt(id, 'truncated header');
  if (!buf.subarray(0, MAGIC.length).equals(MAGIC)) throw corrupt(id, 'bad magic');
  const version = buf.readUInt8(8);
  if (version !== FORMAT_VERSION) throw corrupt(id, 'unsupported version', { version });
  const algorithm = buf.readUInt8(9);
  if (algorithm !== ALGORITHM_AES_256_GCM) throw corrupt(id, 'unsupported algorithm', { algorithm });
  if (buf.readUInt16BE(10) !== 0 || buf.readUInt8(39) !== 0) throw corrupt(id, 'reserved bytes set');
  const chunkSize = buf.readUInt32BE(12);
  if (chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE) throw corrupt(id, 'bad chunk size', { chunkSize });
  const objectId = bytesToObjectId(buf.subarray(16, 32));
  if (expectedObjectId !== undefined && !objectIdToBytes(expectedObjectId).equals(buf.subarray(16, 32))) {
    throw corrupt(id, 'object id mismatch');
  }
  return {
    version,
    algorithm,
    chunkSize,
    objectId,
    noncePrefix: Buffer.from(buf.subarray(32, 32 + NONCE_PREFIX_LENGTH)),
  };
}

export function chunkNonce(noncePrefix: Buffer, index: number, last: boolean): Buffer {
  const nonce = Buffer.allocUnsafe(NONCE_LENGTH);
  noncePrefix.copy(nonce, 0, 0, NONCE_PREFIX_LENGTH);
  nonce.writeUInt32BE(index, NONCE_PREFIX_LENGTH);
  nonce[NONCE_LENGTH - 1] = last ? 1 : 0;
  return nonce;
}

// ---- layout: everything below is arithmetic on sizes, shared by writer and reader so they cannot disagree ----

export type ObjectLayout = {
  /** plaintext bytes */
  size: number;
  chunkSize: number;
  chunkCount: number;
  fileSize: number;
};

export function chunkCountForSize(size: number, chunkSize: number): number {
  return size === 0 ? 1 : Math.ceil(size / chunkSize);
}

export function fileSizeForPlaintext(size: number, chunkSize: number): number {
  return HEADER_LENGTH + size + chunkCountForSize(size, chunkSize) * TAG_LENGTH;
}

/** Where chunk `index` starts in the file. */
export function chunkOffset(index: number, chunkSize: number): number {
  return HEADER_LENGTH + index * (chunkSize + TAG_LENGTH);
}

/** Plaintext bytes held by chunk `index` of an object of `size` bytes. */
export function chunkPlainLength(index: number, size: number, chunkSize: number): number {
  return Math.max(0, Math.min(chunkSize, size - index * chunkSize));
}

/** The chunks holding plaintext bytes start…endInclusive. */
export function chunksForRange(start: number, endInclusive: number, chunkSize: number): { first: number; last: number } {
  return { first: Math.floor(start / chunkSize), last: Math.floor(endInclusive / chunkSize) };
}

/**
 * The plaintext size an object file of `fileSize` bytes must hold. A size no writer could have produced (a tag cut
 * short) is corruption; a plausible size is then proven or disproven by the tags.
 */
export function plaintextSizeFromFileSize(fileSize: number, chunkSize: number, objectId = ''): number {
  assertChunkSize(chunkSize);
  const body = fileSize - HEADER_LENGTH;
  if (body < TAG_LENGTH) throw corrupt(objectId, 'truncated', { fileSize });
  const sealed = chunkSize + TAG_LENGTH;
  const full = Math.floor(body / sealed);
  const rest = body % sealed;
  if (rest !== 0 && rest < TAG_LENGTH) throw corrupt(objectId, 'truncated', { fileSize });
  const size = rest === 0 ? full * chunkSize : full * chunkSize + rest - TAG_LENGTH;
  if (chunkCountForSize(size, chunkSize) > MAX_CHUNK_COUNT) throw corrupt(objectId, 'too many chunks', { fileSize });
  return size;
}

export function layoutFromFileSize(fileSize: number, chunkSize: number, objectId = ''): ObjectLayout {
  const size = plaintextSizeFromFileSize(fileSize, chunkSize, objectId);
  return { size, chunkSize, chunkCount: chunkCountForSize(size, chunkSize), fileSize };
}
