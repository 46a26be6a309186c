// Every failure the station reports is a StationError with a stable code; front ends translate
// `errors.<code>` through i18next, so no user ever sees a stack trace or an English-only message.

export type ErrorKind =
  | 'input' // the request itself is malformed or names nothing that exists: exit 2
  | 'denied' // authenticated but not allowed, or authentication failed: exit 1
  | 'verify' // an integrity check failed: exit 1
  | 'state' // the station is not in a state where this can happen (locked, not initialized): exit 2
  | 'io'; // the disk, a device or the OS refused: exit 1

export type ErrorParams = Record<string, string | number | boolean | null>;

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

export type SerializedError = { code: string; kind: ErrorKind; params: ErrorParams };

export function isStationError(e: unknown): e is StationError {
  return e instanceof StationError;
}

export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
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
