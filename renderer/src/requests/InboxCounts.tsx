import { Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { invoke, type Output } from '../api.ts';
import { formatTime } from '../components/formatTime.ts';
import { useLoaded } from '../components/useLoaded.ts';
import { REQUEST_KINDS } from '../../../electron/shared/requests.ts';

type Inbox = Output<'request.inbox'>;

/** The approver's inbox counted the ways they triage it (issue 14 item 16); `version` reloads it. */
export function InboxCounts({ version }: { version: number }) {
  const { t } = useTranslation();
  const loaded = useLoaded<Inbox>(() => invoke('request.inbox', {}), [version]);
  // Counts that failed to refresh are stale counts: show none rather than old ones.
  const inbox = loaded.error ? null : loaded.value;
  if (!inbox) return <span />;
  return (
    <Space wrap size={4} data-testid="inbox-counts" data-total={inbox.total}>
      <Typography.Text strong>{t('ui:inbox.total', { count: inbox.total })}</Typography.Text>
      {REQUEST_KINDS
        .filter((k) => inbox.byKind[k] > 0)
        .map((k) => (
          <Tag key={k} data-testid={`inbox-count-${k}`} data-count={inbox.byKind[k]}>
            {t(`ui:requests.kinds.${k}`)} {inbox.byKind[k]}
          </Tag>
        ))}
      {inbox.secondApproval > 0 ? (
        <Tag color="orange" data-testid="inbox-count-second">
          {t('ui:inbox.secondApproval', { count: inbox.secondApproval })}
        </Tag>
      ) : null}
      {inbox.oldestAt ? <Typography.Text type="secondary">{t('ui:inbox.oldest', { time: formatTime(inbox.oldestAt) })}</Typography.Text> : null}
    </Space>
  );
}
