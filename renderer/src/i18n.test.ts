// Guards the promise that every word the UI shows comes from resources/locales: both languages
// have the same keys (and the same {{placeholders}}), every key the source names exists, and no
// user-visible literal text hides in the TSX. Runs in Node under vitest; sources are read through
// Vite's import.meta.glob so the renderer stays free of node:* imports (eslint layer rule).
import { describe, expect, it } from 'vitest';
import ts from 'typescript';
import { mergedNamespace } from './localeFiles.ts';

type Tree = { [key: string]: string | Tree };

const sources = import.meta.glob(['./**/*.ts', './**/*.tsx', '!./**/*.test.ts', '!./**/*.test.tsx'], {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>;

/** Props and object fields whose string value ends up on screen (or in a screen reader). */
const VISIBLE_PROPS = new Set([
  'title',
  'subTitle',
  'label',
  'placeholder',
  'okText',
  'cancelText',
  'message',
  'description',
  'content',
  'extra',
  'help',
  'tooltip',
  'alt',
  'aria-label',
  'text',
  'children',
]);

/** antd's message/notification methods: a literal first argument would be shown as is. */
const TOAST_METHODS = new Set(['success', 'error', 'warning', 'info', 'loading', 'open']);

/**
 * Literal text allowed on screen. Keep it tiny: language names live in ui.json too, so this is
 * only for identifiers that read the same in every language.
 */
const ALLOWED_LITERALS = new Set<string>([
  // api.ts: the technical detail inside errors:api.internal ("… {{message}} …") when the bridge is gone.
  'window.station',
]);

const LETTER = /\p{L}/u;
// Han, CJK punctuation and full-width forms never belong in source: they are always copy.
const CJK = /[\p{Script=Han}\u3000-\u303f\uff00-\uffef]/u;

function leaves(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(path, v);
    else for (const [p, s] of leaves(v, path)) out.set(p, s);
  }
  return out;
}

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{\{\s*([\w.]+)[^}]*\}\}/g)].map((m) => m[1]!).sort();
}

function hasPath(tree: Tree, path: string, want: 'string' | 'object'): boolean {
  let node: string | Tree | undefined = tree;
  for (const part of path.split('.')) {
    if (typeof node !== 'object' || node === null) return false;
    node = node[part];
  }
  return want === 'string' ? typeof node === 'string' : typeof node === 'object' && node !== null;
}

type Finding = { file: string; line: number; text: string; why: string };

export function scanSource(file: string, text: string): { findings: Finding[]; keys: { file: string; line: number; key: string; dynamic: boolean }[] } {
  const kind = file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
  const findings: Finding[] = [];
  const keys: { file: string; line: number; key: string; dynamic: boolean }[] = [];
  const line = (n: ts.Node) => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
  const flag = (n: ts.Node, value: string, why: string) => {
    if (!ALLOWED_LITERALS.has(value.trim())) findings.push({ file, line: line(n), text: value.trim(), why });
  };
  const literalText = (e: ts.Expression | undefined): string | null => {
    if (!e) return null;
    if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return e.text;
    if (ts.isTemplateExpression(e)) return e.head.text + e.templateSpans.map((s) => s.literal.text).join('');
    if (ts.isParenthesizedExpression(e)) return literalText(e.expression);
    if (ts.isConditionalExpression(e)) return [literalText(e.whenTrue), literalText(e.whenFalse)].filter(Boolean).join(' ') || null;
    return null;
  };
  const visit = (node: ts.Node) => {
    if (ts.isJsxText(node) && LETTER.test(node.text)) flag(node, node.text, 'JSX text');
    if (ts.isJsxAttribute(node) && VISIBLE_PROPS.has(node.name.getText(sf)) && node.initializer) {
      const init = node.initializer;
      const value = ts.isStringLiteral(init) ? init.text : ts.isJsxExpression(init) ? literalText(init.expression) : null;
      if (value && LETTER.test(value)) flag(node, value, `prop ${node.name.getText(sf)}`);
    }
    if (ts.isPropertyAssignment(node) && VISIBLE_PROPS.has(node.name.getText(sf).replace(/['"]/g, ''))) {
      const value = literalText(node.initializer);
      if (value && LETTER.test(value)) flag(node, value, `field ${node.name.getText(sf)}`);
    }
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && TOAST_METHODS.has(node.expression.name.text)) {
      const value = literalText(node.arguments[0]);
      if (value && LETTER.test(value) && /^(message|notification)$/.test(node.expression.expression.getText(sf))) flag(node, value, 'toast');
    }
    if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) && CJK.test(node.text)) {
      flag(node, node.text, 'CJK literal');
    }
    // Keys: every 'ui:…' / 'errors:…' literal anywhere (helpers pass keys around before t() sees them).
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      if (/^(ui|errors):[\w.-]+$/.test(node.text)) keys.push({ file, line: line(node), key: node.text, dynamic: false });
    }
    if (ts.isTemplateExpression(node) && /^(ui|errors):/.test(node.head.text)) {
      keys.push({ file, line: line(node), key: node.head.text, dynamic: true });
    }
    // t('bare.key') would depend on defaultNS; the convention is an explicit namespace.
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 't') {
      const arg = node.arguments[0];
      if (arg && (ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg)) && !/^(ui|errors):/.test(arg.text)) {
        findings.push({ file, line: line(node), text: arg.text, why: 't() key without ui:/errors: namespace' });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return { findings, keys };
}

