import { useState, type HTMLAttributes } from 'react';
import { useLoaded } from '../components/useLoaded.ts';
import { App, Button, Flex, Form, Input, Radio, Segmented, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { LockOutlined, ReloadOutlined, UnlockOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { invoke, type User } from '../api.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { formatTime } from '../components/formatTime.ts';
import { can } from '../components/access.ts';
import { FormDialog, ReasonField } from '../components/FormDialog.tsx';
import { ReleaseDialog } from './RetentionDialogs.tsx';
import type { Hold } from './labels.tsx';

/** Legal holds: nothing under an active hold is proposed, approved or executed for destruction. */
export function HoldsTab({ user }: { user: User }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [active, setActive] = useState(true);
  const [placing, setPlacing] = useState(false);
  const [releasing, setReleasing] = useState<Hold | null>(null);

  const { value: rows, error, reload: load } = useLoaded(() => invoke('retention.holds', { active }), [active]);

  const columns: TableColumnsType<Hold> = [
    { key: 'id', title: t('ui:holds.columns.id'), dataIndex: 'id', width: 130, render: (v: string) => <span className="mono">{v}</span> },
    { key: 'scope', title: t('ui:holds.columns.scope'), dataIndex: 'scope', width: 100, render: (v: Hold['scope']) => <Tag>{t(`ui:holds.scopes.${v}`)}</Tag> },
    { key: 'target', title: t('ui:holds.columns.target'), dataIndex: 'target', width: 140, render: (v: string) => <span className="mono">{v}</span> },
    { key: 'reason', title: t('ui:holds.columns.reason'), dataIndex: 'reason', render: (v: string) => <span className="pre-wrap">{v}</span> },
    { key: 'placed', title: t('ui:holds.columns.placed'), width: 190, render: (_: unknown, h) => t('ui:holds.byAt', { by: h.placedBy, at: formatTime(h.placedAt) }) },
    {
      key: 'state',
      title: t('ui:holds.columns.state'),
      width: 230,
      render: (_: unknown, h) =>
        h.releasedAt ? (
          <Flex vertical>
            <Typography.Text type="secondary">{t('ui:holds.released', { by: h.releasedBy ?? '', at: formatTime(h.releasedAt) })}</Typography.Text>
            {h.releaseReason ? <Typography.Text type="secondary">{h.releaseReason}</Typography.Text> : null}
          </Flex>
        ) : can(user, 'release') ? (
          <Button size="small" icon={<UnlockOutlined />} onClick={() => setReleasing(h)} data-testid={`release-${h.id}`}>
            {t('ui:holds.release')}
          </Button>
        ) : (
          <Tag color="blue">{t('ui:holds.active')}</Tag>
        ),
    },
  ];

  return (
    <Flex vertical gap={12} data-testid="holds-tab">
      <Flex gap={8} align="center" wrap>
        <Segmented<string>
          value={active ? 'active' : 'all'}
          onChange={(v) => setActive(v === 'active')}
          options={[
            { value: 'active', label: t('ui:holds.filterActive') },
            { value: 'all', label: t('ui:holds.filterAll') },
          ]}
        />
        <Button icon={<ReloadOutlined />} onClick={() => void load()}>
          {t('ui:common.refresh')}
        </Button>
        {can(user, 'hold') ? (
          <Button type="primary" icon={<LockOutlined />} onClick={() => setPlacing(true)} data-testid="holds-place">
            {t('ui:holds.place')}
          </Button>
        ) : null}
      </Flex>
      <ErrorAlert error={error} />
      <Table<Hold>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={rows ?? []}
        loading={rows === null && !error}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        locale={{ emptyText: t('ui:holds.empty') }}
        onRow={(h) => ({ 'data-testid': `hold-row-${h.id}` }) as HTMLAttributes<HTMLElement>}
        data-testid="holds-table"
      />
      {placing ? (
        <FormDialog<{ scope: 'recording' | 'case'; target: string; reason: string }>
          title={t('ui:holds.placeTitleAny')}
          okText={t('ui:holds.place')}
          intro={t('ui:holds.placeIntro')}
          initialValues={{ scope: 'recording' }}
          testId="hold-dialog"
          onCancel={() => setPlacing(false)}
          onSubmit={async (v) => {
            const h = await invoke('retention.hold', { scope: v.scope, target: v.target.trim(), reason: v.reason.trim() });
            setPlacing(false);
            void message.success(t('ui:holds.placed', { id: h.id }));
            void load();
          }}
        >
          <Form.Item name="scope" label={t('ui:holds.columns.scope')}>
            <Radio.Group
              optionType="button"
              options={[
                { value: 'recording', label: t('ui:holds.scopes.recording') },
                { value: 'case', label: t('ui:holds.scopes.case') },
              ]}
            />
          </Form.Item>
          <Form.Item name="target" label={t('ui:holds.columns.target')} extra={t('ui:holds.targetHint')} rules={[{ required: true, whitespace: true, message: t('ui:holds.targetRequired') }]}>
            <Input className="mono" autoFocus data-testid="hold-target" />
          </Form.Item>
          <ReasonField label={t('ui:holds.reason')} hint={t('ui:holds.reasonHint')} testId="hold-reason" autoFocus={false} />
        </FormDialog>
      ) : null}
      {releasing ? (
        <ReleaseDialog
          hold={releasing}
          onCancel={() => setReleasing(null)}
          onDone={(h) => {
            setReleasing(null);
            void message.success(t('ui:holds.releasedDone', { id: h.id }));
            void load();
          }}
        />
      ) : null}
    </Flex>
  );
}
