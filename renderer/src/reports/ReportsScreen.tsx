import { useState, type HTMLAttributes } from 'react';
import { App, Button, Card, DatePicker, Flex, Statistic, Table, Tooltip, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { DownloadOutlined, PrinterOutlined, ReloadOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { invoke, type StationStatus } from '../api.ts';
import { errorText } from '../i18n.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { formatTime } from '../components/formatTime.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { DocumentPreview } from '../components/DocumentPreview.tsx';
import { saveTextFile } from '../components/saveTextFile.ts';
import type { MonthlyReport, ReportRow } from '../../../electron/api/index.ts';
import './reports.css';
import { useRuleBasis } from '../components/useRuleBasis.ts';
import { REPORT_COLUMNS as CSV_COLUMNS } from '../../../electron/shared/reports.ts';
import { useLoaded } from '../components/useLoaded.ts';

export { CSV_COLUMNS };

type Figure = Exclude<(typeof CSV_COLUMNS)[number], 'group' | 'key' | 'name'>;
const FIGURES = CSV_COLUMNS.filter((c): c is Figure => c !== 'group' && c !== 'key' && c !== 'name');

function rateText(rate: number | null): string {
  return rate === null ? '—' : `${(rate * 100).toFixed(1)}%`;
}

/**
 * The monthly supervision report (002 第二十六条: 监督检查 of full-process recording): per officer
 * and per recorder, counted from the ledger. CSV for a spreadsheet (translated headers) and a
 * bilingual printable version.
 */
export function ReportsScreen({ status }: { status: StationStatus }) {
  const { t } = useTranslation();
  const basisSupervision = useRuleBasis('supervision');
  const { message } = App.useApp();
  const [month, setMonth] = useState<Dayjs>(() => dayjs().startOf('month'));
  const [exporting, setExporting] = useState(false);
  const [printing, setPrinting] = useState(false);
  const m = month.format('YYYY-MM');

  const { value: report, error, loading, reload: load } = useLoaded<MonthlyReport>(() => invoke('report.monthly', { month: m }), [m], { clearOnChange: true });

  const exportCsv = async () => {
    setExporting(true);
    try {
      const { csv } = await invoke('report.csv', {
        month: m,
        headers: CSV_COLUMNS.map((c) => t(`ui:reports.columns.${c}`)),
        groupLabels: { total: t('ui:reports.groups.total'), officer: t('ui:reports.groups.officer'), recorder: t('ui:reports.groups.recorder') },
      });
      saveTextFile(`supervision-report-${status.agency?.code ?? 'station'}-${m}.csv`, csv, 'text/csv;charset=utf-8');
    } catch (e) {
      void message.error(errorText(t, e));
    } finally {
      setExporting(false);
    }
  };

  const total = report?.rows.find((r) => r.group === 'total');
  const officers = report?.rows.filter((r) => r.group === 'officer') ?? [];
  const recorders = report?.rows.filter((r) => r.group === 'recorder') ?? [];

  const columns = (group: 'officer' | 'recorder'): TableColumnsType<ReportRow> => [
    {
      key: 'who',
      title: t(`ui:reports.groups.${group}`),
      fixed: 'left',
      width: 180,
      render: (_: unknown, r) =>
        r.key === null ? (
          <Typography.Text type="secondary">{t(`ui:reports.unknown.${group}`)}</Typography.Text>
        ) : (
          <Flex vertical>
            <span>{r.name ?? r.key}</span>
            {r.name ? (
              <Typography.Text type="secondary" className="mono" style={{ fontSize: 12 }}>
                {r.key}
              </Typography.Text>
            ) : null}
          </Flex>
        ),
    },
    ...FIGURES.map((f) => ({
      key: f,
      title: <Tooltip title={t(`ui:reports.hints.${f}`)}>{t(`ui:reports.columns.${f}`)}</Tooltip>,
      dataIndex: f,
      align: 'right' as const,
      render: (v: number | null) => <span className="num">{f === 'timelinessRate' ? rateText(v) : v}</span>,
    })),
  ];

  const section = (group: 'officer' | 'recorder', rows: ReportRow[]) => (
    <Card size="small" title={t(`ui:reports.sections.${group}`)}>
      <Table<ReportRow>
        className="report-table"
        size="small"
        rowKey={(r) => `${r.group}:${r.key ?? ''}`}
        pagination={false}
        columns={columns(group)}
        dataSource={rows}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: t('ui:reports.empty') }}
        onRow={(r) => ({ 'data-testid': `report-row-${group}`, 'data-key': r.key ?? '' }) as HTMLAttributes<HTMLElement>}
        data-testid={`report-${group}`}
      />
    </Card>
  );

  return (
    <Flex vertical gap={16} data-testid="reports-screen">
      <PageHeader
        title={t('ui:reports.title')}
        intro={t('ui:reports.intro') + basisSupervision}
        extra={
          <>
            <DatePicker
              picker="month"
              value={month}
              allowClear={false}
              onChange={(v) => v && setMonth(v.startOf('month'))}
              format="YYYY-MM"
              data-testid="report-month"
            />
            <Button icon={<ReloadOutlined />} loading={loading} onClick={() => void load()} data-testid="report-refresh">
              {t('ui:common.refresh')}
            </Button>
            <Button icon={<DownloadOutlined />} loading={exporting} disabled={!report} onClick={() => void exportCsv()} data-testid="report-csv">
              {t('ui:reports.csv')}
            </Button>
            <Button type="primary" icon={<PrinterOutlined />} disabled={!report} onClick={() => setPrinting(true)} data-testid="report-print">
              {t('ui:reports.print')}
            </Button>
          </>
        }
      />
      <ErrorAlert error={error} />
      {report && total ? (
        <>
          <Typography.Text type="secondary" data-testid="report-period">
            {t('ui:reports.period', { month: report.month, from: formatTime(report.from), to: formatTime(report.to), zone: report.timeZone })}
          </Typography.Text>
          <Flex gap={12} wrap className="stat-row" data-testid="report-total">
            <Card size="small">
              <Statistic title={t('ui:reports.columns.recordings')} value={total.recordings} />
            </Card>
            <Card size="small">
              <Statistic
                title={t('ui:reports.columns.timelinessRate')}
                value={rateText(total.timelinessRate)}
                styles={{ content: { color: total.timelinessRate !== null && total.timelinessRate < 1 ? '#d4380d' : undefined } }}
              />
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('ui:reports.onTimeOf', { onTime: total.onTime, late: total.late })}
              </Typography.Text>
            </Card>
            <Card size="small">
              <Statistic title={t('ui:reports.explanations')} value={`${total.lateExplanations + total.interruptionExplanations} / ${total.late + total.interruptions}`} />
            </Card>
            <Card size="small">
              <Statistic title={t('ui:reports.requests')} value={`${total.requestsApproved} / ${total.requestsDenied}`} />
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('ui:reports.approvedDenied')}
              </Typography.Text>
            </Card>
            <Card size="small">
              <Statistic title={t('ui:reports.columns.discsBurned')} value={total.discsBurned} />
            </Card>
            <Card size="small">
              <Statistic title={t('ui:reports.columns.destructions')} value={total.destructions} />
            </Card>
          </Flex>
          {section('officer', officers)}
          {section('recorder', recorders)}
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('ui:reports.source', { time: formatTime(report.generatedAt) })}
          </Typography.Text>
        </>
      ) : null}
      {printing ? (
        <DocumentPreview
          title={t('ui:reports.printTitle', { month: m })}
          testId="report-preview"
          load={async () => ({ html: (await invoke('report.html', { month: m })).html, fileName: `supervision-report-${status.agency?.code ?? 'station'}-${m}.html` })}
          onClose={() => setPrinting(false)}
        />
      ) : null}
    </Flex>
  );
}
