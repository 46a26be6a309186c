import { Alert, Descriptions, Drawer, Empty, Spin, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { invoke, type Output } from '../api.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { HashText } from '../components/HashText.tsx';
import { actionLabel, actorLabel } from './labels.ts';
import { formatTime } from '../components/formatTime.ts';
import { DetailFields } from '../components/DetailFields.tsx';
import { useLoaded } from '../components/useLoaded.ts';

type Detail = Output<'ledger.entry'>;

export function EntryDrawer({ seq, onClose }: { seq: number | null; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const { value: detail, error } = useLoaded<Detail | null>(() => (seq === null ? Promise.resolve(null) : invoke('ledger.entry', { seq })), [seq], {
    clearOnChange: true,
    skip: seq === null,
  });

  const entry = detail?.entry;
  return (
    <Drawer
      open={seq !== null}
      onClose={onClose}
      size={760}
      title={seq !== null ? t('ui:entry.title', { seq }) : null}
      destroyOnHidden
      data-testid="entry-drawer"
    >
      <ErrorAlert error={error} />
      {!detail && !error ? <Spin /> : null}
      {entry && detail ? (
        <div data-testid="entry-detail">
          <Typography.Title level={5} style={{ marginTop: 0 }}>
            {t('ui:entry.fields')}
          </Typography.Title>
          <Descriptions
            column={1}
            bordered
            size="small"
            styles={{ label: { width: 148, whiteSpace: 'nowrap' } }}
            items={[
              { key: 'seq', label: t('ui:ledger.columns.seq'), children: <span className="num">{entry.seq}</span> },
              {
                key: 'time',
                label: t('ui:ledger.columns.time'),
                children: (
                  <>
                    {formatTime(entry.time)}{' '}
                    <Typography.Text type="secondary" className="mono">
                      {entry.time}
                    </Typography.Text>
                  </>
                ),
              },
              { key: 'actor', label: t('ui:ledger.columns.actor'), children: actorLabel(t, entry.actor) },
              {
                key: 'action',
                label: t('ui:ledger.columns.action'),
                children: (
                  <>
                    {actionLabel(t, i18n, entry.action)} <Tag className="mono">{entry.action}</Tag>
                  </>
                ),
              },
              { key: 'subject', label: t('ui:ledger.columns.subject'), children: <span className="mono">{entry.subject}</span> },
              {
                key: 'details',
                label: t('ui:entry.details'),
                children:
                  Object.keys(entry.details).length > 0 ? (
                    <>
                      <DetailFields details={entry.details} testId="entry-details" />
                      <details className="entry-raw">
                        <summary>{t('ui:detailView.raw')}</summary>
                        <pre className="mono-pre" data-testid="entry-details-raw">
                          {JSON.stringify(entry.details, null, 2)}
                        </pre>
                      </details>
                    </>
                  ) : (
                    <Typography.Text type="secondary">{t('ui:entry.noDetails')}</Typography.Text>
                  ),
              },
              { key: 'prev', label: t('ui:entry.prevHash'), children: <HashText value={entry.prev} testId="entry-prev-hash" /> },
              { key: 'leaf', label: t('ui:entry.leafHash'), children: <HashText value={entry.leafHash} testId="entry-leaf-hash" /> },
            ]}
          />

          <Typography.Title level={5} style={{ marginTop: 24 }}>
            {t('ui:entry.checkpoint')}
          </Typography.Title>
          {detail.checkpoint ? (
            <Descriptions
              column={1}
              bordered
              size="small"
              styles={{ label: { width: 148, whiteSpace: 'nowrap' } }}
              data-testid="entry-checkpoint"
              items={[
                { key: 'size', label: t('ui:entry.checkpointSize'), children: t('ui:entry.checkpointCovers', { size: detail.checkpoint.size }) },
                { key: 'root', label: t('ui:entry.rootHash'), children: <HashText value={detail.checkpoint.root} /> },
                { key: 'created', label: t('ui:entry.checkpointCreated'), children: formatTime(detail.checkpoint.createdAt) },
                { key: 'note', label: t('ui:entry.signedNote'), children: <HashText value={detail.checkpoint.note} block testId="entry-checkpoint-note" /> },
              ]}
            />
          ) : (
            <Alert type="info" showIcon title={t('ui:entry.notCovered')} description={t('ui:entry.notCoveredHint')} data-testid="entry-not-covered" />
          )}

          {detail.checkpoint ? (
            <>
              <Typography.Title level={5} style={{ marginTop: 24 }}>
                {t('ui:entry.proof')}
              </Typography.Title>
              <Typography.Paragraph type="secondary">{t('ui:entry.proofHint')}</Typography.Paragraph>
              {detail.proof && detail.proof.length > 0 ? (
                <ol className="proof-list" data-testid="entry-proof">
                  {detail.proof.map((h, i) => (
                    <li key={`${i}-${h}`}>
                      <HashText value={h} />
                    </li>
                  ))}
                </ol>
              ) : (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('ui:entry.proofEmpty')} data-testid="entry-proof-empty" />
              )}
            </>
          ) : null}
        </div>
      ) : null}
    </Drawer>
  );
}
