// What the catalogue records about a file besides its bytes: what the name says (GA/T 947), what
// the media headers say, what the file system says. All three times are kept, and which one
// became "recorded at" (README.md, Architecture: "Recorders and their files").
import type { MediaProbe } from '../media/probe.ts';
import { matchRecorderName, shippedNamingRules, type NameMatch, type NamingRule, type ParsedName } from '../media/namingRules.ts';
import { localTimeToUtc, type LocalDateTime } from '../media/localTime.ts';

export type TimeSource = 'name' | 'metadata' | 'filesystem';

export type TimeTolerance = { future: number; mismatch: number };

/**
 * The "recorded at" rule. The name (GA/T 947) is the recorder's word for this very file and wins;
 * then the container's own time; then the file system's last write. A time in the future is passed
 * over (a recorder whose clock jumped ahead must not push deadlines and retention out); when every
 * time is in the future the first in that order is kept and flagged, because the copy time is not a
 * recording time either.
 */
export type RecordedAtReason = {
  code: 'name_time' | 'no_name_time' | 'no_name_or_metadata_time' | 'earlier_in_future' | 'all_in_future';
  passedOver: TimeSource[];
};
export type FutureTime = { source: TimeSource; time: string; aheadSeconds: number };
export type TimeMismatch = { a: TimeSource; b: TimeSource; seconds: number };

/**
 * Judges the three times. The file-system time is the last write, so it is compared with the END
 * of the recording (start + duration) the other sources imply; without a duration it is not
 * compared at all, since a long recording would always look "off".
 */
export function judgeTimes(input: {
  nameTime: Date | null;
  metaTime: Date | null;
  fsTime: Date;
  durationSeconds: number | null;
  now?: Date | undefined;
  tolerance?: TimeTolerance | undefined;
}): { recordedAt: Date; recordedAtSource: TimeSource; reason: RecordedAtReason; inFuture: FutureTime[]; mismatch: TimeMismatch[] } {
  const candidates: { source: TimeSource; time: Date }[] = [];
  if (input.nameTime) candidates.push({ source: 'name', time: input.nameTime });
  if (input.metaTime) candidates.push({ source: 'metadata', time: input.metaTime });
  candidates.push({ source: 'filesystem', time: input.fsTime });
  const inFuture: FutureTime[] = [];
  if (input.now && input.tolerance) {
    for (const c of candidates) {
      const ahead = (c.time.getTime() - input.now.getTime()) / 1000;
      if (ahead > input.tolerance.future) inFuture.push({ source: c.source, time: c.time.toISOString(), aheadSeconds: Math.round(ahead) });
    }
  }
  const future = new Set(inFuture.map((f) => f.source));
  const usable = candidates.find((c) => !future.has(c.source));
  const chosen = usable ?? (candidates[0] as { source: TimeSource; time: Date });
  const passedOver = candidates.slice(0, candidates.indexOf(chosen)).map((c) => c.source);
  let code: RecordedAtReason['code'];
  if (!usable) code = 'all_in_future';
  else if (passedOver.length > 0) code = 'earlier_in_future';
  else code = chosen.source === 'name' ? 'name_time' : chosen.source === 'metadata' ? 'no_name_time' : 'no_name_or_metadata_time';
  const mismatch: TimeMismatch[] = [];
  if (input.tolerance) {
    const tol = input.tolerance.mismatch;
    const dur = input.durationSeconds !== null && Number.isFinite(input.durationSeconds) && input.durationSeconds >= 0 ? input.durationSeconds : null;
    const diff = (a: Date, b: Date): number => Math.round(Math.abs(a.getTime() - b.getTime()) / 1000);
    if (input.nameTime && input.metaTime && diff(input.nameTime, input.metaTime) > tol) {
      mismatch.push({ a: 'name', b: 'metadata', seconds: diff(input.nameTime, input.metaTime) });
    }
    if (dur !== null) {
      for (const [source, t] of [['name', input.nameTime], ['metadata', input.metaTime]] as const) {
        if (!t) continue;
        const end = new Date(t.getTime() + Math.round(dur * 1000));
        if (diff(end, input.fsTime) > tol) mismatch.push({ a: source, b: 'filesystem', seconds: diff(end, input.fsTime) });
      }
    }
  }
  return { recordedAt: chosen.time, recordedAtSource: chosen.source, reason: { code, passedOver }, inFuture, mismatch };
}

