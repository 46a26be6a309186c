import { describe, expect, it } from 'vitest';
import { SCREENS } from '../shell/screens.tsx';
import { resources } from '../i18n.ts';
import type { RulePurpose } from '../components/useRuleCitation.ts';
import { GLOSSARY_ROLES, GLOSSARY_TERMS, SCREEN_PURPOSES } from './topics.ts';

// Every purpose once: the type check fails here when the rule setting gains or loses one.
const EVERY_PURPOSE: Record<RulePurpose, true> = {
  handover: true,
  caseArchive: true,
  retention: true,
  caseEvidenceRetention: true,
  longTermKeeping: true,
  evidenceNote: true,
  viewCopyApproval: true,
  register: true,
  noEditing: true,
  destruction: true,
  mandatoryRecording: true,
  deviceCare: true,
  discToCaseFile: true,
  storageClassification: true,
  interruption: true,
  custody: true,
  secrecy: true,
  supervision: true,
  approvalChain: true,
};
const RULE_PURPOSES = Object.keys(EVERY_PURPOSE);

type Tree = { [k: string]: unknown };
const at = (tree: unknown, path: string): unknown => path.split('.').reduce<unknown>((o, k) => (typeof o === 'object' && o !== null ? (o as Tree)[k] : undefined), tree);

describe('help panels (issue 14 item 18)', () => {
  it.each(SCREENS.map((s) => s.key))('screen %s says what it is for, in both languages, and which points of the rule it serves', (screen) => {
    for (const lang of ['zh-CN', 'en'] as const) expect(typeof at(resources[lang].ui, `help.screens.${screen}`), `${lang} help.screens.${screen}`).toBe('string');
    const purposes = SCREEN_PURPOSES[screen];
    expect(purposes?.length, `purposes of ${screen}`).toBeGreaterThan(0);
    for (const p of purposes ?? []) expect(RULE_PURPOSES).toContain(p);
  });

  it('every purpose of the rule has a description in both languages', () => {
    for (const lang of ['zh-CN', 'en'] as const) for (const p of RULE_PURPOSES) expect(typeof at(resources[lang].ui, `help.purposes.${p}`), `${lang} ${p}`).toBe('string');
  });

  it('every glossary term has its name and meaning in both languages', () => {
    for (const lang of ['zh-CN', 'en'] as const) {
      for (const id of GLOSSARY_TERMS) for (const f of ['term', 'definition']) expect(typeof at(resources[lang].ui, `glossary.${id}.${f}`), `${lang} ${id}.${f}`).toBe('string');
      for (const r of GLOSSARY_ROLES) expect(typeof at(resources[lang].ui, `glossary.roleDefinitions.${r}`), `${lang} role ${r}`).toBe('string');
    }
  });
});
