/**
 * Seconds of footage actually watched, for the ledger's view.ended entry: the sum of small forward
 * steps of the media clock while it plays. A seek is a jump, not watching, so a step longer than
 * MAX_STEP (or backwards) only moves the mark.
 */
export class WatchClock {
  static readonly MAX_STEP = 2;
  private total = 0;
  private last: number | null = null;

  /** The media element's currentTime at a timeupdate while playing. */
  tick(currentTime: number): void {
    if (this.last !== null) {
      const step = currentTime - this.last;
      if (step > 0 && step <= WatchClock.MAX_STEP) this.total += step;
    }
    this.last = currentTime;
  }

  /** After a seek or a pause the next tick starts from here. */
  mark(currentTime: number | null): void {
    this.last = currentTime;
  }

  seconds(): number {
    return Math.round(this.total * 10) / 10;
  }
}
