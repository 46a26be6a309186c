import { useEffect, useState, type HTMLAttributes } from 'react';
import { useLoaded } from '../components/useLoaded.ts';
import { App, Button, Flex, Input, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { FieldTimeOutlined, LockOutlined, SearchOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { invoke, type Output, type User } from '../api.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { formatTime } from '../components/formatTime.ts';
import { can } from '../components/access.ts';
import { findRecordings } from '../cases/findRecordings.ts';
import { ExtensionDialog, HoldDialog } from './RetentionDialogs.tsx';
import { RetentionWhy, UntilTag, basisText, type RetentionStatus } from './labels.tsx';

type Recording = Output<'recording.list'>['items'][number];
type Row = { recording: Recording; status: RetentionStatus | undefined };

/** Each recording's retention-until date and why (issue 7 item 2), found by name, id, officer or case. */
export function LookupTab({ user, focus }: { user: User; focus: string | null }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [draft, setDraft] = useState(focus ?? '');
  const [text, setText] = useState(focus ?? '');
  const [selected, setSelected] = useState<string[]>([]);
  const [dialog, setDialog] = useState<{ kind: 'hold'; id: string } | { kind: 'extend'; ids: string[] } | null>(null);

  useEffect(() => {
    const timer = setTimeout(() => setText(draft.trim()), 300);
    return () => clearTimeout(timer);
  }, [draft]);

  const { value: rows, error, reload: load } = useLoaded(async () => {
    const items = await findRecordings(text);
    const statuses = items.length ? await invoke('retention.status', { recordingIds: items.map((r) => r.id) }) : [];
    const byId = new Map(statuses.map((s) => [s.recordingId, s]));
    return items.map((recording) => ({ recording, status: byId.get(recording.id) }));
  }, [text]);

  const columns: TableColumnsType<Row> = [
    { key: 'id', title: t('ui:retention.columns.recording'), width: 120, render: (_: unknown, r) => <span className="mono">{r.recording.id}</span> },
    { key: 'name', title: t('ui:retention.columns.name'), ellipsis: true, render: (_: unknown, r) => <span className="mono">{r.recording.originalName}</span> },
    { key: 'recordedAt', title: t('ui:retention.columns.recordedAt'), width: 160, render: (_: unknown, r) => <span className="num">{r.recording.recordedAt ? formatTime(r.recording.recordedAt) : '—'}</span> },
    { key: 'until', title: t('ui:retention.columns.until'), width: 190, render: (_: unknown, r) => (r.status ? <UntilTag status={r.status} /> : '—') },
    { key: 'rule', title: t('ui:retention.columns.rule'), ellipsis: true, render: (_: unknown, r) => (r.status ? basisText(t, r.status.decidedBy.basis, i18n.language) : '—') },
    ...(can(user, 'hold')
      ? [
          {
            key: 'actions',
            title: '',
            width: 100,
            render: (_: unknown, r: Row) =>
              r.status?.destroyed ? null : (
                <Button size="small" icon={<LockOutlined />} onClick={() => setDialog({ kind: 'hold', id: r.recording.id })} data-testid={`hold-${r.recording.id}`}>
                  {t('ui:holds.place')}
                </Button>
              ),
          },
        ]
      : []),
  ];

  return (
    <Flex vertical gap={12} data-testid="lookup-tab">
      <Flex gap={8} align="center" wrap>
        <Input allowClear prefix={<SearchOutlined />} placeholder={t('ui:lookup.search')} value={draft} onChange={(e) => setDraft(e.target.value)} style={{ width: 340 }} data-testid="lookup-search" />
        {can(user, 'request') ? (
          <Button icon={<FieldTimeOutlined />} disabled={selected.length === 0} onClick={() => setDialog({ kind: 'extend', ids: selected })} data-testid="lookup-extend">
            {t('ui:lookup.extendSelected', { n: selected.length })}
          </Button>
        ) : null}
        <Typography.Text type="secondary">{t('ui:lookup.hint')}</Typography.Text>
      </Flex>
      <ErrorAlert error={error} />
      <Table<Row>
        rowKey={(r) => r.recording.id}
        size="middle"
        columns={columns}
        dataSource={rows ?? []}
        loading={rows === null && !error}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        locale={{ emptyText: t('ui:lookup.empty') }}
        rowSelection={
          can(user, 'request') ? { selectedRowKeys: selected, onChange: (keys) => setSelected(keys as string[]), getCheckboxProps: (r) => ({ disabled: !!r.status?.destroyed }) } : undefined
        }
        expandable={{ expandedRowRender: (r) => (r.status ? <RetentionWhy status={r.status} /> : null), rowExpandable: (r) => !!r.status }}
        onRow={(r) => ({ 'data-testid': 'lookup-row', 'data-id': r.recording.id }) as HTMLAttributes<HTMLElement>}
        data-testid="lookup-table"
      />
      {dialog?.kind === 'hold' ? (
        <HoldDialog
          scope="recording"
          target={dialog.id}
          onCancel={() => setDialog(null)}
          onDone={(h) => {
            setDialog(null);
            void message.success(t('ui:holds.placed', { id: h.id }));
            void load();
          }}
        />
      ) : null}
      {dialog?.kind === 'extend' ? (
        <ExtensionDialog
          target={{ recordingIds: dialog.ids }}
          onCancel={() => setDialog(null)}
          onDone={(r) => {
            setDialog(null);
            setSelected([]);
            void message.success(t('ui:extensions.requested', { id: r.request.id }));
          }}
        />
      ) : null}
    </Flex>
  );
}
