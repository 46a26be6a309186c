// One name per role and one word per thing, in the CLI and the UI, in both languages (issue #14
// item 8: the CLI's "销毁（管理员）" sent a tester to the system administrator instead of the
// custodian). The forbidden synonyms below are the ones found in use; each names the word to use.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const localeDir = fileURLToPath(new URL('../../resources/locales/', import.meta.url));

type Rule = { forbidden: RegExp; use: string };

const RULES: Record<'zh-CN' | 'en', Rule[]> = {
  'zh-CN': [
    // A bare 管理员 is either role; a reader cannot tell which.
    { forbidden: /(?<![系统证据])管理员/, use: '系统管理员 (admin) or 证据管理员 (custodian)' },
    { forbidden: /保管员/, use: '证据管理员' },
    { forbidden: /监督人员/, use: '监督员' },
    { forbidden: /台账|账本/, use: '审计日志 (the ledger)' },
    // The rules say 中止记录 (004_5e30f22f36db076d.txt 第十九条); 中断 is kept for a process cut off (入库中断, 刻录中断).
    { forbidden: /录制中断|记录中断|中断录制|中断说明|可能中断|中断尚未/, use: '中止记录' },
    { forbidden: /坞站/, use: '采集入库' },
    { forbidden: /导入/, use: '入库' },
    { forbidden: /超时移交|超时、/, use: '逾期移交' },
  ],
  en: [
    { forbidden: /\baudit log\b/i, use: 'ledger' },
    { forbidden: /\bclerks?\b/i, use: 'case officer' },
    { forbidden: /\bsupervisors?\b/i, use: 'auditor (the role) or supervision office' },
    { forbidden: /\badmin\b(?! role)/, use: 'administrator (prose; `admin` only as a value to type)' },
    { forbidden: /\bkeeper\b/i, use: 'custodian' },
  ],
};

/** Every string of every locale file, with its key, minus CLI usage lines where `admin` is a value to type. */
function strings(lang: string): { where: string; text: string }[] {
  const out: { where: string; text: string }[] = [];
  const walk = (node: unknown, where: string) => {
    if (typeof node === 'string') out.push({ where, text: node });
    else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) walk(v, `${where}.${k}`);
  };
  for (const file of readdirSync(join(localeDir, lang)).filter((f) => f.endsWith('.json'))) {
    walk(JSON.parse(readFileSync(join(localeDir, lang, file), 'utf8')), `${lang}/${file}:`);
  }
  return out;
}

const CLI_SYNTAX = /--role [a-z|]*admin|auditor or admin|role admin/;

describe('terminology', () => {
  it.each(Object.keys(RULES) as (keyof typeof RULES)[])('%s uses one word per thing', (lang) => {
    const offences: string[] = [];
    for (const { where, text } of strings(lang)) {
      for (const rule of RULES[lang]) {
        const m = rule.forbidden.exec(text);
        if (m && !(lang === 'en' && CLI_SYNTAX.test(text) && /admin/.test(m[0]))) offences.push(`${where} "${m[0]}" → ${rule.use}`);
      }
    }
    expect(offences).toEqual([]);
  });

  it.each(['zh-CN', 'en'])('%s names each role the same in the CLI and the UI', (lang) => {
    const ui = (JSON.parse(readFileSync(join(localeDir, lang, 'ui.json'), 'utf8')) as { roles: Record<string, string> }).roles;
    const cli = (JSON.parse(readFileSync(join(localeDir, lang, 'cli.json'), 'utf8')) as { roles: Record<string, string> }).roles;
    expect(cli).toEqual(ui);
  });
});
