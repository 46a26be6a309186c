import { Tag, Tooltip } from 'antd';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { LedgerEntry } from '../api.ts';
import type { Recording, RecordingFlag } from '../../../electron/api/index.ts';
import { CLASSIFICATIONS, type Classification } from '../../../electron/shared/requests.ts';

export type { Recording, RecordingFlag };
export { CLASSIFICATIONS, type Classification };

const FLAG_COLORS: Record<RecordingFlag, string> = {
  late: 'orange',
  interruption: 'gold',
  needs_explanation: 'red',
  unparseable: 'magenta',
  changed_during_read: 'volcano',
  unknown_officer: 'default',
  unknown_recorder: 'default',
  duplicate: 'cyan',
  time_in_future: 'purple',
  time_mismatch: 'geekblue',
  deadline_unknown: 'gold',
  name_unrecognized: 'default',
  clock_drift: 'purple',
  destroyed: 'default',
};

/** Issue 15's flags keep their texts in ui.media.json (locale groups merge one level deep only). */
const MEDIA_FLAGS: ReadonlySet<RecordingFlag> = new Set(['time_in_future', 'time_mismatch', 'deadline_unknown', 'name_unrecognized', 'clock_drift']);
/** The locale group of a flag's text: issue 15's in ui.media.json, 已销毁 in ui.destroyed.json. */
const flagGroup = (f: RecordingFlag) => (MEDIA_FLAGS.has(f) ? 'media' : f === 'destroyed' ? 'destroyed' : 'recordings');

/** Flags worth a tag in a list row: the identity gaps are shown in the detail only. */
const ROW_FLAGS: readonly RecordingFlag[] = ['destroyed', 'needs_explanation', 'late', 'deadline_unknown', 'time_in_future', 'time_mismatch', 'clock_drift', 'interruption', 'unparseable', 'changed_during_read', 'duplicate'];

export function FlagTags({ recording, all = false }: { recording: Pick<Recording, 'flags' | 'important'>; all?: boolean }) {
  const { t } = useTranslation();
  const flags = all ? recording.flags : recording.flags.filter((f) => ROW_FLAGS.includes(f));
  return (
    <>
      {recording.important ? (
        <Tag color="red" data-flag="important">
          {t('ui:recordings.flags.important')}
        </Tag>
      ) : null}
      {flags.map((f) => (
        <Tooltip key={f} title={t(`ui:${flagGroup(f)}.flagHints.${f}`)}>
          <Tag color={FLAG_COLORS[f]} data-flag={f}>
            {t(`ui:${flagGroup(f)}.flags.${f}`)}
          </Tag>
        </Tooltip>
      ))}
    </>
  );
}

export function kindLabel(t: TFunction, kind: Recording['kind']): string {
  return t(`ui:recordings.kinds.${kind}`);
}

/** "张伟 (010203)", the badge alone when the officer is not registered, or "unknown". */
export function officerText(t: TFunction, r: { officerName: string | null; officerBadge: string | null }): string {
  if (r.officerName && r.officerBadge) return t('ui:recordings.personWithId', { name: r.officerName, id: r.officerBadge });
  return r.officerBadge ?? t('ui:recordings.unknown');
}

/**
 * The classification in force, read from the recording's own ledger history (the last
 * recording.classified entry): the ledger is the record of who classified what, and when.
 */
export function classificationFromHistory(history: readonly LedgerEntry[]): { value: Classification | null; note: string; by: string; at: string } | null {
  for (let i = history.length - 1; i >= 0; i--) {
    const e = history[i]!;
    if (e.action !== 'recording.classified') continue;
    const d = e.details as { to?: Classification | null; note?: string };
    return { value: d.to ?? null, note: d.note ?? '', by: e.actor, at: e.time };
  }
  return null;
}

export function classificationColor(c: Classification): string {
  return c === 'state_secret' ? 'red' : c === 'trade_secret' ? 'purple' : 'geekblue';
}
