// Replica benchmark (issue 12) against a real single-node Ceph RGW started here
// (tests/support/ceph.ts): the station's replication (multipart with Content-MD5, per-part journal,
// HeadObject check, retention applied and read back, ledger) against a plain multipart upload of
// the same bytes to the same RGW in the same run — the path the AWS CLI takes (8 MiB parts, 4 in
// flight) — with the station sending the same 4 parts in flight; and one part at a time, both.
// Then ingest started while a replication is mid-upload (parts already sent, more in flight) vs
// ingest alone, same number and size of recordings, in the same run: the replica drops its parts
// in flight the moment the session starts and sends nothing until it ends, so the dock keeps its
// speed. Targets: ≥ 0.8 and ≥ 0.9.
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type {
  S3Client} from '@aws-sdk/client-s3';
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  PutObjectLockConfigurationCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { Station } from '../../electron/core/station.ts';
import { type RunResult } from '../../electron/core/replica/service.ts';
import { CephCluster, TEST_ACCESS_KEY, TEST_SECRET_KEY, cephUnavailable } from '../support/ceph.ts';
import { recorderFileName } from '../fixtures/mediaFixtures.ts';
import type { BenchReport, BenchRow } from './report.ts';
import { benchStation, volumeSpec, writeRecording } from './recorderSources.ts';

const MiB = 2 ** 20;
const PART = 8 * MiB;

const seconds = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;

/** A plain multipart upload of a file, `parallel` parts in flight, Content-MD5 per part as the CLI sends. */
async function plainUpload(s3: S3Client, bucket: string, key: string, path: string, parallel: number): Promise<void> {
  const size = statSync(path).size;
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
  const count = Math.ceil(size / PART);
  const etags: string[] = new Array(count);
  const fd = openSync(path, 'r');
  try {
    let next = 0;
    const worker = async () => {
      while (next < count) {
        const n = next++;
        const len = Math.min(PART, size - n * PART);
        const buf = Buffer.allocUnsafe(len);
        readSync(fd, buf, 0, len, n * PART);
        const r = await s3.send(
          new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: n + 1, Body: buf, ContentLength: len, ContentMD5: createHash('md5').update(buf).digest('base64') }),
        );
        etags[n] = r.ETag!;
      }
    };
    await Promise.all(Array.from({ length: parallel }, worker));
  } finally {
    closeSync(fd);
  }
  await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId, MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) } }));
}

