import pg from 'pg';
import { StationError } from '../core/errors.ts';
import { isValidKeyName, openNote, parseCheckpointBody, parseVerifierKey } from '../core/ledger/checkpoint.ts';
import { MerkleAccumulator, verifyConsistency } from '../core/ledger/merkle.ts';
import { entryBytes, leafHash, validateEntryContent, type LedgerEntryContent } from '../core/ledger/entryHash.ts';
import { cosign, parseAddCheckpoint, splitNote } from '../core/witness/cosignature.ts';
import { APP_ROLE, SCHEMA_SQL } from './schema.ts';
import type { WitnessKey } from './keyFile.ts';

/** An HTTP answer the server writes as is (status, content type, body). */
export type Reply = { status: number; type: string; body: string; headers?: Record<string, string> };

const text = (status: number, body: string, type = 'text/plain; charset=utf-8'): Reply => ({ status, type, body });
const json = (status: number, value: unknown): Reply => ({ status, type: 'application/json', body: `${JSON.stringify(value)}\n` });

/** Entries one mirror upload may carry: uploads are interruptible, so a batch is a unit of retry. */
export const MAX_MIRROR_BATCH = 2000;

type StateRow = { size: string; root: Buffer | null; mirror_size: string; mirror_frontier: unknown; mirror_last_leaf: string };

/**
 * The witness (c2sp.org/tlog-witness) and mirror behind `station central serve`. Every decision
 * is taken inside one PostgreSQL transaction that holds the log's state row FOR UPDATE, so two
 * submissions for one log serialize and the check of `old` and the update are atomic (the race
 * described in tlog-witness §add-checkpoint). A cosignature is returned only after COMMIT.
 */
export class CentralService {
  readonly pool: pg.Pool;
  readonly key: WitnessKey;
  readonly connectionString: string;
  private readonly now: () => Date;

  constructor(connectionString: string, key: WitnessKey, options: { now?: () => Date; max?: number } = {}) {
    this.key = key;
    this.connectionString = connectionString;
    this.now = options.now ?? (() => new Date());
    this.pool = new pg.Pool({ connectionString, max: options.max ?? 8, connectionTimeoutMillis: 3000 });
    // A pool error (the server went away) must not crash the service: requests answer 503 instead.
    this.pool.on('error', () => undefined);
    // Requests run as the service role: history tables take only SELECT and INSERT from it.
    this.pool.on('connect', (client) => {
      client.query(`SET ROLE ${APP_ROLE}`).catch(() => undefined);
    });
  }

  /** Creates the schema as the connecting (owner) user; idempotent. */
  static async migrate(connectionString: string): Promise<void> {
    const client = new pg.Client({ connectionString });
    await client.connect();
    try {
      await client.query(SCHEMA_SQL);
    } finally {
      await client.end();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    try {
      await c.query(`SET ROLE ${APP_ROLE}`);
      await c.query('BEGIN');
      const result = await fn(c);
      await c.query('COMMIT');
      return result;
    } catch (e) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      c.release();
    }
  }

  /** Enrols a station log: its origin and its checkpoint verifier key. An origin has one key, for good. */
  async enrol(origin: string, stationVkey: string, by: string): Promise<{ created: boolean }> {
    const key = parseVerifierKey(stationVkey);
    // The station signs its checkpoints with its origin as the key name (core/station.ts).
    if (key.keyName !== origin || !isValidKeyName(origin)) throw new StationError('input', 'central.origin_key_mismatch', { origin, keyName: key.keyName });
    return this.tx(async (c) => {
      const existing = await c.query<{ public_key: Buffer }>('SELECT public_key FROM central_logs WHERE origin = $1', [origin]);
      if (existing.rows[0]) {
        if (Buffer.compare(existing.rows[0].public_key, key.publicKey) === 0) return { created: false };
        throw new StationError('state', 'central.origin_taken', { origin });
      }
      const sameKey = await c.query('SELECT origin FROM central_logs WHERE public_key = $1', [key.publicKey]);
      if (sameKey.rows[0]) throw new StationError('state', 'central.key_taken', { origin: (sameKey.rows[0] as { origin: string }).origin });
      await c.query('INSERT INTO central_logs (origin, key_name, public_key, station_vkey, enrolled_by) VALUES ($1, $2, $3, $4, $5)', [origin, key.keyName, key.publicKey, stationVkey, by]);
      await c.query('INSERT INTO central_log_state (origin) VALUES ($1)', [origin]);
      await c.query('INSERT INTO central_events (action, origin, details) VALUES ($1, $2, $3)', ['station.enrolled', origin, JSON.stringify({ vkey: stationVkey, by })]);
      return { created: true };
    });
  }

