import { Checkbox, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatTime } from '../components/formatTime.ts';
import { formatDuration } from '../components/formatDuration.ts';
import { PagedTable, type PagedColumn } from '../components/PagedTable.tsx';
import { FlagTags, kindLabel, officerText, type Recording } from './labels.tsx';

const COLUMNS = '32px 104px 150px 56px minmax(120px, 1fr) 104px 64px minmax(150px, 1.1fr) minmax(180px, 1.4fr)';

type Props = {
  total: number | null;
  loading: boolean;
  rowAt: (index: number) => Recording | undefined;
  ensure: (first: number, last: number) => void;
  onOpen: (id: string) => void;
  openId: string | null;
  selected: ReadonlySet<string>;
  onToggle: (id: string, on: boolean) => void;
};

/** The catalogue as a virtualized grid: only the visible rows exist in the page. */
export function RecordingList({ total, loading, rowAt, ensure, onOpen, openId, selected, onToggle }: Props) {
  const { t } = useTranslation();
  const columns: PagedColumn<Recording>[] = [
    {
      key: 'select',
      ariaLabel: t('ui:recordings.columns.select'),
      render: (r) => (
        <span onClick={(e) => e.stopPropagation()}>
          <Checkbox checked={selected.has(r.id)} onChange={(e) => onToggle(r.id, e.target.checked)} aria-label={t('ui:recordings.selectRow', { id: r.id })} data-testid={`select-${r.id}`} />
        </span>
      ),
    },
    { key: 'id', title: t('ui:recordings.columns.id'), render: (r) => <span className="mono">{r.id}</span> },
    { key: 'recordedAt', title: t('ui:recordings.columns.recordedAt'), render: (r) => <span className="num">{r.recordedAt ? formatTime(r.recordedAt) : '—'}</span> },
    { key: 'kind', title: t('ui:recordings.columns.kind'), render: (r) => <span>{kindLabel(t, r.kind)}</span> },
    { key: 'officer', title: t('ui:recordings.columns.officer'), render: (r) => <span title={officerText(t, r)}>{officerText(t, r)}</span> },
    { key: 'recorder', title: t('ui:recordings.columns.recorder'), render: (r) => <span className="mono">{r.recorderSerial ?? t('ui:recordings.unknown')}</span> },
    { key: 'duration', title: t('ui:recordings.columns.duration'), render: (r) => <span className="num">{formatDuration(r.durationSeconds)}</span> },
    {
      key: 'flags',
      title: t('ui:recordings.columns.flags'),
      render: (r) => (
        <span className="recording-flags">
          <FlagTags recording={r} />
        </span>
      ),
    },
    {
      key: 'name',
      title: t('ui:recordings.columns.name'),
      render: (r) => (
        <Typography.Text className="mono" type="secondary" title={r.originalName}>
          {r.originalName}
        </Typography.Text>
      ),
    },
  ];
  return (
    <PagedTable<Recording>
      columns={columns}
      template={COLUMNS}
      total={total}
      loading={loading}
      rowAt={rowAt}
      ensure={ensure}
      empty={t('ui:recordings.empty')}
      testId="recording-list"
      rowProps={(r) => {
        const isSelected = selected.has(r.id);
        return {
          selected: openId === r.id || isSelected,
          'data-testid': 'recording-row',
          'data-id': r.id,
          'data-flags': r.flags.join(' '),
          onClick: () => onOpen(r.id),
          onKeyDown: (e) => {
            if (e.key === 'Enter') onOpen(r.id);
            if (e.key === ' ') {
              e.preventDefault();
              onToggle(r.id, !isSelected);
            }
          },
        };
      }}
    />
  );
}