export async function benchReplica(options: { workDir: string; fileBytes: number }): Promise<BenchReport> {
  const title = 'Replica: vault → Ceph RGW (S3 Object Lock), vs a plain multipart upload of the same bytes';
  const why = cephUnavailable();
  if (why) return { title, rows: [{ name: 'skipped', seconds: 0, note: why }] };
  const rows: BenchRow[] = [];
  const dir = mkdtempSync(join(options.workDir, 'bench-replica-'));
  const bytes = Math.max(16 * MiB, Math.min(options.fileBytes, 2 * 1024 * MiB));
  let ceph: CephCluster | null = null;
  let s3: S3Client | null = null;
  let station: Station | null = null;
  try {
    ceph = await CephCluster.start();
    s3 = ceph.adminClient();
    await s3.send(new CreateBucketCommand({ Bucket: 'bench', ObjectLockEnabledForBucket: true }));
    await s3.send(new PutObjectLockConfigurationCommand({ Bucket: 'bench', ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 1 } } } }));
    await s3.send(new CreateBucketCommand({ Bucket: 'plain' }));

    station = await benchStation(join(dir, 'station'));
    const ingest = station.ingest;
    let batch = 0;
    const ingestFolder = async (count: number, each: number, beforeIngest?: () => Promise<void>) => {
      const root = join(dir, `src-${++batch}`);
      mkdirSync(root);
      for (let i = 0; i < count; i++) writeRecording(join(root, recorderFileName({ deviceSerial: '1234567', sequence: batch * 100 + i, localTime: new Date(Date.UTC(2026, 10, 1, 8, batch, i)) })), each, batch * 100 + i);
      await beforeIngest?.();
      const t0 = process.hrtime.bigint();
      const r = await ingest.ingest(volumeSpec(root, `bench-${batch}`), 'keeper');
      const s = seconds(t0);
      if (r.session.counts.ingested !== count) throw new Error(`bench ingest incomplete: ${JSON.stringify(r.session.counts)}`);
      rmSync(root, { recursive: true, force: true });
      return s;
    };

    // 1. One recording of `bytes`, replicated; then the same ciphertext uploaded plainly.
    await ingestFolder(1, bytes);
    const replica = station.replica;
    await replica.configure('admin', { endpoint: ceph.endpoint, bucket: 'bench', accessKeyId: TEST_ACCESS_KEY, secret: TEST_SECRET_KEY, partSizeMiB: 8 });
    // The self-test of the process start is not part of a transfer.
    await replica.selfTest('admin');
    const objectId = (station.db.prepare('SELECT id FROM vault_objects LIMIT 1').get() as { id: string }).id;
    const path = station.vault.objectPath(objectId);
    const size = statSync(path).size;
    const mbps = (s: number) => size / MiB / s;
    // Each way once at 1 part in flight and once at 4, alternating station and plain so that the
    // gateway's state (pools growing, caches) favours neither.
    for (const parallel of [4, 1]) {
      replica.setOptions('admin', { parallelParts: parallel });
      let t0 = process.hrtime.bigint();
      await plainUpload(s3, 'plain', `p${parallel}`, path, parallel);
      const plain = seconds(t0);
      if (parallel === 1) {
        // The same object again: the queue row goes back to queued, as after an audit finding.
        station.write(() => station!.db.prepare("UPDATE replica_queue SET state = 'queued', upload_id = NULL WHERE object_id = ?").run(objectId));
      }
      t0 = process.hrtime.bigint();
      const run = await replica.run({ actor: 'admin', ignoreBackoff: true });
      const rep = seconds(t0);
      if (run.stored !== 1) throw new Error(`bench replication incomplete: ${JSON.stringify(run)}`);
      rows.push({ name: `plain multipart upload, 8 MiB parts, ${parallel} in flight${parallel === 4 ? ' (AWS CLI-like)' : ''}`, seconds: plain, mibPerSecond: mbps(plain) });
      rows.push({
        name: `station replica run, ${parallel} in flight (Content-MD5 parts, journal, HeadObject, retention applied + read back, ledger, catalogue snapshot)`,
        seconds: rep,
        mibPerSecond: mbps(rep),
        ratio: { [`of plain ${parallel} in flight`]: plain / rep },
        note: `${(size / MiB).toFixed(0)} MiB; target ≥ 0.8`,
      });
    }

    // 2. Ingest alone, then ingest started while a replication is mid-upload (a part already sent,
    // others in flight): the replica drops the parts in flight and waits, then resumes after.
    replica.setOptions('admin', { parallelParts: 2 });
    const each = Math.max(8 * MiB, Math.floor(bytes / 4));
    // Each measured ingest starts from a quiet Ceph (on these same cores), so that none pays for
    // the OSD still flushing what the step before it sent.
    const settled: number[] = [await ceph.settle()];
    const alone = await ingestFolder(4, each);
    await ingestFolder(1, bytes);
    settled.push(await ceph.settle());
    let background: Promise<RunResult> | null = null;
    const sentParts = () => (station!.db.prepare('SELECT count(*) AS n FROM replica_sent').get() as { n: number }).n;
    const sentBefore = sentParts();
    const beside = await ingestFolder(4, each, async () => {
      let settled = false;
      background = replica.run({ actor: 'admin', ignoreBackoff: true }).finally(() => (settled = true));
      // Mid-upload, not merely started: otherwise the row would measure ingest beside an idle queue.
      while (sentParts() === sentBefore && !settled) await new Promise((r) => setTimeout(r, 20));
    });
    const after = await background!;
    // The ingest may begin between two parts (an object being completed, its retention read back): the replication then
    // drops nothing but still waits for the ingest — the same situation. Only a replication that never gave way to the
    // ingest would not be what this row measures.
    if (after.partsYielded < 1 && after.waitedForIngestSeconds === 0) throw new Error(`bench: the replication never gave way to the ingest: ${JSON.stringify(after)}`);
    // Alone once more after it: the machine is shared, so "alone" is the mean of before and after.
    settled.push(await ceph.settle());
    const aloneAgain = await ingestFolder(4, each);
    const aloneMean = (alone + aloneAgain) / 2;
    rows.push({ name: 'ingest alone (mean of a run before and one after)', seconds: aloneMean, mibPerSecond: (4 * each) / MiB / aloneMean, note: `${alone.toFixed(2)} s and ${aloneAgain.toFixed(2)} s; Ceph settled ${settled.map((ms) => (ms / 1000).toFixed(0)).join(', ')} s before the three ingests` });
    rows.push({
      name: 'ingest started while a replication is mid-upload (parts in flight dropped, none sent until it ends)',
      seconds: beside,
      mibPerSecond: (4 * each) / MiB / beside,
      ratio: { 'of ingest alone': aloneMean / beside },
      note: `target ≥ 0.9; ${after.partsYielded} part(s) in flight dropped${after.partsYielded === 0 ? ' (it began between two parts)' : ''}, the replication waited ${after.waitedForIngestSeconds.toFixed(1)} s, then stored ${after.stored}`,
    });
    return { title, rows };
  } finally {
    station?.close();
    s3?.destroy();
    await ceph?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
