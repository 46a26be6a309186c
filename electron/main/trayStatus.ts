// The tray's reading of the station: pure, from the api's status envelope.
import type { StationStatus } from '../api/index.ts';
import type { Result } from '../api/server.ts';

export type TrayState = 'uninitialized' | 'locked' | 'unlocked' | 'unknown';

export function trayState(result: Result<unknown>): TrayState {
  if (!result.ok) return 'unknown';
  const status = result.value as StationStatus;
  if (!status.initialized) return 'uninitialized';
  return status.unlocked ? 'unlocked' : 'locked';
}

/** Only an unlocked station shows the "open" padlock; every other state reads as closed. */
export function trayIconName(state: TrayState): 'tray-locked' | 'tray-unlocked' {
  return state === 'unlocked' ? 'tray-unlocked' : 'tray-locked';
}