export type FileFacts = {
  name: ParsedName;
  /** The naming rule used; 'none' when no rule of the catalogue matched (said so on the recording). */
  nameRule: string;
  /** Every rule that matched the name, in the order they were tried. */
  nameRulesMatched: NameMatch['matched'];
  nameTime: Date | null;
  nameTimeRaw: string | null;
  metaTime: Date | null;
  metaTimeSource: string | null;
  fsTime: Date;
  recordedAt: Date;
  recordedAtSource: TimeSource;
  /** Why that source won (the "recorded at" rule), and which sources it passed over. */
  recordedAtReason: RecordedAtReason;
  /** Times later than the storage by more than the tolerance; empty when none. */
  timeInFuture: FutureTime[];
  /** Pairs of times further apart than the tolerance; empty when they agree. */
  timeMismatch: TimeMismatch[];
  /** Start plus duration; for a file-system time, the time itself (mtime is the last write, i.e. the end). */
  recordedEndAt: Date;
  kind: 'video' | 'audio' | 'photo' | 'unknown';
  format: string;
  durationSeconds: number | null;
  width: number | null;
  height: number | null;
  videoCodec: string | null;
  audioCodec: string | null;
  /** Why the readers could not fully parse the file; null when they could. */
  problem: { reason: string; detail: string } | null;
};

function zoned(local: LocalDateTime | null | undefined, timeZone: string): Date | null {
  if (!local) return null;
  try {
    return localTimeToUtc(local, timeZone);
  } catch {
    return null;
  }
}

/** EXIF OffsetTimeOriginal ('+08:00') beats the agency zone: the camera said what its clock meant. */
function exifTime(local: LocalDateTime | null, offset: string | null, timeZone: string): Date | null {
  if (!local) return null;
  const m = offset ? /^([+-])([0-9]{2}):([0-9]{2})$/.exec(offset) : null;
  if (m) {
    const sign = m[1] === '-' ? -1 : 1;
    const minutes = sign * (Number(m[2]) * 60 + Number(m[3]));
    const wall = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
    return new Date(wall - minutes * 60_000);
  }
  return zoned(local, timeZone);
}

