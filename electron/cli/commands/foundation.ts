import type { Role, StationStatus } from '../../api/index.ts';
import { RULE_OPTIONS, ruleFromArgs } from './rules.ts';
import type { WitnessStatus } from '../../api/witness.ts';
import { StationError } from '../../api/server.ts';
import type { CliCommand } from './types.ts';
import { str, table, timeOption } from './format.ts';
import { listenerFor } from '../../shared/events.ts';

/** The ledger alarm and the clock anomaly, for every user who looks at the station (ledger/README.md). */
export function alarmLines(s: StationStatus & { witness?: WitnessStatus | null }, t: (key: string, params?: Record<string, unknown>) => string): string[] {
  const lines: string[] = [];
  const a = s.ledgerAlarm;
  const w = s.witness?.alarm;
  const alarmKey = (kind: string) => (kind.startsWith('witness_') ? `witness_status.alarm.${kind}` : `status.ledger_alarm.${kind}`);
  if (a) lines.push(t(alarmKey(a.kind), { dbSize: a.dbSize, headSize: a.headSize ?? '-', checkpointSize: a.checkpointSize ?? '-' }));
  // A witness refusal stays shown from its ledger entry until the witness cosigns again (core/witness/README.md).
  if (w && a?.kind !== w.kind) lines.push(t(alarmKey(w.kind), { dbSize: s.ledgerSize, headSize: w.witnessSize ?? '-', checkpointSize: '-' }));
  const c = s.clockAnomaly;
  if (c) lines.push(t('status.clock_anomaly', { systemTime: c.systemTime, ledgerTime: c.ledgerTime, minutes: Math.round(c.behindMs / 60_000) }));
  return lines;
}

/** "Last cosigned: size N, M minutes ago" and what waits, when a witness is enrolled. */
export function witnessLines(w: WitnessStatus | null | undefined, t: (key: string, params?: Record<string, unknown>) => string): string[] {
  if (!w) return [];
  const lines = [w.lastCosigned ? t('witness_status.last_cosigned', { size: w.lastCosigned.size, minutes: w.minutesAgo, url: w.url }) : t('witness_status.never_cosigned', { url: w.url })];
  if (w.pendingSize !== null) lines.push(t('witness_status.pending', { size: w.pendingSize }));
  return lines;
}

function parseRoles(value: unknown): Role[] {
  const list = (str(value) ?? '').split(',').map((r) => r.trim()).filter(Boolean);
  return list as Role[];
}

