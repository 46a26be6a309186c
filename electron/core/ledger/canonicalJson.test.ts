import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonicalJson.ts';

describe('canonicalJson', () => {
  it('sorts keys, drops whitespace and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: [3, 1, 2], c: { z: null, y: true } })).toBe('{"a":[3,1,2],"b":1,"c":{"y":true,"z":null}}');
  });

  it('does not depend on property insertion order', () => {
    const one = { subject: 'case/1', actor: 'alice', details: { to: 'shelf 4', from: 'intake' } };
    const two = { details: { from: 'intake', to: 'shelf 4' }, actor: 'alice', subject: 'case/1' };
    expect(canonicalJson(one)).toBe(canonicalJson(two));
  });

  it('orders keys by UTF-16 code units (RFC 8785 §3.2.3 example)', () => {
    const value = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    // Read the order off the text: Object.keys would list the integer-like key "1" first.
    const order = ['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33'];
    const expected = `{${order.map((k) => `${JSON.stringify(k)}:${JSON.stringify(value[k as keyof typeof value])}`).join(',')}}`;
    // The emoji (a surrogate pair starting 0xD83D) sorts before U+FB33 in UTF-16 order,
    // although its code point is larger: that is what RFC 8785 specifies.
    expect(canonicalJson(value)).toBe(expected);
    expect(canonicalJson(value).startsWith('{"\\r":"Carriage Return","1":"One"')).toBe(true);
  });

  it('writes numbers the ECMAScript way, as RFC 8785 requires', () => {
    expect(canonicalJson([0, -0, 1, -1, 0.1, 1e21, 1e-7, 123456789012345680000, 5e-324, 1.7976931348623157e308])).toBe(
      '[0,0,1,-1,0.1,1e+21,1e-7,123456789012345680000,5e-324,1.7976931348623157e+308]',
    );
  });

  it('escapes strings exactly as JSON.stringify does', () => {
    const s = 'quote" backslash\\ tab\t nl\n ctl\u0001 del\u007f ls\u2028 证据 😀';
    expect(canonicalJson(s)).toBe(JSON.stringify(s));
    expect(canonicalJson('\u0001')).toBe('"\\u0001"');
    // Lone surrogates get the well-formed JSON.stringify escape instead of invalid UTF-8.
    expect(canonicalJson('\ud800')).toBe('"\\ud800"');
    expect(canonicalJson({ 'k"\n': 1 })).toBe('{"k\\"\\n":1}');
  });

  it('handles scalars, empty containers, null-prototype objects and shared references', () => {
    expect(canonicalJson(null)).toBe('null');
    expect(canonicalJson(true)).toBe('true');
    expect(canonicalJson(false)).toBe('false');
    expect(canonicalJson('')).toBe('""');
    expect(canonicalJson([])).toBe('[]');
    expect(canonicalJson({})).toBe('{}');
    const bare = Object.create(null) as Record<string, unknown>;
    bare.b = 2;
    bare.a = 1;
    expect(canonicalJson(bare)).toBe('{"a":1,"b":2}');
    const shared = { x: 1 };
    expect(canonicalJson({ p: shared, q: [shared] })).toBe('{"p":{"x":1},"q":[{"x":1}]}');
  });

  it('round-trips through JSON.parse', () => {
    const value = { list: [1, 'two', { three: [null, false] }], nested: { 'é': 'ü', a: -2.5e-8 } };
    expect(JSON.parse(canonicalJson(value))).toEqual(value);
    expect(canonicalJson(JSON.parse(canonicalJson(value)))).toBe(canonicalJson(value));
  });

  it.each([
    ['undefined', undefined],
    ['undefined property', { a: undefined }],
    ['undefined element', [1, undefined]],
    ['sparse array', [1, , 3]], // eslint-disable-line no-sparse-arrays
    ['function', { f: () => 1 }],
    ['symbol', Symbol('s')],
    ['symbol key', { [Symbol('k')]: 1 }],
    ['NaN', { n: NaN }],
    ['Infinity', [Infinity]],
    ['-Infinity', -Infinity],
    ['bigint', { n: 1n }],
    ['Date', { at: new Date(0) }],
    ['Map', new Map([['a', 1]])],
    ['Buffer', Buffer.from('x')],
    ['class instance', new (class Point { x = 1; })()],
  ])('rejects %s', (_label, value) => {
    expect(() => canonicalJson(value)).toThrow(/canonicalJson/);
  });

  it('names the offending path', () => {
    expect(() => canonicalJson({ details: { list: [1, NaN] } })).toThrow('$.details.list[1]');
  });

  it('rejects cycles', () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    expect(() => canonicalJson(a)).toThrow(/cycle/);
    const arr: unknown[] = [];
    arr.push(arr);
    expect(() => canonicalJson(arr)).toThrow(/cycle/);
  });
});

