// The renderer's only door to the station: window.station (exposed by the preload, or by the e2e
// bridge) carries {ok, value | error} envelopes because Error objects lose their fields across IPC.
// Everything here is typed from electron/api's handler map, imported as types only.
import type { Channel, Input, Output } from '../../electron/api/index.ts';
import { isPublicCommand } from '../../electron/shared/commands.ts';
import { listenerFor, type EventMap, type EventName } from '../../electron/shared/events.ts';
import type { Result, SerializedError } from '../../electron/shared/ipc.ts';

export type { Channel, Input, Output };
export type { LedgerEntry, CheckpointRecord, LedgerVerifyResult, Role, StationStatus, User } from '../../electron/api/index.ts';
export type { WitnessStatus } from '../../electron/api/witness.ts';

export type ErrorParams = SerializedError['params'];
export type BridgeResult = Result<unknown>;

export type StationBridge = {
  invoke(channel: string, payload: unknown): Promise<BridgeResult>;
  on(event: string, cb: (payload: unknown) => void): () => void;
};

declare global {
  interface Window {
    station?: StationBridge;
  }
}

/** Every event's payload is declared with its name in electron/shared/events.ts. */
export type EventPayload<E extends EventName> = EventMap[E];

/** A failure reported by the station (or by the bridge), ready for t('errors:' + code, params). */
export class StationUiError extends Error {
  readonly code: string;
  readonly kind: string;
  readonly params: ErrorParams;

  constructor(error: SerializedError | { code: string; kind: string; params: ErrorParams }) {
    super(error.code);
    this.name = 'StationUiError';
    this.code = error.code;
    this.kind = error.kind;
    this.params = error.params ?? {};
  }
}

/** Any thrown value as a StationUiError, so no failure reaches the user without a code. */
export function toUiError(e: unknown): StationUiError {
  if (e instanceof StationUiError) return e;
  return new StationUiError({ code: 'api.internal', kind: 'io', params: { message: e instanceof Error ? e.message : String(e) } });
}

export function bridgeAvailable(): boolean {
  return typeof window !== 'undefined' && typeof window.station?.invoke === 'function';
}

function bridge(): StationBridge {
  if (!window.station) throw new StationUiError({ code: 'api.internal', kind: 'io', params: { message: 'window.station' } });
  return window.station;
}

// Codes meaning "this window no longer has a session": the app returns to the login screen.
const SESSION_LOST = new Set(['auth.required', 'auth.session_expired', 'auth.disabled']);
let sessionLost: ((code: string) => void) | null = null;

export function onSessionLost(handler: ((code: string) => void) | null): void {
  sessionLost = handler;
}

export async function invoke<C extends Channel>(channel: C, payload: Input<C>): Promise<Output<C>> {
  let result: BridgeResult;
  try {
    result = await bridge().invoke(channel, payload);
  } catch (e) {
    throw toUiError(e);
  }
  if (result.ok) return result.value as Output<C>;
  const error = new StationUiError(result.error);
  if (SESSION_LOST.has(error.code) && !isPublicCommand(channel)) sessionLost?.(error.code);
  throw error;
}

export function onEvent<E extends EventName>(event: E, cb: (payload: EventPayload<E>) => void): () => void {
  if (!bridgeAvailable()) return () => {};
  const listener = listenerFor(event, cb);
  return bridge().on(event, (payload) => listener(event, payload));
}
