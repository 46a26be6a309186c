import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { StationError } from '../errors.ts';
import { leafHash, nodeHash } from './entryHash.ts';
import {
  EMPTY_ROOT,
  MerkleAccumulator,
  MerkleTree,
  consistencyProof,
  consistencyProofFromFrontier,
  inclusionProof,
  leavesFromArray,
  leavesFromBuffer,
  merkleRoot,
  verifyConsistency,
  verifyInclusion,
} from './merkle.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const unhex = (s: string): Buffer => Buffer.from(s, 'hex');

// Certificate Transparency reference data (transparency-dev/merkle testonly/constants.go and
// proof/verify_test.go), used as data: leaf inputs, roots for sizes 0..8, and known proofs.
const CT_INPUTS = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(unhex);
const CT_ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
// Leaf numbers are 1-based in the reference data.
const CT_INCLUSION: { leaf: number; size: number; proof: string[] }[] = [
  { leaf: 1, size: 1, proof: [] },
  {
    leaf: 1,
    size: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    leaf: 6,
    size: 8,
    proof: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  { leaf: 3, size: 3, proof: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'] },
  {
    leaf: 2,
    size: 5,
    proof: [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
];
const CT_CONSISTENCY: { size1: number; size2: number; proof: string[] }[] = [
  { size1: 1, size2: 1, proof: [] },
  {
    size1: 1,
    size2: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    size1: 6,
    size2: 8,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  {
    size1: 2,
    size2: 5,
    proof: ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b'],
  },
  {
    size1: 6,
    size2: 7,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
];

const CT_LEAVES = CT_INPUTS.map((d) => leafHash(d));
const ct = leavesFromArray(CT_LEAVES);

// A deliberately naive transcription of RFC 6962 §2.1 (recursive MTH, PATH, SUBPROOF over
// arrays) to cross-check the iterative implementations against.
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}
function refMth(d: Buffer[]): Buffer {
  if (d.length === 0) return crypto.createHash('sha256').digest();
  if (d.length === 1) return d[0] as Buffer;
  const k = split(d.length);
  return nodeHash(refMth(d.slice(0, k)), refMth(d.slice(k)));
}
function refPath(m: number, d: Buffer[]): Buffer[] {
  if (d.length <= 1) return [];
  const k = split(d.length);
  return m < k ? [...refPath(m, d.slice(0, k)), refMth(d.slice(k))] : [...refPath(m - k, d.slice(k)), refMth(d.slice(0, k))];
}
/** Which side each audit-path sibling is on, bottom-up: the only thing verification depends on besides the hashes. */
function refShape(m: number, n: number): string {
  if (n <= 1) return '';
  const k = split(n);
  return m < k ? refShape(m, k) + 'R' : refShape(m - k, n - k) + 'L';
}
function refSubproof(m: number, d: Buffer[], b: boolean): Buffer[] {
  const n = d.length;
  if (m === n) return b ? [] : [refMth(d)];
  const k = split(n);
  return m <= k
    ? [...refSubproof(m, d.slice(0, k), b), refMth(d.slice(k))]
    : [...refSubproof(m - k, d.slice(k), false), refMth(d.slice(0, k))];
}
function refConsistency(m: number, d: Buffer[]): Buffer[] {
  return m === 0 || m === d.length ? [] : refSubproof(m, d, true);
}

function randomLeaves(n: number, seed: string): Buffer[] {
  return Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`${seed}:${i}`)));
}

const flipBit = (proof: Buffer[], i: number, mask = 0x08): Buffer[] =>
  proof.map((p, j) => {
    if (j !== i) return p;
    const q = Buffer.from(p);
    q[0] = (q[0] as number) ^ mask;
    return q;
  });

describe('merkle root', () => {
  it('matches the published CT roots for sizes 0..8', () => {
    const tree = new MerkleTree(ct);
    const acc = new MerkleAccumulator();
    for (let n = 0; n <= 8; n++) {
      expect(hex(merkleRoot(ct, n)), `merkleRoot size ${n}`).toBe(CT_ROOTS[n]);
      expect(hex(tree.root(n)), `MerkleTree size ${n}`).toBe(CT_ROOTS[n]);
      expect(hex(acc.root()), `accumulator size ${n}`).toBe(CT_ROOTS[n]);
      if (n < 8) acc.append(CT_LEAVES[n] as Buffer);
    }
  });

  it('is SHA-256 of the empty string for the empty tree', () => {
    expect(hex(EMPTY_ROOT)).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(hex(merkleRoot(leavesFromArray([])))).toBe(hex(EMPTY_ROOT));
    expect(hex(new MerkleAccumulator().root())).toBe(hex(EMPTY_ROOT));
  });

  it('agrees with the recursive definition for every size up to 130', () => {
    const leaves = randomLeaves(130, 'root');
    const src = leavesFromArray(leaves);
    const tree = new MerkleTree(src);
    for (let n = 0; n <= leaves.length; n++) {
      const want = hex(refMth(leaves.slice(0, n)));
      expect(hex(merkleRoot(src, n))).toBe(want);
      expect(hex(tree.root(n))).toBe(want);
    }
  });

  it('returns copies, never views of the caller\u2019s leaves', () => {
    const leaves = randomLeaves(1, 'copy');
    const root = merkleRoot(leavesFromArray(leaves));
    root[0] = (root[0] as number) ^ 0xff;
    expect(leaves[0]?.equals(root)).toBe(false);
  });

  it('reads leaves from one concatenated buffer', () => {
    const leaves = randomLeaves(37, 'buf');
    expect(hex(merkleRoot(leavesFromBuffer(Buffer.concat(leaves))))).toBe(hex(refMth(leaves)));
    expect(() => leavesFromBuffer(Buffer.alloc(33))).toThrow(StationError);
  });

  it('refuses sizes beyond the source and leaves that are not 32 bytes', () => {
    expect(() => merkleRoot(ct, 9)).toThrow(StationError);
    expect(() => merkleRoot(ct, -1)).toThrow(StationError);
    expect(() => merkleRoot(ct, 2.5)).toThrow(StationError);
    expect(() => merkleRoot(leavesFromArray([Buffer.alloc(31)]))).toThrow(StationError);
  });

  it('handles a million leaves: root in well under a few seconds, three ways alike, fast proofs', () => {
    const n = 1_000_000;
    const src = leavesFromBuffer(crypto.randomBytes(n * 32));
    // Wall-clock limits flake on a busy machine, so the bound is relative to the unavoidable
    // work: n - 1 SHA-256 calls over 65 bytes. On an idle laptop both take about 1.3 s.
    const block = Buffer.alloc(65);
    let t0 = performance.now();
    for (let i = 1; i < n; i++) crypto.hash('sha256', block, 'buffer');
    const hashingOnly = performance.now() - t0;
    t0 = performance.now();
    const root = merkleRoot(src);
    const elapsed = performance.now() - t0;
    expect(elapsed).toBeLessThan(Math.max(4 * hashingOnly, 2000));

    // Level by level, carrying an odd last node up unchanged: a different algorithm that
    // builds the same RFC 6962 tree.
    let level = Buffer.from(src.leaf(0).buffer, src.leaf(0).byteOffset, n * 32);
    for (let count = n; count > 1; ) {
      const pairs = Math.floor(count / 2);
      const next = Buffer.alloc((pairs + (count % 2)) * 32);
      for (let j = 0; j < pairs; j++) nodeHash(level.subarray(64 * j, 64 * j + 32), level.subarray(64 * j + 32, 64 * j + 64)).copy(next, 32 * j);
      if (count % 2 === 1) level.copy(next, 32 * pairs, 32 * (count - 1), 32 * count);
      level = next;
      count = pairs + (count % 2);
    }
    expect(hex(root)).toBe(hex(level));

    const acc = new MerkleAccumulator();
    for (let i = 0; i < n; i++) acc.append(src.leaf(i));
    expect(hex(acc.root())).toBe(hex(root));

    const tree = new MerkleTree(src);
    expect(hex(tree.root())).toBe(hex(root));
    const t1 = performance.now();
    for (const index of [0, 1, 524_287, 524_288, 999_998, 999_999]) {
      expect(verifyInclusion(src.leaf(index), index, n, tree.inclusionProof(index), root)).toBe(true);
    }
    const old = 765_432;
    expect(verifyConsistency(old, n, tree.consistencyProof(old), tree.root(old), root)).toBe(true);
    expect(performance.now() - t1).toBeLessThan(500);
  }, 60_000);
});

describe('inclusion proofs', () => {
  it('reproduces and verifies the CT reference proofs', () => {
    const tree = new MerkleTree(ct);
    for (const v of CT_INCLUSION) {
      const index = v.leaf - 1;
      expect(inclusionProof(ct, index, v.size).map(hex)).toEqual(v.proof);
      expect(tree.inclusionProof(index, v.size).map(hex)).toEqual(v.proof);
      expect(verifyInclusion(CT_LEAVES[index] as Buffer, index, v.size, v.proof.map(unhex), unhex(CT_ROOTS[v.size] as string))).toBe(true);
    }
  });

  it('rejects the CT reference corruptions', () => {
    const some = unhex('abacaba000000000000000000000000000000000000000000060061e00123456');
    for (const v of CT_INCLUSION.filter((x) => x.proof.length > 0)) {
      const index = v.leaf - 1;
      const leaf = CT_LEAVES[index] as Buffer;
      const root = unhex(CT_ROOTS[v.size] as string);
      const proof = v.proof.map(unhex);
      const probes: [string, number, number, Buffer[], Buffer, Buffer][] = [
        ['index - 1', index - 1, v.size, proof, root, leaf],
        ['index + 1', index + 1, v.size, proof, root, leaf],
        ['index ^ 2', index ^ 2, v.size, proof, root, leaf],
        ['size * 2', index, v.size * 2, proof, root, leaf],
        ['size / 2', index, Math.floor(v.size / 2), proof, root, leaf],
        ['wrong leaf', index, v.size, proof, root, Buffer.from('WrongLeaf')],
        ['other leaf', index, v.size, proof, root, leafHash(Buffer.from('x'))],
        ['empty root', index, v.size, proof, EMPTY_ROOT, leaf],
        ['random root', index, v.size, proof, some, leaf],
        ['trailing garbage', index, v.size, [...proof, Buffer.alloc(0)], root, leaf],
        ['trailing root', index, v.size, [...proof, root], root, leaf],
        ['preceding garbage', index, v.size, [Buffer.alloc(0), ...proof], root, leaf],
        ['preceding root', index, v.size, [root, ...proof], root, leaf],
        ['removed component', index, v.size, proof.slice(0, -1), root, leaf],
        ['inserted component', index, v.size, [proof[0] as Buffer, some, ...proof.slice(1)], root, leaf],
        ...proof.map((_, i): [string, number, number, Buffer[], Buffer, Buffer] => [`bit flip ${i}`, index, v.size, flipBit(proof, i), root, leaf]),
      ];
      for (const [desc, i, s, p, r, l] of probes) {
        expect(verifyInclusion(l, i, s, p, r), `leaf ${v.leaf}/${v.size}: ${desc}`).toBe(false);
      }
    }
  });

  it('rejects degenerate inputs without throwing', () => {
    const leaf = CT_LEAVES[0] as Buffer;
    expect(verifyInclusion(leaf, 0, 1, [], leaf)).toBe(true);
    for (const [index, size] of [
      [0, 0],
      [1, 0],
      [1, 1],
      [2, 1],
      [-1, 1],
      [0.5, 1],
      [0, Number.NaN],
    ] as const) {
      expect(verifyInclusion(leaf, index, size, [], leaf), `${index}/${size}`).toBe(false);
    }
    expect(verifyInclusion(Buffer.alloc(0), 0, 1, [], Buffer.alloc(0))).toBe(false);
    expect(verifyInclusion(leaf, 0, 1, [], EMPTY_ROOT)).toBe(false);
    expect(verifyInclusion(leaf, 0, 2, null as unknown as Buffer[], leaf)).toBe(false);
  });

  it('round-trips for every index of every size up to 70, and rejects every tampering', () => {
    const leaves = randomLeaves(70, 'incl');
    const src = leavesFromArray(leaves);
    const tree = new MerkleTree(src);
    for (let size = 1; size <= 70; size++) {
      const root = merkleRoot(src, size);
      for (let index = 0; index < size; index++) {
        const leaf = leaves[index] as Buffer;
        const proof = inclusionProof(src, index, size);
        const where = `${index}/${size}`;
        expect(proof.map(hex), where).toEqual(refPath(index, leaves.slice(0, size)).map(hex));
        expect(tree.inclusionProof(index, size).map(hex), where).toEqual(proof.map(hex));
        expect(verifyInclusion(leaf, index, size, proof, root), where).toBe(true);

        for (let i = 0; i < proof.length; i++) expect(verifyInclusion(leaf, index, size, flipBit(proof, i, 0x80), root), `${where} flip ${i}`).toBe(false);
        if (proof.length > 0) expect(verifyInclusion(leaf, index, size, proof.slice(1), root), `${where} short`).toBe(false);
        expect(verifyInclusion(leaf, index, size, [...proof, leaf], root), `${where} long`).toBe(false);
        for (const other of [index - 1, index + 1, index ^ 1, size - 1 - index]) {
          if (other !== index) expect(verifyInclusion(leaf, other, size, proof, root), `${where} as index ${other}`).toBe(false);
        }
        if (size > 1) expect(verifyInclusion(leaves[(index + 1) % size] as Buffer, index, size, proof, root), `${where} other leaf`).toBe(false);
        // The size is bound only by the signed checkpoint: a verifier told a different size
        // accepts the proof exactly when the audit path has the same shape in both trees.
        for (const other of [size - 1, size + 1, size * 2, Math.floor(size / 2)]) {
          if (other === size || other <= index) continue;
          const same = refShape(index, other) === refShape(index, size);
          expect(verifyInclusion(leaf, index, other, proof, root), `${where} as size ${other}`).toBe(same);
          if (other <= 70) expect(verifyInclusion(leaf, index, other, proof, merkleRoot(src, other)), `${where} vs root ${other}`).toBe(false);
        }
      }
    }
  });

  it('shows why the size must come from the signed checkpoint', () => {
    // Leaf 0 has siblings on the right at both levels in trees of 3 and of 4 leaves.
    const leaves = randomLeaves(3, 'shape');
    const src = leavesFromArray(leaves);
    const proof = inclusionProof(src, 0, 3);
    expect(verifyInclusion(leaves[0] as Buffer, 0, 4, proof, merkleRoot(src, 3))).toBe(true);
    expect(verifyInclusion(leaves[0] as Buffer, 0, 5, proof, merkleRoot(src, 3))).toBe(false);
  });

  it('refuses to build proofs for indices or sizes that do not exist', () => {
    expect(() => inclusionProof(ct, 8, 8)).toThrow(StationError);
    expect(() => inclusionProof(ct, 0, 9)).toThrow(StationError);
    expect(() => inclusionProof(ct, -1, 8)).toThrow(StationError);
    expect(() => new MerkleTree(ct, 4).inclusionProof(0, 5)).toThrow(StationError);
  });
});

describe('consistency proofs', () => {
  it('reproduces and verifies the CT reference proofs, and rejects their corruptions', () => {
    const tree = new MerkleTree(ct);
    const some = unhex('abacaba000000000000000000000000000000000000000000060061e00123456');
    for (const v of CT_CONSISTENCY) {
      const root1 = unhex(CT_ROOTS[v.size1] as string);
      const root2 = unhex(CT_ROOTS[v.size2] as string);
      const proof = v.proof.map(unhex);
      expect(consistencyProof(ct, v.size1, v.size2).map(hex)).toEqual(v.proof);
      expect(tree.consistencyProof(v.size1, v.size2).map(hex)).toEqual(v.proof);
      expect(verifyConsistency(v.size1, v.size2, proof, root1, root2)).toBe(true);
      if (proof.length === 0) continue;
      const probes: [string, number, number, Buffer[], Buffer, Buffer][] = [
        ['size1 - 1', v.size1 - 1, v.size2, proof, root1, root2],
        ['size1 + 1', v.size1 + 1, v.size2, proof, root1, root2],
        ['size1 ^ 2', v.size1 ^ 2, v.size2, proof, root1, root2],
        ['size2 * 2', v.size1, v.size2 * 2, proof, root1, root2],
        ['size2 / 2', v.size1, Math.floor(v.size2 / 2), proof, root1, root2],
        ['wrong root1', v.size1, v.size2, proof, some, root2],
        ['wrong root2', v.size1, v.size2, proof, root1, some],
        ['swapped roots', v.size1, v.size2, proof, root2, root1],
        ['empty proof', v.size1, v.size2, [], root1, root2],
        ['trailing garbage', v.size1, v.size2, [...proof, Buffer.alloc(0)], root1, root2],
        ['trailing root1', v.size1, v.size2, [...proof, root1], root1, root2],
        ['trailing root2', v.size1, v.size2, [...proof, root2], root1, root2],
        ['preceding garbage', v.size1, v.size2, [Buffer.alloc(0), ...proof], root1, root2],
        ['preceding root1', v.size1, v.size2, [root1, ...proof], root1, root2],
        ['preceding root2', v.size1, v.size2, [root2, ...proof], root1, root2],
        ['preceding proof[0]', v.size1, v.size2, [proof[0] as Buffer, ...proof], root1, root2],
        ['truncated', v.size1, v.size2, proof.slice(0, -1), root1, root2],
        ...proof.map((_, i): [string, number, number, Buffer[], Buffer, Buffer] => [`bit flip ${i}`, v.size1, v.size2, flipBit(proof, i, 0x10), root1, root2]),
      ];
      for (const [desc, s1, s2, p, r1, r2] of probes) {
        expect(verifyConsistency(s1, s2, p, r1, r2), `${v.size1}->${v.size2}: ${desc}`).toBe(false);
      }
    }
  });

  it('handles the trivial cases as RFC 9162 does', () => {
    const a = Buffer.alloc(32, 0xaa);
    const b = Buffer.alloc(32, 0xbb);
    expect(verifyConsistency(1, 1, [], b, b)).toBe(true);
    expect(verifyConsistency(1, 1, [], a, b)).toBe(false);
    expect(verifyConsistency(0, 1, [EMPTY_ROOT], EMPTY_ROOT, EMPTY_ROOT)).toBe(false);
    expect(verifyConsistency(1, 1, [EMPTY_ROOT], EMPTY_ROOT, EMPTY_ROOT)).toBe(false);
    expect(verifyConsistency(1, 0, [], a, b)).toBe(false);
    expect(verifyConsistency(2, 1, [], a, b)).toBe(false);
    expect(verifyConsistency(1, 2, [], a, b)).toBe(false);
    expect(verifyConsistency(1, 2, [a], Buffer.alloc(31), b)).toBe(false);
    expect(consistencyProof(ct, 0, 8)).toEqual([]);
    expect(consistencyProof(ct, 5, 5)).toEqual([]);
    expect(() => consistencyProof(ct, 6, 5)).toThrow(StationError);
    expect(() => consistencyProof(ct, 1, 9)).toThrow(StationError);
  });

  it('rejects every proof from the empty tree, as Go sumdb/tlog and the RFC 9162 reference do', () => {
    // An old size of 0 means "no checkpoint"; were it accepted, a caller that lost its last
    // checkpoint would take any tree, forged or not, as consistent with its history.
    const a = Buffer.alloc(32, 0xaa);
    const b = Buffer.alloc(32, 0xbb);
    expect(verifyConsistency(0, 0, [], a, a)).toBe(false);
    expect(verifyConsistency(0, 0, [], EMPTY_ROOT, EMPTY_ROOT)).toBe(false);
    expect(verifyConsistency(0, 1, [], a, b)).toBe(false);
    expect(verifyConsistency(0, 8, [], EMPTY_ROOT, unhex(CT_ROOTS[8] as string))).toBe(false);
    expect(verifyConsistency(0, 8, consistencyProof(ct, 1, 8), EMPTY_ROOT, unhex(CT_ROOTS[8] as string))).toBe(false);
  });

  it('builds the same proofs from the old tree\'s perfect subtrees and the new leaves alone', () => {
    const leaves = randomLeaves(70, 'frontier');
    const src = leavesFromArray(leaves);
    for (let m = 1; m <= 70; m++) {
      const acc = new MerkleAccumulator();
      for (const l of leaves.slice(0, m)) acc.append(l);
      for (let n = m; n <= 70; n++) {
        const proof = consistencyProofFromFrontier(acc, leavesFromArray(leaves.slice(m, n)));
        expect(proof.map(hex), `${m}->${n}`).toEqual(consistencyProof(src, m, n).map(hex));
        if (m < n) expect(verifyConsistency(m, n, proof, acc.root(), merkleRoot(src, n))).toBe(true);
      }
    }
    // A forged old tree (one leaf changed) yields a proof that fails against the signed old root.
    const forged = new MerkleAccumulator();
    for (const [i, l] of leaves.slice(0, 37).entries()) forged.append(i === 5 ? Buffer.alloc(32, 7) : l);
    const proof = consistencyProofFromFrontier(forged, leavesFromArray(leaves.slice(37, 70)));
    expect(verifyConsistency(37, 70, proof, merkleRoot(src, 37), merkleRoot(src, 70))).toBe(false);
  });

  it('round-trips for every pair of sizes up to 70, and rejects every tampering', () => {
    const leaves = randomLeaves(70, 'cons');
    const src = leavesFromArray(leaves);
    const tree = new MerkleTree(src);
    const roots = Array.from({ length: 71 }, (_, n) => merkleRoot(src, n));
    for (let n = 1; n <= 70; n++) {
      for (let m = 1; m <= n; m++) {
        const where = `${m}->${n}`;
        const proof = consistencyProof(src, m, n);
        expect(proof.map(hex), where).toEqual(refConsistency(m, leaves.slice(0, n)).map(hex));
        expect(tree.consistencyProof(m, n).map(hex), where).toEqual(proof.map(hex));
        const r1 = roots[m] as Buffer;
        const r2 = roots[n] as Buffer;
        expect(verifyConsistency(m, n, proof, r1, r2), where).toBe(true);
        if (m === n) continue;
        for (let i = 0; i < proof.length; i++) expect(verifyConsistency(m, n, flipBit(proof, i, 0x01), r1, r2), `${where} flip ${i}`).toBe(false);
        expect(verifyConsistency(m, n, proof.slice(0, -1), r1, r2), `${where} short`).toBe(false);
        expect(verifyConsistency(m, n, [...proof, r2], r1, r2), `${where} long`).toBe(false);
        expect(verifyConsistency(m, n, proof, r2, r1), `${where} swapped`).toBe(false);
        // A history rewritten anywhere before m can no longer be shown to extend the old tree.
        const rewritten = [...leaves.slice(0, n)];
        rewritten[(m * 7 + 3) % m] = leafHash(Buffer.from('forged'));
        const forged = leavesFromArray(rewritten);
        expect(verifyConsistency(m, n, consistencyProof(forged, m, n), r1, merkleRoot(forged, n)), `${where} forged`).toBe(false);
      }
    }
  });
});

describe('MerkleAccumulator', () => {
  it('tracks the root after every append and survives a JSON round trip at every size', () => {
    const leaves = randomLeaves(70, 'acc');
    const src = leavesFromArray(leaves);
    const acc = new MerkleAccumulator();
    for (let n = 0; n <= leaves.length; n++) {
      expect(acc.size).toBe(n);
      expect(hex(acc.root()), `size ${n}`).toBe(hex(merkleRoot(src, n)));
      const restored = MerkleAccumulator.fromJSON(JSON.parse(JSON.stringify(acc)));
      expect(restored.size).toBe(n);
      expect(hex(restored.root())).toBe(hex(acc.root()));
      const fork = acc.clone();
      if (n < leaves.length) {
        acc.append(leaves[n] as Buffer);
        restored.append(leaves[n] as Buffer);
        expect(hex(restored.root())).toBe(hex(acc.root()));
        expect(fork.size).toBe(n);
      }
    }
    // One node per set bit of the size: 70 = 0b1000110.
    expect(acc.toJSON().nodes).toHaveLength(3);
  });

  it('is built from hex leaves exactly as by appending each, and refuses a leaf that is not 64 hex digits', () => {
    const leaves = randomLeaves(70, 'hex');
    const acc = new MerkleAccumulator();
    for (let n = 0; n <= leaves.length; n++) {
      const fromHex = MerkleAccumulator.fromHexLeaves(leaves.slice(0, n).map((l) => l.toString('hex')));
      expect(fromHex.toJSON(), `size ${n}`).toEqual(acc.toJSON());
      // Its nodes are its own: appending to one does not change the other.
      fromHex.append(leaves[0] as Buffer);
      if (n < leaves.length) acc.append(leaves[n] as Buffer);
    }
    const hexes = leaves.map((l) => l.toString('hex'));
    const invalid = (list: unknown[]): unknown => {
      try {
        MerkleAccumulator.fromHexLeaves(list);
      } catch (e) {
        return e instanceof StationError ? { code: e.code, params: e.params } : e;
      }
      return null;
    };
    expect(invalid([...hexes.slice(0, 5), `${'ab'.repeat(10)}zz${'ab'.repeat(21)}`])).toMatchObject({ code: 'ledger.leaf_invalid', params: { index: 5, length: 10 } });
    expect(invalid([...hexes.slice(0, 3), 'ab'.repeat(31)])).toMatchObject({ code: 'ledger.leaf_invalid', params: { index: 3, length: 0 } });
    expect(invalid([hexes[0], 7])).toMatchObject({ code: 'ledger.leaf_invalid', params: { index: 1, length: 0 } });
  });

  it('copies appended leaves so reusing the caller\u2019s buffer cannot change the tree', () => {
    const scratch = Buffer.alloc(32, 1);
    const acc = new MerkleAccumulator();
    acc.append(scratch);
    const before = hex(acc.root());
    scratch.fill(2);
    expect(hex(acc.root())).toBe(before);
  });

  it('refuses leaves that are not 32 bytes', () => {
    const acc = new MerkleAccumulator();
    expect(() => acc.append(Buffer.alloc(31))).toThrow(StationError);
    expect(() => acc.append(undefined as unknown as Buffer)).toThrow(StationError);
    expect(acc.size).toBe(0);
  });

  it.each([
    ['null', null],
    ['negative size', { size: -1, nodes: [] }],
    ['fractional size', { size: 1.5, nodes: [] }],
    ['too few nodes', { size: 3, nodes: ['00'.repeat(32)] }],
    ['too many nodes', { size: 4, nodes: ['00'.repeat(32), '11'.repeat(32)] }],
    ['short node', { size: 1, nodes: ['00'.repeat(31)] }],
    ['uppercase node', { size: 1, nodes: ['AA'.repeat(32)] }],
    ['nodes not an array', { size: 0, nodes: 'x' }],
  ])('fromJSON rejects %s', (_label, state) => {
    expect(() => MerkleAccumulator.fromJSON(state)).toThrow(StationError);
  });
});

describe('MerkleTree', () => {
  it('answers proofs for any size up to the one it was built for', () => {
    const leaves = randomLeaves(33, 'tree');
    const src = leavesFromArray(leaves);
    const tree = new MerkleTree(src, 33);
    expect(tree.size).toBe(33);
    expect(hex(tree.root())).toBe(hex(refMth(leaves)));
    expect(hex(tree.root(0))).toBe(hex(EMPTY_ROOT));
    expect(tree.consistencyProof(0)).toEqual([]);
    expect(() => tree.root(34)).toThrow(StationError);
    expect(() => new MerkleTree(src, 34)).toThrow(StationError);
  });
});
