import type { ReplicaStatus, WormResult } from '../../api/index.ts';
import { StationError } from '../../api/server.ts';
import type { CliCommand } from './types.ts';
import { str } from './format.ts';

function num(value: unknown, option: string): number | undefined {
  const s = str(value);
  if (s === undefined) return undefined;
  const n = Number(s);
  if (!Number.isFinite(n) || n <= 0) throw new StationError('input', 'cli.bad_number', { option, value: s });
  return n;
}

function wormLines(worm: WormResult, t: (key: string, params?: Record<string, unknown>) => string): string[] {
  return worm.cases.map((c) => `  ${c.passed ? '✔' : '✘'} ${t(`replica.worm_case.${c.name}`)}`);
}

function duration(seconds: number, t: (key: string, params?: Record<string, unknown>) => string): string {
  const s = Math.ceil(seconds);
  if (s < 60) return t('replica.eta_seconds', { n: s });
  if (s < 3600) return t('replica.eta_minutes', { n: Math.ceil(s / 60) });
  return t('replica.eta_hours', { h: Math.floor(s / 3600), m: Math.ceil((s % 3600) / 60) });
}

function optionParams(c: NonNullable<ReplicaStatus['config']>, t: (key: string, params?: Record<string, unknown>) => string): Record<string, unknown> {
  return {
    parallel: c.parallelParts,
    bandwidth: c.bandwidthLimit ? t('replica.bandwidth_mibps', { n: (c.bandwidthLimit / 1048576).toFixed(2) }) : t('replica.unlimited'),
    window: c.window ? `${c.window.start}–${c.window.end}` : t('replica.any_time'),
    clear: t(c.clearAfterReplication ? 'replica.clear_after_replication_on' : 'replica.clear_after_replication_off'),
  };
}

/** "on" / "off" (also 开 / 关, true / false) for a switch option. */
function onOff(value: unknown, option: string): boolean | undefined {
  const s = str(value);
  if (s === undefined) return undefined;
  if (/^(on|true|yes|1|开|开启)$/i.test(s)) return true;
  if (/^(off|false|no|0|关|关闭)$/i.test(s)) return false;
  throw new StationError('input', 'cli.bad_switch', { option, value: s });
}

function statusText(s: ReplicaStatus, t: (key: string, params?: Record<string, unknown>) => string): string {
  if (!s.config) return t('replica.not_configured');
  const c = s.config;
  const lines = [
    t('replica.target', { endpoint: c.endpoint, bucket: c.bucket, accessKeyId: c.accessKeyId }),
    c.worm.ok ? t('replica.worm_ok', { at: c.worm.checkedAt }) : t('replica.worm_failed', { at: c.worm.checkedAt ?? '-', failures: c.worm.failures.map((f) => t(`replica.worm_case.${f}`)).join('；') }),
    c.worm.defaultRetentionDays !== null ? t('replica.default_retention', { days: c.worm.defaultRetentionDays }) : t('replica.default_retention_unset', { days: c.worm.shortestDays }),
    t('replica.counts', { ...s.counts, waiting: s.counts['waiting-retry'] }),
    t('replica.only_here', { count: s.onlyHere, mib: (s.bytesPending / 1048576).toFixed(1) }),
    t('replica.options_line', optionParams(c, t)),
  ];
  if (s.bytesPerSecond !== null) lines.push(t('replica.throughput', { mibps: (s.bytesPerSecond / 1048576).toFixed(1), eta: s.etaSeconds === null ? '-' : duration(s.etaSeconds, t) }));
  if (s.pending.length && s.paused.ingestRunning) lines.push(t('replica.paused_ingest'));
  if (s.pending.length && s.paused.outsideWindow) lines.push(t('replica.paused_window', { start: c.window?.start, end: c.window?.end }));
  for (const p of s.pending) {
    const why = p.reason ? t(`errors:${p.reason}`, { ...(p.reasonParams ?? {}), defaultValue: p.reason }) : '';
    lines.push(t('replica.pending_line', { recordings: p.recordingIds.join(',') || p.objectId, state: t(`replica.state.${p.state}`), parts: p.partsJournaled, why }));
  }
  return lines.join('\n');
}

