import type { ReadableDB, WritableDB } from '../db/database.ts';
import { StationError } from '../errors.ts';
import { loadLeaves, rowToEntry, type Ledger } from '../ledger/ledger.ts';
import { firstSeqOf, latestEntryOf, ledgerRowsAt } from '../ledger/query.ts';
import { MerkleTree } from '../ledger/merkle.ts';
import { findCosignature, formatAddCheckpoint, parseCosignerVerifierKey, splitNote } from './cosignature.ts';
import { formatTlogProof } from './proof.ts';
import { entryBytes } from '../ledger/entryHash.ts';

// The station's side of the central witness (README.md in this folder): enrolment, submitting
// each checkpoint with a consistency proof from the last size the witness cosigned, storing the
// cosignature, resyncing on 409, uploading the entries the mirror lacks, and raising the ledger
// alarm when the witness refuses our history. Offline is normal: nothing here blocks the
// station's work; a checkpoint not yet cosigned simply waits for the next submission.

export type WitnessConfig = { url: string; vkey: string; trustedNetwork: boolean; enrolledAt: string; enrolledSeq: number };

/**
 * The witness the station reports to, read from the latest `witness.enrolled` ledger entry — not
 * from a settings row — so that pointing the station at another witness (or at none) takes an
 * entry in the hash-chained, checkpointed ledger.
 */
export function witnessConfig(db: ReadableDB): WitnessConfig | null {
  const row = latestEntryOf(db, ['witness.enrolled']);
  if (!row) return null;
  const d = JSON.parse(row.details) as { url: string; witnessKey: string; trustedNetwork: boolean };
  return { url: d.url, vkey: d.witnessKey, trustedNetwork: d.trustedNetwork === true, enrolledAt: row.time, enrolledSeq: row.seq };
}

/** Refuses anything but http(s), and plain http unless the admin declared the network trusted. */
export function checkWitnessUrl(raw: string, trustedNetwork: boolean): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new StationError('input', 'witness.url_invalid', { url: raw });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new StationError('input', 'witness.url_invalid', { url: raw });
  if (url.protocol === 'http:' && !trustedNetwork) throw new StationError('input', 'witness.plain_http_refused', { url: raw });
  if (url.username || url.password || url.search || url.hash) throw new StationError('input', 'witness.url_invalid', { url: raw });
  return url.toString().replace(/\/$/, '');
}

export type LastCosigned = { size: number; cosignedAt: string; receivedAt: string };

export function lastCosigned(db: ReadableDB, vkey: string): LastCosigned | null {
  const row = db.prepare('SELECT size, cosigned_at, received_at FROM witness_cosignatures WHERE witness_vkey = ? ORDER BY size DESC LIMIT 1').get(vkey) as
    | { size: number; cosigned_at: string; received_at: string }
    | undefined;
  return row ? { size: row.size, cosignedAt: row.cosigned_at, receivedAt: row.received_at } : null;
}

export type WitnessStatus = {
  url: string;
  witnessKey: string;
  lastCosigned: LastCosigned | null;
  /** Minutes since the last cosignature, by the station clock; null when never cosigned. */
  minutesAgo: number | null;
  /** Size of the newest signed checkpoint not yet cosigned (the queue); null when none waits. */
  pendingSize: number | null;
  /** The latest witness alarm entry, unless a cosignature was received after it. */
  alarm: { kind: string; seq: number; time: string; witnessSize: number | null } | null;
};

export type SyncResult =
  | { state: 'not_enrolled' | 'nothing_to_submit' }
  | { state: 'cosigned'; size: number; resynced: boolean; mirrored: number }
  | { state: 'offline'; detail: string }
  | { state: 'alarm'; kind: string; witnessSize: number | null };

type Fetch = typeof fetch;

const TIMEOUT_MS = 10_000;

