import { provideDiscPorts } from '../../api/runtime/discs.ts';
import { createDiscPorts } from '../../../native/discs/index.ts';
import type { CliCommand } from './types.ts';
import { StationError } from '../../api/server.ts';
import { readFileSync } from 'node:fs';
import { str, table, timeOption } from './format.ts';
import { packageWitnessLines } from './witnessPackage.ts';
import { REGISTER_COLUMNS } from '../../shared/reports.ts';
import { listenerFor } from '../../shared/events.ts';

type Kind = 'view' | 'copy' | 'burn';

export const requestCommands: CliCommand[] = [
  {
    words: ['request', 'create'],
    synopsis: '--kind view|copy|burn --recordings ID[,ID…] --purpose TEXT [--case ID]',
    positionals: [],
    options: { kind: { type: 'string' }, recordings: { type: 'string' }, purpose: { type: 'string' }, case: { type: 'string' } },
    login: true,
    unlock: 'if-available',
    async run({ client, args, print, json }) {
      // 长期保存 has its term and its own command; saying so beats a list of allowed kinds.
      if (str(args.kind) === 'extend') throw new StationError('input', 'cli.extend_has_its_command', {});
      const kind = str(args.kind) as Kind;
      const recordingIds = (str(args.recordings) ?? '').split(',').map((s) => s.trim()).filter(Boolean);
      const req = await client.invoke('request.create', { kind, recordingIds, purpose: str(args.purpose) ?? '', ...(str(args.case) ? { caseId: str(args.case) } : {}) });
      if (json) print('', { id: req.id });
      else print(req.id, req);
    },
  },
  {
    words: ['request', 'list'],
    synopsis: '[--state STATE] [--mine] [--awaiting-me]',
    positionals: [],
    options: { state: { type: 'string' }, mine: { type: 'boolean' }, 'awaiting-me': { type: 'boolean' } },
    login: true,
    unlock: 'never',
    async run({ client, args, t, print }) {
      const state = str(args.state) as 'requested' | undefined;
      const list = await client.invoke('request.list', { ...(state ? { state } : {}), mine: args.mine === true, awaitingMe: args['awaiting-me'] === true });
      const rows = [[t('col.request'), t('col.kind'), t('col.state'), t('col.requester'), t('col.items'), t('col.purpose')]];
      for (const r of list) rows.push([r.id, t(`kind.${r.kind}`), t(`request_state.${r.state}`), r.requester, String(r.items.length), r.purpose]);
      print(table(rows), list);
    },
  },
  {
    words: ['request', 'show'],
    synopsis: 'ID',
    positionals: ['ID'],
    options: {},
    login: true,
    unlock: 'never',
    async run({ client, positionals, t, print }) {
      const r = await client.invoke('request.show', { id: positionals[0] ?? '' });
      const decisions = r.decisions.map((d) => `  ${d.at}  ${d.approver}  ${t(`decision.${d.decision}`)}  ${d.reason}`).join('\n') || `  ${t('none')}`;
      const items = r.recordings.map((x) => `  ${x.id}  ${x.originalName}  ${x.sha256.slice(0, 16)}…${x.classification ? `  [${t(`classification.${x.classification}`)}]` : ''}`).join('\n');
      print(
        t('request.detail', {
          id: r.id,
          kind: t(`kind.${r.kind}`),
          state: t(`request_state.${r.state}`),
          requester: r.requester,
          purpose: r.purpose,
          required: r.requiredApprovals,
          expires: r.expiresAt ?? '—',
          items,
          decisions,
        }),
        r,
      );
    },
  },
  {
    words: ['request', 'withdraw'],
    synopsis: 'ID',
    positionals: ['ID'],
    options: {},
    login: true,
    unlock: 'if-available',
    async run({ client, positionals, t, print }) {
      const r = await client.invoke('request.withdraw', { id: positionals[0] ?? '' });
      print(t('request.withdrawn', { id: r.id }), r);
    },
  },
  {
    words: ['request', 'approve'],
    synopsis: 'ID [--note TEXT]',
    positionals: ['ID'],
    options: { note: { type: 'string' } },
    login: true,
    unlock: 'if-available',
    async run({ client, positionals, args, t, print, secret }) {
      // The approver's password is asked again for the decision itself (it is not the login's).
      const password = await secret('STATION_PASSWORD', 'prompt.confirm_password');
      const r = await client.invoke('request.approve', { id: positionals[0] ?? '', password, note: str(args.note) ?? '' });
      print(r.state === 'approved' ? t('request.approved', { id: r.id, expires: r.expiresAt }) : t('request.approval_recorded', { id: r.id, have: r.decisions.length, need: r.requiredApprovals }), r);
    },
  },
  {
    words: ['request', 'deny'],
    synopsis: 'ID --reason TEXT',
    positionals: ['ID'],
    options: { reason: { type: 'string' } },
    login: true,
    unlock: 'if-available',
    async run({ client, positionals, args, t, print, secret }) {
      const password = await secret('STATION_PASSWORD', 'prompt.confirm_password');
      const r = await client.invoke('request.deny', { id: positionals[0] ?? '', password, reason: str(args.reason) ?? '' });
      print(t('request.denied', { id: r.id }), r);
    },
  },
  {
    words: ['export'],
    synopsis: 'REQUEST --to DIR',
    positionals: ['REQUEST'],
    options: { to: { type: 'string' } },
    login: true,
    unlock: 'required',
    async run({ client, positionals, args, t, print, json }) {
      let shown = -1;
      const off = client.on(
        listenerFor('export.progress', (p) => {
          if (json || !process.stderr.isTTY) return;
          const pct = p.totalBytes ? Math.floor((p.bytes / p.totalBytes) * 100) : 100;
          if (pct !== shown) {
            shown = pct;
            process.stderr.write(`\r${t(`export.${p.phase}`, { pct })}`);
          }
        }),
      );
      try {
        const r = await client.invoke('export.run', { requestId: positionals[0] ?? '', to: str(args.to) ?? '' });
        if (shown >= 0) process.stderr.write('\n');
        print(t('export.done', { path: r.path, files: r.files, bytes: r.bytes }), r);
      } finally {
        off();
      }
    },
  },
  {
    words: ['disc', 'verify'],
    synopsis: 'PATH [--key VERIFIER_KEY] [--policy POLICY]',
    positionals: ['PATH'],
    options: { key: { type: 'string' }, policy: { type: 'string' } },
    login: false,
    unlock: 'never',
    async run({ server, client, positionals, args, t, print }) {
      // An ISO image is read through the platform's disc reader (xorriso), handed in like a burn's.
      provideDiscPorts(server, createDiscPorts());
      const key = str(args.key);
      const policyFile = str(args.policy);
      const policy = policyFile === undefined ? undefined : readFileSync(policyFile, 'utf8');
      const r = await client.invoke('package.verify', { path: positionals[0] ?? '', ...(key ? { verifierKey: key } : {}), ...(policy !== undefined ? { policy } : {}) });
      if (r.ok) {
        const head = t(r.keyTrusted ? 'package.ok_trusted' : 'package.ok_untrusted', { files: r.files, bytes: r.bytes, key: r.verifierKey, size: r.checkpointSize });
        print([head, ...packageWitnessLines(r.witness, t)].join('\n'), r);
        return 0;
      }
      const reason = t(`package.reason.${r.reason}`, { defaultValue: t(`witness_package.reason.${r.reason}`) });
      print(t('package.failed', { path: r.path, reason, detail: r.detail ?? '' }), r);
      return 1;
    },
  },
  {
    words: ['request', 'form'],
    synopsis: 'ID [--out FILE]',
    positionals: ['ID'],
    options: { out: { type: 'string' } },
    login: true,
    unlock: 'never',
    async run({ client, args, t, print, writeFile, positionals }) {
      const { html } = await client.invoke('request.form', { id: positionals[0] ?? '' });
      const out = str(args.out);
      if (out) {
        writeFile(out, html);
        print(t('papers.written', { path: out }), { path: out });
      } else process.stdout.write(html);
    },
  },
  {
    words: ['register'],
    synopsis: '[--from DATE|TIME] [--to DATE|TIME] [--csv FILE] [--print FILE]',
    positionals: [],
    options: { from: { type: 'string' }, to: { type: 'string' }, csv: { type: 'string' }, print: { type: 'string' } },
    login: true,
    unlock: 'never',
    async run({ client, args, t, print, writeFile }) {
      const range = { ...(args.from !== undefined ? { from: timeOption('from', args.from, 'from') } : {}), ...(args.to !== undefined ? { to: timeOption('to', args.to, 'to') } : {}) };
      // register.kind holds the kind labels, so the column's header is register.kind_col.
      const headers = REGISTER_COLUMNS.map((h) => t(`register.${h === 'kind' ? 'kind_col' : h}`));
      const kindLabels = { view: t('register.kind.view'), spot_check: t('register.kind.spot_check'), copy: t('register.kind.copy'), burn: t('register.kind.burn') };
      const out = str(args.csv);
      if (out) {
        const { csv } = await client.invoke('register.csv', { ...range, headers, kindLabels });
        writeFile(out, csv);
      }
      const printTo = str(args.print);
      if (printTo) writeFile(printTo, (await client.invoke('register.print', range)).html);
      const rows = await client.invoke('register.list', range);
      const lines = [[...headers.slice(1, 3), t('papers.case_col'), ...headers.slice(3, 7)]];
      for (const r of rows) lines.push([r.time, kindLabels[r.kind], r.caseNumber ?? '', r.viewerName ?? '', r.copierName ?? '', r.approverNames.join(' '), r.purpose]);
      print(table(lines), rows);
    },
  },
];
