// Recorder file-name layouts as data (resources/recorders/naming-rules.json), not code: the assumed
// GA/T 947 layout is one of several that real recorders write (DCAM_…_IMP, date first, IMP in
// front), and the 公安部 device info (ZFY_INFO) allows letters in 产品序号 and 警号. Each rule carries
// examples that the tests check, so a rule an administrator adds is proven by its own examples.
// Every rule that matches a name is reported; the first (model rules before generic ones) is used.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { StationError } from '../errors.ts';
import { parseCompactLocal } from './localTime.ts';
import { MAX_NAME_LENGTH, type RecorderName } from './recorderName.ts';

export const NAMING_RULES_FORMAT = 'evidence-station/naming-rules';

export type NameExample = {
  name: string;
  /** null: this name must NOT match the rule. Otherwise the fields the rule must read from it. */
  expect: { deviceSerial?: string; officerId?: string; recordedAtRaw?: string; sequence?: number; important?: boolean; caseNumber?: string } | null;
};

export type NamingRule = {
  /** Recorded on each recording as its name rule ('gat947', 'dcam-imp'…). */
  id: string;
  /** Catalogue model ids this layout belongs to; ["*"] for any recorder. */
  models: string[];
  /** Literal text and tokens: {serial7} {officer6} {serial} {officer} {time14} {date8} {clock6} {seq4} {seq} {case} {imp}. */
  layout: string;
  /** Every name this rule matches is marked important (a layout that puts IMP in front). */
  important: boolean;
  source: string;
  verified: boolean;
  examples: NameExample[];
};

/** A name read by a rule of the data: the fields of RecorderName, with the rule named by its id. */
export type ParsedName = Omit<RecorderName, 'rule'> & {
  /** The rule used ('none' when no rule matched). */
  rule: string;
};

export type NameMatch = { name: ParsedName; matched: { rule: string; models: string[] }[] };

const TOKENS: Record<string, string> = {
  serial7: '([A-Za-z0-9]{7})',
  officer6: '([A-Za-z0-9]{6})',
  serial: '([A-Za-z0-9]{1,32})',
  officer: '([A-Za-z0-9]{1,32})',
  time14: '([0-9]{14})',
  date8: '([0-9]{8})',
  clock6: '([0-9]{6})',
  seq4: '([0-9]{4})',
  seq: '([0-9]{1,9})',
  case: '([\\p{L}\\p{N}][\\p{L}\\p{N}-]{0,63})',
  imp: '(_IMP)?',
};
const FIELD_OF: Record<string, string> = { serial7: 'serial', serial: 'serial', officer6: 'officer', officer: 'officer', time14: 'time', date8: 'date', clock6: 'clock', seq4: 'seq', seq: 'seq', case: 'case', imp: 'imp' };

type Compiled = { rule: NamingRule; re: RegExp; fields: string[]; order: 'device-first' | 'officer-first' | undefined };

function invalid(path: string, reason: string): never {
  throw new StationError('input', 'media.naming_rules_invalid', { path, reason });
}

/** Turns a layout into an anchored, case-insensitive expression; unknown tokens and odd literals are refused. */
export function compileLayout(layout: string, path = 'layout'): { re: RegExp; fields: string[] } {
  const fields: string[] = [];
  let source = '';
  for (const part of layout.split(/(\{[a-z0-9]+\})/)) {
    if (part === '') continue;
    const token = /^\{([a-z0-9]+)\}$/.exec(part)?.[1];
    if (token !== undefined) {
      const re = TOKENS[token];
      if (re === undefined) invalid(path, `unknown token {${token}}`);
      const field = FIELD_OF[token] as string;
      if (fields.includes(field)) invalid(path, `{${token}} given twice`);
      fields.push(field);
      source += re;
    } else {
      // Literals are recorder text: letters, digits, '_' and '-' only, so no expression syntax leaks in.
      if (!/^[A-Za-z0-9_-]+$/.test(part)) invalid(path, `literal "${part}" may hold only letters, digits, _ and -`);
      source += part;
    }
  }
  const hasTime = fields.includes('time') || (fields.includes('date') && fields.includes('clock'));
  if (!hasTime && !fields.includes('serial') && !fields.includes('officer')) invalid(path, 'a layout must read a time, a recorder or an officer');
  if (fields.includes('date') !== fields.includes('clock')) invalid(path, '{date8} and {clock6} go together');
  return { re: new RegExp(`^${source}$`, 'iu'), fields };
}

