// The UI shows a refused input the way the api envelope carries it (issue #14 item 9): the field's
// name and what it accepts, in the chosen language — not a path and a zod code.
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { StationUiError } from './api.ts';
import { errorText, resources } from './i18n.ts';

// The envelope electron/api/validation.ts sends for roles: ['boss'] (its own test checks that).
const refused = new StationUiError({
  code: 'api.invalid_input',
  kind: 'input',
  params: { channel: 'user.add', field: 'roles', path: 'roles.0', problem: 'one_of', item: 1, allowed: 'admin, custodian, approver, clerk, auditor' },
});

describe('validation errors in the UI', () => {
  it.each([
    ['zh-CN', '输入有误：“角色”只能是以下之一：admin, custodian, approver, clerk, auditor。'],
    ['en', 'Invalid input: “roles” must be one of: admin, custodian, approver, clerk, auditor.'],
  ] as const)('%s', async (lng, expected) => {
    const i18n = i18next.createInstance();
    await i18n.init({ resources, lng, fallbackLng: 'zh-CN', ns: ['ui', 'errors'], defaultNS: 'ui', interpolation: { escapeValue: false } });
    expect(errorText(i18n.t, refused)).toBe(expected);
  });

  it('falls back to the path for a field this build has no name for', async () => {
    const i18n = i18next.createInstance();
    await i18n.init({ resources, lng: 'en', ns: ['ui', 'errors'], defaultNS: 'ui', interpolation: { escapeValue: false } });
    const unknown = new StationUiError({ code: 'api.invalid_input', kind: 'input', params: { field: 'brandNew', path: 'brandNew', problem: 'required' } });
    expect(errorText(i18n.t, unknown)).toBe('Invalid input: “brandNew” is required.');
  });
});
