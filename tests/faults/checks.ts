// The checks after every fault and re-run. Each reads the station through the real CLI (catalogue,
// ledger, vault) or looks at the folders a custodian would find on the station PC.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ADMIN, cliEnv, run, type Login } from './stationCli.ts';

export type Check = { name: CheckName; ok: boolean; detail: string };
export type CheckName = 'rerun' | 'catalogue' | 'vault-verify' | 'ledger-verify' | 'no-temp' | 'no-unrecorded-iso' | 'copies-within-approval' | 'copies-complete';

type RecordingItem = { id: string; sha256: string; size: number; duplicateOf: string | null };
export type LedgerEntry = { seq: number; action: string; details: Record<string, unknown> };

const short = (s: string) => (s.length > 600 ? `${s.slice(0, 600)}…` : s).trim();

/** Every recording in the catalogue, read page by page with `station recordings list --json`. */
async function catalogue(data: string, reader: Login): Promise<RecordingItem[] | string> {
  const out: RecordingItem[] = [];
  for (let offset = 0; ; offset += 1000) {
    const r = await run(['recordings', 'list', '--limit', '1000', '--offset', String(offset), '--json'], cliEnv(data, reader));
    if (r.code !== 0) return `recordings list exited ${r.code}: ${short(r.stderr)}`;
    const page = JSON.parse(r.stdout) as { total: number; items: RecordingItem[] };
    out.push(...page.items);
    if (page.items.length === 0 || out.length >= page.total) return out;
  }
}

/** Every ledger entry of one action, with `station ledger show --action A --json`. */
export async function ledgerEntries(data: string, action: string): Promise<LedgerEntry[]> {
  const out: LedgerEntry[] = [];
  for (let offset = 0; ; offset += 500) {
    const r = await run(['ledger', 'show', '--action', action, '--limit', '500', '--offset', String(offset), '--json'], cliEnv(data, ADMIN));
    if (r.code !== 0) throw new Error(`ledger show exited ${r.code}: ${short(r.stderr)}`);
    const page = JSON.parse(r.stdout) as { total: number; entries: LedgerEntry[] };
    out.push(...page.entries);
    if (page.entries.length === 0 || out.length >= page.total) return out;
  }
}

/**
 * Ledger entries of one action read straight from station.db with `sqlite3 -readonly`, before any
 * station process has started again: reading through the CLI would unlock, and so recover, first.
 */
export function ledgerBeforeRecovery(data: string, action: string): LedgerEntry[] {
  const r = spawnSync('sqlite3', ['-readonly', '-json', join(data, 'station.db'), `SELECT seq, action, details FROM ledger WHERE action = '${action.replace(/'/g, "''")}' ORDER BY seq`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sqlite3 failed: ${r.stderr}`);
  const rows = r.stdout.trim() ? (JSON.parse(r.stdout) as { seq: number; action: string; details: string }[]) : [];
  return rows.map((row) => ({ seq: row.seq, action: row.action, details: JSON.parse(row.details) as Record<string, unknown> }));
}

/** Every source file's SHA-256 is in the catalogue exactly once, and the catalogue holds nothing else. */
export async function checkCatalogue(data: string, reader: Login, sources: Map<string, string>): Promise<Check> {
  const items = await catalogue(data, reader);
  if (typeof items === 'string') return { name: 'catalogue', ok: false, detail: items };
  const problems: string[] = [];
  for (const [name, sha] of sources) {
    const n = items.filter((i) => i.sha256 === sha).length;
    if (n !== 1) problems.push(`${name}: catalogued ${n} times`);
  }
  const known = new Set(sources.values());
  for (const i of items) if (!known.has(i.sha256)) problems.push(`${i.id}: hash ${i.sha256.slice(0, 12)}… is no source file's`);
  return { name: 'catalogue', ok: problems.length === 0, detail: problems.join('; ') || `${sources.size} source files, each catalogued once` };
}

async function verifyCommand(data: string, name: 'vault-verify' | 'ledger-verify', reader: Login): Promise<Check> {
  const args = name === 'vault-verify' ? ['vault', 'verify', '--json'] : ['ledger', 'verify', '--json'];
  const r = await run(args, cliEnv(data, reader));
  let ok: boolean;
  try {
    ok = r.code === 0 && (JSON.parse(r.stdout) as { ok?: boolean }).ok === true;
  } catch {
    ok = false;
  }
  return { name, ok, detail: ok ? 'ok' : `exit ${r.code ?? r.signal}: ${short(`${r.stdout}\n${r.stderr}`)}` };
}

export const checkVault = (data: string) => verifyCommand(data, 'vault-verify', ADMIN);
export const checkLedger = (data: string) => verifyCommand(data, 'ledger-verify', ADMIN);

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    out.push(p);
    if (e.isDirectory()) out.push(...walk(p));
  }
  return out;
}

/**
 * Nothing a writer leaves while it works is still there once a process has started up again and
 * recovered: no file in vault/tmp, nothing in staging/ (decrypted evidence), no *.partial anywhere
 * in the data folder or the burn's output folder.
 */
export function checkNoTemp(data: string, outputs: string[] = []): Check {
  const left = [
    ...walk(join(data, 'vault', 'tmp')).filter((p) => statSync(p, { throwIfNoEntry: false })?.isFile()),
    ...walk(join(data, 'staging')),
    ...[data, ...outputs].flatMap(walk).filter((p) => p.endsWith('.partial')),
  ];
  const unique = [...new Set(left)].map((p) => p.replace(`${data}/`, 'data/'));
  return { name: 'no-temp', ok: unique.length === 0, detail: unique.length ? `left: ${unique.join(', ')}` : 'none' };
}

/** Every ISO in the output folder is a recorded burn, and every recorded burn's ISO is there. */
export function checkIsos(out: string, burned: LedgerEntry[]): Check {
  const recorded = new Set(burned.map((e) => String(e.details.location)));
  const present = walk(out).filter((p) => !p.endsWith('.partial') && statSync(p, { throwIfNoEntry: false })?.isFile());
  const problems = [
    ...present.filter((p) => !recorded.has(p)).map((p) => `unrecorded ${p.slice(out.length + 1)}`),
    ...[...recorded].filter((p) => !existsSync(p)).map((p) => `recorded but missing ${p}`),
  ];
  return { name: 'no-unrecorded-iso', ok: problems.length === 0, detail: problems.join('; ') || `${present.length} ISO(s), all recorded` };
}

/** Per disc of the request, the `disc.burned` entries never exceed the approved copies. */
export function burnedPerDisc(requestId: string, burned: LedgerEntry[]): Map<number, number> {
  const perDisc = new Map<number, number>();
  for (const e of burned) if (e.details.requestId === requestId) perDisc.set(Number(e.details.disc), (perDisc.get(Number(e.details.disc)) ?? 0) + 1);
  return perDisc;
}

export function checkCopies(requestId: string, burned: LedgerEntry[], approved: number): { within: Check; complete: Check } {
  const perDisc = burnedPerDisc(requestId, burned);
  const shown = [...perDisc].map(([d, n]) => `disc ${d}: ${n}`).join(', ') || 'none burned';
  const over = [...perDisc].filter(([, n]) => n > approved);
  const short = perDisc.size === 0 || [...perDisc].some(([, n]) => n < approved);
  return {
    within: { name: 'copies-within-approval', ok: over.length === 0, detail: `${shown} (approved ${approved})` },
    complete: { name: 'copies-complete', ok: !short, detail: `${shown} after the re-run (approved ${approved})` },
  };
}
