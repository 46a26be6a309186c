import { useEffect, useRef } from 'react';
import { Checkbox, Empty, Skeleton, Spin, Typography, theme } from 'antd';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useTranslation } from 'react-i18next';
import { formatTime } from '../components/formatTime.ts';
import { formatDuration } from '../components/formatDuration.ts';
import { FlagTags, kindLabel, officerText, type Recording } from './labels.tsx';

const ROW_HEIGHT = 44;
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
  const { token } = theme.useToken();
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: total ?? 0, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;

  useEffect(() => {
    if (total) ensure(first, last);
  }, [first, last, total, ensure]);

  useEffect(() => {
    if (total === null) scrollRef.current?.scrollTo({ top: 0 });
  }, [total]);

  return (
    <div className="ledger-table" role="table" aria-rowcount={total ?? undefined} data-testid="recording-list" style={{ borderColor: token.colorBorderSecondary }}>
      <div className="ledger-row ledger-head" role="row" style={{ gridTemplateColumns: COLUMNS, background: token.colorFillAlter, borderBottom: `1px solid ${token.colorBorderSecondary}` }}>
        <span role="columnheader" aria-label={t('ui:recordings.columns.select')} />
        <span role="columnheader">{t('ui:recordings.columns.id')}</span>
        <span role="columnheader">{t('ui:recordings.columns.recordedAt')}</span>
        <span role="columnheader">{t('ui:recordings.columns.kind')}</span>
        <span role="columnheader">{t('ui:recordings.columns.officer')}</span>
        <span role="columnheader">{t('ui:recordings.columns.recorder')}</span>
        <span role="columnheader">{t('ui:recordings.columns.duration')}</span>
        <span role="columnheader">{t('ui:recordings.columns.flags')}</span>
        <span role="columnheader">{t('ui:recordings.columns.name')}</span>
      </div>
      <div ref={scrollRef} className="ledger-scroll">
        {loading ? (
          <div className="ledger-center">
            <Spin />
          </div>
        ) : total === 0 ? (
          <div className="ledger-center">
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('ui:recordings.empty')} />
          </div>
        ) : (
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {items.map((item) => {
              const r = rowAt(item.index);
              const style = { transform: `translateY(${item.start}px)`, height: item.size, gridTemplateColumns: COLUMNS };
              if (!r) {
                return (
                  <div key={item.key} className="ledger-row" style={style} role="row">
                    <Skeleton.Input active size="small" block style={{ gridColumn: '1 / -1' }} />
                  </div>
                );
              }
              const isSelected = selected.has(r.id);
              return (
                <div
                  key={item.key}
                  role="row"
                  tabIndex={0}
                  className={`ledger-row ledger-entry${openId === r.id || isSelected ? ' selected' : ''}`}
                  style={{ ...style, borderBottom: `1px solid ${token.colorBorderSecondary}` }}
                  data-testid="recording-row"
                  data-id={r.id}
                  data-flags={r.flags.join(' ')}
                  onClick={() => onOpen(r.id)}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter') onOpen(r.id);
                    if (e.key === ' ') {
                      e.preventDefault();
                      onToggle(r.id, !isSelected);
                    }
                  }}
                >
                  <span onClick={(e) => e.stopPropagation()}>
                    <Checkbox checked={isSelected} onChange={(e) => onToggle(r.id, e.target.checked)} aria-label={t('ui:recordings.selectRow', { id: r.id })} data-testid={`select-${r.id}`} />
                  </span>
                  <span className="mono">{r.id}</span>
                  <span className="num">{r.recordedAt ? formatTime(r.recordedAt) : '—'}</span>
                  <span>{kindLabel(t, r.kind)}</span>
                  <span title={officerText(t, r)}>{officerText(t, r)}</span>
                  <span className="mono">{r.recorderSerial ?? t('ui:recordings.unknown')}</span>
                  <span className="num">{formatDuration(r.durationSeconds)}</span>
                  <span className="recording-flags">
                    <FlagTags recording={r} />
                  </span>
                  <Typography.Text className="mono" type="secondary" title={r.originalName}>
                    {r.originalName}
                  </Typography.Text>
                </div>
              );
            })}
          </div>
        )}
      </div>
    </div>
  );
}
