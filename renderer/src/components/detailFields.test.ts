import { describe, expect, it } from 'vitest';
import i18next from 'i18next';
import { resources } from '../i18n.ts';
import { detailRows, detailSummary } from './detailFields.ts';

async function instance(lng: 'zh-CN' | 'en') {
  const i = i18next.createInstance();
  await i.init({ resources, lng, fallbackLng: 'zh-CN', ns: ['ui', 'errors'], defaultNS: 'ui', interpolation: { escapeValue: false } });
  return i;
}

// Part of a real recording.ingested entry (electron/core/ingest/service.ts).
const INGESTED = {
  sessionId: 3,
  outcome: 'ingested',
  sha256: 'a'.repeat(64),
  size: 183_412,
  recordedAtSource: 'name',
  timeInFuture: false,
  times: { name: '2026-03-02T00:20:00.000Z', metadata: null },
  nameRulesMatched: ['gat947', 'vendor'],
  clockDrift: { seconds: -432003, source: 'estimate:newest_file' },
};

describe('detailRows', () => {
  it('names every field in Chinese and formats the values, never JSON', async () => {
    const i = await instance('zh-CN');
    const rows = detailRows(i.t, i, INGESTED);
    const flat = JSON.stringify(rows);
    expect(rows.map((r) => r.label)).toEqual(['入库批次', '结果', 'SHA-256', '大小', '记录时间来源', '时间晚于当前', '三种时间', '匹配的命名规则', '记录仪时钟偏差']);
    const byKey = Object.fromEntries(rows.map((r) => [r.key, r]));
    expect(byKey.outcome!.value).toBe('已入库');
    expect(byKey.size!.value).toBe('183 kB');
    expect(byKey.timeInFuture!.value).toBe('否');
    expect(byKey.sha256!.mono).toBe(true);
    expect(byKey.nameRulesMatched!.value).toBe('gat947、vendor');
    expect(byKey.times!.children.map((c) => [c.label, c.value])).toEqual([
      ['名称', expect.stringMatching(/^2026-03-02 \d\d:20:00$/)],
      ['媒体元数据时间', '—'],
    ]);
    expect(byKey.clockDrift!.children.map((c) => c.label)).toEqual(['秒数', '来源']);
    expect(flat).not.toContain('"{');
    expect(detailSummary(rows)).toBe('入库批次: 3 · 结果: 已入库 · SHA-256: ' + 'a'.repeat(64) + ' · 大小: 183 kB');
    // A summary leaves out what says nothing happened (false, none).
    expect(detailSummary(detailRows(i.t, i, { changedDuringRead: false, duplicateOf: null, kind: 'video', nameRule: 'gat947' }))).toBe('类型: 视频 · 文件命名规则: gat947');
  });

  it('reads in English too', async () => {
    const i = await instance('en');
    const rows = detailRows(i.t, i, { outcome: 'duplicate', important: true, roles: ['clerk', 'approver'] });
    expect(rows.map((r) => [r.label, r.value])).toEqual([
      ['Outcome', 'Duplicate'],
      ['Important', 'Yes'],
      ['Roles', `${i.t('ui:roles.clerk')}, ${i.t('ui:roles.approver')}`],
    ]);
  });
});
