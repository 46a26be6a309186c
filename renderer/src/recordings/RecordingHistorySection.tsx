import type { ReactNode } from 'react';
import { Flex, Tag, Timeline, Typography } from 'antd';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { SectionTitle } from '../components/DrawerSection.tsx';
import type { LedgerEntry } from '../api.ts';
import { DetailSummary } from '../components/DetailFields.tsx';
import { formatTime } from '../components/formatTime.ts';
import { formatDuration } from '../components/formatDuration.ts';
import { actionLabel, actorLabel } from '../ledger/labels.ts';

/** A short, translated line for a history entry; the full details stay one click away in the ledger. */
function historySummary(t: TFunction, e: LedgerEntry): ReactNode {
  const d = e.details as Record<string, unknown>;
  switch (e.action) {
    case 'recording.explained':
      return (
        <Typography.Paragraph style={{ margin: 0, whiteSpace: 'pre-wrap' }} data-testid="history-explanation">
          <Tag>{t(`ui:explain.kinds.${String(d.kind)}`, { defaultValue: String(d.kind) })}</Tag>
          {String(d.text ?? '')}
        </Typography.Paragraph>
      );
    case 'recording.classified':
      return t('ui:recording.historyClassified', {
        from: d.from ? t(`ui:classification.${String(d.from)}`) : t('ui:classification.none'),
        to: d.to ? t(`ui:classification.${String(d.to)}`) : t('ui:classification.none'),
        note: String(d.note ?? ''),
      });
    case 'view.started':
    case 'view.spot_check':
      return t('ui:recording.historyView', { purpose: String(d.purpose ?? ''), request: String(d.requestId ?? '—') });
    case 'view.ended':
      return t('ui:recording.historyViewEnded', { watched: formatDuration(typeof d.watchedSeconds === 'number' ? d.watchedSeconds : null), open: formatDuration(typeof d.openSeconds === 'number' ? d.openSeconds : null) });
    case 'recording.flagged':
      return t('ui:recording.historyFlagged', { after: String(d.after ?? '—'), gap: formatDuration(typeof d.gapSeconds === 'number' ? d.gapSeconds : null) });
    default:
      // One line of named fields; every field one click away, never the raw JSON.
      return <DetailSummary details={e.details} />;
  }
}

/** The recording's full ledger history, newest last, each entry in one translated line. */
export function RecordingHistorySection({ history }: { history: LedgerEntry[] }) {
  const { t, i18n } = useTranslation();
  return (
    <>
      <SectionTitle>{t('ui:recording.history')}</SectionTitle>
      <Timeline
        data-testid="recording-history"
        items={history.map((e) => ({
          key: e.seq,
          color: e.action.startsWith('view.') ? 'blue' : e.action === 'recording.explained' ? 'green' : e.action === 'recording.classified' ? 'red' : 'gray',
          content: (
            <div data-testid="history-entry" data-action={e.action} data-seq={e.seq} className="history-entry">
              <Flex gap={8} wrap align="baseline">
                <Typography.Text strong>{actionLabel(t, i18n, e.action)}</Typography.Text>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  <span className="num">{formatTime(e.time)}</span> · {t('ui:recording.historyBy', { actor: actorLabel(t, e.actor), seq: e.seq })}
                </Typography.Text>
              </Flex>
              {historySummary(t, e)}
            </div>
          ),
        }))}
      />
    </>
  );
}
