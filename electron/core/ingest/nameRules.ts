// The naming rules in force at a station: the shipped file, or an administrator's file in the data
// folder that replaces it. Either is refused whole when it is malformed or when one of its own
// examples does not hold — a rule that misreads its examples would misdate evidence.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { StationError } from '../errors.ts';
import { exampleFailures, loadNamingRules, type NamingRule } from '../media/namingRules.ts';
import type { Station } from '../station.ts';

const cache = new WeakMap<Station, { key: string; rules: NamingRule[] }>();

export function namingRulesPath(station: Station): { path: string; origin: 'station' | 'shipped' } {
  const own = join(station.paths.dataDir, 'recorders', 'naming-rules.json');
  if (existsSync(own)) return { path: own, origin: 'station' };
  return { path: join(station.paths.resources, 'recorders', 'naming-rules.json'), origin: 'shipped' };
}

export function namingRulesOf(station: Station): NamingRule[] {
  const { path } = namingRulesPath(station);
  const key = `${path}:${statSync(path).mtimeMs}`;
  const hit = cache.get(station);
  if (hit && hit.key === key) return hit.rules;
  const rules = loadNamingRules(path);
  const failures = exampleFailures(rules);
  if (failures.length > 0) {
    const f = failures[0]!;
    throw new StationError('input', 'media.naming_rules_invalid', { path: `${f.rule}: ${f.name}`, reason: f.problem });
  }
  cache.set(station, { key, rules });
  return rules;
}
