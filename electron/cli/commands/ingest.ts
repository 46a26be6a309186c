// Dock and ingest at the command line: ingest a path now, run the headless dock service, read the
// catalogue, keep the registry, write the explanations the rules ask for.
import type { i18n } from 'i18next';
import type { DockedVolume, FileResult, ProgressEvent, Recording, SessionSummary } from '../../api/index.ts';
import { recorderClassifier, startDock } from '../../api/runtime/dock.ts';
import { createPlatformDevices } from '../../../native/index.ts';
import { DEFAULT_LINUX_MOUNT_ROOTS } from '../../../native/linux/volumes.ts';
import type { CliCommand, CliContext } from './types.ts';
import { str, table } from './format.ts';
import { listenerFor } from '../../shared/events.ts';

type T = i18n['t'];

/**
 * Names come from recorders and folders, i.e. from anyone: control characters (an ESC sequence
 * could rewrite the terminal) are shown escaped, never sent to the terminal.
 */
export function safe(s: string): string {
  return s.replace(/\p{Cc}|[\u2028\u2029]/gu, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function mib(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(1);
}

// Issue 15's flags keep their words in cli.media.json (locale groups merge one level deep only).
const MEDIA_FLAGS = new Set(['time_in_future', 'time_mismatch', 'deadline_unknown', 'name_unrecognized', 'clock_drift']);

function flagList(t: T, flags: readonly string[]): string {
  return flags.map((f) => (f === 'destroyed' ? t('destroyed.flag') : t(MEDIA_FLAGS.has(f) ? `media.flag.${f}` : `ingest.flag.${f}`))).join('、');
}

function fileLine(t: T, f: FileResult): string {
  const outcome = t(`ingest.outcome.${f.outcome}`);
  const reason = f.reason ? ` — ${t(`errors:${f.reason}`, { ...(f.params ?? {}), path: safe(String(f.params?.path ?? f.path)), defaultValue: f.reason })}` : '';
  const rec = f.recordingId ? ` → ${f.recordingId}` : '';
  const flags = f.flags.length ? ` [${flagList(t, f.flags)}]` : '';
  return `${outcome}  ${safe(f.path)}${rec}${flags}${reason}`;
}

function summaryLine(t: T, s: SessionSummary): string {
  const c = s.counts;
  return t('ingest.summary', {
    status: t(`ingest.status.${s.status}`),
    ingested: c.ingested,
    duplicate: c.duplicate,
    already: c.already_ingested,
    skipped: c.skipped,
    failed: c.failed,
    aborted: c.aborted,
    pending: c.pending,
    late: s.flagged.late,
    interruption: s.flagged.interruption,
    unparseable: s.flagged.unparseable,
    needs: s.flagged.needsExplanation,
  });
}

function progressLine(t: T, p: ProgressEvent): string {
  return t('ingest.progress', {
    files: p.filesDone,
    filesTotal: p.filesTotal,
    mib: mib(p.bytesDone),
    mibTotal: mib(p.bytesTotal),
    speed: mib(p.bytesPerSecond),
    eta: p.etaSeconds === null ? '?' : String(p.etaSeconds),
  });
}

function volumeLine(t: T, v: DockedVolume): string {
  const reason = v.reason ? ` — ${t(`errors:${v.reason}`, { defaultValue: v.reason, mountPoint: v.mountPoint })}` : '';
  const recorder = v.recorder ? ` ${t('dock.recorder', { serial: safe(v.recorder.serial), officer: v.recorder.officerBadge ?? '-' })}` : '';
  return `${t(`dock.state.${v.state}`)}  ${safe(v.mountPoint)} (${safe(v.device)}, ${v.fsType})${recorder}${reason}`;
}

export function recordingRows(t: T, items: Recording[]): string[][] {
  const rows = [[t('col.recording'), t('col.recorded_at'), t('col.media_kind'), t('col.recorder'), t('col.officer'), t('col.size'), t('col.flags'), t('col.name')]];
  for (const r of items) {
    rows.push([
      r.id,
      r.recordedAt ?? '-',
      t(`ingest.kind.${r.kind}`),
      r.recorderSerial ?? '-',
      r.officerBadge ? `${r.officerBadge}${r.officerName ? ` ${r.officerName}` : ''}` : '-',
      `${mib(r.size)} MiB`,
      [r.important ? t('ingest.flag.important') : '', flagList(t, r.flags)].filter(Boolean).join('、'),
      safe(r.originalName),
    ]);
  }
  return rows;
}

async function watch(ctx: CliContext): Promise<number> {
  const { server, client, t, json, args } = ctx;
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const lastState = new Map<string, string>();
  const event = (name: string, payload: unknown) => {
    if (json) {
      out(JSON.stringify({ event: name, payload }));
      return;
    }
    switch (name) {
      case 'dock.volume': {
        // The service also reports details filled in within a state; a log line per state is enough.
        const v = payload as DockedVolume;
        if (lastState.get(v.mountPoint) === v.state) break;
        lastState.set(v.mountPoint, v.state);
        if (v.state === 'removed') lastState.delete(v.mountPoint);
        out(volumeLine(t, v));
        break;
      }
      case 'ingest.session': {
        const s = payload as SessionSummary;
        out(s.status === 'running' ? t('ingest.started', { root: safe(s.root), files: s.filesTotal, mib: mib(s.bytesTotal), session: s.id }) : summaryLine(t, s));
        if (s.mayUndock) out(t('dock.may_undock', { root: safe(s.root) }));
        break;
      }
      case 'ingest.file':
        out(fileLine(t, payload as FileResult));
        break;
      case 'ingest.progress':
        // One line per few seconds is enough for a log; the Dock screen shows the live bar.
        break;
    }
  };
  const off = client.on(event);
  const username = (str(args.user) ?? ctx.env.STATION_USER ?? '').trim();
  const roots = ((args['mount-root'] as string[] | undefined) ?? []).map((path) => ({ path, depth: 0 }));
  const devices = createPlatformDevices({
    classify: await recorderClassifier(server),
    linux: { mountRoots: [...DEFAULT_LINUX_MOUNT_ROOTS, ...roots] },
  });
  let lastProgress = 0;
  const offProgress = client.on(
    listenerFor('ingest.progress', (progress) => {
      if (json) return;
      const now = performance.now();
      if (now - lastProgress < 5000) return;
      lastProgress = now;
      out(progressLine(t, progress));
    }),
  );
  const dock = await startDock(server, devices, { duty: username });
  out(t('dock.watching', { user: username, roots: [...DEFAULT_LINUX_MOUNT_ROOTS, ...roots].map((r) => r.path).join(', ') }));
  // A pending promise does not keep Node running; this timer does, until a signal arrives.
  const keepAlive = setInterval(() => {}, 1 << 30);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGHUP', () => resolve('SIGHUP'));
  });
  out(t('dock.stopping', { signal }));
  await dock.stop();
  await devices.close();
  clearInterval(keepAlive);
  off();
  offProgress();
  out(t('dock.stopped'));
  return 0;
}

