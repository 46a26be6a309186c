import { useState, type HTMLAttributes } from 'react';
import { saveTextFile } from '../components/saveTextFile.ts';
import { App, Button, DatePicker, Flex, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { DownloadOutlined, PrinterOutlined, ReloadOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { invoke, type Output, type StationStatus, type User } from '../api.ts';
import { errorText } from '../i18n.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { formatTime } from '../components/formatTime.ts';
import './register.css';
import { useRuleBasis } from '../components/useRuleBasis.ts';
import { REGISTER_COLUMNS as CSV_COLUMNS } from '../../../electron/shared/reports.ts';
import { useLoaded } from '../components/useLoaded.ts';

type Row = Output<'register.list'>[number];
type Kind = Row['kind'];
const KINDS: readonly Kind[] = ['view', 'spot_check', 'copy', 'burn'];
const KIND_COLORS: Record<Kind, string> = { view: 'blue', spot_check: 'purple', copy: 'geekblue', burn: 'magenta' };
/** The CSV's columns, in the order electron/core/access/register.ts writes them. */


/**
 * The viewing and copying register of 004 第二十条 (中阳县市场监督管理局): 调阅人, 复制人, 审批人,
 * 时间, 事由. The station derives it from the ledger each time; it is never kept separately.
 */
export function RegisterScreen({ user, status }: { user: User; status: StationStatus }) {
  const { t } = useTranslation();
  const basisRegister = useRuleBasis('register');
  const { message } = App.useApp();
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  const [exporting, setExporting] = useState(false);
  const from = range?.[0]?.startOf('day').toISOString();
  const to = range?.[1]?.add(1, 'day').startOf('day').toISOString();
  const query = { ...(from ? { from } : {}), ...(to ? { to } : {}) };
  const key = JSON.stringify(query);

  const { value: rows, error, reload: load } = useLoaded<Row[]>(
    async () => {
      const list = await invoke('register.list', JSON.parse(key) as typeof query);
      // Newest first on screen; the CSV keeps the ledger's order.
      return [...list].reverse();
    },
    [key],
    { clearOnChange: true },
  );

  const exportCsv = async () => {
    setExporting(true);
    try {
      const { csv } = await invoke('register.csv', {
        ...query,
        headers: CSV_COLUMNS.map((c) => t(`ui:register.columns.${c}`)),
        kindLabels: { view: t('ui:register.kinds.view'), spot_check: t('ui:register.kinds.spot_check'), copy: t('ui:register.kinds.copy'), burn: t('ui:register.kinds.burn') },
      });
      const stamp = dayjs().format('YYYYMMDD-HHmmss');
      saveTextFile(`register-${status.agency?.code ?? 'station'}-${stamp}.csv`, csv, 'text/csv;charset=utf-8');
    } catch (e) {
      void message.error(errorText(t, e));
    } finally {
      setExporting(false);
    }
  };

  const columns: TableColumnsType<Row> = [
    { key: 'time', title: t('ui:register.columns.time'), dataIndex: 'time', width: 150, render: (v: string) => <span className="num">{formatTime(v)}</span> },
    { key: 'kind', title: t('ui:register.columns.kind'), dataIndex: 'kind', width: 90, render: (v: Kind) => <Tag color={KIND_COLORS[v]}>{t(`ui:register.kinds.${v}`)}</Tag> },
    // The 案号 and people by name (issue 14 item 7): the printed register goes to supervisors and courts.
    { key: 'case', title: t('ui:papers.caseColumn'), dataIndex: 'caseNumber', width: 140, render: (v: string | null) => v ?? '' },
    { key: 'viewer', title: t('ui:register.columns.viewer'), dataIndex: 'viewerName', width: 110, render: (v: string | null) => v ?? '' },
    { key: 'copier', title: t('ui:register.columns.copier'), dataIndex: 'copierName', width: 110, render: (v: string | null) => v ?? '' },
    { key: 'approvers', title: t('ui:register.columns.approvers'), dataIndex: 'approverNames', width: 130, render: (v: string[]) => (v.length > 0 ? v.join(t('ui:dock.listSeparator')) : '') },
    { key: 'purpose', title: t('ui:register.columns.purpose'), dataIndex: 'purpose' },
    { key: 'request', title: t('ui:register.columns.request'), dataIndex: 'requestId', width: 100, render: (v: string | null) => <span className="mono">{v ?? ''}</span> },
    { key: 'recordings', title: t('ui:register.columns.recordings'), dataIndex: 'recordings', width: 110, render: (v: string[]) => <span className="mono">{v.join(' ')}</span> },
    { key: 'seq', title: t('ui:register.columns.seq'), dataIndex: 'seq', width: 90, render: (v: number) => <span className="num">{v}</span> },
  ];

  const counts = Object.fromEntries(KINDS.map((k) => [k, rows?.filter((r) => r.kind === k).length ?? 0])) as Record<Kind, number>;
  const period =
    from || to
      ? t('ui:register.period', { from: range?.[0]?.format('YYYY-MM-DD') ?? '…', to: range?.[1]?.format('YYYY-MM-DD') ?? '…' })
      : t('ui:register.periodAll');

  return (
    <Flex vertical gap={16} className="register-screen" data-testid="register-screen">
      <div className="register-print-header">
        <div className="register-print-title">{t('ui:register.printTitle')}</div>
        <div>{status.agency ? t('ui:station.agencyWithCode', { name: status.agency.name, code: status.agency.code }) : null}</div>
        <div>{period}</div>
        <div>{t('ui:register.printedBy', { name: user.displayName, username: user.username, time: dayjs().format('YYYY-MM-DD HH:mm') })}</div>
      </div>
      <Flex justify="space-between" align="flex-start" gap={16} wrap className="register-controls">
        <div style={{ minWidth: 280, flex: 1 }}>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {t('ui:register.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('ui:register.intro') + basisRegister}</Typography.Text>
        </div>
        <Flex gap={8} wrap>
          <Button icon={<ReloadOutlined />} onClick={() => void load()} data-testid="register-refresh">
            {t('ui:common.refresh')}
          </Button>
          <Button icon={<DownloadOutlined />} loading={exporting} onClick={() => void exportCsv()} data-testid="register-csv">
            {t('ui:register.csv')}
          </Button>
          <Button type="primary" icon={<PrinterOutlined />} onClick={() => window.print()} data-testid="register-print">
            {t('ui:register.print')}
          </Button>
        </Flex>
      </Flex>
      <ErrorAlert error={error} />
      <Flex gap={12} align="center" wrap className="register-controls">
        <DatePicker.RangePicker
          value={range}
          onChange={(v) => setRange(v)}
          allowEmpty={[true, true]}
          placeholder={[t('ui:register.from'), t('ui:register.to')]}
          data-testid="register-range"
        />
        <Typography.Text type="secondary" data-testid="register-count">
          {rows === null ? t('ui:common.loading') : t('ui:register.count', { count: rows.length, views: counts.view + counts.spot_check, copies: counts.copy + counts.burn })}
        </Typography.Text>
      </Flex>
      <Table<Row>
        rowKey="seq"
        size="small"
        bordered
        columns={columns}
        dataSource={rows ?? []}
        loading={rows === null && !error}
        pagination={false}
        locale={{ emptyText: t('ui:register.empty') }}
        data-testid="register-table"
        onRow={(r) => ({ 'data-testid': 'register-row', 'data-kind': r.kind, 'data-request': r.requestId ?? '' }) as HTMLAttributes<HTMLElement>}
      />
    </Flex>
  );
}
