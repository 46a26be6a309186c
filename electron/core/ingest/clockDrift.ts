// A wrong recorder clock makes every deadline computed from its names wrong; vendor 采集站 set it on
// every dock (SyncDevTime). Where no vendor clock interface is configured, the station estimates the
// drift from the newest file: its name time (the recorder's wall clock, read in the agency zone) or,
// for a name no rule reads, its modification time, minus the station's clock at dock. A file cannot
// be recorded in the future, so a positive estimate is a lower bound of how far the recorder is
// ahead; a negative one mixes drift with the time between recording and dock, and is kept only as
// information (issue 15). Where a vendor interface with a clock is configured, the dock reads the
// recorder's own clock instead (`measureVendorClock`, source `vendor:<unlocker>`): that is a
// measurement, and a drift either way beyond the tolerance is flagged.
import { localTimeToUtc, parseCompactLocal } from '../media/localTime.ts';
import { matchRecorderName, type NamingRule } from '../media/namingRules.ts';

export type ClockDrift =
  | {
      /** Recorder minus station, whole seconds. */
      seconds: number;
      source: 'estimate:newest_file_name' | 'estimate:newest_file_mtime';
      /** The file the estimate comes from (relative path) and the time read from it. */
      file: string;
      fileTime: string;
      stationTime: string;
    }
  | {
      seconds: number;
      /** Read from the recorder's own clock through this unlocker's vendor interface. */
      source: `vendor:${string}`;
      /** The recorder's wall time as it showed it (14 digits) and that time in UTC. */
      recorderLocal: string;
      recorderTime: string;
      stationTime: string;
    };

/** A measured drift is flagged either way; an estimate only when the recorder is ahead (see above). */
export function driftBeyondTolerance(seconds: number, source: string, toleranceSeconds: number): boolean {
  return source.startsWith('vendor:') ? Math.abs(seconds) > toleranceSeconds : seconds > toleranceSeconds;
}

/**
 * The drift from a reading of the recorder's clock taken between `before` and `after` on the
 * station's clock; the reading is compared with the middle of that window. The recorder shows
 * whole seconds, so the figure is good to about a second plus half the call's duration.
 */
export function measureVendorClock(unlocker: string, recorderLocal: string, before: Date, after: Date, timeZone: string): ClockDrift | null {
  const local = parseCompactLocal(recorderLocal);
  if (!local) return null;
  let at: Date;
  try {
    at = localTimeToUtc(local, timeZone);
  } catch {
    return null;
  }
  const mid = new Date((before.getTime() + after.getTime()) / 2);
  return {
    seconds: Math.round((at.getTime() - mid.getTime()) / 1000),
    source: `vendor:${unlocker}`,
    recorderLocal,
    recorderTime: at.toISOString(),
    stationTime: mid.toISOString(),
  };
}

export function estimateClockDrift(files: { path: string; mtimeMs: number | null }[], now: Date, rules: NamingRule[], timeZone: string): ClockDrift | null {
  let newest: { path: string; mtimeMs: number } | null = null;
  for (const f of files) {
    if (f.mtimeMs === null || !Number.isFinite(f.mtimeMs)) continue;
    if (!newest || f.mtimeMs > newest.mtimeMs) newest = { path: f.path, mtimeMs: f.mtimeMs };
  }
  if (!newest) return null;
  const local = matchRecorderName(newest.path, rules).name.recordedAtLocal;
  let at: Date | null = null;
  if (local) {
    try {
      at = localTimeToUtc(local, timeZone);
    } catch {
      at = null;
    }
  }
  const fileTime = at ?? new Date(newest.mtimeMs);
  return {
    seconds: Math.round((fileTime.getTime() - now.getTime()) / 1000),
    source: at ? 'estimate:newest_file_name' : 'estimate:newest_file_mtime',
    file: newest.path,
    fileTime: fileTime.toISOString(),
    stationTime: now.toISOString(),
  };
}
