// Every failure the station reports is a StationError with a stable code; front ends translate
// `errors.<code>` through i18next, so no user ever sees a stack trace or an English-only message.

import type { ErrorKind, ErrorParams, SerializedError } from '../shared/ipc.ts';

export type { ErrorKind, ErrorParams, SerializedError };

export class StationError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly params: ErrorParams;

  constructor(kind: ErrorKind, code: string, params: ErrorParams = {}, options?: { cause?: unknown }) {
    super(`${code} ${JSON.stringify(params)}`, options);
    this.name = 'StationError';
    this.kind = kind;
    this.code = code;
    this.params = params;
  }

  toJSON(): SerializedError {
    return { code: this.code, kind: this.kind, params: this.params };
  }
}

export function isStationError(e: unknown): e is StationError {
  return e instanceof StationError;
}

export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}

/** Runs a file operation on `path`, its OS errors mapped as fromSystemError does. */
export async function onPath<T>(path: string, op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (e) {
    throw fromSystemError(e, path);
  }
}

/** Maps an OS error to a StationError the user can act on (disk full, permission, unplugged). */
export function fromSystemError(e: unknown, path: string): StationError {
  if (isStationError(e)) return e;
  const code = (e as NodeJS.ErrnoException | undefined)?.code ?? 'UNKNOWN';
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return new StationError('io', 'io.disk_full', { path }, { cause: e });
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new StationError('io', 'io.permission', { path }, { cause: e });
    case 'ENOENT':
      return new StationError('io', 'io.not_found', { path }, { cause: e });
    case 'EIO':
    case 'ENXIO':
    case 'ENODEV':
    case 'ENOTCONN':
      return new StationError('io', 'io.device_gone', { path }, { cause: e });
    default:
      return new StationError('io', 'io.failed', { path, code }, { cause: e });
  }
}
