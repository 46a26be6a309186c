import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestStation, type TestStation } from '../../../tests/support/testStation.ts';
import { writePackage, type PackageSourceFile } from './writer.ts';
import { verifyPackage } from './verifier.ts';
import { PATHS } from './format.ts';

let t: TestStation;
afterEach(() => t?.cleanup());

async function* bytesOf(b: Buffer) {
  yield b;
}

/** A small real package: two originals in the vault, their ingest entries proven by a signed checkpoint. */
async function makePackage(dir: string) {
  const files: PackageSourceFile[] = [];
  for (const [i, name] of ['1234567_100001_20250101083000_0001.MP4', '异常/../名字\u0007.jpg'].entries()) {
    const data = randomBytes(5000 + i);
    let seq = 0;
    const obj = await t.station.vault.put(bytesOf(data), {
      ledgerEntry: (o) => ({ actor: 'admin', action: 'test.ingested', subject: `object:${o.id}`, details: { sha256: o.sha256, size: o.size } }),
      alsoInTransaction: () => void (seq = t.station.ledger.size + 1),
    });
    files.push({ recordingId: randomUUID(), originalName: name, sha256: obj.sha256, size: obj.size, ingestSeq: seq, recordedAt: null, officer: '100001', recorder: '1234567', open: () => t.station.vault.read(obj.id) });
  }
  const approval = t.station.write(() => t.station.ledger.append({ actor: 'wang', action: 'request.approved', subject: 'request:r1' }));
  const keys = t.station.requireUnlocked();
  const bundle = t.station.write(() => t.station.ledger.proofBundle([...files.map((f) => f.ingestSeq), approval.seq], t.station.verifierKey()));
  await writePackage({
    dir,
    manifest: {
      packageId: randomUUID(),
      kind: 'export',
      createdAt: new Date().toISOString(),
      agency: { code: 'TEST01', name: '测试执法局' },
      station: { origin: t.station.origin, verifierKey: t.station.verifierKey() },
      request: { id: 'r1', kind: 'copy', purpose: '案件办理', requester: 'li', approvers: ['wang'], approvalSeqs: [approval.seq], operator: 'admin', caseNumber: null },
      set: null,
    },
    files,
    proofBundle: bundle,
    extras: [{ path: 'NOTE.html', content: '<p>说明</p>' }],
    readme: 'README\n',
    signer: { key: keys.signingKey, keyName: t.station.origin },
  });
  return files;
}

describe('evidence package', () => {
  it('round trip: verifies offline, passes sha256sum -c, with or without a trusted key', async () => {
    t = await createTestStation();
    const dir = join(t.dir, 'export');
    await makePackage(dir);
    const result = await verifyPackage(dir);
    expect(result).toMatchObject({ ok: true, files: 2, keyTrusted: false });
    expect(await verifyPackage(dir, { trustedVerifierKey: t.station.verifierKey() })).toMatchObject({ ok: true, keyTrusted: true });
    const sums = spawnSync('sha256sum', ['-c', '--strict', PATHS.sums], { cwd: dir, encoding: 'utf8' });
    expect(sums.status, sums.stdout + sums.stderr).toBe(0);
    // Odd original names never become paths: everything stays under FILES/.
    const listed = execFileSync('find', ['.', '-type', 'f'], { cwd: dir, encoding: 'utf8' });
    expect(listed).not.toContain('..');
    expect(listed).not.toContain('\u0007');
  });

  it('one changed byte in a file → fails naming that file', async () => {
    t = await createTestStation();
    const dir = join(t.dir, 'export');
    await makePackage(dir);
    const manifest = JSON.parse(readFileSync(join(dir, PATHS.manifest), 'utf8'));
    const victim = manifest.files[1].path as string;
    const bytes = readFileSync(join(dir, victim));
    bytes[100]! ^= 0xff;
    writeFileSync(join(dir, victim), bytes);
    expect(await verifyPackage(dir)).toEqual({ ok: false, reason: 'hash_mismatch', path: victim });
    expect(spawnSync('sha256sum', ['-c', '--quiet', PATHS.sums], { cwd: dir }).status).not.toBe(0);
  });

  it('a changed manifest → signature failure; a different key → untrusted; an added file → named', async () => {
    t = await createTestStation();
    const dir = join(t.dir, 'export');
    await makePackage(dir);
    const original = readFileSync(join(dir, PATHS.manifest), 'utf8');
    writeFileSync(join(dir, PATHS.manifest), original.replace('案件办理', '私人用途'));
    expect(await verifyPackage(dir)).toMatchObject({ ok: false, reason: 'manifest_signature' });
    writeFileSync(join(dir, PATHS.manifest), original);
    const other = await createTestStation();
    expect(await verifyPackage(dir, { trustedVerifierKey: other.station.verifierKey() })).toMatchObject({ ok: false, reason: 'untrusted_key' });
    other.cleanup();
    appendFileSync(join(dir, 'FILES', 'extra.mp4'), 'x');
    expect(await verifyPackage(dir)).toEqual({ ok: false, reason: 'unexpected_file', path: 'FILES/extra.mp4' });
  });

  it('a file whose ledger entry names another hash is refused even with consistent sums', async () => {
    t = await createTestStation();
    const dir = join(t.dir, 'export');
    await makePackage(dir);
    writeFileSync(join(dir, PATHS.proofs), readFileSync(join(dir, PATHS.proofs), 'utf8').replace(/"sha256": "[0-9a-f]{64}"/, `"sha256": "${'0'.repeat(64)}"`));
    expect(await verifyPackage(dir)).toMatchObject({ ok: false, reason: 'proof_invalid' });
  });
});
