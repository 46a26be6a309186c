// Issue 15 item 4: naming rules "per model, editable by admins, each with examples that are tested".
// An admin replaces the set through recorder.namingRules.set; a set with one example that does not
// read as it says is refused whole with an error naming that example, and nothing is written.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { createTestStation, type TestStation } from '../../../tests/support/testStation.ts';
import { queryLedger } from '../ledger/query.ts';
import { matchRecorderName } from '../media/namingRules.ts';

let t: TestStation | null = null;
afterEach(() => {
  t?.cleanup();
  t = null;
});

const PATROL = {
  id: 'patrol-x',
  models: ['acme-x1'],
  layout: 'PX{serial}-{officer}-{time14}',
  verified: false,
  source: 'test',
  examples: [
    { name: 'PXAB12-9911-20260301080000.mp4', expect: { deviceSerial: 'AB12', officerId: '9911', recordedAtRaw: '20260301080000' } },
    { name: 'PX-9911-20260301080000.mp4', expect: null },
  ],
};

type View = { origin: string; sha256: string; document: { rules: unknown[] }; rules: { id: string }[] };

describe('naming rules edited by admins', () => {
  it('an admin adds a model rule: checked, stored in the data folder, used, ledgered with the hash and reason', async () => {
    t = await createTestStation();
    const shipped = (await t.admin.invoke('recorder.namingRules.get', {})) as View;
    expect(shipped.origin).toBe('shipped');
    const document = { ...shipped.document, rules: [...shipped.document.rules, PATROL] };
    const saved = (await t.admin.invoke('recorder.namingRules.set', { document, reason: '新增某型号记录仪命名格式' })) as View;
    expect(saved.origin).toBe('station');
    expect(saved.rules.map((r) => r.id)).toContain('patrol-x');
    const file = join(t.dir, 'recorders', 'naming-rules.json');
    expect(createHash('sha256').update(readFileSync(file)).digest('hex')).toBe(saved.sha256);
    expect(matchRecorderName('PXAB12-9911-20260301080000.mp4', t.station.ingest.namingRules.rules(), 'acme-x1').name).toMatchObject({ rule: 'patrol-x', deviceSerial: 'AB12' });
    const [entry] = queryLedger(t.station.db, { action: 'recorder.naming_rules_saved', limit: 10, order: 'asc' }).entries;
    expect(entry).toMatchObject({ actor: 'admin', details: { sha256: saved.sha256, reason: '新增某型号记录仪命名格式', previous: { origin: 'shipped', sha256: shipped.sha256 } } });
    // Replacing the station's own file again: the previous one is named by its hash; no temp files stay.
    const again = (await t.admin.invoke('recorder.namingRules.set', { document: { ...document, rules: document.rules.slice(1) }, reason: '删除旧格式' })) as View;
    const second = queryLedger(t.station.db, { action: 'recorder.naming_rules_saved', limit: 10, order: 'asc' }).entries[1];
    expect(second).toMatchObject({ details: { sha256: again.sha256, previous: { origin: 'station', sha256: saved.sha256 } } });
    expect(readdirSync(join(t.dir, 'recorders'))).toEqual(['naming-rules.json']);
  });

  it('one failing example refuses the whole set with an error naming it; nothing is written or ledgered', async () => {
    t = await createTestStation();
    const shipped = (await t.admin.invoke('recorder.namingRules.get', {})) as View;
    const wrong = { ...PATROL, examples: [{ name: 'PXAB12-9911-20260301080000.mp4', expect: { deviceSerial: 'AB13' } }] };
    const before = t.station.ledger.size;
    await expect(t.admin.invoke('recorder.namingRules.set', { document: { ...shipped.document, rules: [...shipped.document.rules, wrong] }, reason: 'test' })).rejects.toMatchObject({
      code: 'recorder.naming_rule_example_field',
      params: { rule: 'patrol-x', name: 'PXAB12-9911-20260301080000.mp4', field: 'deviceSerial', got: '"AB12"', want: '"AB13"' },
    });
    const mustNot = { ...PATROL, examples: [{ name: 'PXAB12-9911-20260301080000.mp4', expect: null }] };
    await expect(t.admin.invoke('recorder.namingRules.set', { document: { ...shipped.document, rules: [mustNot] }, reason: 'test' })).rejects.toMatchObject({
      code: 'recorder.naming_rule_example_must_not_match',
    });
    await expect(t.admin.invoke('recorder.namingRules.set', { document: { ...shipped.document, rules: [{ ...PATROL, layout: '{nonsense}' }] }, reason: 'test' })).rejects.toMatchObject({
      code: 'media.naming_rules_invalid',
    });
    expect(existsSync(join(t.dir, 'recorders', 'naming-rules.json'))).toBe(false);
    expect(t.station.ledger.size).toBe(before);
    expect(((await t.admin.invoke('recorder.namingRules.get', {})) as View).sha256).toBe(shipped.sha256);
  });

  it('only an admin may set the rules, and only with a reason', async () => {
    t = await createTestStation();
    const keeper = await t.addUser('keeper', ['custodian']);
    const { document } = (await keeper.invoke('recorder.namingRules.get', {})) as View;
    await expect(keeper.invoke('recorder.namingRules.set', { document, reason: 'mine' })).rejects.toMatchObject({ code: 'auth.forbidden' });
    await expect(t.admin.invoke('recorder.namingRules.set', { document, reason: '' })).rejects.toMatchObject({ kind: 'input' });
    expect(existsSync(join(t.dir, 'recorders', 'naming-rules.json'))).toBe(false);
  });

  it('a rules file edited by hand to break an example is refused when read, as before', async () => {
    t = await createTestStation();
    const { document } = (await t.admin.invoke('recorder.namingRules.get', {})) as View;
    await t.admin.invoke('recorder.namingRules.set', { document: { ...document, rules: [...document.rules, PATROL] }, reason: '新增' });
    const file = join(t.dir, 'recorders', 'naming-rules.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"AB12"', '"ZZ12"'));
    expect(() => t!.station.ingest.namingRules.rules()).toThrow(expect.objectContaining({ code: 'media.naming_rules_invalid' }));
    rmSync(file);
    expect(t.station.ingest.namingRules.rules().some((r) => r.id === 'patrol-x')).toBe(false);
  });
});
