// Burn jobs (issue 6): an approved burn request becomes a set of self-contained discs (or folders
// on a removable drive), each staged from the vault into a private folder, written by a platform
// writer, read back from the medium and verified, and only then recorded as burned. The rules:
// evidence footage burned and attached to the paper case file (004_5e30f22f36db076d.txt 第十八条),
// disputed or major recordings kept long-term on discs or removable media (003_7f4f373c13ea7ee8.txt
// 第十七条), with the written note of 002_79771f0fef6d4575.txt 第二十三条 on every disc, and every
// burned medium in the 004 第二十条 register (ledger action disc.burned).
import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, stat, statfs } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { StationError, fromSystemError, isStationError, type ErrorParams } from '../errors.ts';
import type { WritableDB } from '../db/database.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { StationPaths } from '../paths.ts';
import type { User } from '../access/users.ts';
import type { AccessRequest, Requests } from '../access/requests.ts';
import { MEDIA_PROFILES, MEDIA_IDS, type MediaId } from './profiles.ts';
import { cleanVolumeLabel, planDiscs, usableBytes, volumeIdFor } from './plan.ts';
import type { BurnTarget, DiscPorts, DiscWriter, MediumReader, OpticalDrive, WrittenMedium } from './ports.ts';
import { JobStore, targetValue, type BurnDisc, type BurnJob, type BurnMedium, type Verification } from './jobStore.ts';
import { PATHS, safePackageName, type PackageManifest } from '../evidencePackage/format.ts';
import { createStagingDir, removeStagingDir, sweepStaging } from './staging.ts';
import { stageDisc, type StageDeps, type StagedDisc } from './stage.ts';
import { readBack } from './readBack.ts';
import { renderLabel } from './printables.ts';
import { caseNumberOf, personName } from '../papers/names.ts';
import type { BurnPhase, BurnProgress, EventMessage, InsertMedium } from '../../shared/events.ts';
import { processAlive } from '../processAlive.ts';
export type { BurnPhase, BurnProgress, InsertMedium };

export type BurnInput = {
  requestId: string;
  target: BurnTarget;
  media?: MediaId | undefined;
  copies?: number | undefined;
  volumeLabel?: string | null | undefined;
  /** 取证地点 for the written note (002 第二十三条) where the recordings do not say it. */
  place?: string | null | undefined;
  remarks?: string | null | undefined;
};

export type BurnEvent = EventMessage<'burn.job' | 'burn.progress' | 'burn.medium' | 'burn.insert'>;

export type BurnPlan = {
  requestId: string;
  media: MediaId;
  capacityBytes: number;
  copies: number;
  discs: { index: number; volumeId: string; bytes: number; files: { recordingId: string; name: string; size: number }[] }[];
  /**
   * The label the user typed, as typed: it is printed on the label and cover and written into NOTE.html,
   * README.txt and MANIFEST.json. An ISO 9660 volume id holds only A–Z, 0–9 and _ (32 at most), so
   * `labelFitsVolumeId` false means the volume id differs from it; front ends say so before burning.
   */
  label: string | null;
  labelFitsVolumeId: boolean;
};

/** What the burn queue needs of the station: its own table (JobStore), requests, the ledger, and what a disc carries. */
export type DiscDeps = StageDeps & {
  db: WritableDB;
  ledger: Pick<Ledger, 'append' | 'proofBundle'>;
  requests: Pick<Requests, 'get' | 'recording' | 'requireApproval' | 'markFulfilled'>;
  paths: Pick<StationPaths, 'resources' | 'staging'>;
};

type Run = {
  controller: AbortController;
  done: Promise<BurnJob>;
  resume: (() => void) | null;
};

const ACTIVE: BurnJob['state'][] = ['running', 'waiting_medium'];


