import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { rawPublicKey, signCheckpoint, verifierKey } from '../ledger/checkpoint.ts';
import { entryBytes, entryLeafHash, type LedgerEntryContent } from '../ledger/entryHash.ts';
import { MerkleTree, leavesFromArray } from '../ledger/merkle.ts';
import { cosign, cosignerVerifierKey, splitNote } from './cosignature.ts';
import { formatTlogProof, parsePolicy, parseTlogProof, verifyTlogProof } from './proof.ts';

const logKey = crypto.generateKeyPairSync('ed25519').privateKey;
const origin = 'evidence-station/ZY01/test';
const w1 = crypto.generateKeyPairSync('ed25519').privateKey;
const w2 = crypto.generateKeyPairSync('ed25519').privateKey;
const entries: LedgerEntryContent[] = [];
for (let seq = 1, prev = '0'.repeat(64); seq <= 7; seq++) {
  const e = { seq, time: `2026-12-0${seq}T00:00:00.000Z`, actor: 'keeper', action: 'recording.ingested', subject: `recording:${seq}`, details: { n: seq }, prev };
  entries.push(e);
  prev = entryLeafHash(e).toString('hex');
}
const tree = new MerkleTree(leavesFromArray(entries.map(entryLeafHash)));
const note = signCheckpoint({ origin, size: 7, root: tree.root() }, logKey, origin);
const body = (splitNote(note) as { body: string }).body;
const cosigned = note + cosign(body, 1_800_000_000, w1, 'w1.example/w');
const proof = formatTlogProof({ extra: entryBytes(entries[3] as LedgerEntryContent), index: 3, inclusion: tree.inclusionProof(3), checkpoint: cosigned });
const policyText = (quorum: string) =>
  `log ${verifierKey(origin, rawPublicKey(logKey))}\n  # witnesses\nwitness one ${cosignerVerifierKey('w1.example/w', rawPublicKey(w1))}\nwitness two\t${cosignerVerifierKey('w2.example/w', rawPublicKey(w2))}\n${quorum === 'any-of' ? 'group any-of any one two\n' : quorum === 'both' ? 'group both all one two\n' : ''}quorum ${quorum}\n`;

describe('tlog-proof and tlog-policy', () => {
  it('formats the header, extra, index and inclusion lines, and parses them back', () => {
    expect(proof.startsWith('c2sp.org/tlog-proof@v1\nextra ')).toBe(true);
    expect(parseTlogProof(proof)).toMatchObject({ index: 3, checkpoint: cosigned });
  });

  it('verifies the entry from extra, and reports cosigners and quorum per policy', () => {
    expect(verifyTlogProof(proof, parsePolicy(policyText('any-of')))).toMatchObject({ origin, size: 7, index: 3, cosigners: ['one'], quorumMet: true, entry: { seq: 4 } });
    expect(verifyTlogProof(proof, parsePolicy(policyText('both'))).quorumMet).toBe(false);
    expect(verifyTlogProof(proof, parsePolicy(policyText('none'))).quorumMet).toBe(true);
  });

  it('refuses a proof of another index, an edited entry, or a log not in the policy', () => {
    const policy = parsePolicy(policyText('one'));
    expect(() => verifyTlogProof(proof.replace('index 3', 'index 4'), policy)).toThrow(/proof_invalid/);
    const edited = formatTlogProof({ extra: entryBytes({ ...(entries[3] as LedgerEntryContent), actor: 'someone' }), index: 3, inclusion: tree.inclusionProof(3), checkpoint: cosigned });
    expect(() => verifyTlogProof(edited, policy)).toThrow(/proof_invalid/);
    expect(() => verifyTlogProof(proof, parsePolicy(policyText('one').replace(/^log .*$/m, '')))).toThrow(/unknown_log/);
  });

  it.each([
    ['no quorum line', 'witness one x\n'],
    ['unknown quorum name', 'quorum nobody\n'],
    ['threshold above members', `witness one ${cosignerVerifierKey('w1.example/w', rawPublicKey(w1))}\ngroup g 2 one\nquorum g\n`],
    ['member listed twice', `witness one ${cosignerVerifierKey('w1.example/w', rawPublicKey(w1))}\ngroup g any one one\nquorum g\n`],
    ['a log key as witness key', `witness one ${verifierKey(origin, rawPublicKey(logKey))}\nquorum one\n`],
    ['two quorum lines', 'quorum none\nquorum none\n'],
  ])('refuses a policy with %s', (_, text) => {
    expect(() => parsePolicy(text)).toThrow(/policy_invalid/);
  });
});
