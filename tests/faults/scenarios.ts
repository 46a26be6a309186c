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

export type ScenarioName = 'ingest' | 'ingest-beside' | 'burn';

export type Scenario = {
  name: ScenarioName;
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
async function killAt(
  s: Started,
  point: KillPoint,
  seen: (event: string) => number,
  watcher: Watch,
  over: () => boolean = s.ended,
  act: () => void = () => s.kill(),
): Promise<number | null> {
  const t0 = Date.now();
  let killedAt: number | null = null;
  const kill = () => {
    if (killedAt !== null || s.ended()) return;
    act();
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
    while (!over() && !triggered) {
      if (seen(point.event) >= point.nth) trigger();
      else await sleep(1);
    }
    if (triggered) await sleep(point.jitterMs + 1);
  } finally {
    stop();
  }
  return killedAt;
}

/** The error codes in a command's --json output and its error line, for a one-line report. */
function errorCodes(r: CliRun): string {
  const codes = [...r.stdout.matchAll(/"(?:outcome|reason|stopCode)":\s*"([^"]+)"/g)].map((m) => m[1]).filter((c) => c !== 'ingested');
  return [...new Set(codes)].join(', ') + (r.stderr.trim() ? ` / ${r.stderr.trim().slice(0, 200)}` : '');
}

const outcomeOf = (r: CliRun) => ({ code: r.code, signal: r.signal, ms: r.ms });

// ---------------------------------------------------------------------------------------------
// Ingest: a recorder's folder of MP4, WAV and JPEG files, several MiB each, so that hashing,
// encryption and the read-back of each object take long enough to be hit.

/** A recorder's folder: MP4s of `mib` MiB of random payload, a WAV and a JPEG; name → SHA-256. */
function writeSources(dir: string, options: { files: number; mib: number; serial?: string; mp4Only?: boolean }): Map<string, string> {
  mkdirSync(dir, { recursive: true });
  const sources = new Map<string, string>();
  const put = (name: string, data: Buffer) => {
    writeFileSync(join(dir, name), data);
    sources.set(name, sha256(data));
  };
  const serial = options.serial ?? '1234567';
  for (let i = 0; i < options.files; i++) {
    put(nameAt(shanghaiNow(-(i + 1) * 60_000), { sequence: i + 1, deviceSerial: serial }), randomMp4({ mdatBytes: options.mib * 1024 * 1024 }));
  }
  if (options.mp4Only) return sources;
  put(nameAt(shanghaiNow(-3_600_000), { sequence: options.files + 1, extension: 'WAV', deviceSerial: serial }), randomWav(8));
  // The JPEG's pixels vary with the serial, so two recorders' photos are not one file.
  put(nameAt(shanghaiNow(-3_660_000), { sequence: options.files + 2, extension: 'JPG', deviceSerial: serial }), buildJpeg({ width: 320, height: 240, make: `ZFY-${serial}` }));
  return sources;
}

export function ingestScenario(options: { files: number; mib: number }): Scenario {
  let template = '';
  let keeper: Login = ADMIN;
  const events = ['vault-tmp-file', 'vault-object'] as const;

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
      const sources = writeSources(source, options);
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
// Ingest beside a killed process: a first ingest (A) holds station.lock and hangs (SIGSTOP, as a
// process stuck on a slow card would); a second (B) starts and so does not own the lock. At a
// point of B's progress, B is held still (SIGSTOP: what reading back a 4 GiB object does to the
// timing, without writing 4 GiB), A is killed with kill -9, and another command (`station vault
// verify`) starts, finds the lock's owner dead and recovers; then B goes on. B must finish
// unharmed: a crash sweep may remove only what dead writers left, never B's live temp file or the
// object B has renamed into place and not yet catalogued (ISSUE10 defect 1).

export function ingestBesideScenario(options: { files: number; mib: number }): Scenario {
  let template = '';
  let keeper: Login = ADMIN;
  const events = ['b-tmp-file', 'b-object'] as const;
  return {
    name: 'ingest-beside',
    async prepare(work) {
      template = join(work, 'ingest-beside-template');
      await initStation(template);
      keeper = await addUser(template, 'keeper', ['custodian']);
    },
    choose(r, baselineMs) {
      // Only once B has unlocked (its first temp file) is A's lock the only thing between B and a
      // sweep; before that, B itself would find A dead and take the lock. So every kill point is
      // an event of B's, or a random time after B's first temp file.
      if (r.next() < 0.4) return { kind: 'event', event: 'b-tmp-file', nth: 1, jitterMs: r.int(0, Math.round(baselineMs * 0.6)) };
      return { kind: 'event', event: r.pick(events), nth: r.int(1, options.files), jitterMs: r.pick([0, 0, 2, 10, 50]) };
    },
    async run(dir, point) {
      const data = join(dir, 'data');
      cpSync(template, data, { recursive: true });
      // With one file, A's one temp file tells A's from B's.
      const sourcesA = writeSources(join(dir, 'recorder-a'), { files: 1, mib: options.mib, serial: '7654321', mp4Only: true });
      const sourcesB = writeSources(join(dir, 'recorder-b'), options);
      const env = cliEnv(data, keeper);
      const tmp = join(data, 'vault', 'tmp');
      const tmpNames = () => names(tmp).filter((n) => n.endsWith('.partial'));

      // A first, until it is writing (so it holds the lock) — then it hangs; then B.
      const a = start(['ingest', join(dir, 'recorder-a'), '--json'], env);
      while (!a.ended() && tmpNames().length === 0) await sleep(1);
      a.freeze();
      const ofA = new Set(tmpNames());
      const seenB = new Set<string>();
      const objectsB = new Set<string>();
      const watcher: Watch = (fire) =>
        watchDir(tmp, (file) => {
          if (!file.endsWith('.partial') || ofA.has(file)) return;
          if (existsSync(join(tmp, file))) fire('b-tmp-file', file);
          else fire('b-object', file);
        });
      const seen = (event: string) => {
        for (const n of tmpNames()) if (!ofA.has(n)) seenB.add(n);
        // A temp file of B's seen before and gone now has been renamed into vault/objects.
        if (event === 'b-object') for (const n of seenB) if (!existsSync(join(tmp, n))) objectsB.add(n);
        return event === 'b-object' ? objectsB.size : seenB.size;
      };
      const b = start(['ingest', join(dir, 'recorder-b'), '--json'], env);
      // The baseline lets A go on instead: it finishes and releases the lock as it closes, and the
      // bystander takes the lock just the same (as when a `station watch` is stopped).
      const killedAtMs = point
        ? await killAt(a, point, seen, watcher, b.ended, () => {
            b.freeze();
            a.kill();
          })
        : null;
      if (!point) {
        while (!b.ended() && seen('b-tmp-file') < 1) await sleep(1);
      }
      // No kill (the baseline, or B ended before its kill point): A goes on to its end.
      if (killedAtMs === null) {
        a.thaw();
        await a.done;
      }
      // The bystander: any unlocking command, here the one an auditor runs most.
      const verify = await run(['vault', 'verify', '--json'], cliEnv(data, ADMIN));
      b.thaw();
      const [firstA, firstB] = await Promise.all([a.done, b.done]);
      const rerunA = await run(['ingest', join(dir, 'recorder-a'), '--json'], env);
      const rerunB = await run(['ingest', join(dir, 'recorder-b'), '--json'], env);
      const checks: Check[] = [
        {
          name: 'rerun',
          ok: firstB.code === 0 && rerunA.code === 0 && rerunB.code === 0,
          detail: `A ${killedAtMs === null ? `ended (${firstA.code})` : 'killed'}; B (not killed) exited ${firstB.code ?? firstB.signal} after ${firstB.ms} ms; the bystander's vault verify exited ${verify.code} after ${verify.ms} ms${verify.code ? ` (${verify.stdout.replace(/\s+/g, ' ').slice(0, 200)})` : ''}; re-runs exited A ${rerunA.code}, B ${rerunB.code}${firstB.code ? `; B said: ${errorCodes(firstB)}` : ''}`,
        },
      ];
      checks.push(await checkCatalogue(data, keeper, new Map([...sourcesA, ...sourcesB])));
      checks.push(await checkVault(data));
      checks.push(await checkLedger(data));
      checks.push(checkNoTemp(data));
      return {
        killPoint: point ?? { kind: 'delay', ms: -1 },
        killedAtMs,
        // B's duration is what the kill points of later runs are drawn within.
        firstRun: outcomeOf(firstB),
        rerun: { command: 'station ingest A; station ingest B', code: rerunA.code || rerunB.code, ms: rerunA.ms + rerunB.ms },
        checks,
      };
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