async function post(fetchImpl: Fetch, url: string, body: string, type: string): Promise<{ status: number; type: string; text: string }> {
  const res = await fetchImpl(url, { method: 'POST', body, headers: { 'content-type': type }, signal: AbortSignal.timeout(TIMEOUT_MS) });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

const MIRROR_BATCH = 1000;

export type WitnessDeps = {
  db: WritableDB;
  ledger: Pick<Ledger, 'append' | 'latestCheckpoint' | 'raiseWitnessAlarm' | 'recordAlarm' | 'entry' | 'prove'>;
  write: <T>(fn: () => T) => T;
  now: () => Date;
  /** The station's origin: the mirror's key for its entries. */
  origin: () => string;
};

/** The station's client of its enrolled witness. */
export class WitnessClient {
  private readonly deps: WitnessDeps;
  constructor(deps: WitnessDeps) {
    this.deps = deps;
  }

  /** The witness the station reports to (witnessConfig), or null. */
  config(): WitnessConfig | null {
    return witnessConfig(this.deps.db);
  }

  /** The newest receipt from that witness key, or null. */
  lastCosigned(vkey: string): LastCosigned | null {
    return lastCosigned(this.deps.db, vkey);
  }

  enrol(actor: string, input: { url: string; witnessKey: string; trustedNetwork: boolean }): WitnessConfig {
    const url = checkWitnessUrl(input.url, input.trustedNetwork);
    const key = parseCosignerVerifierKey(input.witnessKey);
    this.deps.write(() =>
      this.deps.ledger.append({ actor, action: 'witness.enrolled', subject: `witness:${key.name}`, details: { url, witnessKey: key.vkey, trustedNetwork: input.trustedNetwork, origin: this.deps.origin() } }),
    );
    return witnessConfig(this.deps.db) as WitnessConfig;
  }

  status(): WitnessStatus | null {
    const db = this.deps.db;
    const cfg = witnessConfig(db);
    if (!cfg) return null;
    const last = lastCosigned(db, cfg.vkey);
    const latest = this.deps.ledger.latestCheckpoint();
    const a = latestEntryOf(db, ['witness.alarm']);
    // An alarm is cleared only by the witness cosigning again after it, never by time passing.
    const alarmStands = a && (!last || last.receivedAt < a.time);
    const d = alarmStands ? (JSON.parse(a.details) as { kind: string; headSize: number | null }) : null;
    return {
      url: cfg.url,
      witnessKey: cfg.vkey,
      lastCosigned: last,
      minutesAgo: last ? Math.max(0, Math.floor((this.deps.now().getTime() - Date.parse(last.cosignedAt)) / 60_000)) : null,
      pendingSize: latest && latest.size > (last?.size ?? 0) ? latest.size : null,
      alarm: a && d ? { kind: d.kind, seq: a.seq, time: a.time, witnessSize: d.headSize } : null,
    };
  }

  private raiseAndRecord(kind: 'witness_refused' | 'witness_ahead', witnessSize: number | null, reason: string): SyncResult {
    this.deps.ledger.raiseWitnessAlarm(kind, witnessSize, reason);
    this.deps.write(() => this.deps.ledger.recordAlarm());
    return { state: 'alarm', kind, witnessSize };
  }

  /**
   * Submits the newest signed checkpoint to the enrolled witness and uploads what the mirror lacks.
   * Network failures and 5xx answers leave everything queued (state 'offline'); a refusal that says
   * our history is not the one the witness saw raises and ledgers the alarm — never retried away.
   */
  async sync(fetchImpl: Fetch = fetch): Promise<SyncResult> {
    const cfg = witnessConfig(this.deps.db);
    if (!cfg) return { state: 'not_enrolled' };
    const key = parseCosignerVerifierKey(cfg.vkey);
    const latest = this.deps.ledger.latestCheckpoint();
    if (!latest) return { state: 'nothing_to_submit' };
    const parts = splitNote(latest.note);
    if (!parts) throw new StationError('verify', 'ledger.checkpoint_invalid', { reason: 'format' });
    let tree: MerkleTree | null = null;
    const proofFrom = (old: number): Buffer[] => {
      if (old === 0 || old === latest.size) return [];
      tree ??= new MerkleTree(loadLeaves(this.deps.db, latest.size), latest.size);
      return tree.consistencyProof(old, latest.size);
    };
    let old = lastCosigned(this.deps.db, cfg.vkey)?.size ?? 0;
    if (old > latest.size) return this.raiseAndRecord('witness_ahead', old, 'local_receipt');
    let resynced = false;
    let cosigned: { size: number } | null = null;
    try {
      for (let attempt = 0; attempt < 3 && !cosigned; attempt++) {
        const res = await post(fetchImpl, `${cfg.url}/add-checkpoint`, formatAddCheckpoint({ oldSize: old, proof: proofFrom(old), note: latest.note }), 'text/plain; charset=utf-8');
        if (res.status === 200) {
          const found = findCosignature(parts.body, res.text, key);
          if (!found) throw new StationError('verify', 'witness.cosignature_invalid', { reason: 'missing' });
          // A receipt, not a change of the station's state: it verifies on its own, so it is stored without a ledger entry
          // (one per receipt would leave every checkpoint a receipt behind).
          this.deps.write(() =>
            this.deps.db
              .prepare('INSERT OR REPLACE INTO witness_cosignatures (witness_vkey, size, root, note, cosignature, cosigned_at, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
              .run(cfg.vkey, latest.size, latest.root, latest.note, found.line, new Date(found.timestamp * 1000).toISOString(), this.deps.now().toISOString()),
          );
          cosigned = { size: latest.size };
        } else if (res.status === 409) {
          const known = /^(0|[1-9][0-9]*)\n$/.exec(res.text);
          if (!known || !res.type.startsWith('text/x.tlog.size')) throw new StationError('io', 'witness.unexpected_answer', { status: res.status });
          const size = Number(known[1]);
          // The witness cosigned more than we hold, or another root at our very size: we are a rollback or a fork.
          if (size > latest.size || size === old) return this.raiseAndRecord('witness_ahead', size, size > latest.size ? 'witness_larger' : 'same_size_other_root');
          old = size;
          resynced = true;
        } else if (res.status === 422) {
          return this.raiseAndRecord('witness_refused', old, 'consistency_proof');
        } else if (res.status >= 500) {
          return { state: 'offline', detail: `HTTP ${res.status}` };
        } else {
          throw new StationError('state', 'witness.submission_refused', { status: res.status, detail: res.text.trim().slice(0, 200) });
        }
      }
      if (!cosigned) return { state: 'offline', detail: 'resync' };
      const mirrored = await this.pushEntries(cfg.url, cosigned.size, fetchImpl, () => (tree ??= new MerkleTree(loadLeaves(this.deps.db, latest.size), latest.size)));
      return { state: 'cosigned', size: cosigned.size, resynced, mirrored };
    } catch (e) {
      if (e instanceof StationError) throw e;
      return { state: 'offline', detail: (e as Error).message };
    }
  }

  /** Uploads the entries the mirror lacks, up to the cosigned size, each batch with its proof. */
  private async pushEntries(baseUrl: string, cosignedSize: number, fetchImpl: Fetch, treeOf: () => MerkleTree): Promise<number> {
    const res = await fetchImpl(`${baseUrl}/mirror/size?origin=${encodeURIComponent(this.deps.origin())}`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    if (res.status !== 200) throw new StationError('io', 'witness.unexpected_answer', { status: res.status });
    let have = ((await res.json()) as { mirrorSize: number }).mirrorSize;
    let pushed = 0;
    while (have < cosignedSize) {
      const end = Math.min(cosignedSize, have + MIRROR_BATCH);
      const rows = ledgerRowsAt(this.deps.db, have, end - have);
      const entries = rows.map((r) => {
        const { leafHash: _leaf, ...content } = rowToEntry(r);
        return content;
      });
      const proof = end === cosignedSize ? [] : treeOf().consistencyProof(end, cosignedSize).map((b) => b.toString('base64'));
      const up = await post(fetchImpl, `${baseUrl}/mirror/add-entries`, JSON.stringify({ origin: this.deps.origin(), entries, proof }), 'application/json');
      if (up.status !== 200) throw new StationError('state', 'witness.mirror_refused', { status: up.status, detail: up.text.trim().slice(0, 200) });
      pushed += end - have;
      have = end;
    }
    return pushed;
  }

  /**
   * A c2sp.org/tlog-proof for one ledger entry (the ingest of a recording, typically), against the
   * newest checkpoint this station's witness cosigned that covers it. The entry's canonical JSON
   * rides in `extra`, so the file alone shows what was recorded and proves it, offline.
   */
  entryProof(seq: number): { proof: string; seq: number; size: number; witness: string } {
    const cfg = witnessConfig(this.deps.db);
    if (!cfg) throw new StationError('state', 'witness.not_enrolled', {});
    const receipt = this.deps.db
      .prepare('SELECT size, note, cosignature FROM witness_cosignatures WHERE witness_vkey = ? AND size >= ? ORDER BY size DESC LIMIT 1')
      .get(cfg.vkey, seq) as { size: number; note: string; cosignature: string } | undefined;
    if (!receipt) throw new StationError('state', 'witness.not_cosigned_yet', { seq });
    const entry = this.deps.ledger.entry(seq);
    if (!entry) throw new StationError('input', 'ledger.no_such_entry', { seq });
    const { leafHash: _leaf, ...content } = entry;
    const proof = formatTlogProof({ extra: entryBytes(content), index: seq - 1, inclusion: this.deps.ledger.prove(seq, receipt.size), checkpoint: `${receipt.note}${receipt.cosignature}` });
    return { proof, seq, size: receipt.size, witness: cfg.vkey };
  }
}

/** The ledger entry that recorded the ingest of a recording. */
export function recordingIngestSeq(db: ReadableDB, recordingId: string): number {
  const seq = firstSeqOf(db, 'recording.ingested', `recording:${recordingId}`);
  if (seq === undefined) throw new StationError('input', 'witness.no_such_recording', { id: recordingId });
  return seq;
}
