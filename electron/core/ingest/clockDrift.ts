// A wrong recorder clock makes every deadline computed from its names wrong; vendor 采集站 set it on
// every dock (SyncDevTime). Where no vendor clock interface is configured, the station estimates the
// drift from the newest file: its name time (the recorder's wall clock, read in the agency zone) or,
// for a name no rule reads, its modification time, minus the station's clock at dock. A file cannot
// be recorded in the future, so a positive estimate is a lower bound of how far the recorder is
// ahead; a negative one mixes drift with the time between recording and dock, and is kept only as
// information (issue 15).
import { localTimeToUtc } from '../media/localTime.ts';
import { matchRecorderName, type NamingRule } from '../media/namingRules.ts';

export type ClockDrift = {
  /** Recorder minus station, whole seconds. */
  seconds: number;
  source: 'estimate:newest_file_name' | 'estimate:newest_file_mtime';
  /** The file the estimate comes from (relative path) and the time read from it. */
  file: string;
  fileTime: string;
  stationTime: string;
};

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
