import { describe, expect, it } from 'vitest';
import { latestOnly } from './useLoaded.ts';

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('useLoaded: only the newest answer is shown', () => {
  it('drops an older answer that arrives after a newer one', async () => {
    const loads = latestOnly();
    const shown: string[] = [];
    const first = deferred<string>();
    const second = deferred<string>();
    const a = loads.run(() => first.promise, (v) => shown.push(v), () => shown.push('error'));
    const b = loads.run(() => second.promise, (v) => shown.push(v), () => shown.push('error'));
    second.resolve('filter B');
    await b;
    first.resolve('filter A');
    await a;
    expect(shown).toEqual(['filter B']);
  });

  it('drops an older failure too, so it cannot replace the newer list with an error', async () => {
    const loads = latestOnly();
    const shown: string[] = [];
    const first = deferred<string>();
    const a = loads.run(() => first.promise, (v) => shown.push(v), () => shown.push('error'));
    await loads.run(() => Promise.resolve('newer'), (v) => shown.push(v), () => shown.push('error'));
    first.reject(new Error('late refusal'));
    await a;
    expect(shown).toEqual(['newer']);
  });

  it('shows nothing that arrives after cancel (the screen closed)', async () => {
    const loads = latestOnly();
    const shown: string[] = [];
    const pending = deferred<string>();
    const a = loads.run(() => pending.promise, (v) => shown.push(v), () => shown.push('error'));
    loads.cancel();
    pending.resolve('too late');
    await a;
    expect(shown).toEqual([]);
  });

  it('still shows an answer, or a failure, when nothing newer was asked', async () => {
    const loads = latestOnly();
    const shown: string[] = [];
    await loads.run(() => Promise.resolve('only'), (v) => shown.push(v), () => shown.push('error'));
    await loads.run(() => Promise.reject(new Error('refused')), (v) => shown.push(v), () => shown.push('error'));
    expect(shown).toEqual(['only', 'error']);
  });
});