/** Where one medium of a job goes, and the temporary name it is written under until verified. */
export function mediumLocation(job: Pick<BurnJob, 'target' | 'discCount' | 'copies'>, disc: { index: number; volumeId: string }, copy: number): { final: string; partial: string | null } {
  const t = job.target;
  switch (t.kind) {
    case 'drive':
      return { final: t.device, partial: null };
    case 'iso': {
      const ext = extname(t.path) || '.iso';
      const stem = extname(t.path) ? t.path.slice(0, -ext.length) : t.path;
      const parts = [job.discCount > 1 ? `-disc${disc.index}of${job.discCount}` : '', job.copies > 1 ? `-copy${copy}` : ''].join('');
      const final = `${stem}${parts}${ext}`;
      return { final, partial: join(dirname(final), `.${basename(final)}.partial`) };
    }
    case 'dir': {
      const final = join(t.path, `${disc.volumeId}${job.copies > 1 ? `-COPY${copy}` : ''}`);
      return { final, partial: join(t.path, `.${basename(final)}.partial`) };
    }
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

export class DiscService {
  private readonly d: DiscDeps;
  private ports: DiscPorts | null = null;
  private readonly listeners = new Set<(e: BurnEvent) => void>();
  private readonly runs = new Map<string, Run>();

  constructor(deps: DiscDeps) {
    this.d = deps;
  }

  private get store(): JobStore {
    return new JobStore(this.d.db);
  }

  /** Front ends (main, CLI, e2e bridge) hand in their platform's writers and drives. */
  setPorts(ports: DiscPorts): void {
    this.ports = ports;
  }

  hasPorts(): boolean {
    return this.ports !== null;
  }

  on(listener: (e: BurnEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(e: BurnEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        // A failing listener (a closed window) must not stop a burn.
      }
    }
  }

  private emitJob(jobId: string): void {
    const job = this.store.get(jobId);
    if (job) this.emit({ type: 'burn.job', payload: job });
  }

  profiles(): { id: MediaId; optical: boolean; capacityBytes: number | null }[] {
    return MEDIA_IDS.map((id) => ({ ...MEDIA_PROFILES[id] }));
  }

  writers(): { id: string; exercised: boolean; targets: BurnTarget['kind'][] }[] {
    const probe: BurnTarget[] = [
      { kind: 'iso', path: '/x.iso' },
      { kind: 'drive', device: '/dev/sr0' },
      { kind: 'dir', path: '/x' },
    ];
    return (this.ports?.writers ?? []).map((w) => ({ id: w.id, exercised: w.exercised, targets: probe.filter((t) => w.supports(t)).map((t) => t.kind) }));
  }

  async drives(): Promise<{ available: boolean; exercised: boolean; drives: OpticalDrive[] }> {
    const drives = this.ports?.drives;
    if (!drives) return { available: false, exercised: false, drives: [] };
    return { available: true, exercised: drives.exercised, drives: await drives.list() };
  }

  /**
   * A disc image opened for checking (`station disc verify image.iso`), read in place by the
   * platform's image reader. Any failure to read it is the image's, said as such.
   */
  async openImage(path: string): Promise<MediumReader> {
    const target: BurnTarget = { kind: 'iso', path };
    const writer = this.ports?.writers.find((w) => w.supports(target));
    if (!writer) throw new StationError('state', 'package.image_reader_missing', { path });
    try {
      return await writer.openMedium({ writer: writer.id, target, volumeId: '', createdAt: '' });
    } catch (e) {
      const detail = isStationError(e) ? String(e.params.detail ?? e.code) : e instanceof Error ? e.message : String(e);
      throw new StationError('verify', 'package.image_unreadable', { path, detail });
    }
  }

  job(id: string): BurnJob {
    const job = this.store.get(id);
    if (!job) throw new StationError('input', 'disc.job_not_found', { jobId: id });
    return job;
  }

  jobs(filter: { requestId?: string; limit?: number } = {}): BurnJob[] {
    return this.store.list(filter);
  }

  private writerFor(target: BurnTarget): DiscWriter {
    if (!this.ports) throw new StationError('state', 'disc.no_writer', { target: target.kind });
    const w = this.ports.writers.find((x) => x.supports(target));
    if (!w) throw new StationError('state', 'disc.no_writer', { target: target.kind });
    return w;
  }

  private defaultMedia(target: BurnTarget): MediaId {
    return target.kind === 'dir' ? 'usb' : 'dvd';
  }

  /** Bytes per medium: the profile's, or a removable drive's free space now. */
  private async capacity(media: MediaId, target: BurnTarget): Promise<number> {
    const profile = MEDIA_PROFILES[media];
    // A removable drive takes folders only; a disc-sized folder (content for another burner) is fine.
    if (!profile.optical && target.kind !== 'dir') throw new StationError('input', 'disc.media_target_mismatch', { media, target: target.kind });
    if (profile.capacityBytes !== null) return profile.capacityBytes;
    try {
      const fs = await statfs(target.kind === 'drive' ? target.device : target.path);
      return fs.bavail * fs.bsize;
    } catch (e) {
      throw fromSystemError(e, targetValue(target));
    }
  }

  private async checkTarget(target: BurnTarget): Promise<BurnTarget> {
    switch (target.kind) {
      case 'iso': {
        const path = resolve(target.path);
        const parent = await stat(dirname(path)).catch((e: unknown) => {
          throw fromSystemError(e, dirname(path));
        });
        if (!parent.isDirectory()) throw new StationError('input', 'disc.not_a_folder', { path: dirname(path) });
        return { kind: 'iso', path };
      }
      case 'dir': {
        const path = resolve(target.path);
        const st = await stat(path).catch((e: unknown) => {
          throw fromSystemError(e, path);
        });
        if (!st.isDirectory()) throw new StationError('input', 'disc.not_a_folder', { path });
        return { kind: 'dir', path };
      }
      case 'drive':
        return target;
    }
  }

  /** Which recording goes on which disc, before anything is written (the Burn screen's preview). */
  async plan(input: { requestId: string; media?: MediaId | undefined; target?: BurnTarget | undefined; copies?: number | undefined; volumeLabel?: string | null | undefined }): Promise<BurnPlan> {
    const req = this.d.requests.get(input.requestId);
    if (req.kind !== 'burn') throw new StationError('input', 'request.wrong_kind', { requestId: req.id, kind: req.kind });
    const target = input.target ? await this.checkTarget(input.target) : null;
    const media = input.media ?? (target ? this.defaultMedia(target) : 'dvd');
    const capacity = target ? await this.capacity(media, target) : (MEDIA_PROFILES[media].capacityBytes ?? 0);
    if (capacity <= 0) throw new StationError('input', 'disc.media_target_mismatch', { media, target: 'none' });
    return this.planFor(req, media, capacity, input.copies ?? 1, input.volumeLabel ?? null);
  }

  private planFor(req: AccessRequest, media: MediaId, capacity: number, copies: number, volumeLabel?: string | null): BurnPlan {
    const recordings = req.items.map((id) => this.d.requests.recording(id));
    const planned = planDiscs(
      recordings.map((r) => ({ recordingId: r.id, size: r.size })),
      capacity,
    );
    const byId = new Map(recordings.map((r) => [r.id, r]));
    // Numbered across the whole set, so a file keeps its name whichever disc it lands on.
    const order = new Map(req.items.map((id, i) => [id, i + 1]));
    const agencyCode = this.d.agency().code;
    const label = volumeLabel?.trim() || null;
    const discs = planned.map((d) => ({
      index: d.index,
      volumeId:
        (label ? cleanVolumeLabel(label, d.index, planned.length) : null) ??
        volumeIdFor({ agencyCode, caseNumber: caseNumberOf(this.d.db, req.caseId) ?? req.caseId, requestId: req.id, disc: d.index, discs: planned.length }),
      bytes: d.bytes,
      files: d.items.map((id) => ({ recordingId: id, name: safePackageName(order.get(id)!, byId.get(id)!.originalName), size: byId.get(id)!.size })),
    }));
    return {
      label,
      labelFitsVolumeId: label === null || discs.every((d) => d.volumeId === (discs.length > 1 ? `${label}_${d.index}OF${discs.length}` : label)),
      discs,
      requestId: req.id,
      media,
      capacityBytes: capacity,
      copies,
    };
  }

  /**
   * A burn approval's copies belong to the first job that burns one: another job (a new start
   * after a crash, a second retry) would burn more than were approved. That job is continued
   * with a retry instead, which burns only the copies it still lacks.
   */
  private assertCopiesFree(requestId: string, jobId: string | null): void {
    const holder = this.store.jobHoldingCopies(requestId, jobId);
    if (holder) throw new StationError('state', 'disc.copies_reserved', { requestId, jobId: holder.jobId, burned: holder.burned, planned: holder.planned });
  }

  private assertNotRunning(requestId: string): void {
    for (const j of this.store.list({ requestId, states: ACTIVE })) {
      if (this.runs.has(j.id) || (j.ownerPid !== null && j.ownerPid !== process.pid && processAlive(j.ownerPid))) {
        throw new StationError('state', 'disc.burn_in_progress', { requestId, jobId: j.id });
      }
    }
  }

  /**
   * Starts a burn job and returns it at once (state running); progress, media results and the end
   * arrive as events, and `wait` resolves with the finished job. Everything that can be refused
   * (approval, media, target, no writer) is refused here, before anything is decrypted.
   */
  async start(actor: User, input: BurnInput): Promise<BurnJob> {
    this.d.requireUnlocked();
    const req = this.d.requests.requireApproval(actor, input.requestId, 'burn');
    this.assertNotRunning(req.id);
    this.assertCopiesFree(req.id, null);
    const target = await this.checkTarget(input.target);
    const writer = this.writerFor(target);
    const media = input.media ?? this.defaultMedia(target);
    const copies = input.copies ?? 1;
    if (!Number.isInteger(copies) || copies < 1 || copies > 10) throw new StationError('input', 'disc.bad_copies', { copies });
    const capacity = await this.capacity(media, target);
    const plan = this.planFor(req, media, capacity, copies, input.volumeLabel ?? null);
    const jobShape = { target, discCount: plan.discs.length, copies };
    for (const d of plan.discs) {
      for (let c = 1; c <= copies; c++) {
        const loc = mediumLocation(jobShape, d, c);
        if (target.kind !== 'drive' && (await exists(loc.final))) throw new StationError('input', 'disc.target_exists', { path: loc.final });
      }
    }
    const store = this.store;
    const jobId = this.d.write(() => {
      // Again inside the write lock: two starts at once (two processes) must not both get a job.
      this.assertNotRunning(req.id);
      this.assertCopiesFree(req.id, null);
      const number = store.nextNumber();
      const id = `BJ-${String(number).padStart(6, '0')}`;
      const setId = randomUUID();
      const createdAt = this.d.clock.now().toISOString();
      const entry = this.d.ledger.append({
        actor: actor.username,
        action: 'disc.burn_started',
        subject: `request:${req.id}`,
        details: {
          requestId: req.id,
          jobId: id,
          purpose: req.purpose,
          recordings: req.items,
          media,
          copies,
          discs: plan.discs.length,
          target: { kind: target.kind, location: targetValue(target) },
          writer: writer.id,
        },
      });
      store.insertJob({
        id,
        number,
        requestId: req.id,
        operator: actor.username,
        media,
        capacityBytes: capacity,
        target,
        copies,
        setId,
        discCount: plan.discs.length,
        volumeLabel: input.volumeLabel ?? null,
        place: input.place?.trim() || null,
        remarks: input.remarks?.trim() || null,
        state: 'running',
        createdAt,
        startedSeq: entry.seq,
      });
      for (const d of plan.discs) {
        store.insertDisc(id, { index: d.index, recordings: d.files.map((f) => f.recordingId), names: d.files.map((f) => f.name), bytes: d.bytes, volumeId: d.volumeId });
      }
      return id;
    });
    this.launch(jobId, actor);
    return this.job(jobId);
  }

  /** Burns what a failed, interrupted or cancelled job still lacks; the same set, the same manifests. */
  async retry(actor: User, jobId: string, target?: BurnTarget): Promise<BurnJob> {
    this.d.requireUnlocked();
    const job = this.job(jobId);
    if (job.state === 'completed') throw new StationError('state', 'disc.job_finished', { jobId });
    if (this.runs.has(jobId) || (ACTIVE.includes(job.state) && job.ownerPid !== null && job.ownerPid !== process.pid && processAlive(job.ownerPid))) {
      throw new StationError('state', 'disc.burn_in_progress', { requestId: job.requestId, jobId });
    }
    this.d.requests.requireApproval(actor, job.requestId, 'burn');
    this.assertNotRunning(job.requestId);
    const newTarget = target ? await this.checkTarget(target) : job.target;
    if (newTarget.kind !== job.target.kind) throw new StationError('input', 'disc.media_target_mismatch', { media: job.media, target: newTarget.kind });
    this.writerFor(newTarget);
    this.d.write(() => {
      this.assertCopiesFree(job.requestId, jobId);
      this.store.setState(jobId, 'running', { error: null, ended: null, ownerPid: process.pid, target: newTarget });
      this.d.ledger.append({
        actor: actor.username,
        action: 'disc.burn_retried',
        subject: `request:${job.requestId}`,
        details: { requestId: job.requestId, jobId, target: { kind: newTarget.kind, location: targetValue(newTarget) } },
      });
    });
    this.launch(jobId, actor);
    return this.job(jobId);
  }

  /** Resolves with the job once it has ended (completed, failed, cancelled). */
  async wait(jobId: string): Promise<BurnJob> {
    const run = this.runs.get(jobId);
    if (run) return run.done;
    return this.job(jobId);
  }

  /** The operator has put the next blank disc in the drive. */
  resume(actor: User, jobId: string): BurnJob {
    const run = this.runs.get(jobId);
    const job = this.job(jobId);
    this.assertMayControl(actor, job);
    if (!run || job.state !== 'waiting_medium' || !run.resume) throw new StationError('state', 'disc.not_waiting', { jobId });
    run.resume();
    // The operator confirmed the medium in the drive: ledgered like every other step of a burn.
    this.d.write(() => this.d.ledger.append({ actor: actor.username, action: 'disc.burn_continued', subject: `burn:${jobId}` }));
    return job;
  }

  cancel(actor: User, jobId: string): BurnJob {
    const job = this.job(jobId);
    this.assertMayControl(actor, job);
    const run = this.runs.get(jobId);
    if (!run) throw new StationError('state', 'disc.not_running', { jobId });
    run.controller.abort(new StationError('state', 'disc.cancelled', { jobId }));
    return job;
  }

  private assertMayControl(actor: User, job: BurnJob): void {
    if (actor.username.toLowerCase() !== job.operator.toLowerCase() && !actor.roles.includes('custodian')) {
      throw new StationError('denied', 'disc.not_yours', { jobId: job.id });
    }
  }

  private launch(jobId: string, actor: User): void {
    const controller = new AbortController();
    const run: Run = { controller, done: Promise.resolve(null as unknown as BurnJob), resume: null };
    this.runs.set(jobId, run);
    run.done = this.execute(jobId, actor, run)
      .catch((e: unknown) => {
        // execute() records its own failures; this is for a failure while recording one. Nobody
        // may be waiting, so it must not become an unhandled rejection.
        try {
          this.d.write(() => this.store.setState(jobId, 'failed', { error: { code: 'disc.internal', params: { message: e instanceof Error ? e.message : String(e) } }, ended: this.d.clock.now().toISOString() }));
        } catch {
          // the database itself is gone (station closed); the job is swept as interrupted at the next start
        }
        return this.store.get(jobId) as BurnJob;
      })
      .finally(() => this.runs.delete(jobId));
    this.emitJob(jobId);
  }

  private async execute(jobId: string, actor: User, run: Run): Promise<BurnJob> {
    const signal = run.controller.signal;
    let staging: string | null = null;
    let lastCreatedAt: Date | null = null;
    let current: { mediumId: number; written: WrittenMedium | null; partial: string | null; renamedTo?: string; disc: number; copy: number; writer: DiscWriter } | null = null;
    try {
      await sweepStaging(this.d.paths.staging);
      staging = await createStagingDir(this.d.paths.staging);
      const req = this.d.requests.get(this.job(jobId).requestId);
      for (const disc of this.job(jobId).discs) {
        const missing = this.missingCopies(this.job(jobId), disc.index);
        if (missing.length === 0) continue;
        const job = this.job(jobId);
        const discDir = join(staging, `disc-${disc.index}`);
        await mkdir(discDir, { mode: 0o700 });
        const progress = (copy: number, phase: BurnPhase, bytes: number, totalBytes: number, file: string | null) =>
          this.emit({ type: 'burn.progress', payload: { jobId, disc: disc.index, discs: job.discCount, copy, copies: job.copies, phase, bytes, totalBytes, file } });
        const staged = await stageDisc({
          deps: this.d,
          store: this.store,
          job,
          disc,
          request: req,
          operator: actor,
          dir: discDir,
          signal,
          onProgress: (p) => progress(missing[0]!, 'staging', p.bytes, p.totalBytes, p.file),
        });
        if (job.media !== 'usb' && staged.onMediumBytes > usableBytes(job.capacityBytes, 0)) {
          throw new StationError('input', 'disc.content_too_large', { disc: disc.index, bytes: staged.onMediumBytes, capacity: job.capacityBytes });
        }
        for (const copy of missing) {
          signal.throwIfAborted();
          const j = this.job(jobId);
          const writer = this.writerFor(j.target);
          const loc = mediumLocation(j, disc, copy);
          if (j.target.kind === 'drive') await this.readyMedium(run, j, disc, copy, staged);
          else if (await exists(loc.final)) throw new StationError('input', 'disc.target_exists', { path: loc.final });
          // Distinct per medium even when two are written within the same 10 ms (the ISO date's
          // resolution): the creation time is half of the media id.
          const now = this.d.clock.now();
          const createdAt: Date = lastCreatedAt && now.getTime() <= lastCreatedAt.getTime() ? new Date(lastCreatedAt.getTime() + 10) : now;
          lastCreatedAt = createdAt;
          const mediumId = this.d.write(() =>
            this.store.insertMedium({
              jobId,
              disc: disc.index,
              copy,
              attempt: this.store.nextAttempt(jobId, disc.index, copy),
              writer: writer.id,
              location: loc.final,
              volumeId: disc.volumeId,
              startedAt: createdAt.toISOString(),
            }),
          );
          current = { mediumId, written: null, partial: loc.partial, disc: disc.index, copy, writer };
          const writeTarget: BurnTarget = j.target.kind === 'iso' ? { kind: 'iso', path: loc.partial! } : j.target.kind === 'dir' ? { kind: 'dir', path: loc.partial! } : j.target;
          if (loc.partial) await rm(loc.partial, { recursive: true, force: true });
          current.written = await writer.write({
            sourceDir: staged.dir,
            target: writeTarget,
            volumeId: disc.volumeId,
            createdAt,
            totalBytes: staged.totalBytes,
            signal,
            onProgress: (p) => progress(copy, p.phase === 'closing' ? 'closing' : 'writing', p.bytes, p.totalBytes, null),
          });
          this.d.write(() => this.store.updateMedium(mediumId, { state: 'verifying' }));
          this.emitJob(jobId);
          const reader = await writer.openMedium(current.written);
          let checked: { verification: Verification; mediaId: string };
          try {
            checked = await readBack(
              reader,
              {
                volumeId: disc.volumeId,
                manifestSha256: staged.manifestSha256,
                verifierKey: this.d.verifierKey(),
                catalogue: new Map(disc.recordings.map((id) => [id, this.d.requests.recording(id).sha256])),
                totalBytes: staged.totalBytes,
              },
              (p) => progress(copy, p.phase, p.bytes, p.totalBytes, p.file),
              signal,
            );
          } finally {
            await reader.close();
          }
          // Under its final name before it is recorded: a record never points at a .partial.
          if (loc.partial) {
            await rename(loc.partial, loc.final);
            current.renamedTo = loc.final;
          }
          this.recordBurned(jobId, { actor: actor.username, recovered: false }, disc, copy, mediumId, loc.final, writer.id, { sha256: staged.manifestSha256, files: staged.files }, checked);
          current = null;
          if (j.target.kind === 'drive') await this.ports?.drives?.eject?.(j.target.device).catch(() => undefined);
        }
        await removeStagingDir(discDir);
      }
      this.d.write(() => {
        const done = this.job(jobId);
        this.store.setState(jobId, 'completed', { error: null, ended: this.d.clock.now().toISOString() });
        this.d.requests.markFulfilled(actor.username, done.requestId, {
          jobId,
          media: done.discs.flatMap((d) => d.media.filter((m) => m.state === 'verified').map((m) => ({ disc: d.index, copy: m.copy, mediaId: m.mediaId, location: m.location }))),
        });
      });
    } catch (e) {
      const err = isStationError(e) ? e : signal.aborted && isStationError(signal.reason) ? signal.reason : fromSystemError(e, targetValue(this.job(jobId).target));
      const cancelled = err.code === 'disc.cancelled';
      if (current) {
        const c = current;
        if (c.written) await c.writer.discard(c.written).catch(() => undefined);
        else if (c.partial) await rm(c.partial, { recursive: true, force: true }).catch(() => undefined);
        // Verified but not recorded: an unregistered copy of evidence must not stay behind either.
        if (c.renamedTo) await rm(c.renamedTo, { recursive: true, force: true }).catch(() => undefined);
      }
      const verification = (e as { verification?: Verification }).verification ?? null;
      const job = this.job(jobId);
      this.d.write(() => {
        const at = this.d.clock.now().toISOString();
        if (current) this.store.updateMedium(current.mediumId, { state: 'failed', error: err.toJSON(), verification, ended: at });
        this.store.setState(jobId, cancelled ? 'cancelled' : 'failed', { error: err.toJSON(), ended: at });
        this.d.ledger.append({
          actor: actor.username,
          action: cancelled ? 'disc.burn_cancelled' : 'disc.burn_failed',
          subject: `request:${job.requestId}`,
          details: {
            requestId: job.requestId,
            jobId,
            disc: current?.disc ?? null,
            copy: current?.copy ?? null,
            location: current ? mediumLocation(job, job.discs.find((d) => d.index === current!.disc)!, current.copy).final : null,
            code: err.code,
            params: err.params,
          },
        });
      });
      if (current) {
        const m = this.job(jobId).discs.flatMap((d) => d.media).find((x) => x.id === current!.mediumId);
        if (m) this.emit({ type: 'burn.medium', payload: { ...m, jobId } });
      }
    } finally {
      if (staging) await removeStagingDir(staging).catch(() => undefined);
    }
    this.emitJob(jobId);
    return this.job(jobId);
  }

  private missingCopies(job: BurnJob, discIndex: number): number[] {
    const disc = job.discs.find((d) => d.index === discIndex)!;
    const out: number[] = [];
    for (let c = 1; c <= job.copies; c++) if (!disc.media.some((m) => m.copy === c && m.state === 'verified')) out.push(c);
    return out;
  }

  /**
   * Records one verified medium as burned (the 004 第二十条 register). The copy count is checked in
   * the same transaction: never a second record of one copy, never copies of another job's approval.
   * A medium found finished after a crash is recorded by the system on its operator's behalf.
   */
  private recordBurned(
    jobId: string,
    by: { actor: string; recovered: boolean },
    disc: BurnDisc,
    copy: number,
    mediumId: number,
    location: string,
    writerId: string,
    manifest: { sha256: string; files: { path: string; sha256: string; size: number }[] },
    checked: { verification: Verification; mediaId: string },
  ): void {
    const job = this.job(jobId);
    const req = this.d.requests.get(job.requestId);
    const approvers = req.decisions.filter((d) => d.decision === 'approved').map((d) => d.approver);
    this.d.write(() => {
      this.assertCopiesFree(job.requestId, jobId);
      if (copy > job.copies || this.store.isVerified(jobId, disc.index, copy)) {
        throw new StationError('state', 'disc.copy_already_burned', { jobId, disc: disc.index, copy, copies: job.copies });
      }
      const entry = this.d.ledger.append({
        actor: by.actor,
        action: 'disc.burned',
        subject: `request:${req.id}`,
        // requestId, purpose, approvers, recordings: what the 004 第二十条 register shows.
        details: {
          requestId: req.id,
          purpose: req.purpose,
          approvers,
          recordings: disc.recordings,
          caseNumber: req.caseId,
          jobId,
          setId: job.setId,
          disc: disc.index,
          discs: job.discCount,
          copy,
          copies: job.copies,
          media: job.media,
          mediaId: checked.mediaId,
          volumeId: disc.volumeId,
          writer: writerId,
          target: job.target.kind,
          location,
          operator: job.operator,
          ...(by.recovered ? { recovered: true } : {}),
          packageId: disc.packageId,
          manifestSha256: manifest.sha256,
          files: manifest.files.map((f) => ({ path: f.path, sha256: f.sha256, size: f.size })),
          verification: {
            md5: checked.verification.md5?.checked ? { files: checked.verification.md5.files } : null,
            sha256: checked.verification.sha256?.ok ? { files: checked.verification.sha256.files, bytes: checked.verification.sha256.bytes } : null,
            checkpointSize: checked.verification.sha256?.ok ? checked.verification.sha256.checkpointSize : null,
          },
        },
      });
      this.store.updateMedium(mediumId, { state: 'verified', mediaId: checked.mediaId, verification: checked.verification, ended: entry.time, ledgerSeq: entry.seq });
    });
    const m = this.job(jobId).discs.flatMap((d) => d.media).find((x) => x.id === mediumId);
    if (m) this.emit({ type: 'burn.medium', payload: { ...m, jobId } });
    this.emitJob(jobId);
  }

  /** Waits until the drive holds a blank medium large enough, asking the operator for one. */
  private async readyMedium(run: Run, job: BurnJob, disc: BurnDisc, copy: number, staged: StagedDisc): Promise<void> {
    const device = (job.target as { device: string }).device;
    const drives = this.ports?.drives;
    if (!drives) throw new StationError('state', 'disc.no_drives', {});
    const signal = run.controller.signal;
    for (;;) {
      signal.throwIfAborted();
      const drive = await drives.inspect(device);
      const m = drive.medium;
      const reason: InsertMedium['reason'] | null =
        !m || m.state === 'none' ? 'no_medium' : m.state !== 'blank' ? 'not_blank' : m.freeBytes !== null && m.freeBytes < staged.onMediumBytes ? 'too_small' : null;
      if (reason === null) return;
      this.d.write(() => this.store.setState(job.id, 'waiting_medium'));
      // Ready to be resumed before anyone hears that a disc is wanted: a quick answer must not be lost.
      const resumed = new Promise<void>((resolveWait, rejectWait) => {
        const onAbort = () => rejectWait(signal.reason);
        signal.addEventListener('abort', onAbort, { once: true });
        run.resume = () => {
          signal.removeEventListener('abort', onAbort);
          run.resume = null;
          resolveWait();
        };
      });
      this.emitJob(job.id);
      this.emit({
        type: 'burn.insert',
        payload: { jobId: job.id, device, disc: disc.index, discs: job.discCount, copy, copies: job.copies, reason, found: m, neededBytes: staged.onMediumBytes },
      });
      await resumed;
      this.d.write(() => this.store.setState(job.id, 'running'));
      this.emitJob(job.id);
    }
  }

  /** NOTE.html of one disc, exactly as written on it. */
  note(jobId: string, disc: number): { html: string } {
    const html = this.store.noteHtml(this.job(jobId).id, disc);
    if (!html) throw new StationError('state', 'disc.not_staged', { jobId, disc });
    return { html };
  }

  /** Disc label and cover sheet of one disc (and copy) of a job. */
  label(jobId: string, discIndex: number, copy: number): { html: string } {
    const job = this.job(jobId);
    const disc = job.discs.find((d) => d.index === discIndex);
    if (!disc) throw new StationError('input', 'disc.no_such_disc', { jobId, disc: discIndex });
    if (!disc.manifestSha256 || !disc.createdAt) throw new StationError('state', 'disc.not_staged', { jobId, disc: discIndex });
    if (copy < 1 || copy > job.copies) throw new StationError('input', 'disc.no_such_disc', { jobId, disc: discIndex });
    const req = this.d.requests.get(job.requestId);
    const agency = this.d.agency();
    const medium = disc.media.filter((m) => m.copy === copy && m.state === 'verified').at(-1) ?? null;
    const files = disc.recordings.map((id, i) => {
      const r = this.d.requests.recording(id);
      return { path: `FILES/${disc.names[i]}`, size: r.size, sha256: r.sha256 };
    });
    const v = medium?.verification;
    const verification = v?.sha256?.ok
      ? `已读回核对：${v.md5?.checked ? `MD5 ${v.md5.files} 个文件一致；` : ''}SHA-256 ${v.sha256.files} 个文件一致 / read back and verified`
      : '未核对 / not verified';
    return {
      html: renderLabel(this.d.paths.resources, {
        agencyName: agency.name,
        agencyCode: agency.code,
        caseNumber: caseNumberOf(this.d.db, req.caseId),
        label: job.volumeLabel?.trim() || null,
        citation: this.d.cite('discToCaseFile'),
        requestId: req.id,
        purpose: req.purpose,
        approvers: req.decisions.filter((d) => d.decision === 'approved').map((d) => personName(this.d.db, d.approver)),
        operator: personName(this.d.db, job.operator),
        createdAt: disc.createdAt,
        timeZone: agency.timeZone,
        disc: disc.index,
        discs: job.discCount,
        copy,
        copies: job.copies,
        volumeId: disc.volumeId,
        mediaId: medium?.mediaId ?? null,
        manifestSha256: disc.manifestSha256,
        verifierKey: this.d.verifierKey(),
        verification,
        files,
      }),
    };
  }

  /**
   * After a crash: staging folders of dead processes are removed, half-written images and folders
   * (plaintext evidence outside the vault) deleted, and their jobs marked interrupted in the
   * ledger. A medium that was finished — renamed to its final name — but not yet recorded is read
   * back like any burn: if it verifies it is recorded as burned (by the system, for the job's
   * operator), otherwise it is removed; either way the ledger says so. No evidence copy is left
   * that no record knows about. The request stays approved for a retry of what is still missing.
   */
  async recover(): Promise<void> {
    await sweepStaging(this.d.paths.staging);
    const store = this.store;
    for (const job of store.list({ states: ACTIVE, limit: 10_000 })) {
      if (this.runs.has(job.id) || (job.ownerPid !== null && processAlive(job.ownerPid))) continue;
      const unfinished = store.unfinishedMedia(job.id);
      const settled = new Set<number>();
      for (const m of unfinished) {
        const disc = job.discs.find((d) => d.index === m.disc);
        if (!disc) continue;
        const loc = mediumLocation(job, disc, m.copy);
        if (loc.partial) await rm(loc.partial, { recursive: true, force: true }).catch(() => undefined);
        if (job.target.kind !== 'drive' && loc.final === m.location && (await exists(loc.final))) {
          await this.recoverFinished(job, disc, m, loc.final);
          settled.add(m.id);
        }
      }
      const left = unfinished.filter((m) => !settled.has(m.id));
      const now = this.job(job.id);
      const complete = now.discs.every((d) => this.missingCopies(now, d.index).length === 0);
      this.d.write(() => {
        const at = this.d.clock.now().toISOString();
        const error = { code: 'disc.interrupted', params: { jobId: job.id } as ErrorParams };
        for (const m of left) store.updateMedium(m.id, { state: 'failed', error, ended: at });
        if (complete) {
          // Every copy was on its medium and is now recorded: the job is done and the approval used.
          store.setState(job.id, 'completed', { error: null, ended: at });
          if (this.d.requests.get(job.requestId).state !== 'approved') return;
          this.d.requests.markFulfilled('system', job.requestId, {
            jobId: job.id,
            recovered: true,
            media: now.discs.flatMap((d) => d.media.filter((x) => x.state === 'verified').map((x) => ({ disc: d.index, copy: x.copy, mediaId: x.mediaId, location: x.location }))),
          });
          return;
        }
        store.setState(job.id, 'interrupted', { error, ended: at });
        this.d.ledger.append({
          actor: 'system',
          action: 'disc.burn_interrupted',
          subject: `request:${job.requestId}`,
          details: { requestId: job.requestId, jobId: job.id, operator: job.operator, ownerPid: job.ownerPid, media: left.map((m) => ({ disc: m.disc, copy: m.copy, location: m.location })) },
        });
      });
    }
  }

  /** A finished, unrecorded medium of a crashed burn: verified and recorded, or removed — ledgered either way. */
  private async recoverFinished(job: BurnJob, disc: BurnDisc, m: BurnMedium, location: string): Promise<void> {
    const target: BurnTarget = job.target.kind === 'iso' ? { kind: 'iso', path: location } : { kind: 'dir', path: location };
    const writer = this.ports?.writers.find((w) => w.supports(target) && w.id === m.writer) ?? this.ports?.writers.find((w) => w.supports(target)) ?? null;
    let failure: { code: string; params: ErrorParams };
    if (!writer || !disc.manifestSha256) {
      failure = { code: 'disc.recovery_unreadable', params: { location } };
    } else {
      try {
        const reader = await writer.openMedium({ writer: writer.id, target, volumeId: disc.volumeId, createdAt: m.startedAt });
        let checked: { verification: Verification; mediaId: string };
        let manifest: PackageManifest;
        try {
          checked = await readBack(
            reader,
            {
              volumeId: disc.volumeId,
              manifestSha256: disc.manifestSha256,
              verifierKey: this.d.verifierKey(),
              catalogue: new Map(disc.recordings.map((id) => [id, this.d.requests.recording(id).sha256])),
              totalBytes: disc.bytes,
            },
            () => undefined,
            new AbortController().signal,
          );
          manifest = JSON.parse((await reader.read(PATHS.manifest))!.toString('utf8')) as PackageManifest;
        } finally {
          await reader.close();
        }
        this.recordBurned(job.id, { actor: 'system', recovered: true }, disc, m.copy, m.id, location, writer.id, { sha256: disc.manifestSha256, files: manifest.files }, checked);
        return;
      } catch (e) {
        const err = isStationError(e) ? e : fromSystemError(e, location);
        failure = { code: err.code, params: err.params };
      }
    }
    await rm(location, { recursive: true, force: true });
    this.d.write(() => {
      const at = this.d.clock.now().toISOString();
      this.store.updateMedium(m.id, { state: 'failed', error: failure, ended: at });
      this.d.ledger.append({
        actor: 'system',
        action: 'disc.unrecorded_removed',
        subject: `request:${job.requestId}`,
        details: { requestId: job.requestId, jobId: job.id, operator: job.operator, disc: disc.index, copy: m.copy, location, code: failure.code, params: failure.params },
      });
    });
  }
}

