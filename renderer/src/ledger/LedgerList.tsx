import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { LedgerEntry } from '../api.ts';
import { actionLabel, actorLabel } from './labels.ts';
import { formatTime } from '../components/formatTime.ts';
import { PagedTable, type PagedColumn } from '../components/PagedTable.tsx';

const LEDGER_COLUMNS = '88px 176px minmax(120px, 0.8fr) minmax(200px, 1.4fr) minmax(160px, 1.2fr)';

type Props = {
  total: number | null;
  loading: boolean;
  entryAt: (index: number) => LedgerEntry | undefined;
  ensure: (first: number, last: number) => void;
  onOpen: (seq: number) => void;
  selectedSeq: number | null;
};

export function LedgerList({ total, loading, entryAt, ensure, onOpen, selectedSeq }: Props) {
  const { t, i18n } = useTranslation();
  const columns: PagedColumn<LedgerEntry>[] = [
    { key: 'seq', title: t('ui:ledger.columns.seq'), render: (entry) => <span className="num">{entry.seq}</span> },
    { key: 'time', title: t('ui:ledger.columns.time'), render: (entry) => <span>{formatTime(entry.time)}</span> },
    { key: 'actor', title: t('ui:ledger.columns.actor'), render: (entry) => <Typography.Text ellipsis>{actorLabel(t, entry.actor)}</Typography.Text> },
    {
      key: 'action',
      title: t('ui:ledger.columns.action'),
      render: (entry) => {
        const label = actionLabel(t, i18n, entry.action);
        return (
          <span className="ledger-action">
            <Typography.Text ellipsis>{label}</Typography.Text>
            {label !== entry.action ? <span className="ledger-code mono">{entry.action}</span> : null}
          </span>
        );
      },
    },
    {
      key: 'subject',
      title: t('ui:ledger.columns.subject'),
      render: (entry) => (
        <Typography.Text ellipsis className="mono" type="secondary">
          {entry.subject}
        </Typography.Text>
      ),
    },
  ];
  return (
    <PagedTable<LedgerEntry>
      columns={columns}
      template={LEDGER_COLUMNS}
      total={total}
      loading={loading}
      rowAt={entryAt}
      ensure={ensure}
      empty={t('ui:ledger.empty')}
      testId="ledger-list"
      rowProps={(entry) => ({
        selected: selectedSeq === entry.seq,
        'data-testid': 'ledger-row',
        'data-seq': entry.seq,
        'data-action': entry.action,
        onClick: () => onOpen(entry.seq),
        onKeyDown: (e) => {
          if (e.key === 'Enter' || e.key === ' ') {
            e.preventDefault();
            onOpen(entry.seq);
          }
        },
      })}
    />
  );
}
