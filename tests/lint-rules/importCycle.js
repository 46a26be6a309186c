// station/no-import-cycle: an import that leads, through the project's files, back to the file that
// makes it. A cycle means neither module can be understood, tested or loaded without the other
// (issue #11 item 4); `import type` counts too unless `ignoreTypeImports` is set, because a service
// typed against the whole Station is exactly the coupling the composition root is there to remove.
import { relative } from 'node:path';
import { pathBack, resolveImport } from './importGraph.js';

function declaredTypeOnly(node) {
  if (node.importKind === 'type' || node.exportKind === 'type') return true;
  const specifiers = node.specifiers ?? [];
  if (node.type === 'ExportAllDeclaration' || specifiers.length === 0) return false;
  return specifiers.every((s) => s.importKind === 'type' || s.exportKind === 'type');
}

export default {
  meta: {
    type: 'problem',
    docs: { description: 'Forbid imports that lead back to the importing file (import cycles).' },
    schema: [{ type: 'object', properties: { ignoreTypeImports: { type: 'boolean' } }, additionalProperties: false }],
    messages: { cycle: 'Import cycle: {{path}} (README.md, Architecture: Layers; remove one edge, e.g. pass a narrow dependency instead of importing its owner).' },
  },
  create(context) {
    const file = context.filename;
    const ignoreTypeImports = context.options[0]?.ignoreTypeImports ?? false;
    const cwd = context.cwd;
    const check = (node) => {
      if (!node.source || typeof node.source.value !== 'string') return;
      if (ignoreTypeImports && declaredTypeOnly(node)) return;
      const target = resolveImport(file, node.source.value, new Set([file]));
      if (target === null) return;
      const back = target === file ? [file] : pathBack(target, file, { ignoreTypeImports });
      if (back === null) return;
      const path = [file, ...back].map((f) => relative(cwd, f)).join(' → ');
      context.report({ node: node.source, messageId: 'cycle', data: { path } });
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check };
  },
};
