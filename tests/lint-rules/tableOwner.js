// station/table-owner: a core feature (electron/core/<feature>/) names in SQL only the tables it owns
// (electron/core/db/tableOwners.json). Reads count too: a feature that needs another's rows calls a
// read function the owner exports, so a column can change inside one folder (issue #11 item 2).
// SQL is recognised by its upper-case keywords (FROM, JOIN, INTO, UPDATE) followed by a known table
// name, in string and template literals; a table name built at run time is not seen.
import { relative, sep } from 'node:path';

const TABLE_AFTER_KEYWORD = /\b(?:FROM|JOIN|INTO|UPDATE)\s+"?([a-z_][a-z0-9_]*)"?/g;

export default {
  meta: {
    type: 'problem',
    docs: { description: "Forbid SQL in one core feature naming another feature's table." },
    schema: [
      {
        type: 'object',
        properties: {
          owners: { type: 'object', additionalProperties: { type: 'string' } },
          coreDir: { type: 'string' },
        },
        required: ['owners'],
        additionalProperties: false,
      },
    ],
    messages: {
      foreign: "SQL in electron/core/{{feature}} names table '{{table}}', owned by {{owner}} (electron/core/db/tableOwners.json): call a function {{owner}} exports instead.",
    },
  },
  create(context) {
    const { owners, coreDir = 'electron/core' } = context.options[0];
    const rel = relative(context.cwd, context.filename).split(sep).join('/');
    if (!rel.startsWith(`${coreDir}/`)) return {};
    const parts = rel.slice(coreDir.length + 1).split('/');
    // Files at core's root (the composition root, settings) are no feature.
    if (parts.length < 2) return {};
    const feature = parts[0];
    const scan = (node, text) => {
      const seen = new Set();
      for (const m of text.matchAll(TABLE_AFTER_KEYWORD)) {
        const table = m[1];
        const owner = Object.hasOwn(owners, table) ? owners[table] : undefined;
        if (owner === undefined || owner === feature || seen.has(table)) continue;
        seen.add(table);
        context.report({ node, messageId: 'foreign', data: { feature, table, owner: owner === '.' ? 'electron/core (station.ts, settings.ts)' : `electron/core/${owner}` } });
      }
    };
    return {
      Literal(node) {
        if (typeof node.value === 'string') scan(node, node.value);
      },
      TemplateLiteral(node) {
        scan(node, node.quasis.map((q) => q.value.cooked ?? q.value.raw).join(' ? '));
      },
    };
  },
};