  private async refuse(origin: string, status: number, reason: string, oldSize: number | null, size: number | null, note: string | null): Promise<void> {
    // Kept outside the refused transaction: a refused fork is evidence about the log (tlog-witness allows logging it).
    await this.pool.query('INSERT INTO central_refusals (origin, status, reason, old_size, size, note) VALUES ($1, $2, $3, $4, $5, $6)', [origin, status, reason, oldSize, size, note]).catch(() => undefined);
  }

  /** POST /add-checkpoint. Never throws for bad input; PostgreSQL failures propagate (the server answers 503). */
  async addCheckpoint(body: string): Promise<Reply> {
    let req;
    try {
      req = parseAddCheckpoint(body);
    } catch (e) {
      return text(400, `${(e as StationError).params?.reason ?? 'malformed'}\n`);
    }
    const parts = splitNote(req.note);
    const origin = parts ? (parts.body.split('\n')[0] ?? '') : '';
    if (!parts || origin === '') return text(400, 'checkpoint\n');
    const log = await this.pool.query<{ key_name: string; public_key: Buffer }>('SELECT key_name, public_key FROM central_logs WHERE origin = $1', [origin]);
    const row = log.rows[0];
    if (!row) return text(404, 'unknown origin\n');
    let cp;
    try {
      cp = parseCheckpointBody(openNote(req.note, row.public_key, row.key_name));
    } catch (e) {
      const reason = (e as StationError).params?.reason;
      // A signature that does not verify against the enrolled key is 403; a note that is not a checkpoint is 400.
      if (reason === 'bad_signature' || reason === 'unknown_key') {
        await this.refuse(origin, 403, String(reason), req.oldSize, null, req.note.slice(0, 4096));
        return text(403, 'signature\n');
      }
      return text(400, `checkpoint ${String(reason ?? '')}\n`);
    }
    if (req.oldSize > cp.size) return text(400, 'old size larger than checkpoint\n');
    if (req.oldSize === 0 && req.proof.length > 0) return text(400, 'proof from size 0\n');
    const outcome = await this.tx(async (c): Promise<Reply | { refused: Reply; reason: string }> => {
      const st = (await c.query<StateRow>('SELECT size, root FROM central_log_state WHERE origin = $1 FOR UPDATE', [origin])).rows[0];
      const known = Number(st?.size ?? 0);
      if (req.oldSize !== known) return { refused: text(409, `${known}\n`, 'text/x.tlog.size'), reason: 'old_size' };
      const knownRoot = st?.root ?? null;
      if (known > 0 && knownRoot) {
        if (req.oldSize === cp.size) {
          if (!knownRoot.equals(cp.root)) return { refused: text(409, `${known}\n`, 'text/x.tlog.size'), reason: 'fork_same_size' };
          // Between equal trees the only consistency proof is the empty one (RFC 9162 §2.1.4.2).
          if (req.proof.length > 0) return { refused: text(422, 'consistency proof\n'), reason: 'proof' };
        } else if (!verifyConsistency(known, cp.size, req.proof, knownRoot, cp.root)) {
          return { refused: text(422, 'consistency proof\n'), reason: 'proof' };
        }
      }
      const at = this.now();
      const line = cosign(parts.body, Math.floor(at.getTime() / 1000), this.key.privateKey, this.key.name);
      await c.query('UPDATE central_log_state SET size = $2, root = $3, note = $4, cosigned_at = $5 WHERE origin = $1', [origin, cp.size, cp.root, req.note, at]);
      await c.query('INSERT INTO central_cosigned (origin, size, root, note, cosignature, cosigned_at) VALUES ($1, $2, $3, $4, $5, $6)', [origin, cp.size, cp.root, req.note, line, at]);
      return text(200, line);
    });
    if ('refused' in outcome) {
      await this.refuse(origin, outcome.refused.status, outcome.reason, req.oldSize, cp.size, req.note);
      return outcome.refused;
    }
    return outcome;
  }

