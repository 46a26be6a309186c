// A ledger entry's details as fields a person reads: translated names, times in local time, sizes in
// bytes units, yes/no, nested groups indented, instead of the raw JSON the entry is hashed from.
import type { i18n as I18n, TFunction } from 'i18next';
import dayjs from 'dayjs';
import { formatBytes } from './formatBytes.ts';

/** `quiet`: a value that says nothing happened (false, none, empty): left out of one-line summaries. */
export type DetailRow = { key: string; label: string; value: string | null; mono: boolean; quiet: boolean; children: DetailRow[] };

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const HASH = /^[0-9a-f]{32,}$/i;
const BYTE_FIELDS: ReadonlySet<string> = new Set(['size', 'bytes', 'partSize']);
/** Fields whose values are words the UI already translates elsewhere. */
const VALUE_GROUPS: Record<string, readonly string[]> = {
  roles: ['roles'],
  recordedAtSource: ['recording.timeSources'],
  kind: ['explain.kinds', 'requests.kinds', 'recordings.kinds', 'settings.calendar.kinds'],
  outcome: ['detailValues.outcome'],
  media: ['burn.media'],
  to: ['classification'],
  from: ['classification'],
  classification: ['classification'],
  enforcementType: ['cases.types'],
  state: ['cases.states', 'requests.states', 'destroy.states', 'burn.states'],
};

/** The field's name in the user's language; an unknown field keeps its own name. */
export function fieldLabel(t: TFunction, i18n: I18n, key: string): string {
  return i18n.exists(`detailFields.${key}`, { ns: 'ui' }) ? t(`ui:detailFields.${key}`) : key;
}

function valueText(t: TFunction, i18n: I18n, key: string, value: unknown): { text: string; mono: boolean } {
  if (value === null || value === undefined || value === '') return { text: '—', mono: false };
  if (typeof value === 'boolean') return { text: value ? t('ui:detailValues.yes') : t('ui:detailValues.no'), mono: false };
  if (typeof value === 'number') return { text: BYTE_FIELDS.has(key) ? formatBytes(value) : value.toLocaleString(i18n.language), mono: false };
  const s = String(value);
  if (ISO_TIME.test(s)) return { text: dayjs(s).format('YYYY-MM-DD HH:mm:ss'), mono: false };
  if (HASH.test(s)) return { text: s, mono: true };
  for (const group of VALUE_GROUPS[key] ?? []) {
    if (!i18n.exists(`${group}.${s}`, { ns: 'ui' })) continue;
    const word = t(`ui:${group}.${s}`, { returnObjects: true });
    if (typeof word === 'string') return { text: word, mono: false };
  }
  return { text: s, mono: /^[\x21-\x7e]+$/.test(s) && /[/_:]/.test(s) };
}

export function detailRows(t: TFunction, i18n: I18n, details: Record<string, unknown>): DetailRow[] {
  return Object.entries(details).map(([key, value]) => row(t, i18n, key, fieldLabel(t, i18n, key), value));
}

function row(t: TFunction, i18n: I18n, key: string, label: string, value: unknown): DetailRow {
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== 'object')) {
      const parts = value.map((v) => valueText(t, i18n, key, v));
      return { key, label, value: value.length === 0 ? '—' : parts.map((p) => p.text).join(t('ui:detailValues.separator')), mono: parts.some((p) => p.mono), quiet: value.length === 0, children: [] };
    }
    return { key, label, value: null, mono: false, quiet: false, children: value.map((v, i) => row(t, i18n, key, `${i + 1}`, v)) };
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return { key, label, value: '—', mono: false, quiet: true, children: [] };
    return { key, label, value: null, mono: false, quiet: false, children: entries.map(([k, v]) => row(t, i18n, k, fieldLabel(t, i18n, k), v)) };
  }
  const { text, mono } = valueText(t, i18n, key, value);
  return { key, label, value: text, mono, quiet: value === false || value === null || value === undefined || value === '', children: [] };
}

/** One line for a list: the first few plain fields that say something, "label: value" each. */
export function detailSummary(rows: readonly DetailRow[], max = 4): string {
  return rows
    .filter((r) => r.value !== null && !r.quiet)
    .slice(0, max)
    .map((r) => `${r.label}: ${r.value}`)
    .join(' · ');
}
