import { Fragment, useEffect, useRef, type HTMLAttributes, type ReactNode } from 'react';
import { Empty, Skeleton, Spin, theme } from 'antd';
import { useVirtualizer } from '@tanstack/react-virtual';

const ROW_HEIGHT = 44;

export type PagedColumn<R> = {
  key: string;
  /** The header's text; a column without one (a checkbox) names itself for screen readers with `ariaLabel`. */
  title?: ReactNode;
  ariaLabel?: string;
  render: (row: R) => ReactNode;
};

/** What a loaded row does: it is opened by a click, and says what it is in data-* attributes for tests. */
export type PagedRowProps = HTMLAttributes<HTMLDivElement> & { selected: boolean } & Record<`data-${string}`, string | number>;

/**
 * A long list shown as a virtualized grid over pages fetched on demand (`usePages`): only the visible rows exist in
 * the page, a row not fetched yet is a placeholder, and a new query (total back to null) starts at the top again.
 * The ledger and the recordings catalogue both use it.
 */
export function PagedTable<R>({
  columns,
  template,
  total,
  loading,
  rowAt,
  ensure,
  rowProps,
  empty,
  testId,
}: {
  columns: readonly PagedColumn<R>[];
  /** CSS grid-template-columns, one track per column. */
  template: string;
  total: number | null;
  loading: boolean;
  rowAt: (index: number) => R | undefined;
  ensure: (first: number, last: number) => void;
  rowProps: (row: R) => PagedRowProps;
  empty: ReactNode;
  testId: string;
}) {
  const { token } = theme.useToken();
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: total ?? 0, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;

  useEffect(() => {
    if (total) ensure(first, last);
  }, [first, last, total, ensure]);

  // A new query starts at the newest row again.
  useEffect(() => {
    if (total === null) scrollRef.current?.scrollTo({ top: 0 });
  }, [total]);

  return (
    <div className="ledger-table" role="table" aria-rowcount={total ?? undefined} data-testid={testId} style={{ borderColor: token.colorBorderSecondary }}>
      <div className="ledger-row ledger-head" role="row" style={{ gridTemplateColumns: template, background: token.colorFillAlter, borderBottom: `1px solid ${token.colorBorderSecondary}` }}>
        {columns.map((c) =>
          c.title === undefined ? (
            <span key={c.key} role="columnheader" aria-label={c.ariaLabel} />
          ) : (
            <span key={c.key} role="columnheader">
              {c.title}
            </span>
          ),
        )}
      </div>
      <div ref={scrollRef} className="ledger-scroll">
        {loading ? (
          <div className="ledger-center">
            <Spin />
          </div>
        ) : total === 0 ? (
          <div className="ledger-center">
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={empty} />
          </div>
        ) : (
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {items.map((item) => {
              const row = rowAt(item.index);
              const style = { transform: `translateY(${item.start}px)`, height: item.size, gridTemplateColumns: template };
              if (row === undefined) {
                return (
                  <div key={item.key} className="ledger-row" style={style} role="row">
                    <Skeleton.Input active size="small" block style={{ gridColumn: '1 / -1' }} />
                  </div>
                );
              }
              const { selected, ...props } = rowProps(row);
              return (
                <div
                  key={item.key}
                  role="row"
                  tabIndex={0}
                  className={`ledger-row ledger-entry${selected ? ' selected' : ''}`}
                  style={{ ...style, borderBottom: `1px solid ${token.colorBorderSecondary}` }}
                  {...props}
                >
                  {columns.map((c) => (
                    <Fragment key={c.key}>{c.render(row)}</Fragment>
                  ))}
                </div>
              );
            })}
          </div>
        )}
      </div>
    </div>
  );
}
