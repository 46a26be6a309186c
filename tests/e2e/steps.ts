// What the e2e scenarios share: the people, the context object and the small steps every
// scenario uses (language switching, translated button names, assertions on visible text).
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { ApiClient, ApiServer } from '../../electron/api/server.ts';
import type { Role } from '../../electron/api/index.ts';
import type { DockHandle } from '../../electron/api/runtime/dock.ts';
import { CJK, visibleText, type StationPage, type fakeDevices } from './harness.ts';
import { tx, type Lang } from './locale.ts';

export const AGENCY = { code: 'SZ-GA-0301', name: '示例市公安局交通警察支队' };
export const PASSPHRASE = 'Evidence-Room-West-2024!';
export const ADMIN = { username: 'admin', displayName: '陈静', password: 'admin-password-1' };
export const CLERK = { username: 'clerk1', displayName: '王磊', password: 'clerk-password-1' };
export const APPROVER = { username: 'approver1', displayName: '刘洋', password: 'approver-password-1' };
export const CUSTODIAN = { username: 'custodian1', displayName: '赵敏', password: 'custodian-password-1' };
export const AUDITOR = { username: 'auditor1', displayName: '孙丽', password: 'auditor-password-1' };
// User data is shown as entered, whatever the UI language; only labels must change. Scenarios add
// what they type (names, purposes, explanations) as they go.
export const USER_DATA: string[] = [AGENCY.name, ADMIN.displayName, CLERK.displayName, APPROVER.displayName];
// The register and the papers name people as on a Chinese paper, 王磊（clerk1）, in any window language.
USER_DATA.push(...[ADMIN, CLERK, APPROVER, CUSTODIAN, AUDITOR].map((u) => `${u.displayName}（${u.username}）`));

export type Ctx = {
  browser: Browser;
  url: string;
  dataDir: string;
  server: ApiServer;
  /** The page the scenarios share from login on: one window, one session, like the app. */
  main: StationPage | null;
  clerkSeq: number;
  /** Opens the station in dataDir again (a restart), with the e2e playback URLs. */
  reopen: () => ApiServer;
  /** Fixture volumes, generated clips and export targets; removed at the end. */
  scratch: string;
  /** The real dock service on fake device ports (harness.fakeDevices), once started. */
  dock: { handle: DockHandle; devices: FakeDevices } | null;
  /** Windows later scenarios reuse, each with its own browser context and session. */
  pages: { custodian?: StationPage; clerk?: StationPage; approver?: StationPage };
  /** The playable clip ingested for the access scenario. */
  clip: { id: string; name: string } | null;
};

export type FakeDevices = ReturnType<typeof fakeDevices>;

export type Scenario = { name: string; run: (ctx: Ctx) => Promise<void> };

export function labelsOnly(text: string): string {
  // Longest first, whatever order the scenarios added them in: a purpose that contains a shorter
  // entry (a case number, a name) must be taken out whole before the shorter one breaks it up.
  return [...USER_DATA].sort((a, b) => b.length - a.length).reduce((t, d) => t.split(d).join(''), text);
}

export async function assertNoChinese(page: Page, where: string): Promise<void> {
  const text = labelsOnly(await visibleText(page));
  const hits = [...text.matchAll(new RegExp(CJK.source, 'gu'))].map((m) => text.slice(Math.max(0, m.index - 20), m.index + 20).replace(/\s+/g, ' '));
  assert.deepEqual(hits, [], `Chinese text left on the ${where} screen in English mode`);
}

export async function assertNoRawKeys(page: Page, where: string): Promise<void> {
  const text = await visibleText(page);
  assert.doesNotMatch(text, /\b(ui|errors):[a-z]/, `untranslated i18n key on the ${where} screen`);
}

export function assertClean(sp: StationPage, where: string): void {
  assert.deepEqual(sp.problems, [], `console errors or page errors on ${where}`);
}

export async function pickSelectOption(page: Page, trigger: string, optionText: string): Promise<void> {
  await page.getByTestId(trigger).click();
  await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', { hasText: optionText }).first().click();
}

export async function switchLanguage(page: Page, lang: Lang): Promise<void> {
  await pickSelectOption(page, 'language-switch', tx(lang, `ui:language.${lang}`));
  await page.locator(`html[lang="${lang}"]`).waitFor({ state: 'attached' });
  await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)').waitFor({ state: 'hidden' });
}

/** A button by its translated label; antd spaces out two-character Chinese labels ("取 消"). */
export function buttonName(lang: Lang, key: string): RegExp {
  const text = tx(lang, key);
  return new RegExp(`^\\s*${[...text].map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\s*')}\\s*$`);
}

export function dialog(page: Page, testId: string) {
  return page.locator('.ant-modal').filter({ has: page.getByTestId(testId) });
}

/** The password an administrator gives a new account; its user replaces it at first login (issue 10, defect 11). */
export function firstPassword(password: string): string {
  return `${password}-from-admin`;
}

/** The user's first login over the api: they replace the admin's password with their own (`u.password`). */
export async function setOwnPassword(server: ApiServer, u: { username: string; password: string }): Promise<void> {
  const client = server.connect();
  await client.invoke('auth.login', { username: u.username, password: firstPassword(u.password) });
  await client.invoke('auth.changePassword', { oldPassword: firstPassword(u.password), newPassword: u.password });
  await client.invoke('auth.logout', {});
}

/** An account added by the admin and already past its first login, for scenarios about something else. */
export async function addReadyUser(server: ApiServer, admin: ApiClient, u: { username: string; displayName: string; password: string }, roles: Role[]): Promise<void> {
  await admin.invoke('user.add', { ...u, password: firstPassword(u.password), roles });
  await setOwnPassword(server, u);
}
