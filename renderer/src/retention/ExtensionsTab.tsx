import { useState, type HTMLAttributes } from 'react';
import { useLoaded } from '../components/useLoaded.ts';
import { Alert, App, Button, Flex, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { CheckOutlined, ReloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { invoke, type Output, type User } from '../api.ts';
import { errorText } from '../i18n.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { formatTime } from '../components/formatTime.ts';
import { can, sameUser } from '../components/access.ts';
import { StateTag } from '../requests/labels.tsx';

type AccessRequest = Output<'request.list'>[number];
type Terms = Output<'retention.extension'>['terms'];
type Row = { request: AccessRequest; terms: Terms };

/**
 * 长期保存 (004 第十九条 "经机关分管负责人批准后按规定长期保存"): extension requests, decided by an
 * approver in the Requests queue; once approved, the requester (or a custodian) applies it here and
 * only then does it count for the recordings' retention.
 */
export function ExtensionsTab({ user, navigate, canOpen }: { user: User; navigate: (screen: string, focus?: string) => void; canOpen: (screen: string) => boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [applying, setApplying] = useState<string | null>(null);

  const { value: rows, error, reload: load } = useLoaded(async () => {
    const all = (await invoke('request.list', {})).filter((r) => r.kind === 'extend');
    const withTerms = await Promise.all(all.slice(0, 200).map(async (request) => ({ request, terms: (await invoke('retention.extension', { requestId: request.id })).terms })));
    return withTerms;
  }, []);

  const apply = async (r: AccessRequest) => {
    setApplying(r.id);
    try {
      await invoke('retention.applyExtension', { requestId: r.id });
      void message.success(t('ui:extensions.applied', { id: r.id }));
      void load();
    } catch (e) {
      void message.error(errorText(t, e));
    } finally {
      setApplying(null);
    }
  };

  const untilText = (terms: Terms) => {
    const first = terms[0];
    if (!first) return '—';
    return first.permanent ? t('ui:extensions.permanent') : (first.untilDate ?? '—');
  };

  const columns: TableColumnsType<Row> = [
    { key: 'id', title: t('ui:extensions.columns.request'), width: 120, render: (_: unknown, r) => <span className="mono">{r.request.id}</span> },
    { key: 'state', title: t('ui:extensions.columns.state'), width: 100, render: (_: unknown, r) => <StateTag state={r.request.state} /> },
    { key: 'until', title: t('ui:extensions.columns.until'), width: 120, render: (_: unknown, r) => <span className="num">{untilText(r.terms)}</span> },
    { key: 'items', title: t('ui:extensions.columns.recordings'), render: (_: unknown, r) => <span className="mono">{r.terms.map((x) => x.recordingId).join(', ')}</span> },
    { key: 'purpose', title: t('ui:extensions.columns.purpose'), render: (_: unknown, r) => <span className="pre-wrap">{r.request.purpose}</span> },
    { key: 'requester', title: t('ui:extensions.columns.requester'), width: 100, render: (_: unknown, r) => r.request.requester },
    { key: 'created', title: t('ui:extensions.columns.created'), width: 160, render: (_: unknown, r) => <span className="num">{formatTime(r.request.createdAt)}</span> },
    {
      key: 'actions',
      title: '',
      width: 170,
      render: (_: unknown, r) => {
        const applied = r.terms.length > 0 && r.terms.every((x) => x.state === 'applied');
        if (applied) return <Tag color="green">{t('ui:extensions.appliedTag')}</Tag>;
        const mayApply = r.request.state === 'approved' && can(user, 'request') && (sameUser(r.request.requester, user.username) || user.roles.includes('custodian'));
        if (mayApply) {
          return (
            <Button size="small" type="primary" icon={<CheckOutlined />} loading={applying === r.request.id} onClick={() => void apply(r.request)} data-testid={`extension-apply-${r.request.id}`}>
              {t('ui:extensions.apply')}
            </Button>
          );
        }
        if (r.request.state === 'requested' && canOpen('requests')) {
          return (
            <Typography.Link onClick={() => navigate('requests', r.request.id)}>{user.roles.includes('approver') ? t('ui:extensions.decide') : t('ui:extensions.awaiting')}</Typography.Link>
          );
        }
        return null;
      },
    },
  ];

  return (
    <Flex vertical gap={12} data-testid="extensions-tab">
      <Flex gap={8} align="center" wrap>
        <Button icon={<ReloadOutlined />} onClick={() => void load()}>
          {t('ui:common.refresh')}
        </Button>
      </Flex>
      <Alert type="info" showIcon title={t('ui:extensions.flow')} />
      <ErrorAlert error={error} />
      <Table<Row>
        rowKey={(r) => r.request.id}
        size="middle"
        columns={columns}
        dataSource={rows ?? []}
        loading={rows === null && !error}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        locale={{ emptyText: t('ui:extensions.empty') }}
        onRow={(r) => ({ 'data-testid': `extension-row-${r.request.id}`, 'data-state': r.request.state }) as HTMLAttributes<HTMLElement>}
        data-testid="extensions-table"
      />
    </Flex>
  );
}
