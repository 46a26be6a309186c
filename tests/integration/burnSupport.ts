// A station with recordings really ingested (through the ingest api, from fixture files) and an
// approved burn request, for the burn tests and the burn benchmark.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestStation, type TestStation } from '../support/testStation.ts';
import type { ManualClock } from '../../electron/core/clock.ts';
import { buildMp4, writeSparseMp4 } from '../fixtures/mediaFixtures.ts';
import { provideDiscPorts } from '../../electron/api/runtime/discs.ts';
import type { ApiClient } from '../../electron/api/server.ts';
import type { DiscPorts } from '../../electron/core/discs/ports.ts';
import { createDiscPorts } from '../../native/discs/index.ts';

export type BurnFixture = {
  t: TestStation;
  clerk: ApiClient;
  approver: ApiClient;
  custodian: ApiClient;
  recordings: string[];
  requestId: string;
  work: string;
  cleanup(): void;
};

export type SourceFile = { name: string; bytes: number; sparse?: boolean };

/** Distinct small MP4s (mdatFill varies the content) or big sparse ones (creationTime varies it). */
export async function writeSources(dir: string, files: SourceFile[]): Promise<void> {
  for (const [i, f] of files.entries()) {
    if (f.sparse) {
      await writeSparseMp4(join(dir, f.name), { mdatBytes: f.bytes, creationTime: new Date(Date.UTC(2025, 2, 1, 2, 0, i)) });
    } else {
      writeFileSync(join(dir, f.name), buildMp4({ mdatBytes: f.bytes, mdatFill: (i * 37 + 1) % 256, creationTime: new Date(Date.UTC(2025, 2, 1, 2, 0, i)) }));
    }
  }
}

export async function burnFixture(options: { files: SourceFile[]; caseId?: string; ports?: DiscPorts | null; clock?: ManualClock }): Promise<BurnFixture> {
  const t = await createTestStation(options.clock ? { clock: options.clock } : {});
  const work = mkdtempSync(join(tmpdir(), 'burn-work-'));
  const source = join(work, 'source');
  mkdirSync(source);
  await writeSources(source, options.files);
  const custodian = await t.addUser('custodian1', ['custodian']);
  const clerk = await t.addUser('clerk1', ['clerk']);
  const approver = await t.addUser('head1', ['approver']);
  const session = await custodian.invoke('ingest.run', { path: source });
  // The plaintext sources are not needed once in the vault; big ones would only double the disk use.
  rmSync(source, { recursive: true, force: true });
  const recordings = (await custodian.invoke('recording.list', { limit: 1000, order: 'asc' })).items.map((r) => r.id);
  if (recordings.length !== options.files.length) throw new Error(`ingested ${recordings.length} of ${options.files.length}: ${JSON.stringify(session)}`);
  const req = await clerk.invoke('request.create', { kind: 'burn', recordingIds: recordings, purpose: '刻录光盘附卷（004 第十八条）', caseId: options.caseId ?? 'AJ-2025-017' });
  await approver.invoke('request.approve', { id: req.id, password: 'head1-password', note: '同意刻录' });
  if (options.ports !== null) provideDiscPorts(t.server, options.ports ?? createDiscPorts());
  return {
    t,
    clerk,
    approver,
    custodian,
    recordings,
    requestId: req.id,
    work,
    cleanup() {
      t.cleanup();
      rmSync(work, { recursive: true, force: true });
    },
  };
}

export function extract(iso: string, into: string): void {
  mkdirSync(into, { recursive: true });
  const r = spawnSync('xorriso', ['-osirrox', 'on', '-local_charset', 'UTF-8', '-indev', iso, '-extract', '/', into], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`extract failed: ${r.stderr}`);
  // Extracted files keep the disc's read-only modes; let the test clean up after itself.
  spawnSync('chmod', ['-R', 'u+w', into]);
}

export function checkMd5(iso: string): { status: number; output: string } {
  const r = spawnSync('xorriso', ['-md5', 'on', '-indev', iso, '-check_md5_r', 'SORRY', '/', '--'], { encoding: 'utf8' });
  return { status: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
}

export type VerifyHtmlFile = { size: number; slice(start: number, end: number): Promise<Uint8Array> };
export type VerifyHtmlChecker = {
  parseSums(text: string): { entries: { path: string; sha256: string }[]; bad: number[] };
  stripRoot(paths: string[]): string[];
  run(
    files: Record<string, VerifyHtmlFile>,
    options?: { subtle?: unknown; onProgress?: (p: unknown) => void },
  ): Promise<{ ok: boolean; files: { path: string; state: string }[]; signature: { state: string; key: string | null }; problems: string[]; fatal?: string }>;
};

/** The checker script of resources/templates/verify.html, run in a bare context (no Node, no DOM). */
export function loadVerifyHtmlChecker(): VerifyHtmlChecker {
  const page = readFileSync(fileURLToPath(new URL('../../resources/templates/verify.html', import.meta.url)), 'utf8');
  const script = (id: string) => new RegExp(`<script id="${id}">([\\s\\S]*?)</script>`).exec(page)![1]!;
  const context = vm.createContext({ TextDecoder, TextEncoder, atob, Uint8Array, Int32Array, Math, JSON, Object, Array, Promise });
  vm.runInContext(`${script('es-sha256')}\n${script('es-check')}\n${script('es-ui')}\nthis.ES_CHECK = ES_CHECK;`, context);
  return (context as unknown as { ES_CHECK: VerifyHtmlChecker }).ES_CHECK;
}
