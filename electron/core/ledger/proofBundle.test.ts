import crypto from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { rawPublicKey, signCheckpoint, verifierKey } from './checkpoint.ts';
import { entryLeafHash } from './entryHash.ts';
import type { LedgerEntryContent } from './entryHash.ts';
import { MerkleTree, leavesFromArray } from './merkle.ts';
import { makeProofBundle, verifyProofBundle } from './proofBundle.ts';
import type { ProofBundle } from './proofBundle.ts';

const KEY_NAME = 'evidence-station.local/ledger';
const station = crypto.generateKeyPairSync('ed25519');
const STATION_PUB = rawPublicKey(station.publicKey);

/** A small hash-chained ledger, as the lead's table would hold it. */
function makeLedger(n: number, tweak?: (e: LedgerEntryContent) => void): LedgerEntryContent[] {
  const entries: LedgerEntryContent[] = [];
  let prev = '0'.repeat(64);
  for (let seq = 1; seq <= n; seq++) {
    const e: LedgerEntryContent = {
      seq,
      time: new Date(Date.UTC(2026, 0, 5, 2, 0, seq)).toISOString(),
      actor: seq % 2 ? 'officer.li' : 'officer.wang',
      action: seq === 1 ? 'station.init' : 'item.move',
      subject: `item/2026-${String(seq).padStart(4, '0')}`,
      details: { from: `shelf ${seq}`, to: `shelf ${seq + 1}`, note: '封存完好' },
      prev,
    };
    tweak?.(e);
    entries.push(e);
    prev = entryLeafHash(e).toString('hex');
  }
  return entries;
}

function bundleFor(
  entries: LedgerEntryContent[],
  seqs: number[],
  opts: { size?: number; key?: KeyObject; keyName?: string } = {},
): ProofBundle {
  const size = opts.size ?? entries.length;
  const key = opts.key ?? station.privateKey;
  const keyName = opts.keyName ?? KEY_NAME;
  const tree = new MerkleTree(leavesFromArray(entries.map(entryLeafHash)), entries.length);
  const note = signCheckpoint({ origin: KEY_NAME, size, root: tree.root(size) }, key, keyName);
  const vkey = verifierKey(keyName, rawPublicKey(key));
  return makeProofBundle(
    note,
    vkey,
    seqs.map((seq) => ({ entry: entries[seq - 1] as LedgerEntryContent, proof: tree.inclusionProof(seq - 1, size) })),
  );
}

const clone = (b: ProofBundle): ProofBundle => JSON.parse(JSON.stringify(b)) as ProofBundle;

const ledger = makeLedger(21);
const good = bundleFor(ledger, [1, 2, 7, 20, 21]);

