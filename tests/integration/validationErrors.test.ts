// Bad input is refused with a message that names the field and what it accepts, in the reader's
// language (issue #14 item 9), through the real api server and the CLI's own i18n.
import { afterEach, describe, expect, it } from 'vitest';
import { createTestStation, type TestStation } from '../support/testStation.ts';
import { createCliI18n, loadErrors, type Lang } from '../../electron/cli/i18n.ts';
import type { SerializedError } from '../../electron/core/errors.ts';
import { handlers } from '../../electron/api/index.ts';
import { schemaFieldKeys } from '../../electron/api/validation.ts';

let t: TestStation | undefined;
afterEach(() => {
  t?.cleanup();
  t = undefined;
});

async function refusal(call: Promise<{ ok: boolean; error?: SerializedError }>): Promise<SerializedError> {
  const result = await call;
  expect(result.ok).toBe(false);
  return result.error!;
}

async function say(lang: Lang, error: SerializedError): Promise<string> {
  const i18n = await createCliI18n(lang);
  return i18n.t(`errors:${error.code}`, { ...error.params });
}

describe('validation errors', () => {
  it.each(['zh-CN', 'en'] as const)('every field of every command has a name in %s', (lang) => {
    const fields = (loadErrors(lang).fields ?? {}) as Record<string, string>;
    const missing: string[] = [];
    for (const [channel, handler] of Object.entries(handlers)) {
      for (const key of schemaFieldKeys(handler.input)) if (!fields[key]) missing.push(`${channel}: ${key}`);
    }
    expect(missing).toEqual([]);
  });

  it('names the field and the allowed values instead of a path and a zod code', async () => {
    t = await createTestStation();
    const error = await refusal(t.admin.call('user.add', { username: 'li', displayName: '李明', roles: ['boss'], password: 'first-password-1' }));
    expect(error).toMatchObject({ code: 'api.invalid_input', kind: 'input', params: { field: 'roles', path: 'roles.0', problem: 'one_of', item: 1 } });
    const zh = await say('zh-CN', error);
    const en = await say('en', error);
    expect(zh).toContain('“角色”只能是以下之一：');
    expect(en).toContain('“roles” must be one of:');
    for (const text of [zh, en]) {
      for (const role of ['admin', 'custodian', 'approver', 'clerk', 'auditor']) expect(text).toContain(role);
      expect(text).not.toMatch(/invalid_value|roles\.0|\$t\(/);
    }
    expect(t.station.db.prepare("SELECT count(*) AS n FROM users WHERE username = 'li'").get()).toEqual({ n: 0 });
  });

  it('says what is missing, how long, which format and which of several kinds', async () => {
    t = await createTestStation();
    const missing = await refusal(t.admin.call('user.add', { username: 'li', roles: ['clerk'], password: 'first-password-1' }));
    expect(await say('zh-CN', missing)).toBe('输入有误：“姓名”必须填写。');
    expect(await say('en', missing)).toBe('Invalid input: “name” is required.');

    const short = await refusal(t.admin.call('calendar.edit', { kind: 'remove_year', year: 2030, reason: ' ' }));
    expect(short.params).toMatchObject({ field: 'reason', problem: 'too_short', minimum: 2 });
    expect(await say('zh-CN', short)).toBe('输入有误：“理由”至少需要 2 个字。');

    const month = await refusal(t.admin.call('report.monthly', { month: '2026-13' }));
    expect(await say('en', month)).toBe('Invalid input: “month” must be a year and month, e.g. 2026-12.');

    const target = await refusal(t.admin.call('burn.plan', { requestId: 'RQ-1', target: { kind: 'floppy', path: '/x' } }));
    expect(target.params).toMatchObject({ field: 'target_kind', problem: 'one_of' });
    expect(await say('zh-CN', target)).toMatch(/^输入有误：“目标类型”只能是以下之一：.*iso/);
  });
});