const bundles: Record<string, { zh: Tree; en: Tree }> = {
  ui: { zh: mergedNamespace('zh-CN', 'ui') as Tree, en: mergedNamespace('en', 'ui') as Tree },
  errors: { zh: mergedNamespace('zh-CN', 'errors') as Tree, en: mergedNamespace('en', 'errors') as Tree },
};

describe('locales', () => {
  for (const [ns, { zh, en }] of Object.entries(bundles)) {
    it(`${ns}.json has the same keys in zh-CN and en`, () => {
      const a = leaves(zh);
      const b = leaves(en);
      expect([...a.keys()].filter((k) => !b.has(k)), `keys missing from en/${ns}.json`).toEqual([]);
      expect([...b.keys()].filter((k) => !a.has(k)), `keys missing from zh-CN/${ns}.json`).toEqual([]);
    });

    it(`${ns}.json uses the same placeholders in both languages`, () => {
      const a = leaves(zh);
      const b = leaves(en);
      const differing = [...a].filter(([k, v]) => b.has(k) && placeholders(v).join() !== placeholders(b.get(k)!).join()).map(([k]) => k);
      expect(differing).toEqual([]);
    });

    it(`${ns}.json has no empty strings`, () => {
      const empty = [...leaves(zh), ...leaves(en)].filter(([, v]) => v.trim() === '').map(([k]) => k);
      expect(empty).toEqual([]);
    });
  }

  it('English texts contain no Chinese (except the endonym of Chinese itself)', () => {
    const chinese = [...leaves(bundles.ui!.en), ...leaves(bundles.errors!.en)].filter(([k, v]) => k !== 'language.zh-CN' && CJK.test(v)).map(([k]) => k);
    expect(chinese).toEqual([]);
  });
});

describe('renderer sources', () => {
  const files = Object.entries(sources);

  it('were found', () => {
    expect(files.length).toBeGreaterThan(10);
    expect(files.some(([f]) => f.endsWith('.tsx'))).toBe(true);
  });

  it('show no literal user-visible text outside i18n', () => {
    const findings = files.flatMap(([file, text]) => scanSource(file, text).findings);
    expect(findings.map((f) => `${f.file}:${f.line} ${f.why}: ${JSON.stringify(f.text)}`)).toEqual([]);
  });

  it('name only translation keys that exist', () => {
    const missing: string[] = [];
    for (const [file, text] of files) {
      for (const { key, line, dynamic } of scanSource(file, text).keys) {
        const [ns, path] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
        const tree = bundles[ns]!.zh;
        // `ui:roles.${r}`: the fixed part must name a group of keys.
        const group = path.replace(/\.$/, '');
        const ok = dynamic ? group === '' || hasPath(tree, group, 'object') : hasPath(tree, path, 'string');
        if (!ok) missing.push(`${file}:${line} ${key}${dynamic ? '…' : ''}`);
      }
    }
    expect(missing).toEqual([]);
  });
});

describe('the literal-text scanner itself', () => {
  it('catches what it is meant to catch', () => {
    const sample = [
      "const a = <Button title='Delete'>删除</Button>;",
      "const b = <Input placeholder={'Search'} />;",
      "const c = [{ title: 'Name', dataIndex: 'name' }];",
      "message.error('Something failed');",
      "const d = t('bare.key');",
      "const e = '中文';",
    ].join('\n');
    const { findings } = scanSource('sample.tsx', sample);
    expect(findings.map((f) => f.why)).toEqual(
      expect.arrayContaining(['JSX text', 'prop title', 'prop placeholder', 'field title', 'toast', 't() key without ui:/errors: namespace', 'CJK literal']),
    );
  });

  it('leaves translated and non-visible strings alone', () => {
    const sample = [
      "const a = <Button title={t('ui:x')} data-testid='delete-button' className='mono'>{t('ui:y')}</Button>;",
      "const b = <Input placeholder={t('ui:z')} type='password' />;",
      "const c = { key: 'name', dataIndex: 'name' };",
      "const d = <span>{' '}</span>;",
    ].join('\n');
    expect(scanSource('sample.tsx', sample).findings).toEqual([]);
  });
});
