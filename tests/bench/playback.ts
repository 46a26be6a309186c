// Playback of a large recording (issue 16, target 8): the first byte of a 4 GiB recording ≤ 100 ms, a seek to its
// middle ≤ 100 ms. Measured along the path the desktop player takes: an auditor's `playback.open` through the api
// gives a `station-media://play/<token>` URL; the player's media element asks that URL for `Range: bytes=N-`, which
// Electron's protocol handler answers with playbackResponse → servePlayback → Playback.serve → the vault's range read
// (the chunk that holds N read, decrypted and authenticated before any header goes out). The clock stops when the
// first body chunk reaches the response stream's reader, as it would reach the media element.
//
// The recording is ingested once per run through the station's ingest (hash, encrypt, fsync, read-back verify) from a
// sparse source on the station's disk: its payload is a hole that reads as zeros, so making the source costs nothing,
// while the vault object is a real 4 GiB of ciphertext on disk. Before every timed request the object's page cache is
// dropped (`dd iflag=nocache count=0`, posix_fadvise DONTNEED on that one file), so each start and seek reads from the
// disk as when a viewer opens a recording stored weeks ago. Baseline in the same run: `dd` of the same 1 MiB of the
// object file, its cache dropped the same way.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ApiServer, servePlayback } from '../../electron/api/server.ts';
import { playbackResponse } from '../../electron/main/playbackProtocol.ts';
import { mp4AroundPayload, recorderFileName } from '../fixtures/mediaFixtures.ts';
import { BENCH_ADMIN_PASSWORD, benchStation, volumeSpec, writeRecording } from './recorderSources.ts';
import type { BenchReport, BenchRow } from './report.ts';

const MiB = 2 ** 20;
const GiB = 2 ** 30;
const TARGET_SECONDS = 0.1;

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (s: number) => `${(s * 1000).toFixed(1)} ms`;

/** Drops the kernel's cached pages of one file (clean pages only: the object was fsync'd by the vault). */
function dropCache(path: string): void {
  execFileSync('dd', [`if=${path}`, 'iflag=nocache', 'count=0', 'status=none']);
}

