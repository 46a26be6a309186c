import { useEffect, useState, type HTMLAttributes } from 'react';
import { useLoaded } from '../components/useLoaded.ts';
import { App, Button, Flex, Input, Segmented, Select, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { PlusOutlined, ReloadOutlined, SearchOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { invoke, type Input as ApiInput, type User } from '../api.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { can } from '../components/access.ts';
import { CaseDrawer } from './CaseDrawer.tsx';
import { CaseForm } from './CaseForm.tsx';
import { ArchiveDeadlineText, CASE_STATES, CaseStateTag, ENFORCEMENT_TYPES, EnforcementTag, type Case, type CaseState, type EnforcementType } from './labels.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { formatDate } from '../components/formatTime.ts';
import type { Officer } from '../../../electron/api/index.ts';
import './cases.css';

const PAGE = 50;

/** `focus` from another screen: a case id to open, or `state:<state>` to filter. */
function focusState(focus: string | null): CaseState | undefined {
  const m = /^state:(open|closed|archived)$/.exec(focus ?? '');
  return m ? (m[1] as CaseState) : undefined;
}

function focusCase(focus: string | null): string | null {
  return focus && !focus.startsWith('state:') ? focus : null;
}

/**
 * Case files (issue 7 item 1): list and filter; create and correct; the case view with its
 * evidence, requests, discs and holds; close (the archive deadline starts) and archive.
 */
export function CasesScreen({ user, focus, navigate, canOpen }: { user: User; focus: string | null; navigate: (screen: string, focus?: string) => void; canOpen: (screen: string) => boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [state, setState] = useState<CaseState | undefined>(focusState(focus));
  const [type, setType] = useState<EnforcementType | undefined>();
  const [officer, setOfficer] = useState<string | undefined>();
  const [textDraft, setTextDraft] = useState('');
  const [text, setText] = useState('');
  const [page, setPage] = useState(1);
  const [officers, setOfficers] = useState<Officer[]>([]);
  const [openId, setOpenId] = useState<string | null>(focusCase(focus));
  const [creating, setCreating] = useState(false);

  useEffect(() => {
    setOpenId(focusCase(focus));
    const s = focusState(focus);
    if (s) setState(s);
  }, [focus]);

  useEffect(() => {
    const timer = setTimeout(() => setText(textDraft.trim()), 300);
    return () => clearTimeout(timer);
  }, [textDraft]);

  useEffect(() => {
    invoke('officer.list', {}).then(setOfficers, () => undefined);
  }, []);

  const query: ApiInput<'case.list'> = { ...(state ? { state } : {}), ...(type ? { enforcementType: type } : {}), ...(officer ? { officer } : {}), ...(text ? { text } : {}) };
  const queryKey = JSON.stringify(query);

  useEffect(() => setPage(1), [queryKey]);

  const { value: data, error, reload } = useLoaded(() => invoke('case.list', { ...(JSON.parse(queryKey) as ApiInput<'case.list'>), offset: (page - 1) * PAGE, limit: PAGE }), [queryKey, page]);

  const columns: TableColumnsType<Case> = [
    {
      key: 'caseNumber',
      title: t('ui:cases.columns.caseNumber'),
      dataIndex: 'caseNumber',
      width: 190,
      render: (v: string) => <Typography.Text strong>{v}</Typography.Text>,
    },
    { key: 'title', title: t('ui:cases.columns.title'), dataIndex: 'title', ellipsis: true },
    { key: 'type', title: t('ui:cases.columns.type'), dataIndex: 'enforcementType', width: 128, render: (v: EnforcementType) => <EnforcementTag type={v} /> },
    { key: 'party', title: t('ui:cases.columns.party'), width: 160, ellipsis: true, render: (_: unknown, c) => c.party.name },
    { key: 'state', title: t('ui:cases.columns.state'), dataIndex: 'state', width: 120, render: (v: CaseState) => <CaseStateTag state={v} /> },
    { key: 'recordings', title: t('ui:cases.columns.recordings'), dataIndex: 'recordingCount', width: 96, align: 'right', render: (v: number) => <span className="num">{v}</span> },
    { key: 'opened', title: t('ui:cases.columns.openedAt'), dataIndex: 'openedAt', width: 104, render: (v: string) => <span className="num">{formatDate(v)}</span> },
    {
      key: 'deadline',
      title: t('ui:cases.columns.archiveDeadline'),
      width: 160,
      render: (_: unknown, c) => (c.archive ? <ArchiveDeadlineText archive={c.archive} /> : c.archivedAt ? <Typography.Text type="secondary">{t('ui:cases.archivedOn', { date: formatDate(c.archivedAt) })}</Typography.Text> : '—'),
    },
  ];

  return (
    <Flex vertical gap={16} data-testid="cases-screen">
      <PageHeader
        title={t('ui:cases.title')}
        intro={t('ui:cases.intro')}
        extra={
          <>
            <Button icon={<ReloadOutlined />} onClick={() => void reload()} data-testid="cases-refresh">
              {t('ui:common.refresh')}
            </Button>
            {can(user, 'caseWrite') ? (
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="case-new">
                {t('ui:cases.new')}
              </Button>
            ) : null}
          </>
        }
      />
      <ErrorAlert error={error} />
      <Flex gap={12} wrap align="center" data-testid="cases-filters">
        <Segmented<string>
          value={state ?? 'all'}
          onChange={(v) => setState(v === 'all' ? undefined : (v as CaseState))}
          options={[{ value: 'all', label: t('ui:cases.filters.all') }, ...CASE_STATES.map((s) => ({ value: s, label: t(`ui:cases.states.${s}`) }))]}
          data-testid="cases-filter-state"
        />
        <Select<EnforcementType>
          allowClear
          placeholder={t('ui:cases.filters.type')}
          value={type}
          onChange={(v) => setType(v)}
          style={{ width: 170 }}
          options={ENFORCEMENT_TYPES.map((v) => ({ value: v, label: t(`ui:cases.types.${v}`) }))}
          data-testid="cases-filter-type"
        />
        <Select<string>
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          placeholder={t('ui:cases.filters.officer')}
          value={officer}
          onChange={(v) => setOfficer(v)}
          style={{ width: 180 }}
          options={officers.map((o) => ({ value: o.badge, label: t('ui:cases.officerLabel', { name: o.name, badge: o.badge }) }))}
          data-testid="cases-filter-officer"
        />
        <Input allowClear prefix={<SearchOutlined />} placeholder={t('ui:cases.filters.text')} value={textDraft} onChange={(e) => setTextDraft(e.target.value)} style={{ width: 260 }} data-testid="cases-filter-text" />
        <Typography.Text type="secondary" style={{ marginInlineStart: 'auto' }} data-testid="cases-count">
          {data ? t('ui:cases.count', { n: data.total }) : t('ui:common.loading')}
        </Typography.Text>
      </Flex>
      <Table<Case>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={data?.items ?? []}
        loading={data === null && !error}
        locale={{ emptyText: t('ui:cases.empty') }}
        pagination={{ current: page, pageSize: PAGE, total: data?.total ?? 0, hideOnSinglePage: true, showSizeChanger: false, onChange: setPage }}
        rowClassName={(c) => `case-row${c.id === openId ? ' case-row-open' : ''}`}
        onRow={(c) => ({ onClick: () => setOpenId(c.id), 'data-testid': 'case-row', 'data-id': c.id, 'data-number': c.caseNumber, 'data-state': c.state }) as HTMLAttributes<HTMLElement>}
        data-testid="cases-table"
      />
      {creating ? (
        <CaseForm
          existing={null}
          onCancel={() => setCreating(false)}
          onDone={(c) => {
            setCreating(false);
            void message.success(t('ui:caseForm.created', { caseNumber: c.caseNumber }));
            void reload();
            setOpenId(c.id);
          }}
        />
      ) : null}
      {openId ? <CaseDrawer caseId={openId} user={user} onClose={() => setOpenId(null)} onChanged={() => void reload()} navigate={navigate} canOpen={canOpen} /> : null}
    </Flex>
  );
}