export const replicaCommands: CliCommand[] = [
  {
    words: ['replica', 'set'],
    synopsis: '--endpoint URL --bucket BUCKET --access-key-id ID [--region R] [--part-size-mib N] [--bandwidth-mibps N]',
    positionals: [],
    options: {
      endpoint: { type: 'string' },
      bucket: { type: 'string' },
      'access-key-id': { type: 'string' },
      region: { type: 'string' },
      'part-size-mib': { type: 'string' },
      'bandwidth-mibps': { type: 'string' },
    },
    login: true,
    unlock: 'required',
    async run({ client, args, t, print, secret }) {
      const endpoint = str(args.endpoint);
      const bucket = str(args.bucket);
      const accessKeyId = str(args['access-key-id']);
      if (!endpoint || !bucket || !accessKeyId) throw new StationError('input', 'replica.set_usage', {});
      const partSizeMiB = num(args['part-size-mib'], '--part-size-mib');
      const bandwidthMiBps = num(args['bandwidth-mibps'], '--bandwidth-mibps');
      const region = str(args.region);
      const s3secret = await secret('STATION_S3_SECRET', 'prompt.s3_secret');
      const r = await client.invoke('replica.set', {
        endpoint,
        bucket,
        accessKeyId,
        secret: s3secret,
        ...(region ? { region } : {}),
        ...(partSizeMiB ? { partSizeMiB } : {}),
        ...(bandwidthMiBps ? { bandwidthMiBps } : {}),
      });
      const head = r.worm.ok ? t('replica.set_done', { endpoint, bucket }) : t('replica.set_not_worm', { endpoint, bucket });
      print([head, ...wormLines(r.worm, t)].join('\n'), r);
      // Saved, but not write-once: nothing will be uploaded to it, and the caller must know.
      return r.worm.ok ? 0 : 1;
    },
  },
  {
    words: ['replica', 'selftest'],
    synopsis: '',
    positionals: [],
    options: {},
    login: true,
    unlock: 'required',
    async run({ client, t, print }) {
      const worm = await client.invoke('replica.selftest', {});
      print([worm.ok ? t('replica.selftest_ok') : t('replica.selftest_failed'), ...wormLines(worm, t)].join('\n'), worm);
      return worm.ok ? 0 : 1;
    },
  },
  {
    words: ['replica', 'status'],
    synopsis: '[--json]',
    positionals: [],
    options: {},
    login: true,
    unlock: 'if-available',
    async run({ client, t, print }) {
      const s = await client.invoke('replica.status', {});
      print(statusText(s, t), s);
    },
  },
  {
    words: ['replica', 'options'],
    synopsis: '[--parallel N] [--bandwidth-mibps N|off] [--window HH:MM-HH:MM|off] [--clear-after-replication on|off]',
    positionals: [],
    options: {
      parallel: { type: 'string' },
      'bandwidth-mibps': { type: 'string' },
      window: { type: 'string' },
      'clear-after-replication': { type: 'string' },
    },
    login: true,
    unlock: 'if-available',
    async run({ client, args, t, print }) {
      const parallel = num(args.parallel, '--parallel');
      const bw = str(args['bandwidth-mibps']);
      const window = str(args.window);
      const clear = onOff(args['clear-after-replication'], '--clear-after-replication');
      const input = {
        ...(parallel !== undefined ? { parallelParts: parallel } : {}),
        ...(bw !== undefined ? { bandwidthMiBps: /^(off|none|0)$/i.test(bw) ? null : num(bw, '--bandwidth-mibps')! } : {}),
        ...(window !== undefined ? { window } : {}),
        ...(clear !== undefined ? { clearAfterReplication: clear } : {}),
      };
      const c = await client.invoke('replica.options', input);
      print(t('replica.options_line', optionParams(c, t)), c);
    },
  },
  {
    words: ['replica', 'run'],
    synopsis: '[--now]',
    positionals: [],
    options: { now: { type: 'boolean', default: false } },
    login: true,
    unlock: 'required',
    async run({ client, args, t, print }) {
      const r = await client.invoke('replica.run', args.now === true ? { now: true } : {});
      if (r.deferred) {
        const c = (await client.invoke('replica.status', {})).config;
        print(t('replica.run_deferred', { start: c?.window?.start, end: c?.window?.end }), r);
        return 0;
      }
      const lines = [t('replica.run_done', { stored: r.stored, extended: r.extended, waiting: r.waiting, failed: r.failed })];
      if (r.waitedForIngestSeconds >= 1) lines.push(t('replica.waited_for_ingest', { seconds: Math.round(r.waitedForIngestSeconds) }));
      if (r.error) lines.push(t('replica.run_stopped', { why: t(`errors:${r.error.code}`, { ...r.error.params, defaultValue: r.error.code }) }));
      print(lines.join('\n'), r);
      return r.error || r.failed > 0 ? 1 : 0;
    },
  },
  {
    words: ['replica', 'audit'],
    synopsis: '[--sample N]',
    positionals: [],
    options: { sample: { type: 'string' } },
    login: true,
    unlock: 'required',
    async run({ client, args, t, print }) {
      const sample = num(args.sample, '--sample');
      const r = await client.invoke('replica.audit', sample === undefined ? {} : { sample: Math.floor(sample) });
      const lines = [t('replica.audit_done', { checked: r.checked, sampled: r.sampled, problems: r.problems.length })];
      for (const p of r.problems) lines.push(`  ${p.objectId}  ${t(`errors:${p.code}`, { objectId: p.objectId })}`);
      print(lines.join('\n'), r);
      return r.problems.length ? 1 : 0;
    },
  },
  {
    words: ['replica', 'prioritize'],
    synopsis: 'RECORDING',
    positionals: ['RECORDING'],
    options: {},
    login: true,
    unlock: 'if-available',
    async run({ client, positionals, t, print }) {
      const recordingId = positionals[0] ?? '';
      await client.invoke('replica.prioritize', { recordingId });
      print(t('replica.prioritized', { recordingId }), { recordingId });
    },
  },
  {
    words: ['restore'],
    synopsis: '--from-replica --endpoint URL --bucket BUCKET --access-key-id ID [--region R] [--station ID]',
    positionals: [],
    options: {
      'from-replica': { type: 'boolean', default: false },
      endpoint: { type: 'string' },
      bucket: { type: 'string' },
      'access-key-id': { type: 'string' },
      region: { type: 'string' },
      station: { type: 'string' },
    },
    login: false,
    unlock: 'never',
    async run({ client, args, t, print, secret }) {
      const endpoint = str(args.endpoint);
      const bucket = str(args.bucket);
      const accessKeyId = str(args['access-key-id']);
      if (args['from-replica'] !== true || !endpoint || !bucket || !accessKeyId) throw new StationError('input', 'replica.restore_usage', {});
      const s3secret = await secret('STATION_S3_SECRET', 'prompt.s3_secret');
      const passphrase = await secret('STATION_PASSPHRASE', 'prompt.passphrase');
      const region = str(args.region);
      const stationId = str(args.station);
      const r = await client.invoke('replica.restore', { endpoint, bucket, accessKeyId, secret: s3secret, passphrase, ...(region ? { region } : {}), ...(stationId ? { stationId } : {}) });
      print(t('replica.restored', { stationId: r.stationId, agency: r.agencyCode, size: r.ledgerSize, objects: r.objects, mib: (r.bytes / 1048576).toFixed(1) }), r);
    },
  },
];
