import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { rawPublicKey } from '../ledger/checkpoint.ts';
import { canonicalJson } from '../ledger/canonicalJson.ts';
import { CERTIFICATE_FORMAT, certificateHtml, certificateSignatureValid, signCertificate, type DestructionCertificate } from './certificate.ts';

const cert: DestructionCertificate = {
  format: CERTIFICATE_FORMAT,
  batchId: 'DB-000001',
  agency: { code: 'ZY01', name: '中阳县市场监督管理局' },
  station: 'evidence-station/ZY01/s1',
  timeZone: 'Asia/Shanghai',
  reason: '到期集中销毁',
  proposedBy: 'cus',
  proposedAt: '2028-01-07T02:00:00.000Z',
  approvedBy: 'head',
  approvedAt: '2028-01-07T03:00:00.000Z',
  approvalNote: '',
  executedBy: 'cus',
  executedAt: '2028-01-07T04:00:00.000Z',
  items: [
    {
      recordingId: 'RC-000003',
      originalName: '1234567_010203_20260105070000_0003.MP4',
      sha256: 'a'.repeat(64),
      size: 4096,
      kind: 'video',
      recordedAt: '2026-01-04T23:00:00.000Z',
      storedAt: '2026-01-05T02:00:00.000Z',
      officer: '010203',
      recorder: '1234567',
      retentionUntil: '2028-01-05T15:59:59.999Z',
      rule: { kind: 'default', ref: null },
      objectId: 'o1',
      objectShredded: true,
      sharedWith: [],
      ledgerSeq: 42,
    },
  ],
  ledger: { size: 43, root: 'b'.repeat(64) },
  citations: [{ file: '004_5e30f22f36db076d.txt', article: '第十九条', quote: '到期后按规定集中销毁' }],
};

describe('destruction certificate', () => {
  const { privateKey } = generateKeyPairSync('ed25519');
  const pub = rawPublicKey(privateKey);
  const keyName = 'evidence-station/ZY01/s1';
  const signed = signCertificate(cert, privateKey, keyName);
  const canonical = canonicalJson(cert);

  it('verifies with the station key, and fails for any change, another key or a re-serialised copy', () => {
    expect(certificateSignatureValid(canonical, signed.note, pub, keyName)).toBe(true);
    expect(certificateSignatureValid(canonical.replace('RC-000003', 'RC-000004'), signed.note, pub, keyName)).toBe(false);
    expect(certificateSignatureValid(JSON.stringify(cert, null, 2), signed.note, pub, keyName)).toBe(false);
    const other = rawPublicKey(generateKeyPairSync('ed25519').privateKey);
    expect(certificateSignatureValid(canonical, signed.note, other, keyName)).toBe(false);
  });

  it('prints bilingual, escaped, with the hash and the signed note', () => {
    const html = certificateHtml({ ...cert, reason: '<script>x</script>' }, { note: signed.note, sha256: signed.sha256, verifierKey: 'vkey' });
    expect(html).toContain('执法音像记录资料销毁证明');
    expect(html).toContain('Certificate of destruction');
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toContain('<script>x');
    expect(html).toContain(signed.sha256);
    expect(html).toContain('2026-01-05 07:00'); // recorded time in Beijing
  });

  it('issue 14: cites the agency rule by title and article and names people; an older certificate cites the shipped rule by title, never its file', () => {
    const agency = {
      ...cert,
      citations: [{ title: '中阳县市场监督管理局行政执法全过程记录实施办法', article: '第十九条', quote: '到期后按规定集中销毁，不得外泄', text: '《中阳县市场监督管理局行政执法全过程记录实施办法》第十九条' }],
      rule: { title: '中阳县市场监督管理局行政执法全过程记录实施办法', issuer: '中阳县市场监督管理局' },
      names: { proposedBy: '王芳（custodian1）', approvedBy: '赵局长（head1）', executedBy: '王芳（custodian1）' },
    };
    const html = certificateHtml(agency, { note: signed.note, sha256: signed.sha256, verifierKey: 'vkey' });
    for (const s of ['《中阳县市场监督管理局行政执法全过程记录实施办法》第十九条：到期后按规定集中销毁', '王芳（custodian1）', '赵局长（head1）']) expect(html).toContain(s);
    const legacy = certificateHtml(cert, { note: signed.note, sha256: signed.sha256, verifierKey: 'vkey' }, { '004_5e30f22f36db076d.txt': '中阳县市场监督管理局行政执法全过程记录实施办法' });
    expect(legacy).toContain('《中阳县市场监督管理局行政执法全过程记录实施办法》第十九条');
    for (const page of [html, legacy]) expect(page).not.toMatch(/[0-9]{3}_[0-9a-f]{16}\.txt/);
  });
});
