import { useEffect, useRef } from 'react';
import { Empty, Skeleton, Spin, Typography, theme } from 'antd';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useTranslation } from 'react-i18next';
import type { LedgerEntry } from '../api.ts';
import { actionLabel, actorLabel } from './labels.ts';
import { formatTime } from '../components/formatTime.ts';

const ROW_HEIGHT = 44;
export const LEDGER_COLUMNS = '88px 176px minmax(120px, 0.8fr) minmax(200px, 1.4fr) minmax(160px, 1.2fr)';

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
  const { token } = theme.useToken();
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: total ?? 0,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;

  useEffect(() => {
    if (total) ensure(first, last);
  }, [first, last, total, ensure]);

  // A new query starts at the newest entry again.
  useEffect(() => {
    if (total === null) scrollRef.current?.scrollTo({ top: 0 });
  }, [total]);

  const header = (
    <div className="ledger-row ledger-head" role="row" style={{ gridTemplateColumns: LEDGER_COLUMNS, background: token.colorFillAlter, borderBottom: `1px solid ${token.colorBorderSecondary}` }}>
      <span role="columnheader">{t('ui:ledger.columns.seq')}</span>
      <span role="columnheader">{t('ui:ledger.columns.time')}</span>
      <span role="columnheader">{t('ui:ledger.columns.actor')}</span>
      <span role="columnheader">{t('ui:ledger.columns.action')}</span>
      <span role="columnheader">{t('ui:ledger.columns.subject')}</span>
    </div>
  );

  return (
    <div className="ledger-table" role="table" aria-rowcount={total ?? undefined} data-testid="ledger-list" style={{ borderColor: token.colorBorderSecondary }}>
      {header}
      <div ref={scrollRef} className="ledger-scroll">
        {loading ? (
          <div className="ledger-center">
            <Spin />
          </div>
        ) : total === 0 ? (
          <div className="ledger-center">
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('ui:ledger.empty')} />
          </div>
        ) : (
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {items.map((item) => {
              const entry = entryAt(item.index);
              const style = { transform: `translateY(${item.start}px)`, height: item.size, gridTemplateColumns: LEDGER_COLUMNS };
              if (!entry) {
                return (
                  <div key={item.key} className="ledger-row" style={style} role="row">
                    <Skeleton.Input active size="small" block style={{ gridColumn: '1 / -1' }} />
                  </div>
                );
              }
              const label = actionLabel(t, i18n, entry.action);
              return (
                <div
                  key={item.key}
                  role="row"
                  tabIndex={0}
                  className={`ledger-row ledger-entry${selectedSeq === entry.seq ? ' selected' : ''}`}
                  style={{ ...style, borderBottom: `1px solid ${token.colorBorderSecondary}` }}
                  data-testid="ledger-row"
                  data-seq={entry.seq}
                  data-action={entry.action}
                  onClick={() => onOpen(entry.seq)}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter' || e.key === ' ') {
                      e.preventDefault();
                      onOpen(entry.seq);
                    }
                  }}
                >
                  <span className="num">{entry.seq}</span>
                  <span>{formatTime(entry.time)}</span>
                  <Typography.Text ellipsis>{actorLabel(t, entry.actor)}</Typography.Text>
                  <span className="ledger-action">
                    <Typography.Text ellipsis>{label}</Typography.Text>
                    {label !== entry.action ? <span className="ledger-code mono">{entry.action}</span> : null}
                  </span>
                  <Typography.Text ellipsis className="mono" type="secondary">
                    {entry.subject}
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
