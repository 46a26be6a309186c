// The naming rules in force at a station: the shipped file, or an administrator's file in the data
// folder that replaces it. Either is refused whole when it is malformed or when one of its own
// examples does not hold — a rule that misreads its examples would misdate evidence. Admins replace
// the set through `recorder.namingRules.set` (issue 15 item 4): checked the same way before anything
// is written, written atomically in the same format, and ledgered with the hash of the bytes.
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, copyFileSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { StationError } from '../errors.ts';
import { exampleFailures, loadNamingRules, parseNamingRules, type ExampleFailure, type NamingRule } from '../media/namingRules.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { StationPaths } from '../paths.ts';

export type NamingRulesDeps = {
  paths: Pick<StationPaths, 'dataDir' | 'resources'>;
  ledger: Pick<Ledger, 'append'>;
  write: <T>(fn: () => T) => T;
};

/** The error for the first example that does not hold, naming it; `more` counts the others. */
export function exampleError(failures: ExampleFailure[]): StationError {
  const f = failures[0]!;
  return new StationError('input', `recorder.naming_rule_example_${f.code}`, {
    rule: f.rule,
    name: f.name,
    field: f.field ?? '',
    got: f.got ?? '',
    want: f.want ?? '',
    more: failures.length - 1,
  });
}

const sha256 = (bytes: Buffer | string): string => createHash('sha256').update(bytes).digest('hex');

export type NamingRulesView = {
  origin: 'station' | 'shipped';
  sha256: string;
  /** The rules file as stored (format evidence-station/naming-rules, version 1). */
  document: unknown;
  rules: { id: string; models: string[]; layout: string; verified: boolean; examples: number }[];
};

/** The station's naming rules; the parsed set is kept until the file under it changes. */
export class NamingRules {
  private readonly deps: NamingRulesDeps;
  private cache: { key: string; rules: NamingRule[] } | null = null;
  constructor(deps: NamingRulesDeps) {
    this.deps = deps;
  }

  path(): { path: string; origin: 'station' | 'shipped' } {
    const own = join(this.deps.paths.dataDir, 'recorders', 'naming-rules.json');
    if (existsSync(own)) return { path: own, origin: 'station' };
    return { path: join(this.deps.paths.resources, 'recorders', 'naming-rules.json'), origin: 'shipped' };
  }

  rules(): NamingRule[] {
    const { path } = this.path();
    const st = statSync(path);
    const key = `${path}:${st.mtimeMs}:${st.size}:${st.ino}`;
    const hit = this.cache;
    if (hit && hit.key === key) return hit.rules;
    const rules = loadNamingRules(path);
    const failures = exampleFailures(rules);
    if (failures.length > 0) {
      const f = failures[0]!;
      throw new StationError('input', 'media.naming_rules_invalid', { path: `${f.rule}: ${f.name}`, reason: f.problem });
    }
    this.cache = { key, rules };
    return rules;
  }

  view(): NamingRulesView {
    const { path, origin } = this.path();
    const bytes = readFileSync(path);
    const rules = this.rules();
    return {
      origin,
      sha256: sha256(bytes),
      document: JSON.parse(bytes.toString('utf8')) as unknown,
      rules: rules.map((r) => ({ id: r.id, models: r.models, layout: r.layout, verified: r.verified, examples: r.examples.length })),
    };
  }

  /**
   * Replaces the station's rules with `document`. Nothing is written unless the whole set is valid
   * and every example of every rule holds. The file is renamed into place inside the transaction
   * that appends the ledger entry, so a failed rename leaves neither.
   */
  save(actor: string, document: unknown, reason: string): NamingRulesView {
    const rules = parseNamingRules(document);
    const failures = exampleFailures(rules);
    if (failures.length > 0) throw exampleError(failures);
    const before = this.path();
    const previous = { origin: before.origin, sha256: sha256(readFileSync(before.path)) };
    const text = `${JSON.stringify(document, null, 2)}\n`;
    const target = join(this.deps.paths.dataDir, 'recorders', 'naming-rules.json');
    const dir = dirname(target);
    mkdirSync(dir, { recursive: true });
    const tmp = join(dir, `.naming-rules-${randomBytes(6).toString('hex')}.tmp`);
    const fd = openSync(tmp, 'wx', 0o644);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    // If the commit fails after the rename, the previous file is put back: rules no ledger entry
    // accounts for must not be in force.
    const keep = join(dir, `.naming-rules-${randomBytes(6).toString('hex')}.prev`);
    const hadOwn = before.origin === 'station';
    if (hadOwn) copyFileSync(target, keep);
    let renamed = false;
    try {
      this.deps.write(() => {
        this.deps.ledger.append({
          actor,
          action: 'recorder.naming_rules_saved',
          subject: 'recorder:naming_rules',
          details: { sha256: sha256(text), previous, reason, rules: rules.map((r) => ({ id: r.id, models: r.models, layout: r.layout, examples: r.examples.length })) },
        });
        renameSync(tmp, target);
        renamed = true;
      });
    } catch (e) {
      rmSync(tmp, { force: true });
      if (renamed) {
        if (hadOwn) renameSync(keep, target);
        else rmSync(target, { force: true });
      }
      this.cache = null;
      throw e;
    } finally {
      rmSync(keep, { force: true });
    }
    const dfd = openSync(dir, 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
    this.cache = null;
    return this.view();
  }
}