export const foundationCommands: CliCommand[] = [
  {
    words: ['init'],
    synopsis: '--agency-code CODE --agency-name NAME --admin USER [--admin-name NAME] [--time-zone TZ] [--rule ID | --rule custom --rule-title TITLE --rule-article PURPOSE=第N条 …]',
    positionals: [],
    options: {
      'agency-code': { type: 'string' },
      'agency-name': { type: 'string' },
      admin: { type: 'string' },
      'admin-name': { type: 'string' },
      'time-zone': { type: 'string' },
      rule: { type: 'string' },
      ...RULE_OPTIONS,
    },
    login: false,
    unlock: 'never',
    async run({ client, args, t, print, secret }) {
      const passphrase = await secret('STATION_PASSPHRASE', 'prompt.new_passphrase');
      const admin = str(args.admin) ?? '';
      const password = await secret('STATION_PASSWORD', 'prompt.admin_password');
      const timeZone = str(args['time-zone']);
      const rule = ruleFromArgs(args, str(args.rule));
      const result = await client.invoke('station.init', {
        agencyCode: str(args['agency-code']) ?? '',
        agencyName: str(args['agency-name']) ?? '',
        passphrase,
        ...(timeZone ? { timeZone } : {}),
        ...(rule ? { rule } : {}),
        admin: { username: admin, displayName: str(args['admin-name']) ?? admin, password },
      });
      print(`${t('init.done', { publicKey: result.publicKey, verifierKey: result.verifierKey })}${rule ? '' : `\n${t('rules.init_without')}`}`, result);
    },
  },
  {
    words: ['status'],
    synopsis: '',
    positionals: [],
    options: {},
    login: false,
    unlock: 'never',
    async run({ client, t, print }) {
      const s = await client.invoke('station.status', {});
      const human = s.initialized
        ? t('status.initialized', { dataDir: s.dataDir, code: s.agency?.code, name: s.agency?.name, size: s.ledgerSize, publicKey: s.publicKey, verifierKey: s.verifierKey, version: s.version })
        : t('status.not_initialized', { dataDir: s.dataDir });
      const zone = s.timeZone ? [t('time.zone', { timeZone: s.timeZone })] : [];
      print([human, ...zone, ...witnessLines(s.witness, t), ...alarmLines(s, t)].join('\n'), s);
    },
  },
  {
    words: ['user', 'add'],
    synopsis: 'USER --role ROLE[,ROLE…] [--name NAME]',
    positionals: ['USER'],
    options: { role: { type: 'string' }, name: { type: 'string' } },
    login: true,
    unlock: 'if-available',
    async run({ client, args, positionals, t, print, secret }) {
      const username = positionals[0] ?? '';
      const roles = parseRoles(args.role);
      const password = await secret('STATION_NEW_PASSWORD', 'prompt.new_user_password');
      const user = await client.invoke('user.add', { username, displayName: str(args.name) ?? username, roles, password });
      print(t('user.added', { username: user.username, roles: user.roles.map((r) => t(`roles.${r}`)).join('、') }), user);
    },
  },
  {
    words: ['user', 'list'],
    synopsis: '',
    positionals: [],
    options: {},
    login: true,
    unlock: 'never',
    async run({ client, t, print }) {
      const users = await client.invoke('user.list', {});
      const rows = [[t('col.username'), t('col.display_name'), t('col.roles'), t('col.state')]];
      for (const u of users) rows.push([u.username, u.displayName, u.roles.map((r) => t(`roles.${r}`)).join('、'), u.disabled ? t('state.disabled') : t('state.active')]);
      print(table(rows), users);
    },
  },
  {
    words: ['user', 'disable'],
    synopsis: 'USER [--reason TEXT]',
    positionals: ['USER'],
    options: { reason: { type: 'string' } },
    login: true,
    unlock: 'if-available',
    async run({ client, args, positionals, t, print }) {
      const user = await client.invoke('user.disable', { username: positionals[0] ?? '', reason: str(args.reason) ?? '' });
      print(t('user.disabled', { username: user.username }), user);
    },
  },
  {
    words: ['user', 'enable'],
    synopsis: 'USER',
    positionals: ['USER'],
    options: {},
    login: true,
    unlock: 'if-available',
    async run({ client, positionals, t, print }) {
      const user = await client.invoke('user.enable', { username: positionals[0] ?? '' });
      print(t('user.enabled', { username: user.username }), user);
    },
  },
  {
    words: ['user', 'roles'],
    synopsis: 'USER --role ROLE[,ROLE…]',
    positionals: ['USER'],
    options: { role: { type: 'string' } },
    login: true,
    unlock: 'if-available',
    async run({ client, args, positionals, t, print }) {
      const user = await client.invoke('user.setRoles', { username: positionals[0] ?? '', roles: parseRoles(args.role) });
      print(t('user.roles_set', { username: user.username, roles: user.roles.map((r) => t(`roles.${r}`)).join('、') }), user);
    },
  },
  {
    words: ['user', 'passwd'],
    synopsis: 'USER',
    positionals: ['USER'],
    options: {},
    login: true,
    unlock: 'if-available',
    async run({ client, positionals, t, print, secret, env, args }) {
      const username = positionals[0] ?? '';
      const newPassword = await secret('STATION_NEW_PASSWORD', 'prompt.new_password');
      const self = (str(args.user) ?? env.STATION_USER ?? '').toLowerCase() === username.toLowerCase();
      if (self) {
        await client.invoke('auth.changePassword', { oldPassword: env.STATION_PASSWORD ?? (await secret('STATION_PASSWORD', 'prompt.password')), newPassword });
      } else {
        await client.invoke('user.resetPassword', { username, newPassword });
      }
      print(t('user.password_set', { username }), { ok: true, username });
    },
  },
  {
    words: ['ledger', 'show'],
    synopsis: '[--seq N] [--action A] [--actor USER] [--from DATE|TIME] [--to DATE|TIME] [--include-auth] [--limit N] [--offset N]',
    positionals: [],
    options: {
      seq: { type: 'string' },
      action: { type: 'string' },
      actor: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      'include-auth': { type: 'boolean' },
      limit: { type: 'string' },
      offset: { type: 'string' },
    },
    login: true,
    unlock: 'never',
    async run({ client, args, t, print }) {
      if (str(args.seq)) {
        const detail = await client.invoke('ledger.entry', { seq: Number(args.seq) });
        const e = detail.entry;
        print(
          t('ledger.entry', { seq: e.seq, time: e.time, actor: e.actor, action: e.action, subject: e.subject, details: JSON.stringify(e.details), prev: e.prev, leaf: e.leafHash, checkpoint: detail.checkpoint?.size ?? '-' }),
          detail,
        );
        return;
      }
      const res = await client.invoke('ledger.list', {
        ...(str(args.action) ? { action: str(args.action) } : {}),
        ...(str(args.actor) ? { actor: str(args.actor) } : {}),
        ...(args.from !== undefined ? { from: timeOption('from', args.from, 'from') } : {}),
        ...(args.to !== undefined ? { to: timeOption('to', args.to, 'to') } : {}),
        limit: str(args.limit) ? Number(args.limit) : 50,
        offset: str(args.offset) ? Number(args.offset) : 0,
        order: 'asc',
        includeSessions: args['include-auth'] === true,
      });
      const rows = [[t('col.seq'), t('col.time'), t('col.actor'), t('col.action'), t('col.subject')]];
      for (const e of res.entries) rows.push([String(e.seq), e.time, e.actor, e.action, e.subject]);
      const hidden = res.sessionsHidden ? [t('ledger_sessions.hidden', { count: res.sessionsHidden })] : [];
      print([`${table(rows)}`, t('ledger.count', { shown: res.entries.length, total: res.total }), ...hidden].join('\n'), res);
    },
  },
  {
    words: ['ledger', 'verify'],
    synopsis: '[--against PACKAGE_OR_DISC]',
    positionals: [],
    options: { against: { type: 'string' } },
    login: true,
    // Unlocked when the passphrase is at hand, so the head record outside station.db is
    // authenticated too (electron/core/ledger/README.md); without it only its signatures count.
    unlock: 'if-available',
    async run({ client, args, t, print }) {
      const against = str(args.against);
      if (against) {
        const r = await client.invoke('ledger.verifyAgainst', { path: against });
        if (r.ok) {
          print(t('ledger.against_ok', { path: against, size: r.size, ledgerSize: r.ledgerSize, toSize: r.toSize }), r);
          return 0;
        }
        print(t(`ledger.against_failed.${r.reason}`, { path: against, size: r.size ?? '-', ledgerSize: r.ledgerSize }), r);
        return 1;
      }
      const result = await client.invoke('ledger.verify', {});
      if (result.ok) {
        print(t('ledger.verify_ok', { size: result.size, checkpoints: result.checkpoints, root: result.root }), result);
        return 0;
      }
      const reason = t(`ledger.reason.${result.reason}`, { defaultValue: t(`ledger.trust_reason.${result.reason}`, { defaultValue: result.reason }) });
      print(t('ledger.verify_failed', { seq: result.firstBadSeq, reason }), result);
      return 1;
    },
  },
  {
    words: ['ledger', 'consistency'],
    synopsis: 'OLD NEW',
    positionals: ['OLD', 'NEW'],
    options: {},
    login: true,
    unlock: 'never',
    async run({ client, positionals, print }) {
      const [oldSize, newSize] = positionals.map((p) => (/^[0-9]+$/.test(p) ? Number(p) : Number.NaN));
      if (!Number.isSafeInteger(oldSize) || !Number.isSafeInteger(newSize) || (oldSize as number) < 1 || (newSize as number) < 1) {
        throw new StationError('input', 'ledger.range_invalid', { oldSize: positionals[0] ?? '', newSize: positionals[1] ?? '' });
      }
      const r = await client.invoke('ledger.consistency', { oldSize: oldSize as number, newSize: newSize as number });
      // The body of a C2SP tlog-witness add-checkpoint request: "old N", the proof lines in
      // base64, then (when NEW was signed) a blank line and the signed checkpoint.
      const lines = [`old ${r.oldSize}`, ...r.proof];
      if (r.newCheckpoint) lines.push('', r.newCheckpoint.trimEnd());
      print(lines.join('\n'), r);
    },
  },
  {
    words: ['ledger', 'checkpoint'],
    synopsis: '[--out FILE]',
    positionals: [],
    options: { out: { type: 'string' } },
    login: true,
    unlock: 'required',
    async run({ client, args, t, print, writeFile }) {
      const cp = await client.invoke('ledger.checkpoint', {});
      const out = str(args.out);
      if (out) writeFile(out, cp.note);
      print(out ? t('ledger.checkpoint_written', { size: cp.size, path: out }) : cp.note.trimEnd(), cp);
    },
  },
  {
    words: ['ledger', 'prove'],
    synopsis: 'SEQ [--out FILE]',
    positionals: ['SEQ'],
    options: { out: { type: 'string' } },
    login: true,
    unlock: 'required',
    async run({ client, args, positionals, t, print, writeFile }) {
      const bundle = await client.invoke('ledger.prove', { seqs: [Number(positionals[0])] });
      const out = str(args.out);
      const text = `${JSON.stringify(bundle, null, 2)}\n`;
      if (out) writeFile(out, text);
      print(out ? t('ledger.proof_written', { seq: positionals[0], size: bundle.size, path: out }) : text.trimEnd(), bundle);
    },
  },
  {
    words: ['vault', 'verify'],
    synopsis: '',
    positionals: [],
    options: {},
    login: true,
    unlock: 'required',
    async run({ client, t, print, json }) {
      let lastShown = -1;
      const off = client.on(
        listenerFor('vault.verify.progress', (p) => {
          if (json) return;
          const pct = p.totalBytes ? Math.floor((p.bytes / p.totalBytes) * 100) : 100;
          if (pct !== lastShown && process.stderr.isTTY) {
            lastShown = pct;
            process.stderr.write(`\r${t('vault.progress', { pct, objects: p.objects, total: p.totalObjects })}`);
          }
        }),
      );
      try {
        const result = await client.invoke('vault.verify', {});
        if (lastShown >= 0) process.stderr.write('\n');
        // Objects checked against a catalogue the ledger alarm says was put back or rewritten prove
        // nothing about what is missing: not a pass (electron/core/ledger/README.md).
        const { ledgerAlarm } = await client.invoke('station.status', {});
        if (result.ok && ledgerAlarm) {
          print(t('vault.verify_ledger_alarm', { count: result.checked, bytes: result.bytes }), { ...result, ok: false, ledgerAlarm });
          return 1;
        }
        if (result.ok) {
          print(t('vault.verify_ok', { count: result.checked, bytes: result.bytes }), result);
          return 0;
        }
        print(t('vault.verify_failed', { count: result.failures.length, ids: result.failures.map((f) => f.objectId).join(', ') }), result);
        return 1;
      } finally {
        off();
      }
    },
  },
  {
    words: ['vault', 'quarantine'],
    synopsis: '',
    positionals: [],
    options: {},
    login: true,
    unlock: 'required',
    async run({ client, t, print }) {
      const items = await client.invoke('vault.quarantine', {});
      if (items.length === 0) {
        print(t('vault.quarantine_empty'), items);
        return 0;
      }
      const lines = items.map((q) =>
        q.ledgerSeq === null
          ? t('vault.quarantine_line_unledgered', { id: q.objectId, bytes: q.bytes })
          : t('vault.quarantine_line', { id: q.objectId, bytes: q.bytes, seq: q.ledgerSeq, at: q.quarantinedAt }),
      );
      print([t('vault.quarantine_title', { count: items.length }), ...lines, t('vault.quarantine_note')].join('\n'), items);
      return 0;
    },
  },
];
