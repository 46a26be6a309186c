import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { collectionPlace, escapeHtml, labelQrText, localTime, renderLabel, renderNote, renderTemplate } from './printables.ts';

const resources = fileURLToPath(new URL('../../../resources/', import.meta.url));

describe('printables', () => {
  it('escapes what users typed; only the station-built fragments go in raw', () => {
    expect(escapeHtml(`<img src=x onerror="a">&'`)).toBe('&lt;img src=x onerror=&quot;a&quot;&gt;&amp;&#39;');
    expect(renderTemplate('{{a}}|{{{b}}}|{{missing}}', { a: '<b>', b: '<i>x</i>' })).toBe('&lt;b&gt;|<i>x</i>|—');
  });

  it('local times in the agency time zone', () => {
    expect(localTime('2025-03-01T02:03:04Z', 'Asia/Shanghai')).toBe('2025-03-01 10:03:04');
    expect(localTime(null, 'Asia/Shanghai')).toBe('—');
  });

  it('the written note of 002 第二十三条: who recorded, when, where, case, approver, operator', () => {
    const html = renderNote(resources, {
      agencyName: '测试执法局',
      agencyCode: 'TEST01',
      caseNumber: 'AJ-2025-017',
      requestId: 'RQ-000001',
      purpose: '附卷 <script>',
      requester: 'clerk1',
      approvers: [{ name: 'head1', at: '2025-03-02T01:00:00Z' }],
      operator: '张三（clerk1）',
      createdAt: '2025-03-03T08:00:00Z',
      timeZone: 'Asia/Shanghai',
      place: null,
      remarks: null,
      disc: 1,
      discs: 2,
      volumeId: 'TEST01_AJ_2025_017_1OF2',
      setId: 'set-1',
      recordings: [
        { name: '0001_a.MP4', originalName: 'a.MP4', officerBadge: '000123', officerName: '李四', recordedAt: '2025-03-01T02:03:04Z', recordedEndAt: '2025-03-01T02:13:04Z', recorder: '1234567', size: 10, sha256: 'ab'.repeat(32), linkNote: null },
      ],
      citation: '《中阳县市场监督管理局行政执法全过程记录实施办法》第十八条',
      label: '中阳市监罚2026-118',
    });
    expect(html).toContain('依据《中阳县市场监督管理局行政执法全过程记录实施办法》第十八条');
    expect(html).toContain('中阳市监罚2026-118 · 第 1 张');
    expect(html).toContain('李四（000123）');
    expect(html).toContain('2025-03-01 10:03:04 — 2025-03-01 10:13:04');
    expect(html).toContain('AJ-2025-017');
    expect(html).toContain('head1（2025-03-02 09:00:00）');
    expect(html).toContain('张三（clerk1）');
    expect(html).toContain('第 1 张，共 2 张');
    // No place known: a line to write it by hand, not an invented one.
    expect(html).toMatch(/取证地点[\s\S]*?<span class="blank"><\/span>/);
    expect(html).toContain('附卷 &lt;script&gt;');
    expect(html).not.toContain('<script');
  });

  it('item 3: the place is where the evidence was taken: typed for this burn, else the notes written when it was linked to the case', () => {
    expect(collectionPlace('  ', [{ linkNote: '取证地点：某某商贸门店前人行道' }, { linkNote: '取证地点：某某商贸门店前人行道' }, { linkNote: null }])).toBe('取证地点：某某商贸门店前人行道');
    expect(collectionPlace('中阳县城关镇', [{ linkNote: '取证地点：门店' }])).toBe('中阳县城关镇');
    expect(collectionPlace(null, [{ linkNote: 'A' }, { linkNote: 'B' }])).toBe('A；B');
    expect(collectionPlace(null, [{ linkNote: null }])).toBeNull();
  });

  it('label and cover sheet carry case, disc n of m, date, operator and the QR code of the manifest hash', () => {
    const sha = 'cd'.repeat(32);
    const html = renderLabel(resources, {
      agencyName: '测试执法局',
      agencyCode: 'TEST01',
      caseNumber: 'AJ-2025-017',
      requestId: 'RQ-000001',
      purpose: 'p',
      approvers: ['head1'],
      operator: 'clerk1',
      createdAt: '2025-03-03T08:00:00Z',
      timeZone: 'Asia/Shanghai',
      disc: 2,
      discs: 3,
      copy: 1,
      copies: 2,
      volumeId: 'V_2OF3',
      mediaId: 'V_2OF3/2025030308000000',
      manifestSha256: sha,
      verifierKey: 'k',
      verification: 'ok',
      files: [{ path: 'FILES/0001_a.MP4', size: 1, sha256: 'ef'.repeat(32) }],
      label: '中阳市监罚2026-118',
      citation: null,
    });
    // The label as typed, twice (disc face and cover); no basis line when the agency's rule has no such article.
    expect(html.split('中阳市监罚2026-118')).toHaveLength(3);
    expect(html).not.toContain('依据');
    expect(labelQrText(sha)).toBe(`sha256:${sha}`);
    expect(html.match(/<svg /g)).toHaveLength(2);
    for (const s of ['AJ-2025-017', '第 2 / 3 张', 'Disc 2 of 3', '2025-03-03', 'clerk1', sha, 'V_2OF3/2025030308000000', 'FILES/0001_a.MP4']) expect(html).toContain(s);
  });
  it('defect 16: {{key}} typed into user data (a file name, the place) is printed as typed, never substituted', () => {
    const html = renderNote(resources, {
      agencyName: '测试执法局',
      agencyCode: 'TEST01',
      caseNumber: '{{agencyName}}',
      requestId: 'RQ-000001',
      purpose: '{{{rows}}} {{volumeId}}',
      requester: 'clerk1',
      approvers: [{ name: 'head1', at: '2025-03-02T01:00:00Z' }],
      operator: 'clerk1',
      createdAt: '2025-03-03T08:00:00Z',
      timeZone: 'Asia/Shanghai',
      place: '{{setId}}路口',
      remarks: '{{requester}}',
      disc: 1,
      discs: 1,
      volumeId: 'TEST01_RQ_000001',
      setId: 'set-secret-1',
      citation: null,
      label: null,
      recordings: [
        { name: '0001_{{agencyCode}}.MP4', originalName: '{{operator}}{{{place}}}.MP4', officerBadge: null, officerName: null, recordedAt: null, recordedEndAt: null, recorder: '{{requestId}}', size: 10, sha256: 'ab'.repeat(32), linkNote: '{{label}}' },
      ],
    });
    for (const typed of ['{{label}}', '0001_{{agencyCode}}.MP4', '{{operator}}{{{place}}}.MP4', '{{requestId}}', '{{setId}}路口', '{{agencyName}}', '{{{rows}}} {{volumeId}}', '{{requester}}']) expect(html).toContain(typed);
    expect(html).not.toContain('0001_TEST01.MP4');
    expect(html).not.toContain('set-secret-1路口');
    // The station's own fields are still filled in.
    expect(html).toContain('测试执法局（TEST01）');
    expect(renderTemplate('{{{b}}}{{a}}', { a: '{{b}}', b: '{{a}}' })).toBe('{{a}}{{b}}');
  });
});
