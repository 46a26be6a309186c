// Recorder files for the ingest tests: real MP4 / JPEG / WAV (tests/fixtures/mediaFixtures.ts) with
// random payloads, so that every file has a distinctive content a test can search the station's
// data folder for (it must never appear there in plaintext).
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildMp4, buildWav, recorderFileName, type Mp4FixtureOptions, type RecorderNameFixtureOptions } from '../fixtures/mediaFixtures.ts';

/** Fills the mdat payload with random bytes; sizes and offsets stay, so the file stays valid. */
export function randomMp4(options: Mp4FixtureOptions = {}): Buffer {
  const buf = buildMp4({ mdatBytes: 64 * 1024, ...options });
  const at = buf.indexOf('mdat', 0, 'latin1');
  const size = buf.readUInt32BE(at - 4);
  const end = size === 1 ? at - 4 + Number(buf.readBigUInt64BE(at + 4)) : size === 0 ? buf.length : at - 4 + size;
  const start = size === 1 ? at + 12 : at + 4;
  randomBytes(end - start).copy(buf, start);
  return buf;
}

export function randomWav(seconds = 1): Buffer {
  const buf = buildWav({ durationSeconds: seconds });
  const at = buf.indexOf('data', 12, 'latin1');
  const size = buf.readUInt32LE(at + 4);
  randomBytes(Math.min(size, buf.length - at - 8)).copy(buf, at + 8);
  return buf;
}

/** A GA/T 947 name for a wall-clock time given as the agency's local time. */
export function nameAt(local: { y: number; mo: number; d: number; h: number; mi: number; s: number }, options: Omit<RecorderNameFixtureOptions, 'localTime'> = {}): string {
  return recorderFileName({ ...options, localTime: new Date(Date.UTC(local.y, local.mo - 1, local.d, local.h, local.mi, local.s)) });
}

/** The Asia/Shanghai wall clock `offsetMs` from now, as nameAt wants it. */
export function shanghaiNow(offsetMs = 0): { y: number; mo: number; d: number; h: number; mi: number; s: number } {
  const d = new Date(Date.now() + 8 * 3_600_000 + offsetMs);
  return { y: d.getUTCFullYear(), mo: d.getUTCMonth() + 1, d: d.getUTCDate(), h: d.getUTCHours(), mi: d.getUTCMinutes(), s: d.getUTCSeconds() };
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Every regular file under dir (the station's data folder), recursively. */
export function allFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isDirectory()) out.push(...allFiles(p));
    else if (st.isFile()) out.push(p);
  }
  return out;
}

/**
 * Windows of a source file that must not be found anywhere in the data folder: 64 bytes from the
 * start, the middle and the end (for small files, the whole file).
 */
export function distinctiveChunks(data: Buffer): Buffer[] {
  if (data.length <= 192) return data.length >= 16 ? [data] : [];
  const w = 64;
  return [data.subarray(0, w), data.subarray(Math.floor(data.length / 2), Math.floor(data.length / 2) + w), data.subarray(data.length - w)];
}

/** Paths of data-folder files containing any of the chunks (should be none). */
export function plaintextFound(dataDir: string, sources: Buffer[]): string[] {
  const chunks = sources.flatMap(distinctiveChunks);
  const hits: string[] = [];
  for (const f of allFiles(dataDir)) {
    const bytes = readFileSync(f);
    if (chunks.some((c) => bytes.indexOf(c) >= 0)) hits.push(f);
  }
  return hits;
}
