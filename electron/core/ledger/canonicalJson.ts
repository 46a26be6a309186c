// Canonical JSON in the spirit of RFC 8785 (JCS): the bytes a ledger entry hashes to must not
// depend on property insertion order, engine, or platform, or a re-serialised entry would
// stop matching its own leaf hash. Anything JSON cannot represent exactly is refused rather
// than silently dropped or coerced (JSON.stringify turns NaN into null and omits undefined),
// because a value that changes on the way into the ledger is a value the ledger never said.

/**
 * Deterministic JSON: object keys sorted by UTF-16 code units, no whitespace, numbers and
 * strings exactly as JSON.stringify writes them. Accepts only null, booleans, finite numbers,
 * strings, arrays and plain objects; throws an Error naming the offending path otherwise.
 */
export function canonicalJson(value: unknown): string {
  const parts: string[] = [];
  write(value, '$', parts, new Set());
  return parts.join('');
}

function write(value: unknown, path: string, out: string[], seen: Set<object>): void {
  switch (typeof value) {
    case 'string':
      out.push(JSON.stringify(value));
      return;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new Error(`canonicalJson: non-finite number at ${path}`);
      // ECMAScript number serialisation is what RFC 8785 prescribes; it also folds -0 into 0.
      out.push(JSON.stringify(value));
      return;
    case 'object':
      break;
    default:
      // undefined, function, symbol, bigint: none has one JSON form everyone agrees on.
      throw new Error(`canonicalJson: unsupported ${typeof value} at ${path}`);
  }
  if (value === null) {
    out.push('null');
    return;
  }
  if (seen.has(value)) throw new Error(`canonicalJson: cycle at ${path}`);
  seen.add(value);
  if (Array.isArray(value)) {
    out.push('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out.push(',');
      // Holes in sparse arrays read as undefined and are rejected like any other undefined.
      write(value[i], `${path}[${i}]`, out, seen);
    }
    out.push(']');
  } else {
    const proto: unknown = Object.getPrototypeOf(value);
    // Dates, Buffers, Maps and class instances would serialise through toJSON or lose their
    // contents ({} for a Map); callers must convert them to plain data deliberately.
    if (proto !== Object.prototype && proto !== null) {
      throw new Error(`canonicalJson: non-plain object at ${path}`);
    }
    if (Object.getOwnPropertySymbols(value).length > 0) {
      throw new Error(`canonicalJson: symbol key at ${path}`);
    }
    const obj = value as Record<string, unknown>;
    // Default sort compares UTF-16 code units, which is exactly RFC 8785's ordering.
    const keys = Object.keys(obj).sort();
    out.push('{');
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      if (i > 0) out.push(',');
      out.push(JSON.stringify(key), ':');
      write(obj[key], `${path}.${key}`, out, seen);
    }
    out.push('}');
  }
  seen.delete(value);
}

/**
 * Whether text is exactly canonicalJson of what it parses to, without re-serialising it key by key: for a value from
 * JSON.parse (no undefined, non-finite numbers, cycles or class instances), canonicalJson and JSON.stringify write the
 * same text whenever every object's keys already come in code-unit order — which V8 does not guarantee on its own,
 * as it lists integer-like keys first, in numeric order. Used by the ledger verifier on a million rows.
 */
export function isCanonicalJsonText(text: string): boolean {
  // Nearly every ledger entry's details are ASCII keys with plain strings and integers: a scan of the text settles
  // those without building and re-serialising a value (a third of a verified entry's cost, and most of its garbage).
  if (quickValue(text, 0, 0) === text.length) return true;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return false;
  }
  return keysInOrder(value) && JSON.stringify(value) === text;
}

function keysInOrder(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (Array.isArray(value)) {
    for (const v of value) if (!keysInOrder(v)) return false;
    return true;
  }
  let previous: string | null = null;
  for (const key in value) {
    if (previous !== null && !(previous < key)) return false;
    previous = key;
    if (!keysInOrder((value as Record<string, unknown>)[key])) return false;
  }
  return true;
}

// The quick scan below says "canonical" only for a subset it can judge from the text alone, and "don't know" (-1) for
// everything else, which then goes through JSON.parse above: so it can never call a text canonical that is not. The
// subset: no whitespace; strings without escapes, control characters or surrogates (so the text between the quotes is
// the string itself, and JSON.stringify would write it unchanged); integers of at most 15 digits, not -0 (exact
// doubles, written back digit for digit); true, false, null; object keys strictly increasing in UTF-16 code units (the
// canonical order, and no duplicates). Each quick function returns the index just after the value, or -1.
const MAX_QUICK_DEPTH = 32;

function quickValue(t: string, i: number, depth: number): number {
  const c = t.charCodeAt(i);
  if (c === 0x22) return quickString(t, i);
  if (c === 0x7b) return depth < MAX_QUICK_DEPTH ? quickObject(t, i, depth + 1) : -1;
  if (c === 0x5b) return depth < MAX_QUICK_DEPTH ? quickArray(t, i, depth + 1) : -1;
  if (c === 0x74) return t.startsWith('true', i) ? i + 4 : -1;
  if (c === 0x66) return t.startsWith('false', i) ? i + 5 : -1;
  if (c === 0x6e) return t.startsWith('null', i) ? i + 4 : -1;
  return quickInteger(t, i);
}

function quickString(t: string, i: number): number {
  for (let j = i + 1; j < t.length; j++) {
    const c = t.charCodeAt(j);
    if (c === 0x22) return j + 1;
    if (c < 0x20 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return -1;
  }
  return -1;
}

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

function quickInteger(t: string, i: number): number {
  let j = i;
  if (t.charCodeAt(j) === 0x2d) j++;
  const start = j;
  const first = t.charCodeAt(j);
  if (first === 0x30) {
    // "0" alone; "-0" is written "0" by JSON.stringify, and "01" is not JSON: both left to the full check.
    if (start !== i) return -1;
    j++;
  } else if (first >= 0x31 && first <= 0x39) {
    j++;
    while (isDigit(t.charCodeAt(j))) j++;
    if (j - start > 15) return -1;
  } else {
    return -1;
  }
  const next = t.charCodeAt(j);
  // A fraction or exponent: its shortest spelling is for the full check to judge.
  if (next === 0x2e || next === 0x65 || next === 0x45 || isDigit(next)) return -1;
  return j;
}

function quickObject(t: string, i: number, depth: number): number {
  let j = i + 1;
  if (t.charCodeAt(j) === 0x7d) return j + 1;
  let previous: string | null = null;
  for (;;) {
    if (t.charCodeAt(j) !== 0x22) return -1;
    const end = quickString(t, j);
    if (end < 0 || t.charCodeAt(end) !== 0x3a) return -1;
    const key = t.slice(j + 1, end - 1);
    if (previous !== null && !(previous < key)) return -1;
    previous = key;
    j = quickValue(t, end + 1, depth);
    if (j < 0) return -1;
    const c = t.charCodeAt(j);
    if (c === 0x7d) return j + 1;
    if (c !== 0x2c) return -1;
    j++;
  }
}

function quickArray(t: string, i: number, depth: number): number {
  let j = i + 1;
  if (t.charCodeAt(j) === 0x5d) return j + 1;
  for (;;) {
    j = quickValue(t, j, depth);
    if (j < 0) return -1;
    const c = t.charCodeAt(j);
    if (c === 0x5d) return j + 1;
    if (c !== 0x2c) return -1;
    j++;
  }
}