  /** GET /mirror/size?origin=…: how many entries of the log the mirror holds. */
  async mirrorSize(origin: string): Promise<Reply> {
    const st = await this.pool.query<{ mirror_size: string; size: string }>('SELECT mirror_size, size FROM central_log_state WHERE origin = $1', [origin]);
    const row = st.rows[0];
    if (!row) return text(404, 'unknown origin\n');
    return json(200, { mirrorSize: Number(row.mirror_size), cosignedSize: Number(row.size) });
  }

  /**
   * POST /mirror/add-entries: `{ origin, entries, proof }`. The entries must continue the mirror
   * exactly (seq = mirror size + 1 …, each `prev` the leaf before), and `proof` must be a
   * consistency proof from the mirror's new size to the latest cosigned checkpoint: the mirror
   * stores only entries that provably belong to the tree this witness cosigned. Who uploads does
   * not matter — the proofs are the authority.
   */
  async addEntries(raw: string): Promise<Reply> {
    let input: { origin: string; entries: unknown[]; proof: string[] };
    try {
      input = JSON.parse(raw) as typeof input;
      if (typeof input.origin !== 'string' || !Array.isArray(input.entries) || !Array.isArray(input.proof)) throw new Error('shape');
      if (input.entries.length === 0 || input.entries.length > MAX_MIRROR_BATCH || input.proof.length > 63) throw new Error('size');
      for (const e of input.entries) validateEntryContent(e);
    } catch {
      return text(400, 'malformed\n');
    }
    const proof = input.proof.map((p) => Buffer.from(String(p), 'base64'));
    const entries = input.entries as LedgerEntryContent[];
    return this.tx(async (c) => {
      const st = (await c.query<StateRow>('SELECT size, root, mirror_size, mirror_frontier, mirror_last_leaf FROM central_log_state WHERE origin = $1 FOR UPDATE', [input.origin])).rows[0];
      if (!st) return text(404, 'unknown origin\n');
      const have = Number(st.mirror_size);
      const cosigned = Number(st.size);
      if (entries[0]?.seq !== have + 1) return text(409, `${have}\n`, 'text/x.tlog.size');
      if (have + entries.length > cosigned || !st.root) return text(422, 'beyond cosigned checkpoint\n');
      const acc = MerkleAccumulator.fromJSON(st.mirror_frontier);
      let prev = st.mirror_last_leaf;
      const rows: [number, Buffer, string, string, string][] = [];
      for (const [i, e] of entries.entries()) {
        if (e.seq !== have + 1 + i || e.prev !== prev) return text(422, 'chain\n');
        const bytes = entryBytes(e);
        const leaf = leafHash(bytes);
        acc.append(leaf);
        prev = leaf.toString('hex');
        rows.push([e.seq, leaf, e.time, e.action, bytes.toString('utf8')]);
      }
      const n = acc.size;
      const ok = n === cosigned ? proof.length === 0 && acc.root().equals(st.root) : verifyConsistency(n, cosigned, proof, acc.root(), st.root);
      if (!ok) return text(422, 'consistency proof\n');
      for (const r of rows) {
        await c.query('INSERT INTO central_entries (origin, seq, leaf, time, action, content) VALUES ($1, $2, $3, $4, $5, $6)', [input.origin, ...r]);
      }
      await c.query('UPDATE central_log_state SET mirror_size = $2, mirror_frontier = $3, mirror_last_leaf = $4 WHERE origin = $1', [input.origin, n, JSON.stringify(acc.toJSON()), prev]);
      return json(200, { mirrorSize: n, cosignedSize: cosigned });
    });
  }
}
