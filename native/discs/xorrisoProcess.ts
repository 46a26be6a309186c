import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Readable } from 'node:stream';

export type RunResult = { code: number; lines: string[] };

/** The xorriso executable on PATH, or null: without it there is no ISO or Linux-drive writer. */
export function findExecutable(name: string, env: NodeJS.ProcessEnv = process.env): string | null {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // next
    }
  }
  return null;
}

function splitLines(stream: Readable, onLine: (line: string) => void): void {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const parts = (rest + chunk).split(/\r?\n|\r/);
    rest = parts.pop() ?? '';
    for (const p of parts) onLine(p);
  });
  stream.on('end', () => {
    if (rest) onLine(rest);
  });
}

export type RunOptions = {
  signal?: AbortSignal;
  onLine?: (line: string) => void;
  /**
   * Receives what xorriso writes to file descriptor 3 (-concat … /dev/fd/3). xorriso refuses a
   * socket there, and Node's stdio pipes are sockets: so xorriso runs under sh, its fd 3 feeding a
   * real pipe into cat, whose output is ours, while its messages go to stderr.
   */
  onData?: (chunk: Buffer) => void;
};

const EXIT_MARK = 'xorriso-exit:';
const STREAM_SCRIPT = `{ "$0" "$@" 3>&1 1>&2; echo "${EXIT_MARK}$?" >&2; } | cat`;

/**
 * Runs xorriso and collects its message lines (stdout and stderr alike: -pkt_output tags the
 * channel). Cancelling sends SIGTERM, then SIGKILL if it lingers, and rejects with the signal's reason.
 */
export function runXorriso(binary: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(options.signal.reason);
      return;
    }
    const env = { ...process.env, LC_ALL: 'C', LANG: 'C' };
    const child = options.onData
      ? spawn('/bin/sh', ['-c', STREAM_SCRIPT, binary, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env })
      : spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    const lines: string[] = [];
    let exitMark: number | null = null;
    const onLine = (l: string) => {
      if (options.onData && l.startsWith(EXIT_MARK)) {
        exitMark = Number(l.slice(EXIT_MARK.length));
        return;
      }
      lines.push(l);
      options.onLine?.(l);
    };
    let dataError: unknown = null;
    if (options.onData) {
      child.stdout!.on('data', (chunk: Buffer) => {
        try {
          options.onData!(chunk);
        } catch (e) {
          dataError = e;
          child.kill('SIGTERM');
        }
      });
    } else {
      splitLines(child.stdout!, onLine);
    }
    splitLines(child.stderr!, onLine);
    let killTimer: NodeJS.Timeout | null = null;
    const onAbort = () => {
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), 5000);
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (e) => {
      options.signal?.removeEventListener('abort', onAbort);
      reject(e);
    });
    child.on('close', (code, sig) => {
      options.signal?.removeEventListener('abort', onAbort);
      if (killTimer) clearTimeout(killTimer);
      if (options.signal?.aborted) reject(options.signal.reason);
      else if (dataError) reject(dataError);
      else resolve({ code: options.onData ? (exitMark ?? 1) : (code ?? (sig ? 128 : 1)), lines });
    });
  });
}
