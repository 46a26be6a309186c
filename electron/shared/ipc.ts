// What crosses between a front end and the station: the two IPC channel names and the result
// envelope. Errors travel as {code, kind, params} because Error objects lose their fields across IPC;
// front ends translate `errors.<code>`.

/** Renderer → main: one channel for every command (electron/main/ipc.ts). */
export const INVOKE_CHANNEL = 'station:invoke';
/** Main → renderer: one channel for every event (name, payload). */
export const EVENT_CHANNEL = 'station:event';

export type ErrorKind =
  | 'input' // the request itself is malformed or names nothing that exists: exit 2
  | 'denied' // authenticated but not allowed, or authentication failed: exit 1
  | 'verify' // an integrity check failed: exit 1
  | 'state' // the station is not in a state where this can happen (locked, not initialized): exit 2
  | 'io'; // the disk, a device or the OS refused: exit 1

export type ErrorParams = Record<string, string | number | boolean | null>;

export type SerializedError = { code: string; kind: ErrorKind; params: ErrorParams };

/** A command's answer as it crosses IPC: never a thrown error. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: SerializedError };