export function fileFacts(input: {
  fileName: string;
  probe: MediaProbe;
  mtime: Date;
  timeZone: string;
  /** The station's clock at ingest; without it no time is judged to be in the future. */
  now?: Date;
  tolerance?: TimeTolerance;
  /** The station's naming rules (ingest/nameRules.ts); the shipped ones when not given. */
  nameRules?: NamingRule[];
  /** Catalogue model of the docked recorder, whose own rules are tried first. */
  model?: string | null;
}): FileFacts {
  const { probe, timeZone } = input;
  const match = matchRecorderName(input.fileName, input.nameRules ?? shippedNamingRules(), input.model ?? null);
  const name = match.name;
  const nameTime = zoned(name.recordedAtLocal, timeZone);
  let metaTime: Date | null = null;
  let metaTimeSource: string | null = null;
  let durationSeconds: number | null = null;
  let width: number | null = null;
  let height: number | null = null;
  let videoCodec: string | null = null;
  let audioCodec: string | null = null;
  let problem: FileFacts['problem'] = null;
  // A reader that stopped early still hands over what it read (its partial result); why it stopped is the problem.
  if (probe.format !== 'unknown' && !probe.result.ok) problem = { reason: probe.result.reason, detail: probe.result.detail };
  switch (probe.format) {
    case 'mp4':
    case 'mov': {
      const info = probe.result.ok ? probe.result.info : probe.result.partial;
      if (info) {
        // mvhd is UTC by the standard; recorders that write local time show up as a mismatch with the
        // name time, which the catalogue keeps side by side rather than "correcting".
        metaTime = info.creationTime;
        metaTimeSource = info.creationTime ? 'mvhd' : null;
        durationSeconds = info.durationSeconds;
        width = info.width;
        height = info.height;
        videoCodec = info.videoCodec;
        audioCodec = info.audioCodec;
      }
      break;
    }
    case 'jpeg': {
      const info = probe.result.ok ? probe.result.info : probe.result.partial;
      if (info) {
        metaTime = exifTime(info.takenAtLocal, info.offsetTime, timeZone);
        metaTimeSource = metaTime ? `exif:${info.takenAtSource}` : null;
        width = info.width || null;
        height = info.height || null;
        durationSeconds = 0;
      }
      break;
    }
    case 'wav':
    case 'amr': {
      const info = probe.result.ok ? probe.result.info : probe.result.partial;
      if (info) {
        durationSeconds = info.durationSeconds;
        audioCodec = info.format === 'wav' ? info.codec : `amr-${info.variant}`;
      }
      break;
    }
    case 'avi':
    case 'mpeg-ts':
    case 'mpeg-ps': {
      const info = probe.result.ok ? probe.result.info : probe.result.partial;
      if (info) {
        // AVI IDIT is the recorder's wall clock, like a name time; TS/PS carry no creation time.
        if (info.format === 'avi' && info.createdAtLocal) {
          metaTime = zoned(info.createdAtLocal, timeZone);
          metaTimeSource = metaTime ? 'avi:IDIT' : null;
        }
        durationSeconds = info.durationSeconds;
        width = info.width;
        height = info.height;
        videoCodec = info.videoCodec;
        audioCodec = info.audioCodec;
      }
      break;
    }
    case 'mp3': {
      const info = probe.result.ok ? probe.result.info : probe.result.partial;
      if (info) {
        metaTime = zoned(info.recordedAtLocal, timeZone);
        metaTimeSource = metaTime ? `id3v2.${info.id3v2 ?? 0}` : null;
        durationSeconds = info.durationSeconds;
        audioCodec = info.codec;
      }
      break;
    }
    case 'unknown':
      // The probe's detail for an unknown format is a hex dump of the first bytes: content, which
      // stays in the vault, never in the catalogue or the ledger.
      problem = { reason: probe.reason, detail: probe.reason === 'unknown_format' ? 'no known format signature' : probe.detail };
      break;
  }
  const checks = judgeTimes({ nameTime, metaTime, fsTime: input.mtime, durationSeconds, now: input.now, tolerance: input.tolerance });
  const recordedAt = checks.recordedAt;
  const recordedAtSource = checks.recordedAtSource;
  // Without a duration the start is used as the end: an earlier deadline flags a file for the
  // custodian to look at rather than hiding a late hand-over. A file-system time is the last write,
  // which for a recording is its end.
  const known = recordedAtSource !== 'filesystem' && durationSeconds !== null && Number.isFinite(durationSeconds) && durationSeconds >= 0;
  const recordedEndAt = known ? new Date(recordedAt.getTime() + Math.round((durationSeconds as number) * 1000)) : recordedAt;
  return {
    name,
    nameRule: name.rule,
    nameRulesMatched: match.matched,
    nameTime,
    nameTimeRaw: name.recordedAtRaw ?? null,
    metaTime,
    metaTimeSource,
    fsTime: input.mtime,
    recordedAt,
    recordedAtSource,
    recordedAtReason: checks.reason,
    timeInFuture: checks.inFuture,
    timeMismatch: checks.mismatch,
    recordedEndAt,
    kind: probe.kind,
    format: probe.format === 'unknown' ? (probe.reason === 'no_reader' ? probe.detail : 'unknown') : probe.format,
    durationSeconds,
    width,
    height,
    videoCodec,
    audioCodec,
    problem,
  };
}
