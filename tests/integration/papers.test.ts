// Issue 14, papers: what goes outside the agency (the written note, the disc label and cover, README and
// MANIFEST on the disc, the destruction certificate, the monthly report, the case summary, the 审批表, the
// register) and what the CLI prints, in both languages, carries the 案号, people's real names, the typed
// label and the agency's own rule by title and article — never a rule's file name (000_….txt), a login
// alone, an internal case id in place of the 案号, or an untranslated enum value.
// The station is prepared in-process in June 2023 (ManualClock); from there on only the real `station`
// CLI touches it, on the real clock, so the 2023 recordings are past their period and can be destroyed.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../electron/core/clock.ts';
import { createTestStation, firstPassword, PASSPHRASE, ADMIN_PASSWORD, type TestStation } from '../support/testStation.ts';
import { ingestFixtures } from '../support/caseFixtures.ts';
import { hasCommand, station } from '../support/cli.ts';
import { extract } from './burnSupport.ts';

const CASE_NUMBER = '中阳市监罚〔2023〕118号';
const LABEL = '中阳市监罚2023-118';
const PLACE_NOTE = '取证人员：张伟（010203）；取证时间：2023年6月1日上午；取证地点：城关镇某某超市门口';
const RULE_TITLE = '中阳县市场监督管理局行政执法全过程记录实施办法';
const PEOPLE = { cus: '王芳', li: '李明', liu: '刘建国' } as const;

/** A rule's file name, as the rules folder names them: never on a paper or a CLI line. */
const RULE_FILE = /[0-9]{3}_[0-9a-f]{16}\.txt/;
/** Enum values with no meaning to a reader: never printed in either language. */
const SNAKE_ENUMS = /\b(case_open|case_not_archived|spot_check|waiting_medium|state_secret|trade_secret|not_blank|too_small|checking_md5|reading_back|sameAsCaseFile|caseEvidenceRetention|viewCopyApproval)\b/;
/** An i18n key printed instead of its text. */
const RAW_KEY = /\b(retention|burn|papers|rules|register|destroy|request|report|case|cli|help|batch_state)\.[a-z_]+\b/;
/** Enum values that a Chinese line must show translated. */
const LOWER_ENUMS = /(?<![A-Za-z0-9_./-])(view|copy|burn|extend|requested|approved|denied|fulfilled|expired|withdrawn|penalty|permit|coercion|inspection|expropriation|default|category|extension|hold|running|completed|failed|interrupted|cancelled|proposed|executed|archived)(?![A-Za-z0-9_-])/;

let t: TestStation;
let ids: string[];
let caseId: string;
let burnRequest: string;
let copyRequest: string;
const work = () => join(t.dir, 'papers');
const as = (user: string) => ({ STATION_DATA: t.dir, STATION_USER: user, STATION_PASSWORD: user === 'admin' ? ADMIN_PASSWORD : `${user}-password-1`, STATION_PASSPHRASE: PASSPHRASE });

/** Every CLI run and file, with the language it was written in, for the checks at the end. */
const outputs: { what: string; lang: 'zh-CN' | 'en' | 'both'; text: string; html: boolean }[] = [];
function cli(user: string, args: string[], lang: 'zh-CN' | 'en' = 'zh-CN'): string {
  const r = station([...args, '--lang', lang], as(user));
  expect(r.code, `${args.join(' ')}: ${r.stdout}\n${r.stderr}`).toBe(0);
  outputs.push({ what: `station ${args.join(' ')} (${lang})`, lang, text: `${r.stdout}\n${r.stderr}`, html: false });
  return `${r.stdout}\n${r.stderr}`;
}
function paper(what: string, path: string): string {
  const text = readFileSync(path, 'utf8');
  outputs.push({ what, lang: 'both', text, html: path.endsWith('.html') });
  return text;
}