describe('verifyProofBundle', () => {
  it('accepts a bundle, also after a trip through JSON, and reports what the checkpoint says', () => {
    const result = verifyProofBundle(clone(good));
    expect(result).toEqual({
      ok: true,
      origin: KEY_NAME,
      size: 21,
      root: new MerkleTree(leavesFromArray(ledger.map(entryLeafHash))).root().toString('hex'),
      keyName: KEY_NAME,
      keyTrusted: false,
    });
  });

  it('says whether the key was the caller\u2019s or only the bundle\u2019s own', () => {
    expect(verifyProofBundle(good, { publicKey: STATION_PUB })).toMatchObject({ ok: true, keyTrusted: true });
    const other = rawPublicKey(crypto.generateKeyPairSync('ed25519').publicKey);
    expect(verifyProofBundle(good, { publicKey: other })).toEqual({ ok: false, reason: 'verifier_key_mismatch' });
  });

  it('catches a bundle re-signed by someone else only when the station key is supplied', () => {
    const impostor = crypto.generateKeyPairSync('ed25519').privateKey;
    const forged = bundleFor(makeLedger(21, (e) => (e.actor = 'nobody')), [3], { key: impostor });
    expect(verifyProofBundle(forged)).toMatchObject({ ok: true, keyTrusted: false });
    expect(verifyProofBundle(forged, { publicKey: STATION_PUB })).toEqual({ ok: false, reason: 'verifier_key_mismatch' });
  });

  it('accepts a bundle with only a checkpoint, and entries in any order', () => {
    expect(verifyProofBundle({ ...clone(good), entries: [] })).toMatchObject({ ok: true });
    const reversed = clone(good);
    reversed.entries.reverse();
    expect(verifyProofBundle(reversed)).toMatchObject({ ok: true });
  });

  it('proves entries against an older checkpoint', () => {
    const older = bundleFor(ledger, [1, 5, 13], { size: 13 });
    expect(verifyProofBundle(older, { publicKey: STATION_PUB })).toMatchObject({ ok: true, size: 13 });
  });

  it('detects an edited entry', () => {
    const b = clone(good);
    (b.entries[2] as { entry: LedgerEntryContent }).entry.details.to = 'home';
    expect(verifyProofBundle(b)).toEqual({ ok: false, reason: 'leaf_hash_mismatch', seq: 7 });
  });

  it('detects an edited entry whose stated leaf hash was updated to match', () => {
    const b = clone(good);
    const item = b.entries[2] as ProofBundle['entries'][number];
    item.entry.actor = 'officer.zhao';
    item.leafHash = entryLeafHash(item.entry).toString('hex');
    expect(verifyProofBundle(b)).toEqual({ ok: false, reason: 'inclusion_failed', seq: 7 });
  });

  it('detects a tampered, shortened, lengthened or garbled proof', () => {
    const flip = clone(good);
    const p = (flip.entries[1] as ProofBundle['entries'][number]).proof;
    p[0] = ((parseInt((p[0] as string)[0] as string, 16) ^ 1).toString(16) + (p[0] as string).slice(1)) as string;
    expect(verifyProofBundle(flip)).toEqual({ ok: false, reason: 'inclusion_failed', seq: 2 });

    const short = clone(good);
    (short.entries[1] as ProofBundle['entries'][number]).proof.pop();
    expect(verifyProofBundle(short)).toEqual({ ok: false, reason: 'inclusion_failed', seq: 2 });

    const long = clone(good);
    (long.entries[1] as ProofBundle['entries'][number]).proof.push('00'.repeat(32));
    expect(verifyProofBundle(long)).toEqual({ ok: false, reason: 'inclusion_failed', seq: 2 });

    for (const garbage of ['zz'.repeat(32), 'AB'.repeat(32), '00'.repeat(31), 42]) {
      const g = clone(good);
      (g.entries[1] as { proof: unknown[] }).proof[0] = garbage;
      expect(verifyProofBundle(g)).toEqual({ ok: false, reason: 'proof_malformed', seq: 2 });
    }
  });

  it('detects an entry presented under another sequence number', () => {
    const b = clone(good);
    (b.entries[2] as ProofBundle['entries'][number]).seq = 8;
    expect(verifyProofBundle(b)).toEqual({ ok: false, reason: 'seq_mismatch', seq: 8 });

    // Renumbering the entry itself changes its hash; fixing the hash still fails the proof.
    const c = clone(good);
    const item = c.entries[2] as ProofBundle['entries'][number];
    item.seq = 8;
    item.entry.seq = 8;
    item.leafHash = entryLeafHash(item.entry).toString('hex');
    expect(verifyProofBundle(c)).toEqual({ ok: false, reason: 'inclusion_failed', seq: 8 });
  });

  it('detects an entry the checkpoint does not cover', () => {
    const b = clone(bundleFor(ledger, [5], { size: 13 }));
    const late = bundleFor(ledger, [20]).entries[0] as ProofBundle['entries'][number];
    b.entries.push(late);
    expect(verifyProofBundle(b)).toEqual({ ok: false, reason: 'entry_beyond_checkpoint', seq: 20 });
  });

  it('detects a tampered checkpoint or a swapped verifier key', () => {
    const b = clone(good);
    b.checkpoint = b.checkpoint.replace('\n21\n', '\n22\n');
    expect(verifyProofBundle(b)).toEqual({ ok: false, reason: 'checkpoint_invalid', detail: 'bad_signature' });

    const c = clone(good);
    c.verifierKey = verifierKey(KEY_NAME, rawPublicKey(crypto.generateKeyPairSync('ed25519').publicKey));
    expect(verifyProofBundle(c)).toEqual({ ok: false, reason: 'checkpoint_invalid', detail: 'unknown_key' });

    const d = clone(good);
    d.verifierKey = d.verifierKey.replace(/\+[0-9a-f]{8}\+/, '+00000000+');
    expect(verifyProofBundle(d)).toEqual({ ok: false, reason: 'verifier_key_invalid', detail: 'key_id_mismatch' });

    const e = clone(good);
    e.checkpoint = e.checkpoint.split('\n\n')[0] + '\n';
    expect(verifyProofBundle(e)).toMatchObject({ ok: false, reason: 'checkpoint_invalid' });
  });

  it('checks the hash chain between consecutive entries it carries', () => {
    // A station bug that wrote a wrong prev is still "in the log"; the chain check catches it.
    const buggy = makeLedger(8, (e) => {
      if (e.seq === 5) e.prev = 'ab'.repeat(32);
    });
    expect(verifyProofBundle(bundleFor(buggy, [5]))).toMatchObject({ ok: true });
    expect(verifyProofBundle(bundleFor(buggy, [4, 5]))).toEqual({ ok: false, reason: 'chain_broken', seq: 5 });
    const badGenesis = makeLedger(3, (e) => {
      if (e.seq === 1) e.prev = '11'.repeat(32);
    });
    expect(verifyProofBundle(bundleFor(badGenesis, [1]))).toEqual({ ok: false, reason: 'chain_broken', seq: 1 });
  });

  it('rejects malformed content with the field named', () => {
    const b = clone(good);
    (b.entries[0] as ProofBundle['entries'][number]).entry.time = 'yesterday';
    expect(verifyProofBundle(b)).toEqual({ ok: false, reason: 'entry_invalid', seq: 1, detail: 'time' });
    const c = clone(good);
    (c.entries[0] as { entry: unknown }).entry = null;
    expect(verifyProofBundle(c)).toEqual({ ok: false, reason: 'entry_invalid', seq: 1, detail: 'entry' });
  });

  it.each([
    ['null', null],
    ['an array', []],
    ['a string', 'bundle'],
    ['no checkpoint', { verifierKey: 'x', entries: [] }],
    ['entries not an array', { checkpoint: 'x', verifierKey: 'y', entries: {} }],
  ])('rejects %s as a malformed bundle', (_label, value) => {
    expect(verifyProofBundle(value)).toEqual({ ok: false, reason: 'malformed_bundle' });
  });

  it('reports malformed entries', () => {
    for (const item of [null, 5, { seq: '1' }, { seq: 1.5 }]) {
      expect(verifyProofBundle({ ...clone(good), entries: [item] })).toEqual({ ok: false, reason: 'entry_malformed' });
    }
  });

  it('never throws, even on hostile objects', () => {
    const hostile = {
      checkpoint: good.checkpoint,
      verifierKey: good.verifierKey,
      get entries(): never {
        throw new Error('boom');
      },
    };
    expect(verifyProofBundle(hostile)).toEqual({ ok: false, reason: 'malformed_bundle' });
  });
});
