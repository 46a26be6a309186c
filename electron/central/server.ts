import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CentralService, Reply } from './service.ts';
import type { SupervisionPage } from './page.ts';

/** Bodies larger than these are refused with 413 before they are read in full. */
export const LIMITS = { addCheckpoint: 64 * 1024, addEntries: 8 * 1024 * 1024, login: 4 * 1024 } as const;

class TooLarge extends Error {}

function readBody(req: http.IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      reject(new TooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let total = 0;
    req.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > limit) {
        reject(new TooLarge());
        req.pause();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Is this error PostgreSQL being unreachable or failing, rather than a bug here? */
function isDatabaseError(e: unknown): boolean {
  const err = e as { code?: unknown; message?: unknown };
  return typeof err?.code === 'string' || /connect|terminat|timeout|Connection/i.test(String(err?.message ?? ''));
}

async function route(service: CentralService, page: SupervisionPage | null, req: http.IncomingMessage, url: URL): Promise<Reply> {
  if (page) {
    const cookie = req.headers.cookie;
    if (req.method === 'GET' && url.pathname === '/') return page.loginForm();
    if (req.method === 'POST' && url.pathname === '/login') return page.login(await readBody(req, LIMITS.login));
    if (req.method === 'POST' && url.pathname === '/logout') return page.logout(cookie);
    if (req.method === 'GET' && url.pathname === '/stations') return page.stations(cookie, url);
  }
  if (req.method === 'POST' && url.pathname === '/add-checkpoint') return service.addCheckpoint(await readBody(req, LIMITS.addCheckpoint));
  if (req.method === 'POST' && url.pathname === '/mirror/add-entries') return service.addEntries(await readBody(req, LIMITS.addEntries));
  if (req.method === 'GET' && url.pathname === '/mirror/size') return service.mirrorSize(url.searchParams.get('origin') ?? '');
  return { status: 404, type: 'text/plain; charset=utf-8', body: 'not found\n' };
}

/**
 * Plain HTTP on the address given (127.0.0.1 by default): TLS belongs to the reverse proxy in
 * front (README.md). PostgreSQL down means 503 and nothing cosigned, never a cosignature that was
 * not persisted.
 */
export function startServer(service: CentralService, host: string, port: number, page: SupervisionPage | null = null): Promise<{ server: http.Server; url: string }> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://witness.invalid');
    route(service, page, req, url)
      .then((reply) => {
        res.writeHead(reply.status, { 'content-type': reply.type, 'cache-control': 'no-store', ...(reply.headers ?? {}) });
        res.end(reply.body);
      })
      .catch((e: unknown) => {
        const tooLarge = e instanceof TooLarge;
        const status = tooLarge ? 413 : isDatabaseError(e) ? 503 : 500;
        res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
        res.end(tooLarge ? 'body too large\n' : status === 503 ? 'database unavailable\n' : 'internal error\n');
        if (tooLarge) req.destroy();
      });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const a = server.address() as AddressInfo;
      resolve({ server, url: `http://${host}:${a.port}` });
    });
  });
}