beforeAll(async () => {
  t = await createTestStation({ clock: new ManualClock('2023-06-01T02:00:00Z') });
  mkdirSync(work());
  // People with real names; each sets their own password, as at the station.
  const add = async (username: keyof typeof PEOPLE, roles: ('custodian' | 'clerk' | 'approver')[]) => {
    const password = `${username}-password-1`;
    await t.admin.invoke('user.add', { username, displayName: PEOPLE[username], roles, password: firstPassword(password) });
    const c = await t.login(username, firstPassword(password));
    await c.invoke('auth.changePassword', { oldPassword: firstPassword(password), newPassword: password });
    return c;
  };
  const cus = await add('cus', ['custodian']);
  const li = await add('li', ['clerk']);
  await add('liu', ['approver']);
  await t.admin.invoke('rules.set', { rule: { kind: 'shipped', id: '004' } });
  await cus.invoke('officer.add', { badge: '010203', name: '张伟' });
  ids = await ingestFixtures(cus, [{ local: '2023-06-01T08:00:00' }, { local: '2023-06-01T08:30:00' }, { local: '2023-06-01T09:00:00' }]);
  const c = await li.invoke('case.create', { caseNumber: CASE_NUMBER, title: '销售过期食品', enforcementType: 'penalty', party: { kind: 'organisation', name: '某某超市' }, officers: [{ badge: '010203', role: 'lead' }] });
  caseId = c.id;
  await li.invoke('case.link', { id: caseId, recordingIds: [ids[0]!], note: PLACE_NOTE });
  // Requests are asked and decided now, so their approvals are still valid when the CLI burns and copies.
  t.clock.advance(Date.now() - t.clock.now().getTime() - 3_600_000);
  const liNow = await t.login('li', 'li-password-1');
  const liuNow = await t.login('liu', 'liu-password-1');
  burnRequest = (await liNow.invoke('case.request', { id: caseId, kind: 'burn', purpose: '刻录光盘附卷' })).id;
  await liuNow.invoke('request.approve', { id: burnRequest, password: 'liu-password-1', note: '同意' });
  copyRequest = (await liNow.invoke('request.create', { kind: 'copy', recordingIds: [ids[1]!], purpose: '当事人申请复制', caseId })).id;
  await liuNow.invoke('request.approve', { id: copyRequest, password: 'liu-password-1', note: '同意复制' });
  t.station.close();
}, 120_000);

afterAll(() => t?.cleanup());

