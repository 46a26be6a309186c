import { describe, expect, it } from 'vitest';
import { diffSnapshots, startSnapshotWatch } from './snapshotWatch.ts';
import type { NativeReport } from './report.ts';

const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

describe('snapshot watch', () => {
  it('diffs by key', () => {
    const a = new Map([['x', 1], ['y', 2]]);
    const b = new Map([['y', 2], ['z', 3]]);
    expect(diffSnapshots(a, b)).toEqual({ added: [3], removed: [1] });
  });

  it('never overlaps scans, coalesces a burst of triggers, and survives a failing scan', async () => {
    let inflight = 0;
    let maxInflight = 0;
    let scans = 0;
    let fail = false;
    let state = new Map<string, string>();
    const reports: NativeReport[] = [];
    const events: string[] = [];
    const w = startSnapshotWatch({
      scan: async () => {
        scans++;
        inflight++;
        maxInflight = Math.max(maxInflight, inflight);
        await tick(10);
        inflight--;
        if (fail) throw new Error('mountinfo unreadable');
        return new Map(state);
      },
      initial: new Map(),
      intervalMs: 0,
      onAdded: (v) => events.push(`+${v}`),
      onRemoved: (v) => events.push(`-${v}`),
      report: (r) => reports.push(r),
      scanFailedCode: 'test.scan_failed',
    });
    state = new Map([['a', 'A']]);
    for (let i = 0; i < 10; i++) w.trigger();
    await tick(60);
    expect(maxInflight).toBe(1);
    expect(scans).toBe(2);
    expect(events).toEqual(['+A']);

    fail = true;
    w.trigger();
    await tick(30);
    w.trigger();
    await tick(30);
    // Reported once, not once per failed scan; the last good snapshot stands.
    expect(reports).toEqual([{ level: 'warn', code: 'test.scan_failed', params: { reason: 'mountinfo unreadable' } }]);
    fail = false;
    state = new Map();
    w.trigger();
    await tick(30);
    expect(events).toEqual(['+A', '-A']);
    await w.stop();
    state = new Map([['b', 'B']]);
    w.trigger();
    await tick(30);
    expect(events).toEqual(['+A', '-A']);
  });
});
