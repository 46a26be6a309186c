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
});
