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