describe.skipIf(!hasCommand('xorriso'))('papers and CLI lines (issue 14)', () => {
  it('a burn: the note, label, cover, README and MANIFEST carry the 案号, names, the place from the link note and the typed label; the CLI says first that the volume id cannot hold it', () => {
    const iso = join(work(), 'disc.iso');
    const burned = cli('li', ['burn', burnRequest, '--target', `iso:${iso}`, '--media', 'cd', '--label', LABEL]);
    expect(burned).toContain(`您输入的标签“${LABEL}”将原样印在`);
    const job = /BJ-[0-9]{6}/.exec(burned)![0];
    cli('li', ['burn', 'note', job, '--disc', '1', '--out', join(work(), 'note.html')], 'en');
    cli('li', ['burn', 'label', job, '--disc', '1', '--out', join(work(), 'label.html')]);
    const note = paper('NOTE.html (printed)', join(work(), 'note.html'));
    const label = paper('label and cover', join(work(), 'label.html'));
    const disc = join(work(), 'disc');
    extract(iso, disc);
    const readme = paper('README.txt on the disc', join(disc, 'README.txt'));
    const manifest = paper('MANIFEST.json on the disc', join(disc, 'MANIFEST.json'));
    expect(paper('NOTE.html on the disc', join(disc, 'NOTE.html'))).toBe(note);
    for (const [name, text] of [['note', note], ['label', label], ['README', readme], ['MANIFEST', manifest]] as const) {
      expect(text, name).toContain(CASE_NUMBER);
      expect(text, name).toContain(LABEL);
      expect(text, name).toContain('李明（li）');
      // The manifest keeps the station's case id beside the 案号, in its own field, for finding the case again.
      if (name !== 'MANIFEST') expect(text, name).not.toContain(caseId);
    }
    expect(JSON.parse(manifest)).toMatchObject({ request: { caseNumber: CASE_NUMBER, caseId, requesterName: '李明（li）', approverNames: ['刘建国（liu）'], label: LABEL } });
    for (const text of [note, label, readme]) expect(text).toContain('刘建国（liu）');
    expect(note).toContain(PLACE_NOTE);
    expect(note).toContain('张伟（010203）');
    // 004_5e30f22f36db076d.txt has no article on the written note; the note cites its 第十八条 (disc attached to the case file).
    expect(note).toContain(`依据《${RULE_TITLE}》第十八条`);
    expect(label).toContain(`依据《${RULE_TITLE}》第十八条`);
    expect(readme).toContain('申请事项：刻录光盘');
    expect(readme).not.toMatch(/用途类别：(copy|burn)/);
  }, 240_000);

  it('the certificate and the monthly report cite the agency rule by title and article; people by name', () => {
    cli('cus', ['retention', 'show', ids.join(',')]);
    cli('cus', ['retention', 'show', ids.join(',')], 'en');
    const proposed = cli('cus', ['destroy', 'propose', '--all-due', '--reason', '到期集中销毁']);
    const batch = /DB-[0-9]{6}/.exec(proposed)?.[0] ?? /[A-Z]+-[0-9]{6}/.exec(proposed)![0];
    cli('liu', ['destroy', 'approve', batch, '--note', '同意销毁']);
    cli('cus', ['destroy', 'show', batch], 'en');
    cli('cus', ['destroy', 'execute', batch, '--certificate', join(work(), 'certificate.html')]);
    const certificate = paper('destruction certificate', join(work(), 'certificate.html'));
    expect(certificate).toContain(`《${RULE_TITLE}》第十九条`);
    expect(certificate).toContain('王芳（cus）');
    expect(certificate).toContain('刘建国（liu）');
    cli('admin', ['report', 'monthly', '--month', '2023-06', '--html', join(work(), 'report.html')]);
    cli('admin', ['report', 'monthly', '--month', '2023-06'], 'en');
    const report = paper('monthly report', join(work(), 'report.html'));
    expect(report).toContain(`依据《${RULE_TITLE}》`);
  }, 240_000);

  it('the 审批表 and the register print carry the 案号 and names; the case summary too', () => {
    cli('li', ['request', 'form', copyRequest, '--out', join(work(), 'form.html')]);
    const form = paper('审批表', join(work(), 'form.html'));
    for (const s of [CASE_NUMBER, '李明（li）', '刘建国（liu）', '张伟（010203）', '当事人申请复制', '复制审批表', `《${RULE_TITLE}》第二十条`]) expect(form).toContain(s);
    const register = cli('cus', ['register', '--print', join(work(), 'register.html')]);
    expect(register).toContain(CASE_NUMBER);
    expect(register).toContain('李明（li）');
    cli('cus', ['register'], 'en');
    const printed = paper('register print', join(work(), 'register.html'));
    for (const s of [CASE_NUMBER, '李明（li）', '刘建国（liu）', `《${RULE_TITLE}》第二十条`]) expect(printed).toContain(s);
    cli('li', ['case', 'show', caseId, '--summary', join(work(), 'summary.html')]);
    paper('case summary', join(work(), 'summary.html'));
    cli('cus', ['rules']);
    cli('cus', ['rules'], 'en');
    cli('li', ['request', 'list']);
    cli('li', ['request', 'show', burnRequest]);
    cli('li', ['request', 'show', burnRequest], 'en');
  }, 240_000);

  it('no paper and no CLI line names a rule by its file, prints a key or an untranslated enum, in either language', () => {
    expect(outputs.length).toBeGreaterThan(20);
    const problems: string[] = [];
    for (const o of outputs) {
      let text = o.text;
      if (o.html) {
        // A bilingual paper: its English halves, markup and styles are not Chinese text.
        text = text
          .replace(/<style[\s\S]*?<\/style>|<script[\s\S]*?<\/script>/g, '')
          .replace(/<span class="en"[^>]*>[\s\S]*?<\/span>/g, '')
          .replace(/<[^>]+>/g, ' ');
      }
      if (RULE_FILE.test(o.text)) problems.push(`${o.what}: rule file name ${RULE_FILE.exec(o.text)![0]}`);
      if (SNAKE_ENUMS.test(text)) problems.push(`${o.what}: enum ${SNAKE_ENUMS.exec(text)![0]}`);
      if (!o.html && RAW_KEY.test(text)) problems.push(`${o.what}: key ${RAW_KEY.exec(text)![0]}`);
      if (o.lang === 'zh-CN' && LOWER_ENUMS.test(text)) problems.push(`${o.what}: untranslated ${LOWER_ENUMS.exec(text)![0]} in «${text.slice(Math.max(0, LOWER_ENUMS.exec(text)!.index - 40), LOWER_ENUMS.exec(text)!.index + 20)}»`);
    }
    expect(problems).toEqual([]);
  });
});
