// The approver's inbox and batch decisions (issue 14 item 16) from the command line; the catalogue search (item 15) is recordingFilters.ts.
import type { CliCommand } from './types.ts';
import { str, table } from './format.ts';
import { StationError } from '../../api/server.ts';

const ids = (v: unknown): string[] =>
  (str(v) ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);


/** 元旦 or newYear → newYear: the CLI takes a holiday by its Chinese name as the notice writes it, or by its key. */
const HOLIDAY_NAMES: Record<string, string> = {
  元旦: 'newYear',
  春节: 'springFestival',
  清明节: 'qingming',
  劳动节: 'labourDay',
  端午节: 'dragonBoat',
  中秋节: 'midAutumn',
  国庆节: 'nationalDay',
  '国庆节、中秋节': 'midAutumnNationalDay',
  '中秋节、国庆节': 'midAutumnNationalDay',
};

/** NAME:FROM[..TO][:WORKDAY,WORKDAY] — one item of the notice. */
function holidayArg(value: string): { holiday: string; from: string; to: string; workdays: string[] } {
  const m = /^([^:]+):(\d{4}-\d{1,2}-\d{1,2})(?:\.\.(\d{4}-\d{1,2}-\d{1,2}))?(?::([\d,\s-]*))?$/u.exec(value.trim());
  if (!m) throw new StationError('input', 'calendar_form.bad_holiday_arg', { value });
  const name = m[1]!.trim();
  const pad = (d: string) => d.replace(/-(\d)(?=-|$)/g, '-0$1');
  return {
    holiday: HOLIDAY_NAMES[name] ?? name,
    from: pad(m[2]!),
    to: pad(m[3] ?? m[2]!),
    workdays: (m[4] ?? '')
      .split(',')
      .map((d) => d.trim())
      .filter(Boolean)
      .map(pad),
  };
}

export const flowCommands: CliCommand[] = [
  {
    words: ['calendar', 'put-year'],
    synopsis: 'YEAR --notice-number 文号 --notice-date DATE --holiday 名称:起..止[:调休上班日,…] (each holiday once) --reason TEXT',
    positionals: ['YEAR'],
    options: { 'notice-number': { type: 'string' }, 'notice-date': { type: 'string' }, holiday: { type: 'string', multiple: true }, reason: { type: 'string' } },
    login: true,
    unlock: 'if-available',
    async run({ client, positionals, args, t, print }) {
      const year = Number(positionals[0]);
      const holidays = (Array.isArray(args.holiday) ? args.holiday : []).map((h) => holidayArg(String(h)));
      const r = await client.invoke('calendar.putYear', {
        year: Number.isInteger(year) ? year : 0,
        noticeNumber: str(args['notice-number']) ?? '',
        noticeDate: str(args['notice-date']) ?? '',
        holidays: holidays as never,
        reason: str(args.reason) ?? '',
      });
      const off = r.calendarYear.periods.reduce((n, p) => n + p.off.length, 0);
      const work = r.calendarYear.periods.reduce((n, p) => n + p.workdays.length, 0);
      print(t('calendar_form.saved', { year: r.year, periods: r.calendarYear.periods.length, off, work, seq: r.ledgerSeq, judged: r.deadlinesJudged.length }), r);
    },
  },
  {
    words: ['calendar', 'next-year'],
    synopsis: '',
    positionals: [],
    options: {},
    login: true,
    unlock: 'never',
    async run({ client, t, print }) {
      const r = await client.invoke('calendar.nextYear', {});
      print(r.covered ? t('calendar_form.next_covered', { year: r.year }) : r.warn ? t('calendar_form.next_missing', { year: r.year }) : t('calendar_form.next_not_yet', { year: r.year, from: r.warnFrom }), r);
      return r.warn ? 1 : 0;
    },
  },
  {
    words: ['request', 'inbox'],
    synopsis: '',
    positionals: [],
    options: {},
    login: true,
    unlock: 'never',
    async run({ client, t, print }) {
      const inbox = await client.invoke('request.inbox', {});
      const counts = t('inbox.counts', {
        total: inbox.total,
        view: inbox.byKind.view,
        copy: inbox.byKind.copy,
        burn: inbox.byKind.burn,
        extend: inbox.byKind.extend,
        second: inbox.secondApproval,
        oldest: inbox.oldestAt ?? '—',
      });
      const rows = [[t('col.request'), t('col.kind'), t('col.requester'), t('col.items'), t('inbox.col_approvals'), t('col.purpose')]];
      for (const r of inbox.requests) {
        const approvals = r.decisions.filter((d) => d.decision === 'approved').length;
        rows.push([r.id, t(`kind.${r.kind}`), r.requester, String(r.items.length), `${approvals}/${r.requiredApprovals}`, r.purpose]);
      }
      print(inbox.total === 0 ? `${counts}\n${t('inbox.empty')}` : `${counts}\n${table(rows)}`, inbox);
    },
  },
  {
    words: ['request', 'decide'],
    synopsis: '[--approve ID[,ID…]] [--deny ID[,ID…] --reason TEXT] [--note TEXT]',
    positionals: [],
    options: { approve: { type: 'string' }, deny: { type: 'string' }, reason: { type: 'string' }, note: { type: 'string' } },
    login: true,
    unlock: 'if-available',
    async run({ client, args, t, print, secret }) {
      const decisions = [
        ...ids(args.approve).map((id) => ({ id, decision: 'approved' as const, reason: str(args.note) ?? '' })),
        ...ids(args.deny).map((id) => ({ id, decision: 'denied' as const, reason: str(args.reason) ?? '' })),
      ];
      // Nothing named is bad usage, told before any password is asked for.
      if (decisions.length === 0) throw new StationError('input', 'request.batch_empty', {});
      // One password entry for all of them; the station still re-checks and ledgers each on its own.
      const password = await secret('STATION_PASSWORD', 'prompt.confirm_password');
      const result = await client.invoke('request.decideMany', { password, decisions });
      const lines = result.outcomes.map((o) => {
        if (!o.ok) {
          return t('decide.refused', { id: o.id, reason: t(`errors:${o.error.code}`, { ...o.error.params, defaultValue: o.error.code }) });
        }
        const r = o.request;
        if (o.decision === 'denied') return t('request.denied', { id: r.id });
        return r.state === 'approved' ? t('request.approved', { id: r.id, expires: r.expiresAt }) : t('request.approval_recorded', { id: r.id, have: r.decisions.length, need: r.requiredApprovals });
      });
      print([...lines, t('decide.summary', { decided: result.decided, refused: result.refused })].join('\n'), result);
      // Some refused: the user must look, as for any refusal (exit 1).
      return result.refused > 0 ? 1 : 0;
    },
  },
];
