// What the desktop app could do and the CLI could not (issue #14 item 12): correct a recording's
// officer or recorder, read and change the station settings. Each is one api command, ledgered there.
import type { CliCommand } from './types.ts';
import { StationError } from '../../api/server.ts';
import { str } from './format.ts';

const list = (v: unknown): string[] =>
  (str(v) ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

function onOff(option: string, v: unknown): boolean | undefined {
  const s = str(v);
  if (s === undefined) return undefined;
  if (s === 'on') return true;
  if (s === 'off') return false;
  throw new StationError('input', 'cli.bad_usage', { detail: `--${option} ${s}: on|off`, usage: '' });
}

function wholeNumber(option: string, v: unknown): number | undefined {
  const s = str(v);
  if (s === undefined) return undefined;
  if (!/^[0-9]+$/.test(s)) throw new StationError('input', 'cli.bad_number', { option: `--${option}`, value: s });
  return Number(s);
}

/** `24h` (hours after the recording ends) or `2wd` (working days), as the settings screen offers them. */
function handover(v: unknown): { hours: number } | { workingDays: number } | undefined {
  const s = str(v);
  if (s === undefined) return undefined;
  const m = /^([0-9]+)(h|wd)$/.exec(s);
  if (!m) throw new StationError('input', 'cli.bad_usage', { detail: `--handover ${s}: 24h|2wd`, usage: '' });
  return m[2] === 'h' ? { hours: Number(m[1]) } : { workingDays: Number(m[1]) };
}

function gap(v: unknown): { min: number; max: number } | undefined {
  const s = str(v);
  if (s === undefined) return undefined;
  const m = /^([0-9]+)-([0-9]+)$/.exec(s);
  if (!m) throw new StationError('input', 'cli.bad_usage', { detail: `--interruption-gap ${s}: MIN-MAX (seconds)`, usage: '' });
  return { min: Number(m[1]), max: Number(m[2]) };
}

const ruleText = (r: { hours: number } | { workingDays: number }, t: (k: string, p?: Record<string, unknown>) => string) =>
  'hours' in r ? t('settings_cli.hours', { n: r.hours }) : t('settings_cli.working_days', { n: r.workingDays });

export const dailyWorkCommands: CliCommand[] = [
  {
    words: ['recordings', 'assign'],
    synopsis: 'RECORDING[,RECORDING…] (--officer BADGE | --recorder SERIAL)',
    positionals: ['RECORDING'],
    options: { officer: { type: 'string' }, recorder: { type: 'string' } },
    login: true,
    unlock: 'if-available',
    async run({ client, positionals, args, t, print }) {
      const ids = list(positionals[0]);
      const officer = str(args.officer);
      const recorder = str(args.recorder);
      if (Boolean(officer) === Boolean(recorder)) throw new StationError('input', 'cli.bad_usage', { detail: '--officer BADGE | --recorder SERIAL', usage: 'station recordings assign RECORDING[,RECORDING…] (--officer BADGE | --recorder SERIAL)' });
      const result = officer ? await client.invoke('recording.assignOfficer', { ids, officerBadge: officer }) : await client.invoke('recording.assignRecorder', { ids, serial: recorder! });
      print(officer ? t('settings_cli.officer_assigned', { count: ids.length, badge: officer }) : t('settings_cli.recorder_assigned', { count: ids.length, serial: recorder }), result);
    },
  },
  {
    words: ['settings', 'show'],
    synopsis: '',
    positionals: [],
    options: {},
    login: true,
    unlock: 'never',
    async run({ client, t, print }) {
      const ingest = await client.invoke('ingest.settings', {});
      const retention = await client.invoke('retention.settings', {});
      const yesNo = (b: boolean) => t(b ? 'settings_cli.on' : 'settings_cli.off');
      const lines = [
        t('settings_cli.time_zone', { value: ingest.timeZone }),
        t('settings_cli.handover', { value: ruleText(ingest.handoverDeadline, t) }),
        t('settings_cli.interruption_gap', { min: ingest.interruptionGapSeconds.min, max: ingest.interruptionGapSeconds.max }),
        t('settings_cli.max_recorders', { value: ingest.maxConcurrentRecorders }),
        t('settings_cli.clear_recorder', { value: yesNo(ingest.clearRecorderAfterIngest) }),
        t('settings_cli.sync_clocks', { value: yesNo(ingest.syncRecorderClocks) }),
        t('settings_cli.retention_default', { years: retention.retentionDefault.years }),
      ];
      print(lines.join('\n'), { ingest, retention });
    },
  },
  {
    words: ['settings', 'set'],
    synopsis: '[--handover 24h|2wd] [--interruption-gap MIN-MAX] [--max-recorders N] [--clear-recorder on|off] [--sync-clocks on|off] [--time-zone TZ] [--retention-years N]',
    positionals: [],
    options: {
      handover: { type: 'string' },
      'interruption-gap': { type: 'string' },
      'max-recorders': { type: 'string' },
      'clear-recorder': { type: 'string' },
      'sync-clocks': { type: 'string' },
      'time-zone': { type: 'string' },
      'retention-years': { type: 'string' },
    },
    login: true,
    unlock: 'if-available',
    async run({ client, args, t, print }) {
      const ingest = {
        ...(args.handover !== undefined ? { handoverDeadline: handover(args.handover) } : {}),
        ...(args['interruption-gap'] !== undefined ? { interruptionGapSeconds: gap(args['interruption-gap']) } : {}),
        ...(args['max-recorders'] !== undefined ? { maxConcurrentRecorders: wholeNumber('max-recorders', args['max-recorders']) } : {}),
        ...(args['clear-recorder'] !== undefined ? { clearRecorderAfterIngest: onOff('clear-recorder', args['clear-recorder']) } : {}),
        ...(args['sync-clocks'] !== undefined ? { syncRecorderClocks: onOff('sync-clocks', args['sync-clocks']) } : {}),
        ...(str(args['time-zone']) ? { timeZone: str(args['time-zone']) } : {}),
      };
      const years = wholeNumber('retention-years', args['retention-years']);
      if (Object.keys(ingest).length === 0 && years === undefined) {
        throw new StationError('input', 'cli.bad_usage', { detail: t('settings_cli.nothing_to_set'), usage: 'station settings set [--handover 24h|2wd] [--interruption-gap MIN-MAX] [--max-recorders N] [--clear-recorder on|off] [--sync-clocks on|off] [--time-zone TZ] [--retention-years N]' });
      }
      if (Object.keys(ingest).length) await client.invoke('ingest.setSettings', ingest);
      if (years !== undefined) await client.invoke('retention.setSettings', { retentionDefault: { years } });
      print(t('settings_cli.saved'), { ingest, ...(years !== undefined ? { retentionDefault: { years } } : {}) });
    },
  },
];
