// The playback protocol (issue "Access requests" item 3): `station-media://play/<token>` serves the
// byte ranges of one open playback session, decrypted from the vault on the fly by the api's
// servePlayback — plaintext footage never touches disk. The token is the capability: the station
// opened it for one viewer and one recording (ledgered), and closing it ends the stream.
import type { Protocol } from 'electron';
import { servePlayback, type ApiServer } from '../api/server.ts';

export const PLAYBACK_SCHEME = 'station-media';

/**
 * standard: a real origin and URL parsing; secure: counts as a secure context like https;
 * stream: media elements may read it progressively (and seek with Range); supportFetchAPI: fetch()
 * works too. Must be registered before the app is ready.
 */
export const PLAYBACK_SCHEME_PRIVILEGES = {
  scheme: PLAYBACK_SCHEME,
  privileges: { standard: true, secure: true, stream: true, supportFetchAPI: true },
} as const;

type Served = { status: number; headers: Record<string, string>; body: AsyncIterable<Buffer> | null; error?: { code: string; params: Record<string, unknown> } };
export type ServeFn = (token: string, range: string | null) => Served | Promise<Served>;
export type TranslateError = (code: string, params: Record<string, unknown>) => string;

const TOKEN = /^[A-Za-z0-9_-]{8,200}$/;

/** The token of `station-media://play/<token>`, or null for anything else. */
export function playbackToken(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${PLAYBACK_SCHEME}:` || parsed.hostname !== 'play') return null;
  const token = decodeURIComponent(parsed.pathname.replace(/^\/+/, ''));
  return TOKEN.test(token) ? token : null;
}

/** The vault's async chunks as a web stream; cancelling it (the player seeked or closed) stops the reads. */
export function toWebStream(body: AsyncIterable<Buffer>): ReadableStream<Uint8Array> {
  const it = body[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done } = await it.next();
        if (done) controller.close();
        else controller.enqueue(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
      } catch (e) {
        controller.error(e);
      }
    },
    async cancel() {
      await it.return?.();
    },
  });
}

/**
 * One protocol request → one Response (GET/HEAD only; 404 for a malformed URL). A refusal (403) or
 * a damaged recording (500) carries its reason as translated text and its code in X-Station-Error;
 * damage found mid-stream errors the stream, so the connection breaks instead of ending short.
 */
export async function playbackResponse(
  serve: ServeFn,
  request: { url: string; method: string; headers: { get(name: string): string | null } },
  translate: TranslateError = (code) => code,
): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return new Response(null, { status: 405, headers: { Allow: 'GET, HEAD' } });
  const token = playbackToken(request.url);
  if (!token) return new Response(null, { status: 404 });
  const served = await serve(token, request.headers.get('range'));
  if (served.error) {
    const text = request.method === 'HEAD' ? null : translate(served.error.code, served.error.params);
    return new Response(text, { status: served.status, headers: { ...served.headers, 'Content-Type': 'text/plain; charset=utf-8', 'X-Station-Error': served.error.code } });
  }
  const body = request.method === 'HEAD' || !served.body ? null : toWebStream(served.body);
  return new Response(body, { status: served.status, headers: served.headers });
}

/** Before app ready. */
export function registerPlaybackScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([{ ...PLAYBACK_SCHEME_PRIVILEGES, privileges: { ...PLAYBACK_SCHEME_PRIVILEGES.privileges } }]);
}

/** After app ready, once the station is open. Returns the function that unregisters it. */
export function handlePlayback(protocol: Pick<Protocol, 'handle' | 'unhandle'>, server: ApiServer, translate?: TranslateError): () => void {
  protocol.handle(PLAYBACK_SCHEME, (request) => playbackResponse((token, range) => servePlayback(server, token, range), request, translate));
  return () => protocol.unhandle(PLAYBACK_SCHEME);
}
