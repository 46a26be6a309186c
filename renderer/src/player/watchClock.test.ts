import { describe, expect, it } from 'vitest';
import { WatchClock } from './watchClock.ts';

describe('WatchClock', () => {
  it('adds up the time played', () => {
    const c = new WatchClock();
    for (let s = 0; s <= 5; s += 0.25) c.tick(s);
    expect(c.seconds()).toBe(5);
  });

  it('does not count a seek forwards or backwards as watching', () => {
    const c = new WatchClock();
    c.tick(0);
    c.tick(1);
    c.tick(60); // seek forward
    c.tick(61);
    c.tick(10); // seek back
    c.tick(10.5);
    expect(c.seconds()).toBe(2.5);
  });

  it('starts again from the mark after a pause', () => {
    const c = new WatchClock();
    c.tick(0);
    c.tick(1);
    c.mark(null);
    c.tick(1.5);
    c.tick(2);
    expect(c.seconds()).toBe(1.5);
  });
});
