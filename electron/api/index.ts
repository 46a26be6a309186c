// The one command surface. main (IPC), preload (allow-list), the CLI and the e2e bridge are all
// derived from this map: adding a command is one handler + its schema in a feature file here.
import type { z } from 'zod';
import { authHandlers } from './auth.ts';
import { ledgerHandlers } from './ledger.ts';
import { stationHandlers } from './station.ts';
import { userHandlers } from './users.ts';
import { vaultHandlers } from './vault.ts';
import { requestHandlers } from './requests.ts';

export const handlers = {
  ...stationHandlers,
  ...authHandlers,
  ...userHandlers,
  ...ledgerHandlers,
  ...vaultHandlers,
  ...requestHandlers,
};

export type Handlers = typeof handlers;
export type Channel = keyof Handlers;
export type Input<C extends Channel> = z.input<Handlers[C]['input']>;
export type Output<C extends Channel> = Awaited<ReturnType<Handlers[C]['run']>>;

export const channels = Object.keys(handlers) as Channel[];

/** Events a client may subscribe to (progress of long operations). */
export const events = ['ledger.verify.progress', 'vault.verify.progress', 'session.ended', 'export.progress', 'package.verify.progress'] as const;
export type EventName = (typeof events)[number];

export type { SerializedError } from '../core/errors.ts';
export type { Role } from '../core/access/roles.ts';
export type { User } from '../core/access/users.ts';
export type { LedgerEntry, CheckpointRecord, LedgerVerifyResult } from '../core/ledger/ledger.ts';
export type { StationStatus } from '../core/station.ts';
export { ROLES } from '../core/access/roles.ts';
