import crypto from 'node:crypto';
import pg from 'pg';
import { StationError } from '../core/errors.ts';
import { backoffSeconds } from '../core/access/users.ts';
import { checkPassword, dummyPasswordHash, hashPassword } from '../core/access/passwords.ts';
import { centralReport, CENTRAL_REPORT_COLUMNS, centralReportRows } from './report.ts';
import type { Reply } from './service.ts';

// The read-only supervision page of the central service: auditors and admins of the service log
// in (argon2id hashes, the station's login backoff: 3 free failures, then 2 s doubling to 15 min)
// and see every enrolled station's last cosigned size and time, who has gone silent, and the
// month's figures from the mirrored ledgers. Nothing on it changes anything.

export type CentralRole = 'auditor' | 'admin';
const SESSION_IDLE_MS = 30 * 60_000;
const USERNAME = /^[\p{L}\p{N}][\p{L}\p{N}._-]{0,63}$/u;

export async function addCentralUser(connectionString: string, username: string, role: CentralRole, password: string, by: string): Promise<void> {
  if (!USERNAME.test(username)) throw new StationError('input', 'central.bad_username', { username });
  if (role !== 'auditor' && role !== 'admin') throw new StationError('input', 'central.bad_role', { role });
  const hash = await hashPassword(password);
  const c = new pg.Client({ connectionString });
  await c.connect();
  try {
    await c.query('BEGIN');
    const exists = await c.query('SELECT 1 FROM central_users WHERE username = $1', [username]);
    if (exists.rows.length > 0) throw new StationError('state', 'central.user_exists', { username });
    await c.query('INSERT INTO central_users (username, password_hash, role, created_by) VALUES ($1, $2, $3, $4)', [username, hash, role, by]);
    await c.query('INSERT INTO central_events (action, details) VALUES ($1, $2)', ['user.added', JSON.stringify({ username, role, by })]);
    await c.query('COMMIT');
  } catch (e) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    await c.end();
  }
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

type T = (key: string, params?: Record<string, unknown>) => string;

function html(status: number, title: string, body: string, headers: Record<string, string> = {}): Reply {
  return {
    status,
    type: 'text/html; charset=utf-8',
    headers: { 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'", 'x-frame-options': 'DENY', ...headers },
    body: `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>${esc(title)}</title><style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #999;padding:4px 8px}.silent{background:#fdd}</style><body>${body}</body></html>`,
  };
}

export class SupervisionPage {
  private readonly sessions = new Map<string, { username: string; role: CentralRole; lastSeen: number }>();
  private readonly pool: pg.Pool;
  private readonly connectionString: string;
  private readonly t: T;

  constructor(pool: pg.Pool, connectionString: string, t: T) {
    this.pool = pool;
    this.connectionString = connectionString;
    this.t = t;
  }

  private session(cookie: string | undefined): { username: string; role: CentralRole } | null {
    const token = /(?:^|;\s*)central_session=([0-9a-f]{64})/.exec(cookie ?? '')?.[1];
    const s = token ? this.sessions.get(token) : undefined;
    if (!s || !token) return null;
    if (Date.now() - s.lastSeen > SESSION_IDLE_MS) {
      this.sessions.delete(token);
      return null;
    }
    s.lastSeen = Date.now();
    return s;
  }

  loginForm(status = 200, message = ''): Reply {
    const t = this.t;
    return html(
      status,
      t('central.page.title'),
      `<h1>${esc(t('central.page.title'))}</h1>${message ? `<p role="alert">${esc(message)}</p>` : ''}<form method="post" action="/login"><label>${esc(t('central.page.username'))} <input name="username" autocomplete="username"></label> <label>${esc(t('central.page.password'))} <input name="password" type="password" autocomplete="current-password"></label> <button>${esc(t('central.page.login'))}</button></form>`,
    );
  }

  async login(body: string): Promise<Reply> {
    const form = new URLSearchParams(body);
    const username = form.get('username') ?? '';
    const password = form.get('password') ?? '';
    const c = await this.pool.connect();
    try {
      const user = (await c.query<{ password_hash: string; role: CentralRole }>('SELECT password_hash, role FROM central_users WHERE username = $1', [username])).rows[0];
      // Failures since the last success, and when the last one was: the same backoff as a station login.
      const hist = (
        await c.query<{ failures: string; last: Date | null }>(
          "SELECT COUNT(*) AS failures, MAX(at) AS last FROM central_logins WHERE username = $1 AND NOT ok AND at > COALESCE((SELECT MAX(at) FROM central_logins WHERE username = $1 AND ok), '-infinity')",
          [username],
        )
      ).rows[0];
      const failures = Number(hist?.failures ?? 0);
      const wait = backoffSeconds(failures);
      const waited = hist?.last ? (Date.now() - hist.last.getTime()) / 1000 : Infinity;
      if (wait > 0 && waited < wait) {
        const retry = Math.ceil(wait - waited);
        return { ...this.loginForm(429, this.t('central.page.wait', { seconds: retry })), headers: { 'retry-after': String(retry) } };
      }
      const ok = await checkPassword(user?.password_hash ?? (await dummyPasswordHash()), password);
      await c.query('INSERT INTO central_logins (username, ok) VALUES ($1, $2)', [username, ok && !!user]);
      if (!ok || !user) return this.loginForm(401, this.t('central.page.wrong'));
      const token = crypto.randomBytes(32).toString('hex');
      this.sessions.set(token, { username, role: user.role, lastSeen: Date.now() });
      return { status: 303, type: 'text/plain; charset=utf-8', body: '', headers: { location: '/stations', 'set-cookie': `central_session=${token}; HttpOnly; SameSite=Strict; Path=/` } };
    } finally {
      c.release();
    }
  }

  logout(cookie: string | undefined): Reply {
    const token = /(?:^|;\s*)central_session=([0-9a-f]{64})/.exec(cookie ?? '')?.[1];
    if (token) this.sessions.delete(token);
    return { status: 303, type: 'text/plain; charset=utf-8', body: '', headers: { location: '/', 'set-cookie': 'central_session=; Max-Age=0; Path=/' } };
  }

  async stations(cookie: string | undefined, url: URL, now: Date = new Date()): Promise<Reply> {
    const who = this.session(cookie);
    if (!who) return { status: 303, type: 'text/plain; charset=utf-8', body: '', headers: { location: '/' } };
    const t = this.t;
    const monthParam = url.searchParams.get('month');
    const month = monthParam && /^\d{4}-(0[1-9]|1[0-2])$/.test(monthParam) ? monthParam : new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit' }).format(now).slice(0, 7);
    const silentHours = Math.max(1, Math.min(24 * 90, Number(url.searchParams.get('silentHours') ?? 24) || 24));
    const r = await centralReport(this.connectionString, { month, timeZone: 'Asia/Shanghai', silentHours, now });
    const head = CENTRAL_REPORT_COLUMNS.map((c) => `<th>${esc(t(`central.col.${c}`))}</th>`).join('');
    const rows = centralReportRows(r)
      .map((cells, i) => `<tr${r.stations[i]?.silent ? ' class="silent"' : ''}>${cells.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`)
      .join('');
    return html(
      200,
      t('central.page.title'),
      `<h1>${esc(t('central.report_title', { month, timeZone: r.timeZone, silentHours }))}</h1><p>${esc(t('central.page.signed_in', { username: who.username, role: who.role }))}</p><form method="post" action="/logout"><button>${esc(t('central.page.logout'))}</button></form><table><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>`,
    );
  }
}
