// `station recordings list` and `station recordings search` are one command under two names: the
// same filters (issue 14 item 15), the same agency-day dates, the same table. Two option tables grew
// apart once (one had --custodian, the other --destroyed); one table keeps them from doing so again.
import type { CliCommand } from './types.ts';
import type { Input, Recording } from '../../api/index.ts';
import { str, table, timeOption } from './format.ts';
import { StationError } from '../../api/server.ts';
import { recordingRows } from './ingest.ts';
import { MEDIA_KINDS as KINDS } from '../../shared/recordings.ts';

const FLAGS = ['late', 'important', 'interruption', 'needs-explanation', 'unparseable', 'deadline-unknown', 'doubtful-time'] as const;
type FlagKey = 'late' | 'important' | 'interruption' | 'needsExplanation' | 'unparseable' | 'deadlineUnknown' | 'doubtfulTime';
const flagKey = (f: (typeof FLAGS)[number]) => f.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase()) as FlagKey;
const TEXT_FILTERS = { 'case-number': 'caseNumber', text: 'text', officer: 'officer', recorder: 'recorder', custodian: 'custodian' } as const;
const TIME_FILTERS = { from: ['from', 'from'], to: ['to', 'to'], 'stored-from': ['storedFrom', 'from'], 'stored-to': ['storedTo', 'to'] } as const;

const SYNOPSIS =
  '[--case-number 案号] [--text TEXT] [--officer BADGE] [--recorder SERIAL] [--custodian USER] [--from DATE|TIME] [--to DATE|TIME] [--stored-from DATE|TIME] [--stored-to DATE|TIME] [--late] [--important] [--interruption] [--needs-explanation] [--unparseable] [--deadline-unknown] [--doubtful-time] [--kind video|audio|photo|unknown] [--explained late|interruption] [--destroyed|--not-destroyed] [--without-duplicates] [--limit N] [--offset N]';

const OPTIONS: CliCommand['options'] = {
  ...Object.fromEntries([...Object.keys(TEXT_FILTERS), ...Object.keys(TIME_FILTERS), 'kind', 'explained', 'limit', 'offset'].map((o) => [o, { type: 'string' as const }])),
  ...Object.fromEntries([...FLAGS, 'destroyed', 'not-destroyed', 'without-duplicates'].map((o) => [o, { type: 'boolean' as const }])),
};

/** `--explained late|interruption`, the words `explain --kind` takes. */
function explainedKind(v: string): 'late_handover' | 'interruption' {
  if (v === 'late' || v === 'late_handover') return 'late_handover';
  if (v === 'interruption') return 'interruption';
  throw new StationError('input', 'cli.bad_usage', { detail: `--explained ${v}: late|interruption`, usage: '' });
}

/** The recording.list filter from the command line; dates are the agency's days, times its local time or ISO. */
export function recordingFilter(args: Record<string, unknown>): Input<'recording.list'> {
  const text = (name: string) => str(args[name])?.trim() || undefined;
  const kind = text('kind') as Recording['kind'] | undefined;
  if (kind !== undefined && !(KINDS as readonly string[]).includes(kind)) throw new StationError('input', 'search.bad_kind', { value: kind, allowed: KINDS.join('|') });
  const filter: Record<string, unknown> & Input<'recording.list'> = {};
  for (const [option, key] of Object.entries(TEXT_FILTERS)) if (text(option) !== undefined) filter[key] = text(option);
  for (const [option, [key, bound]] of Object.entries(TIME_FILTERS)) if (args[option] !== undefined) filter[key] = timeOption(option, args[option], bound);
  for (const f of FLAGS) if (args[f] === true) filter[flagKey(f)] = true;
  if (kind) filter.kind = kind;
  if (text('explained')) filter.explained = explainedKind(text('explained')!);
  if (args.destroyed === true) filter.destroyed = true;
  else if (args['not-destroyed'] === true) filter.destroyed = false;
  if (args['without-duplicates'] === true) filter.includeDuplicates = false;
  return { ...filter, limit: text('limit') ? Number(text('limit')) : 100, offset: text('offset') ? Number(text('offset')) : 0, order: 'asc' };
}

function recordingsCommand(verb: 'list' | 'search'): CliCommand {
  return {
    words: ['recordings', verb],
    synopsis: SYNOPSIS,
    positionals: [],
    options: OPTIONS,
    login: true,
    unlock: 'never',
    async run({ client, args, t, print }) {
      const res = await client.invoke('recording.list', recordingFilter(args));
      print(`${table(recordingRows(t, res.items))}\n${t('recordings.count', { shown: res.items.length, total: res.total })}`, res);
    },
  };
}

export const recordingFilterCommands: CliCommand[] = [recordingsCommand('list'), recordingsCommand('search')];
