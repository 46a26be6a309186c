import { describe, expect, it } from 'vitest';
import { playbackResponse, playbackToken, type ServeFn } from './playbackProtocol.ts';

async function* chunks(...parts: string[]): AsyncIterable<Buffer> {
  for (const p of parts) yield Buffer.from(p);
}

const request = (url: string, range: string | null = null, method = 'GET') => ({ url, method, headers: { get: (n: string) => (n.toLowerCase() === 'range' ? range : null) } });

describe('station-media protocol', () => {
  it('takes the token from station-media://play/<token> only', () => {
    expect(playbackToken('station-media://play/abcDEF0123_-xyz')).toBe('abcDEF0123_-xyz');
    expect(playbackToken('station-media://other/abcDEF0123')).toBeNull();
    expect(playbackToken('https://play/abcDEF0123')).toBeNull();
    expect(playbackToken('station-media://play/../../etc/passwd')).toBeNull();
    expect(playbackToken('station-media://play/short')).toBeNull();
    expect(playbackToken('not a url')).toBeNull();
  });

  it('passes the Range header through and streams the body with status and headers', async () => {
    const seen: [string, string | null][] = [];
    const serve: ServeFn = (token, range) => {
      seen.push([token, range]);
      return { status: 206, headers: { 'Content-Range': 'bytes 2-5/10', 'Content-Length': '4', 'Content-Type': 'video/mp4' }, body: chunks('ab', 'cd') };
    };
    const res = await playbackResponse(serve, request('station-media://play/tok_en-123456', 'bytes=2-5'));
    expect(seen).toEqual([['tok_en-123456', 'bytes=2-5']]);
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe('bytes 2-5/10');
    expect(await res.text()).toBe('abcd');
  });

  it('answers a closed session (403 with its reason, translated), a bad URL (404) and other methods (405)', async () => {
    const serve: ServeFn = async () => ({ status: 403, headers: {}, body: null, error: { code: 'playback.session_closed', params: {} } });
    const refused = await playbackResponse(serve, request('station-media://play/tok_en-123456'), (code) => `translated ${code}`);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('x-station-error')).toBe('playback.session_closed');
    expect(await refused.text()).toBe('translated playback.session_closed');
    expect((await playbackResponse(serve, request('station-media://play/x'))).status).toBe(404);
    expect((await playbackResponse(serve, request('station-media://play/tok_en-123456', null, 'POST'))).status).toBe(405);
  });

  it('stops reading the vault when the player cancels the stream', async () => {
    let returned = false;
    const body: AsyncIterable<Buffer> = {
      [Symbol.asyncIterator]: () => ({
        next: async () => ({ value: Buffer.alloc(1024), done: false }),
        return: async () => {
          returned = true;
          return { value: undefined, done: true };
        },
      }),
    };
    const res = await playbackResponse(() => ({ status: 200, headers: {}, body }), request('station-media://play/tok_en-123456'));
    const reader = res.body!.getReader();
    await reader.read();
    await reader.cancel();
    expect(returned).toBe(true);
  });
});
