import { readFileSync } from 'node:fs';
import type { CliCommand, CliContext } from './types.ts';
import { str, table, timeOption } from './format.ts';
import { StationError } from '../../api/server.ts';
import type { RetentionStatus } from '../../api/index.ts';
import { REPORT_COLUMNS } from '../../shared/reports.ts';

const list = (v: unknown): string[] =>
  (str(v) ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const types = ['penalty', 'permit', 'coercion', 'inspection', 'expropriation'] as const;
type EnforcementType = (typeof types)[number];

function pick<T extends string>(value: string | undefined, allowed: readonly T[], option: string): T {
  if (value && (allowed as readonly string[]).includes(value)) return value as T;
  throw new StationError('input', 'cli.bad_usage', { detail: `--${option} ${allowed.join('|')}`, usage: '' });
}

function retentionLine(t: CliContext['t'], s: RetentionStatus): string {
  const b = s.decidedBy.basis;
  const why =
    b.kind === 'default'
      ? t('retention.why.default', { period: periodText(t, b.period), cite: b.citations.map((c) => c.text).join('；') || t('retention.no_rule') })
      : b.kind === 'category'
        ? t('retention.why.category', { category: b.category, period: periodText(t, b.period) })
        : b.kind === 'case'
          ? t(`retention.why.case_${b.caseState}`, { caseId: b.caseId, caseNumber: b.caseNumber, period: periodText(t, b.period) })
          : b.kind === 'extension'
            ? t('retention.why.extension', { requestId: b.requestId })
            : t('retention.why.hold', { holdId: b.holdId, reason: b.reason });
  const until = s.destroyed ? t('retention.destroyed', { at: s.destroyed.at, batch: s.destroyed.batchId }) : s.permanent ? t('retention.permanent') : (s.untilDate ?? t('retention.protected'));
  return `${s.recordingId}  ${until}  ${why}${s.due ? `  [${t('retention.due_mark')}]` : ''}${s.pendingBatch ? `  [${s.pendingBatch}]` : ''}`;
}

function periodText(t: CliContext['t'], p: { years: number } | { permanent: true }): string {
  return 'permanent' in p ? t('retention.permanent') : t('retention.years', { count: p.years });
}

export const caseCommands: CliCommand[] = [
  {
    words: ['case', 'create'],
    synopsis: '--number 案号 --title TEXT --type penalty|permit|coercion|inspection|expropriation --party NAME [--party-kind person|organisation] [--party-id ID] [--officers BADGE,…] [--opened DATE|TIME] [--description TEXT]',
    positionals: [],
    options: {
      number: { type: 'string' },
      title: { type: 'string' },
      type: { type: 'string' },
      party: { type: 'string' },
      'party-kind': { type: 'string' },
      'party-id': { type: 'string' },
      officers: { type: 'string' },
      opened: { type: 'string' },
      description: { type: 'string' },
    },
    login: true,
    unlock: 'if-available',
    async run({ client, args, t, print }) {
      const c = await client.invoke('case.create', {
        caseNumber: str(args.number) ?? '',
        title: str(args.title) ?? '',
        enforcementType: pick<EnforcementType>(str(args.type), types, 'type'),
        party: { kind: pick(str(args['party-kind']) ?? 'person', ['person', 'organisation'] as const, 'party-kind'), name: str(args.party) ?? '', idNumber: str(args['party-id']) ?? null },
        officers: list(args.officers).map((badge) => ({ badge })),
        ...(args.opened !== undefined ? { openedAt: timeOption('opened', args.opened, 'from') } : {}),
        ...(str(args.description) ? { description: str(args.description) } : {}),
      });
      print(t('case.created', { id: c.id, number: c.caseNumber }), c);
    },
  },
  {
    words: ['case', 'list'],
    synopsis: '[--state open|closed|archived] [--text TEXT]',
    positionals: [],
    options: { state: { type: 'string' }, text: { type: 'string' } },
    login: true,
    unlock: 'never',
    async run({ client, args, t, print }) {
      const state = str(args.state) ? pick(str(args.state), ['open', 'closed', 'archived'] as const, 'state') : undefined;
      const r = await client.invoke('case.list', { ...(state ? { state } : {}), ...(str(args.text) ? { text: str(args.text) } : {}) });
      const rows = [[t('col.case'), t('col.case_number'), t('col.title'), t('col.type'), t('col.party'), t('col.state'), t('col.recordings'), t('col.archive_deadline')]];
      for (const c of r.items) {
        rows.push([c.id, c.caseNumber, c.title, t(`enforcement.${c.enforcementType}`), c.party.name, t(`case_state.${c.state}`), String(c.recordingCount), c.archive?.deadline ?? (c.archive?.problem ? t('case.deadline_unknown') : '')]);
      }
      print(table(rows), r);
    },
  },
  {
    words: ['case', 'show'],
    synopsis: 'ID [--summary FILE.html]',
    positionals: ['ID'],
    options: { summary: { type: 'string' } },
    login: true,
    unlock: 'never',
    async run({ client, positionals, args, t, print, writeFile }) {
      const id = positionals[0] ?? '';
      const v = await client.invoke('case.show', { id });
      const out = str(args.summary);
      if (out) writeFile(out, (await client.invoke('case.summary', { id })).html);
      const c = v.case;
      const evidence = v.evidence.map((e) => `  ${retentionLine(t, e.retention)}\n      ${e.recording.originalName}  ${e.link.note}`).join('\n') || `  ${t('none')}`;
      const unlinked = v.unlinked.map((l) => `  ${l.recordingId}  ${l.unlinkedAt}  ${l.unlinkedBy}  ${l.unlinkReason}`).join('\n') || `  ${t('none')}`;
      const requests = v.requests.map((r) => `  ${r.id}  ${t(`kind.${r.kind}`)}  ${t(`request_state.${r.state}`)}  ${r.purpose}`).join('\n') || `  ${t('none')}`;
      print(
        t('case.detail', {
          id: c.id,
          number: c.caseNumber,
          title: c.title,
          type: t(`enforcement.${c.enforcementType}`),
          party: `${c.party.name}${c.party.idNumber ? ` (${c.party.idNumber})` : ''}`,
          officers: c.officers.map((o) => `${o.name ?? ''}${o.badge}`).join(', ') || t('none'),
          state: t(`case_state.${c.state}`),
          opened: c.openedAt,
          closed: c.closedAt ?? '—',
          deadline: c.archive?.deadline ?? (c.archive?.problem ? t('case.deadline_unknown') : '—'),
          archived: c.archivedAt ?? '—',
          evidence,
          unlinked,
          requests,
          discs: String(v.discs.length),
        }),
        v,
      );
    },
  },
  {
    words: ['case', 'link'],
    synopsis: 'ID --recordings RC,… --note TEXT',
    positionals: ['ID'],
    options: { recordings: { type: 'string' }, note: { type: 'string' } },
    login: true,
    unlock: 'if-available',
    async run({ client, positionals, args, t, print }) {
      const r = await client.invoke('case.link', { id: positionals[0] ?? '', recordingIds: list(args.recordings), note: str(args.note) ?? '' });
      print(t('case.linked', { id: r.case.id, count: r.links.length }), r);
    },
  },
  {
    words: ['case', 'unlink'],
    synopsis: 'ID RECORDING --reason TEXT',
    positionals: ['ID', 'RECORDING'],
    options: { reason: { type: 'string' } },
    login: true,
    unlock: 'if-available',
    async run({ client, positionals, args, t, print }) {
      const r = await client.invoke('case.unlink', { id: positionals[0] ?? '', recordingId: positionals[1] ?? '', reason: str(args.reason) ?? '' });
      print(t('case.unlinked', { id: r.case.id, recording: r.link.recordingId }), r);
    },
  },
  {
    words: ['case', 'close'],
    synopsis: 'ID [--concluded DATE|TIME] [--note TEXT]',
    positionals: ['ID'],
    options: { concluded: { type: 'string' }, note: { type: 'string' } },
    login: true,
    unlock: 'if-available',
    async run({ client, positionals, args, t, print }) {
      const c = await client.invoke('case.close', { id: positionals[0] ?? '', ...(args.concluded !== undefined ? { concludedAt: timeOption('concluded', args.concluded, 'from') } : {}), ...(str(args.note) ? { note: str(args.note) } : {}) });
      print(t('case.closed', { id: c.id, deadline: c.archive?.deadline ?? t('case.deadline_unknown') }), c);
    },
  },
  {
    words: ['case', 'archive'],
    synopsis: 'ID [--note TEXT]',
    positionals: ['ID'],
    options: { note: { type: 'string' } },
    login: true,
    unlock: 'if-available',
    async run({ client, positionals, args, t, print }) {
      const c = await client.invoke('case.archive', { id: positionals[0] ?? '', note: str(args.note) ?? '' });
      print(t('case.archived', { id: c.id }), c);
    },
  },
  {
    words: ['retention', 'due'],
    synopsis: '',
    positionals: [],
    options: {},
    login: true,
    unlock: 'never',
    async run({ client, t, print }) {
      const due = await client.invoke('retention.due', {});
      print(due.map((s) => retentionLine(t, s)).join('\n') || t('retention.none_due'), due);
    },
  },
  {
    words: ['retention', 'show'],
    synopsis: 'RECORDING[,RECORDING…]',
    positionals: ['RECORDING'],
    options: {},
    login: true,
    unlock: 'never',
    async run({ client, positionals, t, print }) {
      const r = await client.invoke('retention.status', { recordingIds: list(positionals[0]) });
      print(r.map((s) => retentionLine(t, s)).join('\n'), r);
    },
  },
  {
    words: ['retention', 'hold'],
    synopsis: '(--recording RC | --case ID) --reason TEXT',
    positionals: [],
    options: { recording: { type: 'string' }, case: { type: 'string' }, reason: { type: 'string' } },
    login: true,
    unlock: 'if-available',
    async run({ client, args, t, print }) {
      const scope = str(args.recording) ? 'recording' : 'case';
      const h = await client.invoke('retention.hold', { scope, target: str(args.recording) ?? str(args.case) ?? '', reason: str(args.reason) ?? '' });
      print(t('retention.held', { id: h.id, target: h.target }), h);
    },
  },
  {
    words: ['retention', 'release'],
    synopsis: 'HOLD --reason TEXT',
    positionals: ['HOLD'],
    options: { reason: { type: 'string' } },
    login: true,
    unlock: 'if-available',
    async run({ client, positionals, args, t, print, secret }) {
      const password = await secret('STATION_PASSWORD', 'prompt.confirm_password');
      const h = await client.invoke('retention.release', { holdId: positionals[0] ?? '', reason: str(args.reason) ?? '', password });
      print(t('retention.released', { id: h.id }), h);
    },
  },
  {
    // 长期保存 (004_5e30f22f36db076d.txt 第十九条): the request carries its term; an approver decides it
    // (station request approve), then the requester or a custodian applies it (retention apply).
    words: ['retention', 'extend'],
    synopsis: '(--recordings RC,… | --case ID) --until YYYY-MM-DD|permanent --purpose TEXT',
    positionals: [],
    options: { recordings: { type: 'string' }, case: { type: 'string' }, until: { type: 'string' }, purpose: { type: 'string' } },
    login: true,
    unlock: 'if-available',
    async run({ client, args, t, print }) {
      const ids = list(args.recordings);
      const x = await client.invoke('retention.requestExtension', {
        ...(ids.length ? { recordingIds: ids } : {}),
        ...(str(args.case) ? { caseId: str(args.case) } : {}),
        until: str(args.until) ?? '',
        purpose: str(args.purpose) ?? '',
      });
      const until = x.terms[0]?.permanent ? t('extension.permanent') : (x.terms[0]?.untilDate ?? '-');
      print(t('extension.requested', { id: x.request.id, count: x.terms.length, until }), x);
    },
  },
  {
    words: ['retention', 'apply'],
    synopsis: 'REQUEST',
    positionals: ['REQUEST'],
    options: {},
    login: true,
    unlock: 'if-available',
    async run({ client, positionals, t, print }) {
      const r = await client.invoke('retention.applyExtension', { requestId: positionals[0] ?? '' });
      print(t('extension.applied', { id: r.request.id, count: r.statuses.length }), r);
    },
  },
  {
    words: ['destroy', 'propose'],
    synopsis: '(--recordings RC,… | --all-due) --reason TEXT',
    positionals: [],
    options: { recordings: { type: 'string' }, 'all-due': { type: 'boolean' }, reason: { type: 'string' } },
    login: true,
    unlock: 'if-available',
    async run({ client, args, t, print }) {
      const ids = list(args.recordings);
      const b = await client.invoke('destroy.propose', { ...(args['all-due'] === true ? { allDue: true } : { recordingIds: ids }), reason: str(args.reason) ?? '' });
      print(t('destroy.proposed', { id: b.id, count: b.items.length }), b);
    },
  },
  {
    words: ['destroy', 'show'],
    synopsis: 'BATCH',
    positionals: ['BATCH'],
    options: {},
    login: true,
    unlock: 'never',
    async run({ client, positionals, t, print }) {
      const b = await client.invoke('destroy.show', { id: positionals[0] ?? '' });
      const items = b.items.map((i) => `  ${i.recordingId}  ${i.originalName}  ${i.retentionUntil}${i.destroyedAt ? `  ${t('retention.destroyed', { at: i.destroyedAt, batch: b.id })}` : ''}`).join('\n');
      print(t('destroy.detail', { id: b.id, state: t(`batch_state.${b.state}`), reason: b.reason, proposer: b.proposedBy, approver: b.decidedBy ?? '—', items }), b);
    },
  },
  {
    words: ['destroy', 'approve'],
    synopsis: 'BATCH [--note TEXT]',
    positionals: ['BATCH'],
    options: { note: { type: 'string' } },
    login: true,
    unlock: 'if-available',
    async run({ client, positionals, args, t, print, secret }) {
      const password = await secret('STATION_PASSWORD', 'prompt.confirm_password');
      const b = await client.invoke('destroy.approve', { id: positionals[0] ?? '', password, note: str(args.note) ?? '' });
      print(t('destroy.approved', { id: b.id }), b);
    },
  },
  {
    words: ['destroy', 'deny'],
    synopsis: 'BATCH --reason TEXT',
    positionals: ['BATCH'],
    options: { reason: { type: 'string' } },
    login: true,
    unlock: 'if-available',
    async run({ client, positionals, args, t, print, secret }) {
      const password = await secret('STATION_PASSWORD', 'prompt.confirm_password');
      const b = await client.invoke('destroy.deny', { id: positionals[0] ?? '', password, reason: str(args.reason) ?? '' });
      print(t('destroy.denied', { id: b.id }), b);
    },
  },
  {
    words: ['destroy', 'execute'],
    synopsis: 'BATCH [--certificate FILE.html]',
    positionals: ['BATCH'],
    options: { certificate: { type: 'string' } },
    login: true,
    unlock: 'required',
    async run({ client, positionals, args, t, print, writeFile }) {
      const b = await client.invoke('destroy.execute', { id: positionals[0] ?? '' });
      const out = str(args.certificate);
      const cert = await client.invoke('destroy.certificate', { id: b.id });
      if (out) writeFile(out, cert.html);
      print(t('destroy.executed', { id: b.id, count: b.items.length, sha256: cert.sha256 }), { batch: b, certificate: cert.certificate, sha256: cert.sha256, signature: cert.signature });
    },
  },
  {
    words: ['report', 'monthly'],
    synopsis: '--month YYYY-MM [--csv] [--html FILE]',
    positionals: [],
    options: { month: { type: 'string' }, csv: { type: 'boolean' }, html: { type: 'string' } },
    login: true,
    unlock: 'never',
    async run({ client, args, t, print, json, writeFile }) {
      const month = str(args.month) ?? '';
      const htmlOut = str(args.html);
      if (htmlOut) writeFile(htmlOut, (await client.invoke('report.html', { month })).html);
      const columns = REPORT_COLUMNS;
      const groupLabels = { total: t('report.group.total'), officer: t('report.group.officer'), recorder: t('report.group.recorder') };
      if (args.csv === true && !json) {
        const { csv } = await client.invoke('report.csv', { month, headers: columns.map((c) => t(`report.col.${c}`)), groupLabels });
        process.stdout.write(csv);
        return;
      }
      const r = await client.invoke('report.monthly', { month });
      const rows = [columns.map((c) => t(`report.col.${c}`))];
      for (const row of r.rows) {
        rows.push([
          groupLabels[row.group],
          row.key ?? (row.group === 'total' ? '' : t('report.unknown')),
          row.name ?? '',
          ...[row.recordings, row.onTime, row.late, row.deadlineUnknown].map(String),
          row.timelinessRate === null ? '—' : `${(row.timelinessRate * 100).toFixed(1)}%`,
          ...[row.lateExplanations, row.interruptions, row.interruptionExplanations, row.requestsApproved, row.requestsDenied, row.discsBurned, row.destructions].map(String),
        ]);
      }
      print(table(rows), r);
    },
  },
  {
    words: ['calendar', 'show'],
    synopsis: '[--year YYYY]',
    positionals: [],
    options: { year: { type: 'string' } },
    login: true,
    unlock: 'never',
    async run({ client, args, t, print }) {
      const year = str(args.year);
      const r = await client.invoke('calendar.show', year ? { year: Number(year) } : {});
      const years = r.years.map((y) => `${y.year} (${t(`calendar.origin.${y.origin}`)})`).join(', ');
      const periods = r.year ? r.year.periods.map((p) => `  ${p.nameZh} ${p.nameEn}: ${p.off.join(' ')}${p.workdays.length ? `  ${t('calendar.workdays')} ${p.workdays.join(' ')}` : ''}`).join('\n') : '';
      print(`${t('calendar.years', { years })}${r.year ? `\n${r.year.sources[0]?.title ?? ''} ${r.year.sources[0]?.documentNumber ?? ''}\n${periods}` : ''}`, r);
    },
  },
  {
    words: ['calendar', 'edit'],
    synopsis: '(--put FILE.json | --remove YYYY) --reason TEXT',
    positionals: [],
    options: { put: { type: 'string' }, remove: { type: 'string' }, reason: { type: 'string' } },
    login: true,
    unlock: 'if-available',
    async run({ client, args, t, print }) {
      const reason = str(args.reason) ?? '';
      const file = str(args.put);
      let year: unknown;
      if (file) {
        try {
          year = JSON.parse(readFileSync(file, 'utf8'));
        } catch {
          throw new StationError('input', 'calendar.data_not_json', { file });
        }
      }
      const r = file
        ? await client.invoke('calendar.edit', { kind: 'put_year', year: year as Record<string, unknown>, reason })
        : await client.invoke('calendar.edit', { kind: 'remove_year', year: Number(str(args.remove)), reason });
      print(t('calendar.edited', { year: r.year, seq: r.ledgerSeq }), r);
    },
  },
];
