// A file a reader cannot parse is still evidence (README.md, Architecture: "Recorders and their files"): it is
// ingested byte-for-byte and flagged. Readers therefore report problems as values the ingest can
// record and show, never as exceptions that would abort the ingest of everything else.

/** Why a reader could not give a complete answer. Each reader uses the subset that applies. */
export type ReadFailureReason =
  | 'empty' // zero bytes
  | 'not_this_format' // the magic bytes are not this reader's format
  | 'truncated' // a structure runs past the end of the file (interrupted recording, partial copy)
  | 'no_moov' // MP4: the file ends without a movie box (recorder lost power before finalizing)
  | 'malformed' // a structure is impossible (size smaller than its header, child outside its parent…)
  | 'unsupported'; // well-formed but a variant this station does not read (compressed moov, AMR multi-channel)

export type ReadSuccess<T> = { ok: true; info: T };

export type ReadFailure<T> = {
  ok: false;
  reason: ReadFailureReason;
  /** English, for the log and the catalogue; the UI translates `reason`, not this. */
  detail: string;
  /**
   * What could still be read, when anything could: e.g. an MP4 whose `moov` is intact at the start
   * but whose `mdat` was cut short still has a trustworthy creation time.
   */
  partial?: T;
};

export type ReadResult<T> = ReadSuccess<T> | ReadFailure<T>;

export function fail<T>(reason: ReadFailureReason, detail: string, partial?: T): ReadFailure<T> {
  return partial === undefined ? { ok: false, reason, detail } : { ok: false, reason, detail, partial };
}

export function succeed<T>(info: T): ReadSuccess<T> {
  return { ok: true, info };
}

/** Printable four-character code, or hex when the bytes are not printable (so details stay loggable). */
export function fourcc(buf: Uint8Array, at = 0): string {
  const bytes = buf.subarray(at, at + 4);
  if (bytes.length === 4 && bytes.every((b) => (b >= 0x20 && b <= 0x7e) || b === 0xa9)) {
    return Array.from(bytes, (b) => (b === 0xa9 ? '©' : String.fromCharCode(b))).join('');
  }
  return `0x${Buffer.from(bytes).toString('hex')}`;
}