function text(v: unknown, path: string, max = 1000): string {
  if (typeof v !== 'string' || v.trim() === '' || v.length > max) invalid(path, `expected a non-empty string of at most ${max} characters`);
  return v;
}

function only(o: Record<string, unknown>, keys: string[], path: string): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) invalid(`${path}.${k}`, 'unknown field');
}

/** Validates a rules file as strictly as the recorder catalogue: unknown keys are typos, not extensions. */
export function parseNamingRules(raw: unknown): NamingRule[] {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) invalid('$', 'expected an object');
  const root = raw as Record<string, unknown>;
  only(root, ['format', 'version', 'comment', 'rules'], '$');
  if (root.format !== NAMING_RULES_FORMAT) invalid('format', `expected "${NAMING_RULES_FORMAT}"`);
  if (root.version !== 1) invalid('version', 'expected 1');
  if (!Array.isArray(root.rules) || root.rules.length === 0) invalid('rules', 'expected a non-empty list');
  const ids = new Set<string>();
  return root.rules.map((r: unknown, i: number): NamingRule => {
    const path = `rules[${i}]`;
    if (typeof r !== 'object' || r === null || Array.isArray(r)) invalid(path, 'expected an object');
    const o = r as Record<string, unknown>;
    only(o, ['id', 'models', 'layout', 'important', 'source', 'verified', 'note', 'examples'], path);
    const id = text(o.id, `${path}.id`, 64);
    if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(id) || id === 'none') invalid(`${path}.id`, 'expected lower-case letters, digits and -');
    if (ids.has(id)) invalid(`${path}.id`, 'duplicate id');
    ids.add(id);
    if (!Array.isArray(o.models) || o.models.length === 0) invalid(`${path}.models`, 'expected a non-empty list');
    const models = o.models.map((m, j) => text(m, `${path}.models[${j}]`, 64));
    const layout = text(o.layout, `${path}.layout`, 200);
    compileLayout(layout, `${path}.layout`);
    if (o.important !== undefined && typeof o.important !== 'boolean') invalid(`${path}.important`, 'expected true or false');
    if (typeof o.verified !== 'boolean') invalid(`${path}.verified`, 'expected true or false');
    if (!Array.isArray(o.examples) || o.examples.length === 0) invalid(`${path}.examples`, 'every rule needs examples');
    const examples = o.examples.map((e: unknown, j: number): NameExample => {
      const ep = `${path}.examples[${j}]`;
      if (typeof e !== 'object' || e === null) invalid(ep, 'expected an object');
      const eo = e as Record<string, unknown>;
      only(eo, ['name', 'expect'], ep);
      if (eo.expect !== null && (typeof eo.expect !== 'object' || Array.isArray(eo.expect))) invalid(`${ep}.expect`, 'expected an object or null');
      if (eo.expect) only(eo.expect as Record<string, unknown>, ['deviceSerial', 'officerId', 'recordedAtRaw', 'sequence', 'important', 'caseNumber'], `${ep}.expect`);
      return { name: text(eo.name, `${ep}.name`, MAX_NAME_LENGTH), expect: (eo.expect ?? null) as NameExample['expect'] };
    });
    return { id, models, layout, important: o.important === true, source: text(o.source, `${path}.source`), verified: o.verified, examples };
  });
}

export function loadNamingRules(path: string): NamingRule[] {
  return parseNamingRules(JSON.parse(readFileSync(path, 'utf8')) as unknown);
}

const compiledCache = new WeakMap<NamingRule[], Compiled[]>();

function compiled(rules: NamingRule[]): Compiled[] {
  let c = compiledCache.get(rules);
  if (!c) {
    c = rules.map((rule) => {
      const { re, fields } = compileLayout(rule.layout);
      const s = fields.indexOf('serial');
      const o = fields.indexOf('officer');
      const order = s >= 0 && o >= 0 ? (s < o ? 'device-first' : 'officer-first') : undefined;
      return { rule, re, fields, order };
    });
    compiledCache.set(rules, c);
  }
  return c;
}

function splitExtension(name: string): { stem: string; extension: string } {
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return { stem: name, extension: '' };
  const ext = name.slice(dot + 1);
  if (!/^[A-Za-z0-9]{1,8}$/.test(ext)) return { stem: name, extension: '' };
  return { stem: name.slice(0, dot), extension: ext.toLowerCase() };
}

