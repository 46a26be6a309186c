import { describe, expect, it } from 'vitest';
import { fileNamePart, scopeCss } from './printDocument.ts';

describe('scopeCss', () => {
  it('points html/body rules at the wrapper and lifts @page rules out', () => {
    const { css, pageRules } = scopeCss('body { margin: 24px; }\n@page { size: A4; margin: 15mm; }\n@media print { body { margin: 0; } h2 { x: y; } }\nhtml,body{a:b}');
    expect(pageRules).toEqual(['@page { size: A4; margin: 15mm; }']);
    expect(css).toContain('.doc-body { margin: 24px; }');
    expect(css).toContain('@media print { .doc-body { margin: 0; }');
    expect(css).toContain('.doc-body,.doc-body{a:b}');
    expect(css).not.toContain('@page');
  });

  it('leaves selectors that merely contain the word alone', () => {
    const { css } = scopeCss('tbody tr { a: b; } .body { c: d; } td.label .en { e: f; } #bodyText { g: h; }');
    expect(css).toBe('tbody tr { a: b; } .body { c: d; } td.label .en { e: f; } #bodyText { g: h; }');
  });
});

describe('fileNamePart', () => {
  it('keeps Chinese case numbers and replaces path separators and spaces', () => {
    expect(fileNamePart('中市监罚〔2026〕1号')).toBe('中市监罚〔2026〕1号');
    expect(fileNamePart('a/b c:d')).toBe('a_b_c_d');
    expect(fileNamePart('')).toBe('document');
  });
});
