// The two operations the campaign kills: an ingest of a recorder's files, and a 2-copy burn to ISO
// images. Each scenario builds a template station once (real CLI, real files); every run works on
// a copy of it, kills the operation at its kill point, re-runs it, then checks.
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildJpeg } from '../fixtures/mediaFixtures.ts';
import { nameAt, randomMp4, randomWav, sha256, shanghaiNow } from '../support/recorderFiles.ts';
import { burnedPerDisc, checkCatalogue, checkCopies, checkIsos, checkLedger, checkNoTemp, checkVault, ledgerBeforeRecovery, ledgerEntries, type Check } from './checks.ts';
import type { Rng } from './prng.ts';
import { addUser, ADMIN, cliEnv, help, initStation, json, must, run, start, type CliRun, type Login, type Started } from './stationCli.ts';

export type KillPoint =
  | { kind: 'delay'; ms: number }
  /** The nth time `event` is seen, then `jitterMs` more: aimed at the windows where a crash hurts. */
  | { kind: 'event'; event: string; nth: number; jitterMs: number };

export type RunOutcome = {
  killPoint: KillPoint;
  /** Milliseconds after start when kill -9 was sent; null when the operation ended first. */
  killedAtMs: number | null;
  firstRun: { code: number | null; signal: string | null; ms: number };
  rerun: { command: string; code: number | null; ms: number };
  checks: Check[];
};