export const ingestCommands: CliCommand[] = [
  {
    words: ['ingest'],
    synopsis: 'PATH [--recorder SERIAL]',
    positionals: ['PATH'],
    options: { recorder: { type: 'string' } },
    login: true,
    unlock: 'required',
    async run({ client, args, positionals, t, print, json }) {
      const off = client.on(
        listenerFor('ingest.file', (file) => {
          if (!json) process.stdout.write(`${fileLine(t, file)}\n`);
        }),
      );
      try {
        const recorder = str(args.recorder);
        const result = await client.invoke('ingest.run', { path: positionals[0] ?? '', ...(recorder ? { recorderSerial: recorder } : {}) });
        const s = result.session;
        print(summaryLine(t, s), result);
        if (s.stopCode && s.status !== 'completed') {
          process.stderr.write(`${t('error_prefix')}${t(`errors:${s.stopCode}`, { path: s.root, defaultValue: s.stopCode })}\n`);
        }
        return s.status === 'completed' && s.counts.failed === 0 && s.counts.aborted === 0 ? 0 : 1;
      } finally {
        off();
      }
    },
  },
  {
    words: ['watch'],
    synopsis: '[--mount-root DIR]…',
    positionals: [],
    options: { 'mount-root': { type: 'string', multiple: true } },
    login: true,
    unlock: 'required',
    run: watch,
  },
  {
    words: ['dock', 'handover'],
    synopsis: 'USER',
    positionals: ['USER'],
    options: {},
    login: true,
    unlock: 'required',
    async run({ client, positionals, t, print }) {
      const from = client.user?.username ?? '';
      const duty = await client.invoke('dock.handOver', { to: positionals[0]! });
      print(t('duty.handed_over', { from, to: duty?.username ?? positionals[0] }), duty);
    },
  },
  {
    words: ['dock', 'duty'],
    synopsis: '',
    positionals: [],
    options: {},
    login: true,
    unlock: 'if-available',
    async run({ client, t, print }) {
      const duty = await client.invoke('dock.duty', {});
      print(duty ? t('duty.on_duty', { username: duty.username, since: duty.since }) : t('duty.nobody_on_duty'), duty);
    },
  },
  {
    words: ['recordings', 'show'],
    synopsis: 'RECORDING',
    positionals: ['RECORDING'],
    options: {},
    login: true,
    unlock: 'never',
    async run({ client, positionals, t, print }) {
      const d = await client.invoke('recording.get', { id: positionals[0] ?? '' });
      const r = d.recording;
      const lines = [
        t('recordings.detail', {
          id: r.id,
          name: safe(r.originalName),
          kind: t(`ingest.kind.${r.kind}`),
          format: r.format,
          size: r.size,
          sha256: r.sha256,
          recorder: r.recorderSerial ?? '-',
          officer: r.officerBadge ? `${r.officerBadge}${r.officerName ? ` ${r.officerName}` : ''}` : '-',
          recordedAt: r.recordedAt ?? '-',
          source: r.recordedAtSource ? t(`recordings.time_source.${r.recordedAtSource}`) : '-',
          nameTime: r.times.name ?? '-',
          metaTime: r.times.metadata ?? '-',
          fsTime: r.times.filesystem ?? '-',
          storedAt: r.storedAt,
          deadline: r.handover.deadline ?? '-',
          duration: r.durationSeconds ?? '-',
          dims: r.width && r.height ? `${r.width}×${r.height}` : '-',
          rule: r.nameRule,
          path: safe(r.source.path),
          root: safe(r.source.root),
          by: r.ingestedBy,
          important: r.important ? t('recordings.yes') : t('recordings.no'),
          flags: flagList(t, r.flags) || '-',
          problem: r.parseProblem ? `${r.parseProblem.reason}: ${r.parseProblem.detail}` : '-',
        }),
      ];
      if (r.destroyed) lines.unshift(t('destroyed.line', { at: r.destroyed.at, batch: r.destroyed.batchId, by: r.destroyed.by }));
      for (const e of d.explanations) lines.push(t('recordings.explanation', { kind: t(`recordings.explanation_kind.${e.kind}`), author: e.author, at: e.createdAt, text: safe(e.text) }));
      lines.push(t('recordings.history'));
      for (const h of d.history) lines.push(`  #${h.seq}  ${h.time}  ${h.actor}  ${h.action}`);
      print(lines.join('\n'), d);
    },
  },
  {
    words: ['recorders', 'add'],
    synopsis: 'SERIAL [--vendor V] [--model M] [--officer BADGE] [--label LABEL]',
    positionals: ['SERIAL'],
    options: { vendor: { type: 'string' }, model: { type: 'string' }, officer: { type: 'string' }, label: { type: 'string' } },
    login: true,
    unlock: 'if-available',
    async run({ client, args, positionals, t, print }) {
      const r = await client.invoke('recorder.add', {
        serial: positionals[0] ?? '',
        ...(str(args.vendor) ? { vendor: str(args.vendor) } : {}),
        ...(str(args.model) ? { model: str(args.model) } : {}),
        ...(str(args.officer) ? { officerBadge: str(args.officer) } : {}),
        ...(str(args.label) ? { volumeLabel: str(args.label) } : {}),
      });
      print(t('recorders.added', { serial: safe(r.serial), officer: r.officerBadge ?? '-' }), r);
    },
  },
  {
    words: ['recorders', 'list'],
    synopsis: '',
    positionals: [],
    options: {},
    login: true,
    unlock: 'never',
    async run({ client, t, print }) {
      const list = await client.invoke('recorder.list', {});
      const rows = [[t('col.serial'), t('col.vendor'), t('col.model'), t('col.officer'), t('col.registered_via')]];
      for (const r of list) rows.push([safe(r.serial), r.vendor ?? '-', r.model ?? '-', r.officerBadge ? `${r.officerBadge} ${r.officerName ?? ''}`.trim() : '-', t(`recorders.via.${r.registeredVia}`)]);
      print(table(rows), list);
    },
  },
  {
    words: ['recorders', 'assign'],
    synopsis: 'SERIAL --officer BADGE|--none',
    positionals: ['SERIAL'],
    options: { officer: { type: 'string' }, none: { type: 'boolean' } },
    login: true,
    unlock: 'if-available',
    async run({ client, args, positionals, t, print }) {
      const officer = args.none === true ? null : (str(args.officer) ?? '');
      const res = await client.invoke('recorder.assign', { serial: positionals[0] ?? '', officerBadge: officer });
      print(t('recorders.assigned', { serial: safe(res.recorder.serial), officer: officer ?? '-', count: res.recordingsUpdated.length }), res);
    },
  },
  {
    words: ['officers', 'add'],
    synopsis: 'BADGE --name NAME [--unit-code CODE] [--unit-name NAME]',
    positionals: ['BADGE'],
    options: { name: { type: 'string' }, 'unit-code': { type: 'string' }, 'unit-name': { type: 'string' } },
    login: true,
    unlock: 'if-available',
    async run({ client, args, positionals, t, print }) {
      const o = await client.invoke('officer.add', {
        badge: positionals[0] ?? '',
        name: str(args.name) ?? '',
        ...(str(args['unit-code']) ? { unitCode: str(args['unit-code']) } : {}),
        ...(str(args['unit-name']) ? { unitName: str(args['unit-name']) } : {}),
      });
      print(t('officers.added', { badge: o.badge, name: o.name }), o);
    },
  },
  {
    words: ['officers', 'list'],
    synopsis: '',
    positionals: [],
    options: {},
    login: true,
    unlock: 'never',
    async run({ client, t, print }) {
      const list = await client.invoke('officer.list', {});
      const rows = [[t('col.badge'), t('col.person_name'), t('col.unit')]];
      for (const o of list) rows.push([o.badge, o.name, [o.unitCode, o.unitName].filter(Boolean).join(' ') || '-']);
      print(table(rows), list);
    },
  },
  {
    words: ['officers', 'assign'],
    synopsis: 'BADGE --recorder SERIAL',
    positionals: ['BADGE'],
    options: { recorder: { type: 'string' } },
    login: true,
    unlock: 'if-available',
    async run({ client, args, positionals, t, print }) {
      const res = await client.invoke('recorder.assign', { serial: str(args.recorder) ?? '', officerBadge: positionals[0] ?? '' });
      print(t('recorders.assigned', { serial: safe(res.recorder.serial), officer: positionals[0], count: res.recordingsUpdated.length }), res);
    },
  },
  {
    words: ['explain'],
    synopsis: 'RECORDING --text TEXT [--kind late|interruption|time]',
    positionals: ['RECORDING'],
    options: { text: { type: 'string' }, kind: { type: 'string' } },
    login: true,
    unlock: 'if-available',
    async run({ client, args, positionals, t, print }) {
      const kindArg = str(args.kind);
      // Anything else is passed on as given, so the api refuses it by name instead of guessing.
      const kind = (kindArg === 'late' ? 'late_handover' : kindArg === 'time' ? 'time_mismatch' : kindArg) as 'late_handover' | 'interruption' | 'time_mismatch' | undefined;
      const res = await client.invoke('recording.explain', { id: positionals[0] ?? '', text: str(args.text) ?? '', ...(kind ? { kind } : {}) });
      // The time explanation's wording lives in cli.media.json (locale groups merge one level deep).
      const kindText = res.explanation.kind === 'time_mismatch' ? t('media.explanation_kind_time') : t(`recordings.explanation_kind.${res.explanation.kind}`);
      print(t('recordings.explained', { id: res.recording.id, kind: kindText }), res);
    },
  },
];