/**
 * Reads a file name with every rule. `model` (a catalogue id) puts that model's rules first. Only
 * the last path segment is read; names over 255 characters or with control characters match nothing.
 */
export function matchRecorderName(fileName: string, rules: NamingRule[], model: string | null = null): NameMatch {
  const base = fileName.slice(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
  const { stem, extension } = splitExtension(base);
  const none: ParsedName = { rule: 'none', important: false, extension };
  if (base.length > MAX_NAME_LENGTH || /\p{Cc}/u.test(base)) return { name: none, matched: [] };
  const ordered = compiled(rules)
    .map((c, i) => ({ c, rank: model !== null && c.rule.models.includes(model) ? 0 : c.rule.models.includes('*') ? 1 : 2, i }))
    .filter((x) => x.rank < 2)
    .sort((a, b) => a.rank - b.rank || a.i - b.i);
  let best: ParsedName | null = null;
  const matched: NameMatch['matched'] = [];
  for (const { c } of ordered) {
    const m = c.re.exec(stem);
    if (!m) continue;
    matched.push({ rule: c.rule.id, models: c.rule.models });
    if (best) continue;
    const get = (field: string): string | undefined => {
      const at = c.fields.indexOf(field);
      return at >= 0 ? m[at + 1] : undefined;
    };
    const parsed: ParsedName = { rule: c.rule.id, important: c.rule.important || get('imp') !== undefined, extension };
    if (c.order) parsed.fieldOrder = c.order;
    const serial = get('serial');
    const officer = get('officer');
    if (serial !== undefined) parsed.deviceSerial = serial;
    if (officer !== undefined) parsed.officerId = officer;
    const raw = get('time') ?? (get('date') !== undefined ? `${get('date')}${get('clock')}` : undefined);
    if (raw !== undefined) {
      parsed.recordedAtRaw = raw;
      const local = parseCompactLocal(raw);
      if (local) parsed.recordedAtLocal = local;
    }
    const seq = get('seq');
    if (seq !== undefined) parsed.sequence = Number(seq);
    const caseNumber = get('case');
    if (caseNumber !== undefined) parsed.caseNumber = caseNumber;
    best = parsed;
  }
  return { name: best ?? none, matched };
}

/** Why an example does not hold: `code` for a translated message, `problem` for logs and tests. */
export type ExampleFailure = {
  rule: string;
  name: string;
  code: 'no_match' | 'must_not_match' | 'field';
  field?: string;
  got?: string;
  want?: string;
  problem: string;
};

/** The examples of `rules` that the rules do not read as they say; empty when every example holds. */
export function exampleFailures(rules: NamingRule[]): ExampleFailure[] {
  const failures: ExampleFailure[] = [];
  for (const rule of rules) {
    // A model's own rule is tried as for that model: without it, a rule for one model only would
    // never be reached and its examples would all "not match".
    const model = rule.models.includes('*') ? null : rule.models[0]!;
    for (const ex of rule.examples) {
      const res = matchRecorderName(ex.name, rules, model);
      const hit = res.matched.some((m) => m.rule === rule.id);
      if (ex.expect === null) {
        if (hit) failures.push({ rule: rule.id, name: ex.name, code: 'must_not_match', problem: 'matched, but the example says it must not' });
        continue;
      }
      if (!hit) {
        failures.push({ rule: rule.id, name: ex.name, code: 'no_match', problem: 'did not match' });
        continue;
      }
      // The fields as this very rule reads them (another rule may come first for the catalogue).
      const own = matchRecorderName(ex.name, [rule], model).name as Record<string, unknown>;
      for (const [k, v] of Object.entries(ex.expect)) {
        if (own[k] !== v) {
          const got = JSON.stringify(own[k]) ?? 'undefined';
          const want = JSON.stringify(v);
          failures.push({ rule: rule.id, name: ex.name, code: 'field', field: k, got, want, problem: `${k} is ${got}, the example says ${want}` });
        }
      }
    }
  }
  return failures;
}

let shipped: NamingRule[] | null = null;

/** The rules shipped in resources/recorders/naming-rules.json (for callers without a station). */
export function shippedNamingRules(): NamingRule[] {
  shipped ??= loadNamingRules(fileURLToPath(new URL('../../../resources/recorders/naming-rules.json', import.meta.url)));
  return shipped;
}
