// The help panel of a screen (issue 14 item 18): what the screen is for, the points of the agency's
// rule it serves with their articles, and the glossary with every term in both languages.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { screenshot } from './harness.ts';
import { tx, type Lang } from './locale.ts';

/** A rule's file name (000_f52585dae22cddca.txt): never shown to a user. */
const RULE_FILE = /\d{3}_[0-9a-f]{16}\.txt/;

export async function checkHelp(page: Page, lang: Lang, screen: string, options: { ruleTitle?: string; shot?: boolean } = {}): Promise<void> {
  await page.getByTestId('help-open').click();
  const drawer = page.getByTestId('help-drawer');
  const help = drawer.locator(`[data-testid="help-screen"][data-screen="${screen}"]`);
  await help.waitFor();
  assert.equal((await help.getByTestId('help-screen-text').innerText()).trim(), tx(lang, `ui:help.screens.${screen}`));
  const purposes = help.locator('[data-testid^="help-purpose-"]');
  assert.ok((await purposes.count()) > 0, `${screen}: the help names the points of the rule it serves`);
  const text = await drawer.innerText();
  assert.doesNotMatch(text, RULE_FILE, `${screen}: no rule is cited by its file name`);
  if (options.ruleTitle) {
    const cited = help.getByTestId('help-citation');
    assert.ok((await cited.count()) > 0, `${screen}: the agency's rule is cited`);
    for (const c of await cited.allInnerTexts()) assert.ok(c.includes(options.ruleTitle), `${screen}: cites the agency's own rule: ${c}`);
  } else {
    await help.getByTestId('help-no-rule').waitFor();
  }
  if (options.shot) await screenshot(page, `${lang}-help-${screen}`);

  await drawer.getByTestId('help-tab-glossary').click();
  const glossary = drawer.getByTestId('help-glossary');
  await glossary.waitFor();
  assert.ok((await glossary.getByTestId('glossary-entry').count()) >= 30, 'the glossary lists the station\'s terms');
  const recording = await glossary.locator('[data-testid="glossary-entry"][data-id="recording"]').innerText();
  assert.ok(recording.includes(tx('zh-CN', 'ui:glossary.recording.term')) && recording.includes(tx('en', 'ui:glossary.recording.term')), `both languages: ${recording}`);
  const custodian = await glossary.locator('[data-testid="glossary-entry"][data-id="role-custodian"]').innerText();
  assert.ok(custodian.includes(tx('zh-CN', 'ui:roles.custodian')) && custodian.includes(tx('en', 'ui:roles.custodian')), `roles by the names the UI gives them: ${custodian}`);
  await glossary.getByTestId('glossary-search').fill(tx(lang, 'ui:glossary.shredding.term'));
  await glossary.locator('[data-testid="glossary-entry"][data-id="shredding"]').waitFor();
  assert.equal(await glossary.getByTestId('glossary-entry').count(), 1, 'the glossary search narrows to the term');
  await glossary.getByTestId('glossary-search').fill('');
  if (options.shot) await screenshot(page, `${lang}-glossary`);
  await page.keyboard.press('Escape');
  await drawer.waitFor({ state: 'hidden' });
}
