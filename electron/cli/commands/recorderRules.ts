import { readFileSync } from 'node:fs';
import { StationError } from '../../api/server.ts';
import type { CliCommand } from './types.ts';
import { str, table } from './format.ts';
import { safe } from './ingest.ts';

// `station recorder rules show|set`: the file-name layouts per recorder model (issue 15 item 4).
// `show --json` prints the stored document, which `set` takes back after an edit.
export const recorderRuleCommands: CliCommand[] = [
  {
    words: ['recorder', 'rules', 'show'],
    synopsis: '',
    positionals: [],
    options: {},
    login: true,
    unlock: 'never',
    async run({ client, t, print }) {
      const v = await client.invoke('recorder.namingRules.get', {});
      const rows = [[t('recorder_rules.col.id'), t('recorder_rules.col.models'), t('recorder_rules.col.layout'), t('recorder_rules.col.examples'), t('recorder_rules.col.verified')]];
      for (const r of v.rules) rows.push([r.id, r.models.map(safe).join(','), safe(r.layout), String(r.examples), t(r.verified ? 'recorder_rules.yes' : 'recorder_rules.no')]);
      print([t(`recorder_rules.origin.${v.origin}`, { sha256: v.sha256 }), table(rows)].join('\n'), v);
    },
  },
  {
    words: ['recorder', 'rules', 'set'],
    synopsis: 'FILE --reason TEXT',
    positionals: ['FILE'],
    options: { reason: { type: 'string' } },
    login: true,
    unlock: 'if-available',
    async run({ client, t, args, positionals, print }) {
      const file = positionals[0] ?? '';
      let document: unknown;
      try {
        document = JSON.parse(readFileSync(file, 'utf8'));
      } catch {
        throw new StationError('input', 'recorder.naming_rules_file_unreadable', { file });
      }
      const v = await client.invoke('recorder.namingRules.set', { document, reason: str(args.reason) ?? '' });
      print(t('recorder_rules.saved', { count: v.rules.length, sha256: v.sha256 }), v);
    },
  },
];