describe('isCanonicalJsonText (the ledger verifier\'s quick check)', () => {
  // It may refuse canonical text (integer-like keys, which V8 lists first and in numeric order: the verifier then
  // leaves the row to the sequential pass), but must never accept text canonicalJson would not write.
  it('never accepts what canonicalJson would not write, and agrees on everything but integer-like keys', async () => {
    const { isCanonicalJsonText } = await import('./canonicalJson.ts');
    const texts = [
      '{"a":1,"b":[1,{"c":"x","d":null}]}',
      '{"b":1,"a":2}',
      '{"10":1,"9":2}',
      '{"9":2,"10":1}',
      '{"a":-0}',
      '{"a":1.0}',
      '{"a":"\\u00e9"}',
      '{"a":"é"}',
      '{ "a":1}',
      '{"a":{"z":1,"y":2}}',
      '{"名":"证据","a":true}',
      '{"a":true,"名":"证据"}',
      '[1,2]',
      'not json',
    ];
    for (const text of texts) {
      let expected: boolean;
      try {
        expected = canonicalJson(JSON.parse(text)) === text;
      } catch {
        expected = false;
      }
      if (/"\d+":/.test(text)) expect(!isCanonicalJsonText(text) || expected, text).toBe(true);
      else expect(isCanonicalJsonText(text), text).toBe(expected);
    }
  });

  it('agrees with canonicalJson(JSON.parse(text)) on thousands of generated texts, canonical, near-canonical and broken', async () => {
    const { isCanonicalJsonText } = await import('./canonicalJson.ts');
    // Deterministic (xorshift): a failure names a text that can be reproduced.
    let seed = 0x9e3779b9;
    const rnd = (n: number): number => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) % n;
    };
    const pick = <T,>(xs: readonly T[]): T => xs[rnd(xs.length)] as T;
    const strings = ['', 'a', 'b', 'ab', 'A', 'é', '证据', '😀', '\ud800', 'q"uote', 'back\\slash', 'tab\t', 'nl\n', '\u001f', '\u007f', '\u2028', '10', '9', '-1'];
    const numbers = [0, -0, 1, -1, 7, 123456789, 999999999999999, 1e15, 9007199254740991, 1.5, -2.25, 0.1, 1e21, 1e-7, 5e-324];
    const value = (depth: number): unknown => {
      const k = rnd(depth > 2 ? 4 : 6);
      if (k === 0) return pick(strings);
      if (k === 1) return pick(numbers);
      if (k === 2) return pick([true, false, null]);
      if (k === 3) return pick(strings) + pick(strings);
      if (k === 4) return Array.from({ length: rnd(4) }, () => value(depth + 1));
      const o: Record<string, unknown> = {};
      for (let i = rnd(5); i > 0; i--) o[pick(strings)] = value(depth + 1);
      return o;
    };
    const mutate = (t: string): string => {
      const at = rnd(t.length + 1);
      switch (rnd(5)) {
        case 0:
          return t.slice(0, at) + t.slice(at + 1);
        case 1:
          return t.slice(0, at) + pick([' ', ',', '"', '0', '-', '.', 'e', '}', ']', '\\', ':']) + t.slice(at);
        case 2:
          return t.replace(/"([a-z])":/, '"$1$1":');
        case 3:
          return t.replace(/1/g, '01');
        default:
          return t.slice(0, at) + t.slice(at).replace(/,"/, ',"z');
      }
    };
    const oracle = (t: string): boolean => {
      try {
        return canonicalJson(JSON.parse(t)) === t;
      } catch {
        return false;
      }
    };
    let canonicalSeen = 0;
    for (let n = 0; n < 4000; n++) {
      const v = { a: value(0), [pick(strings)]: value(0) };
      const canonical = canonicalJson(v);
      for (const t of [canonical, JSON.stringify(v), mutate(canonical), mutate(mutate(canonical))]) {
        const expected = oracle(t);
        if (expected) canonicalSeen++;
        const got = isCanonicalJsonText(t);
        // Never accepts what canonicalJson would not write; may refuse only where integer-like keys are involved.
        if (got) expect(expected, t).toBe(true);
        else if (expected) expect(/"\d+":/.test(t), t).toBe(true);
      }
    }
    expect(canonicalSeen).toBeGreaterThan(4000);
  });
});
