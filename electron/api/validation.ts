// Turns a schema failure into an error a person can act on (issue #14 item 9: "字段 roles.0 不符合
// 要求（invalid_value）" told nobody anything). The front ends translate `api.invalid_input`, which
// names the field through `errors:fields.<field>` and the rule through `errors:invalid.<problem>`;
// this file only decides which field and which problem, and the figures the message needs.
import type { z } from 'zod';
import { StationError, type ErrorParams } from '../core/errors.ts';

type Issue = z.core.$ZodIssue;
type PathKey = PropertyKey;

/** The dictionary key of a field: its path's names, without list positions, joined by `_`. */
export function fieldKey(path: readonly PathKey[]): string {
  const names = path.filter((p): p is string => typeof p === 'string');
  return names.length ? names.join('_') : 'input';
}

/** Patterns the schemas use, by what a person would call them. */
const FORMATS = new Map<string, string>([
  [String(/^[0-9]{4}-(0[1-9]|1[0-2])$/), 'format_month'],
  [String(/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/), 'format_date'],
]);

function valueAt(payload: unknown, path: readonly PathKey[]): unknown {
  let node = payload;
  for (const p of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[p];
  }
  return node;
}

function listed(values: readonly unknown[]): string {
  return values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ');
}

/**
 * A union fails in every branch; the branch the caller meant is the one that failed least. When
 * every branch fails only on the same field's value (the `kind` of a target), the allowed values
 * of all branches are what the user needs to hear.
 */
function fromUnion(issue: Extract<Issue, { code: 'invalid_union' }>): Issue {
  // A discriminated union names its discriminator and options when no branch's tag matched.
  const tagged = issue as { discriminator?: string; options?: unknown[] };
  if (tagged.options?.length) return { code: 'invalid_value', values: tagged.options, path: issue.path, message: issue.message } as Issue;
  const branches = issue.errors.filter((b) => b.length > 0);
  if (!branches.length) return { ...issue, code: 'custom', params: {} } as Issue;
  const heads = branches.map((b) => b[0]!);
  const head = heads[0]!;
  if (head.code === 'invalid_value' && heads.every((h) => h.code === 'invalid_value' && h.path.join('.') === head.path.join('.'))) {
    const values = heads.flatMap((h) => (h as Extract<Issue, { code: 'invalid_value' }>).values);
    return { ...head, values, path: [...issue.path, ...head.path] } as Issue;
  }
  const best = [...branches].sort((a, b) => a.length - b.length)[0]!;
  const first = best[0]!;
  return { ...first, path: [...issue.path, ...first.path] } as Issue;
}

function describe(issue: Issue, payload: unknown): { problem: string; params: ErrorParams } {
  switch (issue.code) {
    case 'invalid_type':
      if (valueAt(payload, issue.path) === undefined) return { problem: 'required', params: {} };
      if (issue.expected === 'int') return { problem: 'whole_number', params: {} };
      return { problem: `type_${issue.expected}`, params: {} };
    case 'invalid_value':
      return { problem: issue.values.length === 1 ? 'exactly' : 'one_of', params: { allowed: listed(issue.values) } };
    case 'too_small': {
      const minimum = Number(issue.minimum);
      if (issue.exact) return { problem: 'exact_count', params: { count: minimum } };
      if (issue.origin === 'string') return minimum <= 1 ? { problem: 'empty', params: {} } : { problem: 'too_short', params: { minimum } };
      if (issue.origin === 'array' || issue.origin === 'set') return { problem: 'too_few', params: { minimum } };
      return { problem: issue.inclusive === false ? 'above' : 'at_least', params: { minimum } };
    }
    case 'too_big': {
      const maximum = Number(issue.maximum);
      if (issue.origin === 'string') return { problem: 'too_long', params: { maximum } };
      if (issue.origin === 'array' || issue.origin === 'set') return { problem: 'too_many', params: { maximum } };
      return { problem: issue.inclusive === false ? 'below' : 'at_most', params: { maximum } };
    }
    case 'invalid_format': {
      if (issue.format === 'datetime') return { problem: 'format_datetime', params: {} };
      const pattern = (issue as { pattern?: string }).pattern ?? '';
      return { problem: FORMATS.get(pattern) ?? 'format', params: {} };
    }
    case 'unrecognized_keys':
      return { problem: 'unknown_keys', params: { keys: issue.keys.join(', ') } };
    case 'not_multiple_of':
      return { problem: 'multiple_of', params: { divisor: Number(issue.divisor) } };
    case 'custom': {
      const named = (issue.params as { problem?: unknown } | undefined)?.problem;
      return { problem: typeof named === 'string' ? named : 'invalid', params: {} };
    }
    default:
      return { problem: 'invalid', params: {} };
  }
}

/**
 * The first problem of a failed parse as `api.invalid_input`: `field` (dictionary key), `problem`
 * (what is allowed), the figures the message needs, and `path`/`item` for the one entry of a list
 * that was wrong. The message is translated where it is shown, so it is in the reader's language.
 */
export function invalidInput(channel: string, error: z.ZodError, payload: unknown): StationError {
  let issue = error.issues[0] as Issue | undefined;
  if (!issue) return new StationError('input', 'api.invalid_input', { channel, field: 'input', problem: 'invalid', path: '' });
  if (issue.code === 'invalid_union') issue = fromUnion(issue);
  const { problem, params } = describe(issue, payload);
  const position = issue.path.findLast((p) => typeof p === 'number');
  return new StationError('input', 'api.invalid_input', {
    channel,
    field: fieldKey(issue.path),
    path: issue.path.map(String).join('.'),
    problem,
    item: typeof position === 'number' ? position + 1 : null,
    ...params,
  });
}

type Def = { type: string; shape?: Record<string, z.ZodType>; innerType?: z.ZodType; element?: z.ZodType; options?: z.ZodType[]; in?: z.ZodType; out?: z.ZodType; valueType?: z.ZodType; getter?: () => z.ZodType };

/** Every field key a schema can report, so that a test can hold the dictionary complete. */
export function schemaFieldKeys(schema: z.ZodType, path: string[] = [], out = new Set<string>(), seen = new Set<unknown>()): Set<string> {
  if (seen.has(schema)) return out;
  seen.add(schema);
  const def = (schema as unknown as { _zod: { def: Def } })._zod.def;
  const walk = (s: z.ZodType | undefined, p = path) => s && schemaFieldKeys(s, p, out, seen);
  switch (def.type) {
    case 'object':
      for (const [key, child] of Object.entries(def.shape ?? {})) {
        out.add(fieldKey([...path, key]));
        walk(child, [...path, key]);
      }
      break;
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'nonoptional':
    case 'catch':
      walk(def.innerType);
      break;
    case 'array':
    case 'set':
      walk(def.element);
      break;
    case 'record':
      walk(def.valueType);
      break;
    case 'union':
      for (const o of def.options ?? []) walk(o);
      break;
    case 'intersection':
      walk((def as unknown as { left: z.ZodType }).left);
      walk((def as unknown as { right: z.ZodType }).right);
      break;
    case 'pipe':
      walk(def.in);
      walk(def.out);
      break;
    case 'lazy':
      walk(def.getter?.());
      break;
  }
  return out;
}
