import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { queryLedger } from '../ledger/query.ts';
import { createTestStation, type TestStation } from '../../../tests/support/testStation.ts';
import { stationPaths } from '../paths.ts';
import { citeRule, loadRuleCatalogue, ruleView, validateRuleSetting } from './agencyRule.ts';
import { RULE_PURPOSES } from './purposes.ts';

const rulesDir = process.env.STATION_REGULATIONS_DIR ?? fileURLToPath(new URL('../../../../shared/regulations/', import.meta.url));
const catalogue = loadRuleCatalogue(stationPaths('/nonexistent').resources);

let t: TestStation | undefined;
afterEach(() => {
  t?.cleanup();
  t = undefined;
});

describe('the shipped rules', () => {
  it('are the five rules, each with a title and the articles that set the station figures', () => {
    expect(catalogue.map((r) => r.id)).toEqual(['000', '001', '002', '003', '004']);
    for (const r of catalogue) {
      expect(r.title).not.toMatch(/\.txt|^[0-9]{3}_/);
      expect(r.articles.handover, r.id).toBeDefined();
      for (const purpose of Object.keys(r.articles)) expect(RULE_PURPOSES).toContain(purpose);
    }
    // 004_5e30f22f36db076d.txt 第十九条 (2 years), 第二十条 (register); 000_f52585dae22cddca.txt 第十二条 (3 years).
    const zhongyang = ruleView({ kind: 'shipped', id: '004' }, catalogue);
    expect(zhongyang.articles).toMatchObject({ retention: '第十九条', register: '第二十条', handover: '第十六条', discToCaseFile: '第十八条' });
    expect(citeRule(zhongyang, 'retention')).toBe('《中阳县市场监督管理局行政执法全过程记录实施办法》第十九条');
    expect(citeRule(ruleView({ kind: 'shipped', id: '000' }, catalogue), 'retention')).toBe('《山西省林业和草原局行政执法全过程记录实施办法》第十二条');
    // 002_79771f0fef6d4575.txt has no register article: nothing is cited rather than another agency's.
    expect(citeRule(ruleView({ kind: 'shipped', id: '002' }, catalogue), 'register')).toBeNull();
  });

  it.skipIf(!existsSync(rulesDir))('quote each rule verbatim inside the article cited', () => {
    for (const r of catalogue) {
      const text = readFileSync(join(rulesDir, r.file), 'utf8');
      // 002 names no issuer; the others open with theirs.
      if (r.issuer) expect(text.slice(0, 200), r.id).toContain(r.issuer);
      for (const [purpose, a] of Object.entries(r.articles)) {
        const at = text.indexOf(a.quote);
        expect(at, `${r.id} ${purpose}`).toBeGreaterThanOrEqual(0);
        const before = [...text.slice(0, at).matchAll(/第[一二三四五六七八九十百]+条/g)].map((m) => m[0]);
        expect(before.at(-1), `${r.id} ${purpose} ${a.quote}`).toBe(a.article);
      }
    }
  });

  it('a custom rule needs a title and article numbers, and keeps what the admin typed', () => {
    expect(() => validateRuleSetting({ kind: 'custom', title: '  ', articles: {} }, catalogue)).toThrow(expect.objectContaining({ code: 'rules.title_required' }));
    expect(() => validateRuleSetting({ kind: 'custom', title: 'x', articles: { retention: 'article 5' } }, catalogue)).toThrow(expect.objectContaining({ code: 'rules.bad_article' }));
    expect(() => validateRuleSetting({ kind: 'shipped', id: '009' }, catalogue)).toThrow(expect.objectContaining({ code: 'rules.unknown' }));
    const custom = validateRuleSetting({ kind: 'custom', title: '《某市交通运输局执法记录管理规定》', docNumber: '某交发〔2025〕3号', articles: { retention: '第 8 条', handover: '第五条', register: '' } }, catalogue);
    const view = ruleView(custom, catalogue);
    expect(view).toMatchObject({ chosen: true, id: 'custom', title: '某市交通运输局执法记录管理规定', docNumber: '某交发〔2025〕3号', articles: { retention: '第8条', handover: '第五条' } });
    expect(view.articles.register).toBeUndefined();
    expect(citeRule(view, 'handover')).toBe('《某市交通运输局执法记录管理规定》第五条');
  });
});

describe('the agency rule as a setting', () => {
  it('is picked by the admin through the api, ledgered, and read by every signed-in role', async () => {
    t = await createTestStation();
    const clerk = await t.addUser('clerk1', ['clerk']);
    expect(await clerk.invoke('rules.current', {})).toMatchObject({ chosen: false, title: '' });
    await expect(clerk.invoke('rules.set', { rule: { kind: 'shipped', id: '004' } })).rejects.toMatchObject({ code: 'auth.forbidden' });
    await expect(t.admin.invoke('rules.set', { rule: { kind: 'shipped', id: 'nope' } })).rejects.toMatchObject({ code: 'rules.unknown' });
    expect(await clerk.invoke('rules.current', {})).toMatchObject({ chosen: false });

    const set = await t.admin.invoke('rules.set', { rule: { kind: 'shipped', id: '004' } });
    expect(set).toMatchObject({ chosen: true, id: '004', issuer: '中阳县市场监督管理局' });
    expect(await clerk.invoke('rules.current', {})).toEqual(set);
    const changes = queryLedger(t.station.db, { action: 'setting.changed', limit: 100, order: 'asc' }).entries.filter((e) => e.subject === 'setting:rules.agencyRule');
    expect(changes).toEqual([expect.objectContaining({ actor: 'admin', details: { from: null, to: { kind: 'shipped', id: '004' } } })]);
    // The catalogue is public: the setup wizard lists it before anyone exists to sign in.
    const anonymous = t.server.connect();
    expect((await anonymous.invoke('rules.catalogue', {})).map((r) => r.id)).toEqual(['000', '001', '002', '003', '004']);
  });
});
