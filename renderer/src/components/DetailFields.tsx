import { useState } from 'react';
import { Button } from 'antd';
import { useTranslation } from 'react-i18next';
import { detailRows, detailSummary, type DetailRow } from './detailFields.ts';
import './detailFields.css';

function Rows({ rows, depth }: { rows: readonly DetailRow[]; depth: number }) {
  return (
    <div className="detail-fields" style={{ paddingInlineStart: depth * 16 }}>
      {rows.map((r, i) => (
        <div key={`${r.key}-${i}`}>
          <div className="detail-row">
            <span className="detail-label">{r.label}</span>
            {r.value !== null ? <span className={r.mono ? 'detail-value mono' : 'detail-value'}>{r.value}</span> : null}
          </div>
          {r.children.length > 0 ? <Rows rows={r.children} depth={depth + 1} /> : null}
        </div>
      ))}
    </div>
  );
}

/** A ledger entry's details as named fields in the user's language (never raw JSON). */
export function DetailFields({ details, testId }: { details: Record<string, unknown>; testId?: string }) {
  const { t, i18n } = useTranslation();
  return (
    <div data-testid={testId ?? 'detail-fields'}>
      <Rows rows={detailRows(t, i18n, details)} depth={0} />
    </div>
  );
}

/** One summary line of the details, with every field one click away. */
export function DetailSummary({ details }: { details: Record<string, unknown> }) {
  const { t, i18n } = useTranslation();
  const [open, setOpen] = useState(false);
  const rows = detailRows(t, i18n, details);
  if (rows.length === 0) return null;
  return (
    <div className="history-details" data-testid="history-details">
      {open ? <Rows rows={rows} depth={0} /> : <span className="detail-summary">{detailSummary(rows)}</span>}
      <Button type="link" size="small" onClick={() => setOpen(!open)} style={{ paddingInline: 4, height: 'auto' }}>
        {open ? t('ui:detailView.less') : t('ui:detailView.all')}
      </Button>
    </div>
  );
}