export type Scenario = {
  name: 'ingest' | 'burn';
  /** Builds the template station every run starts from a copy of. */
  prepare(work: string): Promise<void>;
  /** One run: `dir` is empty and the run's own. */
  run(dir: string, point: KillPoint | null): Promise<RunOutcome>;
  /** A kill point chosen by the run's generator within the measured duration. */
  choose(r: Rng, baselineMs: number): KillPoint;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Files in a folder (recursively), or none when it does not exist. */
function names(dir: string): string[] {
  return existsSync(dir) ? (readdirSync(dir, { recursive: true }) as string[]) : [];
}

/** Reports an event (by name, with the file it concerns) the moment inotify sees it. */
type Watch = (fire: (event: string, file: string) => void) => () => void;

/** fs.watch of one folder (inotify on Linux); a folder that does not exist yet is not watched. */
function watchDir(dir: string, onChange: (file: string) => void): () => void {
  if (!existsSync(dir)) return () => undefined;
  const w = watch(dir, (_type, file) => file && onChange(String(file)));
  w.on('error', () => undefined);
  return () => w.close();
}

/**
 * Sends kill -9 to the operation at its kill point. Events come from inotify, so a kill lands
 * within a fraction of a millisecond of, say, an ISO being renamed into place, inside the window
 * before its record; a poll every millisecond backs it up for what inotify cannot see (a folder
 * created after the watch began).
 */
async function killAt(s: Started, point: KillPoint, seen: (event: string) => number, watcher: Watch): Promise<number | null> {
  const t0 = Date.now();
  let killedAt: number | null = null;
  const kill = () => {
    if (killedAt !== null || s.ended()) return;
    s.kill();
    killedAt = Date.now() - t0;
  };
  if (point.kind === 'delay') {
    while (!s.ended() && Date.now() - t0 < point.ms) await sleep(Math.min(5, point.ms - (Date.now() - t0)));
    kill();
    return killedAt;
  }
  const files = new Set<string>();
  let triggered = false;
  const trigger = () => {
    if (triggered) return;
    triggered = true;
    if (point.jitterMs === 0) kill();
    else setTimeout(kill, point.jitterMs);
  };
  const stop = watcher((event, file) => {
    if (event !== point.event) return;
    files.add(file);
    if (files.size >= point.nth) trigger();
  });
  try {
    while (!s.ended() && !triggered) {
      if (seen(point.event) >= point.nth) trigger();
      else await sleep(1);
    }
    while (!s.ended() && killedAt === null) await sleep(1);
  } finally {
    stop();
  }
  return killedAt;
}

const outcomeOf = (r: CliRun) => ({ code: r.code, signal: r.signal, ms: r.ms });

// ---------------------------------------------------------------------------------------------
// Ingest: a recorder's folder of MP4, WAV and JPEG files, several MiB each, so that hashing,
// encryption and the read-back of each object take long enough to be hit.

export function ingestScenario(options: { files: number; mib: number }): Scenario {
  let template = '';
  let keeper: Login = ADMIN;
  const events = ['vault-tmp-file', 'vault-object'] as const;

  function writeSources(dir: string): Map<string, string> {
    mkdirSync(dir, { recursive: true });
    const sources = new Map<string, string>();
    const put = (name: string, data: Buffer) => {
      writeFileSync(join(dir, name), data);
      sources.set(name, sha256(data));
    };
    for (let i = 0; i < options.files; i++) {
      const at = nameAt(shanghaiNow(-(i + 1) * 60_000), { sequence: i + 1, extension: 'MP4' });
      put(at, randomMp4({ mdatBytes: options.mib * 1024 * 1024 }));
    }
    put(nameAt(shanghaiNow(-3_600_000), { sequence: options.files + 1, extension: 'WAV' }), randomWav(8));
    put(nameAt(shanghaiNow(-3_660_000), { sequence: options.files + 2, extension: 'JPG' }), buildJpeg({ width: 320, height: 240 }));
    return sources;
  }

  return {
    name: 'ingest',
    async prepare(work) {
      template = join(work, 'ingest-template');
      await initStation(template);
      keeper = await addUser(template, 'keeper', ['custodian']);
    },
    choose(r, baselineMs) {
      if (r.next() < 0.5) return { kind: 'delay', ms: r.int(0, Math.round(baselineMs * 1.05)) };
      const event = r.pick(events);
      return { kind: 'event', event, nth: r.int(1, options.files), jitterMs: r.pick([0, 0, 1, 3, 10, 40]) };
    },
    async run(dir, point) {
      const data = join(dir, 'data');
      cpSync(template, data, { recursive: true });
      const source = join(dir, 'recorder');
      const sources = writeSources(source);
      const env = cliEnv(data, keeper);
      const seenTmp = new Set<string>();
      const seenObjects = new Set<string>();
      const seen = (event: string) => {
        if (event === 'vault-tmp-file') {
          for (const n of names(join(data, 'vault', 'tmp'))) if (n.includes('.')) seenTmp.add(n);
          return seenTmp.size;
        }
        for (const n of names(join(data, 'vault', 'objects'))) if (n.endsWith('.evo')) seenObjects.add(n);
        return seenObjects.size;
      };
      // In vault/tmp a temp file appearing is a write beginning; one vanishing is its rename into
      // vault/objects (the object exists, its row does not yet).
      const tmp = join(data, 'vault', 'tmp');
      const watcher: Watch = (fire) =>
        watchDir(tmp, (file) => {
          if (!file.endsWith('.partial')) return;
          fire(existsSync(join(tmp, file)) ? 'vault-tmp-file' : 'vault-object', file);
        });
      const s = start(['ingest', source, '--json'], env);
      const killedAtMs = point ? await killAt(s, point, seen, watcher) : null;
      const first = await s.done;
      const rerun = await run(['ingest', source, '--json'], env);
      const checks: Check[] = [{ name: 'rerun', ok: rerun.code === 0, detail: rerun.code === 0 ? 'ingest re-run exited 0' : `exit ${rerun.code}: ${rerun.stderr.trim().slice(0, 400)}` }];
      checks.push(await checkCatalogue(data, keeper, sources));
      checks.push(await checkVault(data));
      checks.push(await checkLedger(data));
      checks.push(checkNoTemp(data));
      return { killPoint: point ?? { kind: 'delay', ms: -1 }, killedAtMs, firstRun: outcomeOf(first), rerun: { command: 'station ingest PATH', code: rerun.code, ms: rerun.ms }, checks };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Burn: an approved burn request, burned as 2 copies to ISO images (xorriso writing to the
// stdio: pseudo-drive), read back and verified, each copy recorded as disc.burned.

export const APPROVED_COPIES = 2;

export function burnScenario(options: { files: number; mib: number }): Scenario {
  let template = '';
  let clerk: Login = ADMIN;
  let keeper: Login = ADMIN;
  let requestId = '';
  let sources = new Map<string, string>();
  const events = ['staging', 'partial-1', 'iso-1', 'partial-2', 'iso-2'] as const;

  return {
    name: 'burn',
    async prepare(work) {
      template = join(work, 'burn-template');
      await initStation(template);
      keeper = await addUser(template, 'keeper', ['custodian']);
      clerk = await addUser(template, 'clerk', ['clerk']);
      const head = await addUser(template, 'head', ['approver']);
      const source = join(work, 'burn-recorder');
      mkdirSync(source);
      sources = new Map();
      for (let i = 0; i < options.files; i++) {
        const data = randomMp4({ mdatBytes: options.mib * 1024 * 1024 });
        const name = nameAt(shanghaiNow(-(i + 1) * 60_000), { sequence: i + 1 });
        writeFileSync(join(source, name), data);
        sources.set(name, sha256(data));
      }
      await must(['ingest', source], cliEnv(template, keeper));
      rmSync(source, { recursive: true, force: true });
      const list = await json<{ items: { id: string }[] }>(['recordings', 'list', '--limit', '1000'], cliEnv(template, keeper));
      // When requests carry the number of copies approved, ask for the two the burn makes.
      const withCopies = /station request create[^\n]*--copies/.test(await help()) ? ['--copies', String(APPROVED_COPIES)] : [];
      const req = await json<{ id: string }>(
        ['request', 'create', '--kind', 'burn', '--recordings', list.items.map((i) => i.id).join(','), '--purpose', '刻录光盘两份附卷（故障演练）', '--case', 'AJ-2026-007', ...withCopies],
        cliEnv(template, clerk),
      );
      requestId = req.id;
      await must(['request', 'approve', requestId, '--note', '同意刻录两份'], cliEnv(template, head));
    },
    choose(r, baselineMs) {
      if (r.next() < 0.4) return { kind: 'delay', ms: r.int(0, Math.round(baselineMs * 1.05)) };
      const event = r.pick(events);
      // An ISO appearing is the window between its rename and its record: kill at once, or nearly.
      const jitterMs = event.startsWith('iso') ? r.pick([0, 0, 0, 1, 2, 5]) : r.pick([0, 5, 20, 80, 200]);
      return { kind: 'event', event, nth: 1, jitterMs };
    },
    async run(dir, point) {
      const data = join(dir, 'data');
      cpSync(template, data, { recursive: true });
      const out = join(dir, 'out');
      mkdirSync(out);
      const iso = join(out, 'case.iso');
      const burnArgs = ['burn', requestId, '--target', `iso:${iso}`, '--media', 'dvd', '--copies', String(APPROVED_COPIES), '--json'];
      const env = cliEnv(data, clerk);
      const seen = (event: string) => {
        if (event === 'staging') return names(join(data, 'staging')).length > 0 ? 1 : 0;
        const copy = event.slice(-1);
        const file = event.startsWith('partial') ? `.case-copy${copy}.iso.partial` : `case-copy${copy}.iso`;
        return existsSync(join(out, file)) ? 1 : 0;
      };
      const watcher: Watch = (fire) =>
        watchDir(out, (file) => {
          const m = /^(\.)?case-copy(\d)\.iso(\.partial)?$/.exec(file);
          if (m && existsSync(join(out, file))) fire(`${m[3] ? 'partial' : 'iso'}-${m[2]}`, file);
        });
      const s = start(burnArgs, env);
      const killedAtMs = point ? await killAt(s, point, seen, watcher) : null;
      const first = await s.done;

      // The re-run: continue the interrupted job where the CLI can, otherwise start the burn again.
      // What was burned and which job ran are read before any station process starts again.
      const burnedBefore = burnedPerDisc(requestId, ledgerBeforeRecovery(data, 'disc.burned'));
      const alreadyDone = burnedBefore.size > 0 && [...burnedBefore.values()].every((n) => n >= APPROVED_COPIES);
      // Starting again, the custodian names a new image: the station refuses to overwrite the old.
      let rerunArgs = burnArgs.map((a) => (a === `iso:${iso}` ? `iso:${join(out, 'again.iso')}` : a));
      let command = 'station burn REQUEST --target iso:again.iso (started again)';
      if (/station burn[^\n]*--retry/.test(await help())) {
        const job = ledgerBeforeRecovery(data, 'disc.burn_started').filter((e) => e.details.requestId === requestId).at(-1)?.details.jobId;
        if (typeof job === 'string') {
          rerunArgs = ['burn', '--retry', job, '--json'];
          command = 'station burn --retry JOB';
        }
      }
      const rerun = killedAtMs === null ? null : await run(rerunArgs, env);
      const checks: Check[] = [];
      if (rerun) {
        // Refusing is right only when every approved copy was already recorded before the kill.
        const ok = rerun.code === 0 || (alreadyDone && rerun.code !== null);
        checks.push({ name: 'rerun', ok, detail: `${command} exited ${rerun.code ?? rerun.signal}${alreadyDone ? ' (all copies were recorded before the kill)' : ''}${rerun.code ? `: ${rerun.stderr.trim().slice(0, 300)}` : ''}` });
      }
      checks.push(await checkCatalogue(data, keeper, sources));
      checks.push(await checkVault(data));
      checks.push(await checkLedger(data));
      checks.push(checkNoTemp(data, [out]));
      const burned = await ledgerEntries(data, 'disc.burned');
      checks.push(checkIsos(out, burned));
      const copies = checkCopies(requestId, burned, APPROVED_COPIES);
      checks.push(copies.within, copies.complete);
      return {
        killPoint: point ?? { kind: 'delay', ms: -1 },
        killedAtMs,
        firstRun: outcomeOf(first),
        rerun: rerun ? { command, code: rerun.code, ms: rerun.ms } : { command: 'none (the burn ended before the kill)', code: null, ms: 0 },
        checks,
      };
    },
  };
}
