import { describe, expect, it } from 'vitest';
import { ProgressTracker } from './progress.ts';

describe('ProgressTracker', () => {
  it('files, bytes, a smoothed speed and the time left; events throttled unless forced', () => {
    let now = 0;
    const p = new ProgressTracker({ filesTotal: 2, bytesTotal: 100 * 2 ** 20, now: () => now, intervalMs: 250 });
    expect(p.snapshot()).toMatchObject({ filesDone: 0, bytesDone: 0, bytesPerSecond: 0, etaSeconds: null });
    p.startFile(1, 'a');
    now = 1000;
    p.fileBytes(1, 10 * 2 ** 20);
    const s = p.snapshot();
    expect(s).toMatchObject({ currentPath: 'a', bytesDone: 10 * 2 ** 20, bytesPerSecond: 10 * 2 ** 20, etaSeconds: 9 });
    expect(p.due()).toBe(true);
    now = 1100;
    expect(p.due()).toBe(false);
    expect(p.due(true)).toBe(true);
    p.startFile(2, 'b');
    expect(p.snapshot().currentPath).toBe('b');
    p.finishFile(1, 50 * 2 ** 20);
    p.fileBytes(2, 50 * 2 ** 20);
    p.finishFile(2, 50 * 2 ** 20);
    now = 2000;
    expect(p.snapshot()).toMatchObject({ filesDone: 2, bytesDone: 100 * 2 ** 20, etaSeconds: 0, currentPath: null });
  });
});
