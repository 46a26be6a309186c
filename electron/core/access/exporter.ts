import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { StationError, fromSystemError, isStationError } from '../errors.ts';
import type { KeyObject } from 'node:crypto';
import type { WritableDB } from '../db/database.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { Vault } from '../vault/vault.ts';
import type { WitnessClient } from '../witness/client.ts';
import { writePackage, type PackageSourceFile } from '../evidencePackage/writer.ts';
import { verifyPackage } from '../evidencePackage/verifier.ts';
import { renderReadme } from '../evidencePackage/readme.ts';
import { caseNumberOf, personName, REQUEST_KIND_EN, REQUEST_KIND_ZH } from '../papers/names.ts';
import { PATHS, safePackageName } from '../evidencePackage/format.ts';
import { packageWitness, witnessReadmeLines } from '../witness/packageProofs.ts';
import type { User } from './users.ts';
import type { RecordingRef, Requests } from './requests.ts';
import type { ExportProgress } from '../../shared/events.ts';
import { processAlive } from '../processAlive.ts';
export type { ExportProgress };

/** A recording as a package file: its catalogue facts, and its original bytes streamed from the vault. */
export function packageFileOf(vault: Pick<Vault, 'read'>, r: RecordingRef): PackageSourceFile {
  return {
    recordingId: r.id,
    originalName: r.originalName,
    sha256: r.sha256,
    size: r.size,
    ingestSeq: r.ingestSeq,
    recordedAt: r.recordedAt,
    officer: r.officer,
    recorder: r.recorder,
    open: () => vault.read(r.objectId),
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

function stamp(iso: string): string {
  return iso.replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
}

type ExportJobRow = { package_id: string; request_id: string; operator: string; partial: string; destination: string; owner_pid: number; state: 'writing' | 'committed' };


export type ExportDeps = {
  db: WritableDB;
  ledger: Pick<Ledger, 'append' | 'proofBundle'>;
  write: <T>(fn: () => T) => T;
  now: () => Date;
  requests: Pick<Requests, 'requireApproval' | 'recording' | 'consumeApproval'>;
  vault: Pick<Vault, 'read'>;
  witness: Pick<WitnessClient, 'config' | 'lastCosigned' | 'sync' | 'entryProof'>;
  /** The station's signing key for the manifest; throws while the station is locked. */
  signingKey: () => KeyObject;
  origin: () => string;
  verifierKey: () => string;
  agency: () => { code: string; name: string };
  /** resources/: the package README's template. */
  resourcesDir: string;
};

/** Approved copies written to a folder or removable drive, and what a crashed copy left behind. */
export class Exporter {
  private readonly deps: ExportDeps;
  constructor(deps: ExportDeps) {
    this.deps = deps;
  }

  /**
   * Writes an approved copy to a folder or removable drive: the originals streamed from the vault,
   * the signed manifest, SHA256SUMS, the checkpoint with proofs of each item's ingest entry and of
   * the approval, a zh/en README. It is written under a hidden name of its own, read back and
   * verified in full; then one transaction consumes the approval (a copy approval is used once,
   * 000_f52585dae22cddca.txt 第三十七条) and ledgers the copy, and only after that commit is it
   * renamed into place. Two exports of one approval at once (two processes, two clients) race for
   * that transaction: the loser's copy never becomes visible and is removed.
   */
  async copy(
    actor: User,
    requestId: string,
    toDir: string,
    onProgress?: (p: ExportProgress) => void,
  ): Promise<{ path: string; packageId: string; files: number; bytes: number }> {
    const signingKey = this.deps.signingKey();
    const req = this.deps.requests.requireApproval(actor, requestId, 'copy');
    const recordings = req.items.map((id) => this.deps.requests.recording(id));
    const target = resolve(toDir);
    try {
      if (!(await stat(target)).isDirectory()) throw new StationError('input', 'export.not_a_folder', { path: target });
    } catch (e) {
      throw isStationError(e) ? e : fromSystemError(e, target);
    }
    const agency = this.deps.agency();
    const agencyCode = agency.code;
    const origin = this.deps.origin();
    const verifierKey = this.deps.verifierKey();
    const createdAt = this.deps.now().toISOString();
    const name = `${agencyCode}-${req.id}-${stamp(createdAt)}`;
    const packageId = randomUUID();
    // Its own hidden name: a concurrent export of the same request in the same second must not share it.
    const partialDir = join(target, `.${name}.${packageId.slice(0, 8)}.partial`);
    const approvals = req.decisions.filter((d) => d.decision === 'approved');
    let finalDir = join(target, name);
    let committed = false;
    // Announced before anything is written: a crash leaves a row that recovery acts on (recover, at unlock).
    this.deps.write(() =>
      this.deps.db
        .prepare("INSERT INTO export_jobs (package_id, request_id, operator, partial, destination, owner_pid, state, started_at) VALUES (?, ?, ?, ?, ?, ?, 'writing', ?)")
        .run(packageId, req.id, actor.username, partialDir, finalDir, process.pid, createdAt),
    );
    try {
      await mkdir(partialDir, { recursive: false, mode: 0o700 });
      const bundle = this.deps.write(() => this.deps.ledger.proofBundle([...recordings.map((r) => r.ingestSeq), ...approvals.map((a) => a.ledgerSeq)], verifierKey));
      const approverNames = approvals.map((a) => a.approver);
      const witness = await packageWitness(
        this.deps.witness,
        bundle.size,
        recordings.map((r, i) => ({ recordingId: r.id, ingestSeq: r.ingestSeq, path: `${PATHS.files}/${safePackageName(i + 1, r.originalName)}` })),
      );
      // Papers name the case by its 案号 and people by name (issue 14 item 2); the logins stay beside them for the verifier.
      const paper = {
        caseNumber: caseNumberOf(this.deps.db, req.caseId),
        requester: personName(this.deps.db, req.requester),
        approvers: approverNames.map((a) => personName(this.deps.db, a)),
        operator: personName(this.deps.db, actor.username),
      };
      const { manifest, bytes } = await writePackage({
        dir: partialDir,
        manifest: {
          packageId,
          kind: 'export',
          createdAt,
          agency: { code: agencyCode, name: agency.name },
          station: { origin, verifierKey },
          request: {
            id: req.id,
            kind: req.kind,
            purpose: req.purpose,
            requester: req.requester,
            approvers: approverNames,
            approvalSeqs: approvals.map((a) => a.ledgerSeq),
            operator: actor.username,
            caseNumber: paper.caseNumber,
            caseId: req.caseId,
            requesterName: paper.requester,
            approverNames: paper.approvers,
            operatorName: paper.operator,
          },
          set: null,
          ...(witness ? { witness: witness.manifest } : {}),
        },
        files: recordings.map((r) => packageFileOf(this.deps.vault, r)),
        proofBundle: bundle,
        extras: [],
        witnessFiles: witness?.files ?? [],
        readme: renderReadme(this.deps.resourcesDir, {
          agencyName: agency.name,
          agencyCode,
          requestId: req.id,
          kind: REQUEST_KIND_ZH[req.kind] ?? req.kind,
          kindEn: REQUEST_KIND_EN[req.kind] ?? req.kind,
          purpose: req.purpose,
          requester: paper.requester,
          approvers: paper.approvers.join('，') || '—',
          operator: paper.operator,
          caseNumber: paper.caseNumber ?? '—',
          label: '—',
          createdAt,
          verifierKey: verifierKey,
          setLine: '',
          setLineEn: '',
          ...witnessReadmeLines(witness),
        }),
        signer: { key: signingKey, keyName: origin },
        onProgress: (p) => onProgress?.({ phase: 'writing', ...p }),
      });
      const check = await verifyPackage(partialDir, {
        trustedVerifierKey: verifierKey,
        onProgress: (p) => onProgress?.({ phase: 'verifying', bytes: p.bytes, totalBytes: p.totalBytes, file: p.path }),
      });
      if (!check.ok) throw new StationError('verify', 'export.verify_failed', { path: check.path, reason: check.reason });
      if (await exists(finalDir)) finalDir = join(target, `${name}-${packageId.slice(0, 8)}`);
      this.deps.write(() => {
        this.deps.ledger.append({
          actor: actor.username,
          action: 'export.written',
          subject: `request:${req.id}`,
          details: {
            requestId: req.id,
            purpose: req.purpose,
            approvers: approverNames,
            recordings: recordings.map((r) => r.id),
            packageId,
            destination: finalDir,
            files: manifest.files.map((f) => ({ path: f.path, sha256: f.sha256, size: f.size })),
            checkpointSize: check.checkpointSize,
          },
        });
        // A used, expired or withdrawn approval throws here and rolls the entry above back.
        this.deps.requests.consumeApproval(actor.username, req.id, 'copy', { packageId, destination: finalDir });
        this.deps.db.prepare("UPDATE export_jobs SET state = 'committed', destination = ? WHERE package_id = ?").run(finalDir, packageId);
      });
      committed = true;
      await rename(partialDir, finalDir);
      this.deps.write(() => this.deps.db.prepare('DELETE FROM export_jobs WHERE package_id = ?').run(packageId));
      return { path: finalDir, packageId, files: manifest.files.length, bytes };
    } catch (e) {
      await rm(partialDir, { recursive: true, force: true }).catch(() => undefined);
      const err = isStationError(e) ? e : fromSystemError(e, target);
      this.deps.write(() => {
        this.deps.db.prepare('DELETE FROM export_jobs WHERE package_id = ?').run(packageId);
        this.deps.ledger.append({
          actor: actor.username,
          // Committed but not renamed into place: the approval is spent, and the ledger must say the copy is not where it says.
          action: committed ? 'export.not_placed' : 'export.failed',
          subject: `request:${req.id}`,
          details: { code: err.code, params: err.params, ...(committed ? { packageId, destination: finalDir } : {}) },
        });
      });
      throw err;
    }
  }

  /**
   * After a crash (at unlock): an export killed while writing leaves a hidden, half-written copy of
   * evidence in plaintext — removed, and its approval still unused; one killed after its approval was
   * consumed and ledgered, but before the rename, is put in place. Either way in the ledger (actor
   * system, with the operator). A destination that is not here now (a removable drive taken away)
   * waits for a later unlock; a live exporter's rows are left alone.
   */
  async recover(): Promise<void> {
    const rows = this.deps.db.prepare('SELECT * FROM export_jobs ORDER BY started_at').all() as ExportJobRow[];
    for (const r of rows) {
      if (processAlive(r.owner_pid)) continue;
      if (!(await exists(dirname(r.partial)))) continue;
      const base = { requestId: r.request_id, operator: r.operator, packageId: r.package_id, destination: r.destination };
      let action: string | null;
      if (r.state === 'writing') {
        await rm(r.partial, { recursive: true, force: true });
        action = 'export.interrupted';
      } else if (await exists(r.destination)) {
        await rm(r.partial, { recursive: true, force: true });
        action = null;
      } else if (await exists(r.partial)) {
        await rename(r.partial, r.destination);
        action = 'export.placed_on_recovery';
      } else {
        action = 'export.not_placed';
      }
      this.deps.write(() => {
        this.deps.db.prepare('DELETE FROM export_jobs WHERE package_id = ?').run(r.package_id);
        if (action) this.deps.ledger.append({ actor: 'system', action, subject: `request:${r.request_id}`, details: base });
      });
    }
  }
}
