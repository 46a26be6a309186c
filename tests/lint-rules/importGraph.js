// The project's import graph as the TypeScript parser reads it: relative imports only (packages and
// Node modules cannot close a cycle through our files), resolved the way tsconfig's
// allowImportingTsExtensions lets this code base write them (explicit .ts/.tsx, or none).
import { readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import ts from 'typescript';

const SOURCE = new Set(['.ts', '.tsx', '.mts', '.js', '.mjs']);

function isFile(path) {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The file a relative specifier names, or null for a package, an asset (.css, .json) or nothing. */
export function resolveImport(fromFile, specifier, extraFiles = new Set()) {
  if (!specifier.startsWith('.')) return null;
  const base = resolve(dirname(fromFile), specifier);
  const candidates = [base, base.replace(/\.js$/, '.ts'), base.replace(/\.js$/, '.tsx'), `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')];
  for (const c of candidates) {
    if (!SOURCE.has(extname(c))) continue;
    if (extraFiles.has(c) || isFile(c)) return c;
  }
  return null;
}

/** Whether an import or export declaration brings in types only (`import type`, or every name `type`). */
function typeOnly(clauseTypeOnly, elements, hasDefaultOrNamespace) {
  if (clauseTypeOnly) return true;
  if (hasDefaultOrNamespace || !elements || elements.length === 0) return false;
  return elements.every((e) => e.isTypeOnly);
}

/** The static imports and re-exports of a source text: { specifier, typeOnly }[]. Dynamic import() is left out: it is how a load-time cycle is broken on purpose. */
export function importsOf(fileName, text) {
  const kind = fileName.endsWith('.tsx') ? ts.ScriptKind.TSX : fileName.endsWith('.js') || fileName.endsWith('.mjs') ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, kind);
  const out = [];
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier)) {
      const clause = st.importClause;
      const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : null;
      const defaultOrNs = Boolean(clause?.name) || Boolean(clause?.namedBindings && ts.isNamespaceImport(clause.namedBindings));
      out.push({ specifier: st.moduleSpecifier.text, typeOnly: clause ? typeOnly(clause.isTypeOnly, named, defaultOrNs) : false });
    } else if (ts.isExportDeclaration(st) && st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier)) {
      const named = st.exportClause && ts.isNamedExports(st.exportClause) ? st.exportClause.elements : null;
      out.push({ specifier: st.moduleSpecifier.text, typeOnly: typeOnly(st.isTypeOnly, named, !st.exportClause || ts.isNamespaceExport(st.exportClause)) });
    }
  }
  return out;
}

// Parsed files, kept while their modification time stays: one lint run reads each file once.
const cache = new Map();

function edgesOnDisk(file) {
  let mtime;
  try {
    mtime = statSync(file).mtimeMs;
  } catch {
    return [];
  }
  const hit = cache.get(file);
  if (hit && hit.mtime === mtime) return hit.edges;
  const edges = importsOf(file, readFileSync(file, 'utf8')).map((e) => ({ ...e, resolved: resolveImport(file, e.specifier) }));
  cache.set(file, { mtime, edges });
  return edges;
}

/**
 * A shortest import path from `start` back to `target` ([start, …, target]), or null. `target`
 * need not exist on disk (an editor buffer, a file linted from text): its path is enough.
 */
export function pathBack(start, target, { ignoreTypeImports = false } = {}) {
  const extra = new Set([target]);
  const parent = new Map([[start, null]]);
  const queue = [start];
  while (queue.length > 0) {
    const file = queue.shift();
    if (file === target) {
      const path = [];
      for (let f = file; f !== null; f = parent.get(f)) path.unshift(f);
      return path;
    }
    for (const e of edgesOnDisk(file)) {
      if (ignoreTypeImports && e.typeOnly) continue;
      // Resolved once per file; only an import of the (possibly unsaved) target is looked up again.
      const next = e.resolved ?? resolveImport(file, e.specifier, extra);
      if (next === null || parent.has(next) || next.includes('/node_modules/')) continue;
      parent.set(next, file);
      queue.push(next);
    }
  }
  return null;
}