export async function benchPlayback(options: { workDir: string; gib: number; runs: number }): Promise<BenchReport> {
  const title = `Playback of a ${options.gib} GiB recording: first byte and seeks, through the station-media: handler`;
  const rows: BenchRow[] = [];
  const dir = mkdtempSync(join(options.workDir, 'bench-playback-'));
  let server: ApiServer | null = null;
  try {
    const station = await benchStation(join(dir, 'station'));
    server = new ApiServer(station);
    const api = server;
    const admin = server.connect();
    await admin.invoke('auth.login', { username: 'admin', password: BENCH_ADMIN_PASSWORD });
    // An auditor watches without a request (a spot-check with its reason, in the ledger); a viewer with an approval
    // is served by the same code after the same checks.
    await admin.invoke('user.add', { username: 'auditor1', displayName: 'auditor1', roles: ['auditor'], password: 'auditor1-first-password' });
    const auditor = server.connect();
    await auditor.invoke('auth.login', { username: 'auditor1', password: 'auditor1-first-password' });
    await auditor.invoke('auth.changePassword', { oldPassword: 'auditor1-first-password', newPassword: 'auditor1-password' });

    const payload = Math.round(options.gib * GiB);
    const src = join(dir, 'recorder');
    mkdirSync(src);
    writeRecording(join(src, recorderFileName({ deviceSerial: '1888888', sequence: 1 })), payload, 1, { sparse: true });
    const i0 = process.hrtime.bigint();
    const ingested = await station.ingest.ingest(volumeSpec(src, 'bench-playback'), 'keeper');
    const ingestSeconds = seconds(i0);
    const recordingId = ingested.files.find((f) => f.outcome === 'ingested')?.recordingId;
    if (!recordingId) throw new Error(`bench: the playback recording was not ingested: ${JSON.stringify(ingested.session.counts)}`);
    rmSync(src, { recursive: true, force: true });
    const { recording } = await auditor.invoke('recording.get', { id: recordingId });
    const objectPath = station.vault.objectPath(recording.objectId);
    const size = recording.size;
    rows.push({
      name: `setup: one ${options.gib} GiB recording ingested (hash+encrypt, fsync, read-back verify)`,
      seconds: ingestSeconds,
      mibPerSecond: size / MiB / ingestSeconds,
      note: 'sparse source on the station disk (payload reads as zeros); a real ciphertext object in the vault',
    });

    // The object's cache dropped, then the clocks started: the wall clock, and this process's CPU (every thread), which
    // the machine's other work does not inflate — what the station itself spends on an answer.
    type Start = { t0: bigint; cpu0: NodeJS.CpuUsage };
    const dropCacheAndStart = (): Start => {
      dropCache(objectPath);
      return { cpu0: process.cpuUsage(), t0: process.hrtime.bigint() };
    };
    type Timed = { wall: number; cpu: number };
    const session = await auditor.invoke('playback.open', { recordingId, reason: 'benchmark: playback start and seek' });
    const { before, after } = mp4AroundPayload({ mdatBytes: payload, durationSeconds: 600 });
    /** What the recording holds at `offset` (the MP4 head, the zero payload, the moov at the end), to check every answer. */
    const expected = (offset: number, length: number): Buffer => {
      const out = Buffer.alloc(length);
      for (let i = 0; i < length; i++) {
        const at = offset + i;
        if (at < before.length) out[i] = before[at]!;
        else if (at >= before.length + payload) out[i] = after[at - before.length - payload]!;
      }
      return out;
    };
    // One media-element request: `Range: bytes=start-`, timed until its first body chunk is in hand, then cancelled as
    // the player does when it seeks elsewhere.
    const firstChunk = async (start: number, url = session.url, { t0, cpu0 } = dropCacheAndStart()): Promise<Timed> => {
      const res = await playbackResponse((token, range) => servePlayback(api, token, range), {
        url,
        method: 'GET',
        headers: { get: (name: string) => (name.toLowerCase() === 'range' ? `bytes=${start}-` : null) },
      });
      if (res.status !== 206 || !res.body) throw new Error(`bench: playback answered ${res.status} ${res.headers.get('x-station-error') ?? ''}`);
      const reader = res.body.getReader();
      const first = await reader.read();
      const wall = seconds(t0);
      const used = process.cpuUsage(cpu0);
      await reader.cancel();
      if (first.done || first.value.length === 0) throw new Error('bench: playback returned nothing');
      const got = Buffer.from(first.value.buffer, first.value.byteOffset, first.value.byteLength);
      if (!got.equals(expected(start, got.length))) throw new Error(`bench: playback at ${start} returned other bytes than the recording holds`);
      return { wall, cpu: (used.user + used.system) / 1e6 };
    };
    // From the viewer's click: the api's playback.open (checks, a ledger entry committed with fsync) and then the
    // player's first request, as one wait.
    const openAndFirstChunk = async (): Promise<Timed> => {
      const start = dropCacheAndStart();
      const opened = await auditor.invoke('playback.open', { recordingId, reason: 'benchmark: open and first byte' });
      const timed = await firstChunk(0, opened.url, start);
      await auditor.invoke('playback.close', { token: opened.token });
      return timed;
    };
    // The same 1 MiB of the vault object by dd, its cache dropped the same way: reading it from the disk, no more.
    const ddRead = (offset: number): number => {
      dropCache(objectPath);
      const t0 = process.hrtime.bigint();
      execFileSync('dd', [`if=${objectPath}`, 'of=/dev/null', 'bs=1M', 'count=1', `skip=${offset}`, 'iflag=skip_bytes', 'status=none']);
      return seconds(t0);
    };
    // And with no process start in it: open, one 1 MiB pread, close.
    const preadBuffer = Buffer.allocUnsafe(MiB);
    const pread = (offset: number): number => {
      dropCache(objectPath);
      const t0 = process.hrtime.bigint();
      const fd = openSync(objectPath, 'r');
      try {
        readSync(fd, preadBuffer, 0, MiB, offset);
      } finally {
        closeSync(fd);
      }
      return seconds(t0);
    };

    const points: { label: string; at: number }[] = [
      { label: 'first byte', at: 0 },
      { label: 'seek to the middle', at: Math.floor(size / 2) },
      // Recorders write the moov (the index a player needs before the first frame) at the end: a player seeks there
      // right after the first byte.
      { label: 'seek to the last MiB (the moov index recorders write at the end)', at: size - MiB },
    ];
    for (const { label, at } of points) {
      // Interleaved, so a burst of load from the machine's other work falls on both alike.
      const served: Timed[] = [];
      const dd: number[] = [];
      const raw: number[] = [];
      for (let r = 0; r < options.runs; r++) {
        dd.push(ddRead(at));
        raw.push(pread(at));
        served.push(await firstChunk(at));
      }
      const s = median(served.map((x) => x.wall));
      const d = median(dd);
      const p = median(raw);
      rows.push({ name: `playback: ${label}, dd of the same 1 MiB of the object (baseline)`, seconds: d, note: `median of ${options.runs}; open + one 1 MiB pread in-process: ${ms(p)}` });
      rows.push({
        name: `playback: ${label}`,
        seconds: s,
        ratio: { 'vs dd': s / d, 'vs pread': s / p, 'of the 100 ms target': s / TARGET_SECONDS },
        note: `${ms(s)} median of ${options.runs}, worst ${ms(Math.max(...served.map((x) => x.wall)))}, CPU ${ms(median(served.map((x) => x.cpu)))} (median); at byte ${at} of ${(size / GiB).toFixed(2)} GiB; page cache of the object dropped before each`,
      });
    }
    const opens: Timed[] = [];
    for (let r = 0; r < options.runs; r++) opens.push(await openAndFirstChunk());
    const o = median(opens.map((x) => x.wall));
    rows.push({
      name: 'playback: open (api playback.open, ledgered) + first byte',
      seconds: o,
      ratio: { 'of the 100 ms target': o / TARGET_SECONDS },
      note: `${ms(o)} median of ${options.runs}, worst ${ms(Math.max(...opens.map((x) => x.wall)))}, CPU ${ms(median(opens.map((x) => x.cpu)))} (median); from the viewer's click to the first bytes in the player's hands, page cache of the object dropped before each`,
    });
    await auditor.invoke('playback.close', { token: session.token });
    return { title, rows };
  } finally {
    server?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
