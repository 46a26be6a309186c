import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { StationError } from '../errors.ts';
import { canonicalJson } from './canonicalJson.ts';
import { entryBytes, entryLeafHash, entryText, leafHash, leafHashHexOfText, leafHashOfText, nodeHash, validateEntryContent } from './entryHash.ts';
import type { LedgerEntryContent } from './entryHash.ts';

const ZERO = '0'.repeat(64);

const entry: LedgerEntryContent = {
  seq: 1,
  time: '2026-01-05T02:00:00.000Z',
  actor: 'officer.li',
  action: 'item.intake',
  subject: 'item/2026-0001',
  details: { weight: 1.5, location: '证物室 A-3', tags: ['knife', 'sealed'] },
  prev: ZERO,
};

describe('entryBytes', () => {
  it('is the UTF-8 canonical JSON of exactly the seven content fields', () => {
    const expected =
      '{"action":"item.intake","actor":"officer.li","details":{"location":"证物室 A-3","tags":["knife","sealed"],"weight":1.5},' +
      `"prev":"${ZERO}","seq":1,"subject":"item/2026-0001","time":"2026-01-05T02:00:00.000Z"}`;
    expect(entryBytes(entry).toString('utf8')).toBe(expected);
    expect(entryBytes(entry).length).toBe(Buffer.byteLength(expected, 'utf8'));
  });

  it('ignores fields beyond the content, such as a stored leaf hash', () => {
    const decorated = { ...entry, leafHash: 'ab'.repeat(32), rowid: 7 } as LedgerEntryContent;
    expect(entryBytes(decorated).equals(entryBytes(entry))).toBe(true);
  });

  it('does not depend on the order details were built in', () => {
    const reordered = { ...entry, details: { tags: ['knife', 'sealed'], weight: 1.5, location: '证物室 A-3' } };
    expect(entryLeafHash(reordered).equals(entryLeafHash(entry))).toBe(true);
  });

  it('is what entryText writes from canonical details, byte for byte, and leafHashOfText (and its hex) is its leaf hash', () => {
    // The append path and the verifier build the bytes this way; any difference would be a leaf nobody can re-derive.
    const awkward: LedgerEntryContent[] = [
      entry,
      { ...entry, seq: 9_007_199_254_740_991, actor: 'quote " backslash \\ tab \t', subject: '\u0000\u001f\u007f\u2028\u2029', details: {} },
      { ...entry, action: '案号 粤公(2026)123号 😀', subject: 'lone \ud800 surrogate', details: { '10': 1, '9': 2, b: [null, true, -0, 1e21, 0.1], a: { '': '\ud83d' } } },
    ];
    for (const e of awkward) {
      const text = entryText(e, canonicalJson(e.details));
      expect(Buffer.from(text, 'utf8').equals(entryBytes(e))).toBe(true);
      expect(leafHashOfText(text).equals(entryLeafHash(e))).toBe(true);
      expect(leafHashHexOfText(text)).toBe(entryLeafHash(e).toString('hex'));
    }
  });

  it('throws on details canonical JSON cannot hold', () => {
    expect(() => entryBytes({ ...entry, details: { n: NaN } })).toThrow();
    expect(() => entryBytes({ ...entry, details: { u: undefined } })).toThrow();
  });
});

describe('leafHash and nodeHash (RFC 6962 §2.1)', () => {
  it('matches the reference leaf hash of the empty input', () => {
    // Root of the one-leaf CT reference tree, whose leaf is the empty string.
    expect(leafHash(Buffer.alloc(0)).toString('hex')).toBe('6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
  });

  it('matches the reference two-leaf root', () => {
    const l0 = leafHash(Buffer.alloc(0));
    const l1 = leafHash(Buffer.from([0x00]));
    expect(l1.toString('hex')).toBe('96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7');
    expect(nodeHash(l0, l1).toString('hex')).toBe('fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125');
  });

  it('prefixes 0x00 for leaves and 0x01 for nodes', () => {
    const data = Buffer.from('evidence');
    const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest();
    expect(leafHash(data).equals(sha(Buffer.concat([Buffer.from([0]), data])))).toBe(true);
    const l = Buffer.alloc(32, 1);
    const r = Buffer.alloc(32, 2);
    expect(nodeHash(l, r).equals(sha(Buffer.concat([Buffer.from([1]), l, r])))).toBe(true);
    // Domain separation: hashing the same 64 bytes as a leaf gives something else.
    expect(leafHash(Buffer.concat([l, r])).equals(nodeHash(l, r))).toBe(false);
  });

  it('changes when any content field changes', () => {
    const base = entryLeafHash(entry).toString('hex');
    const variants: LedgerEntryContent[] = [
      { ...entry, seq: 2 },
      { ...entry, time: '2026-01-05T02:00:00.001Z' },
      { ...entry, actor: 'officer.wang' },
      { ...entry, action: 'item.release' },
      { ...entry, subject: 'item/2026-0002' },
      { ...entry, details: { ...entry.details, weight: 1.50001 } },
      { ...entry, prev: '1' + ZERO.slice(1) },
    ];
    const hashes = new Set(variants.map((v) => entryLeafHash(v).toString('hex')));
    expect(hashes.size).toBe(variants.length);
    expect(hashes.has(base)).toBe(false);
  });
});

describe('validateEntryContent', () => {
  it('accepts what the station writes', () => {
    expect(() => validateEntryContent(entry)).not.toThrow();
    expect(() => validateEntryContent({ ...entry, time: new Date().toISOString(), seq: 123456 })).not.toThrow();
    expect(() => validateEntryContent({ ...entry, time: '2026-01-05T02:00:00Z', details: {} })).not.toThrow();
  });

  it.each([
    ['entry', null],
    ['entry', []],
    ['seq', { ...entry, seq: 0 }],
    ['seq', { ...entry, seq: 1.5 }],
    ['seq', { ...entry, seq: '1' }],
    ['time', { ...entry, time: '2026-01-05T10:00:00+08:00' }],
    ['time', { ...entry, time: '2026-01-05 02:00:00' }],
    ['time', { ...entry, time: '2026-13-45T02:00:00Z' }],
    ['actor', { ...entry, actor: 7 }],
    ['subject', { ...entry, subject: undefined }],
    ['details', { ...entry, details: [] }],
    ['details', { ...entry, details: null }],
    ['details', { ...entry, details: { bad: NaN } }],
    ['prev', { ...entry, prev: ZERO.toUpperCase().replace(/0/g, 'A') }],
    ['prev', { ...entry, prev: '00' }],
  ])('rejects a bad %s', (field, value) => {
    try {
      validateEntryContent(value);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(StationError);
      expect((e as StationError).code).toBe('ledger.entry_invalid');
      expect((e as StationError).params.field).toBe(field);
    }
  });
});
