import { useCallback, useEffect, useState, type HTMLAttributes } from 'react';
import { Alert, App, Button, Card, Descriptions, Empty, Flex, Radio, Spin, Table, Tag, Tooltip, Typography, Upload } from 'antd';
import type { TableColumnsType } from 'antd';
import { DeleteOutlined, FormOutlined, ReloadOutlined, UploadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { invoke, StationUiError, type Output } from '../api.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { formatTime } from '../components/formatTime.ts';
import { FormDialog, ReasonField } from '../components/FormDialog.tsx';
import { previewYear, runsText, type YearPreview } from './format.ts';
import { YearFormDialog } from './YearFormDialog.tsx';
import { useLoaded } from '../components/useLoaded.ts';

const MAX_YEAR_FILE_BYTES = 256 * 1024;

type Overview = Output<'calendar.show'>;
type YearData = NonNullable<Overview['year']>;
type Origin = YearData['origin'];
type Edit = Overview['edits'][number];
type Period = { nameZh: string; nameEn: string; clause?: string; days?: number; off: readonly string[]; workdays: readonly string[] };

const ORIGIN_COLORS: Record<Origin, string> = { shipped: 'default', edited: 'orange', not_covered: 'error' };

function OriginTag({ origin }: { origin: Origin }) {
  const { t } = useTranslation();
  return (
    <Tag color={ORIGIN_COLORS[origin]} data-testid="calendar-origin" data-origin={origin} style={{ marginInlineEnd: 0 }}>
      {t(`ui:settings.calendar.origins.${origin}`)}
    </Tag>
  );
}

/** A year's holidays: days off and make-up working days as ranges; the notice's wording in Chinese, or on hover. */
function PeriodsTable({ periods, testId }: { periods: readonly Period[]; testId: string }) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language === 'zh-CN';
  const columns: TableColumnsType<Period> = [
    {
      key: 'name',
      title: t('ui:settings.calendar.columns.name'),
      width: zh ? 360 : 200,
      render: (_: unknown, p) => {
        const name = zh ? p.nameZh : p.nameEn;
        if (!p.clause) return name;
        // The clause is the notice's own Chinese text: read inline in Chinese, offered on hover otherwise.
        return zh ? (
          <Flex vertical gap={2}>
            <span>{name}</span>
            <Typography.Text type="secondary" className="citation">
              {p.clause}
            </Typography.Text>
          </Flex>
        ) : (
          <Tooltip title={p.clause}>
            <span className="dotted">{name}</span>
          </Tooltip>
        );
      },
    },
    { key: 'off', title: t('ui:settings.calendar.columns.off'), render: (_: unknown, p) => <span className="num">{runsText(p.off)}</span> },
    { key: 'days', title: t('ui:settings.calendar.columns.days'), width: 70, render: (_: unknown, p) => <span className="num">{p.off.length}</span> },
    {
      key: 'workdays',
      title: t('ui:settings.calendar.columns.workdays'),
      render: (_: unknown, p) => (p.workdays.length ? <span className="num">{runsText(p.workdays)}</span> : <Typography.Text type="secondary">{t('ui:settings.calendar.none')}</Typography.Text>),
    },
  ];
  return <Table<Period> rowKey={(p) => `${p.nameEn}-${p.off[0] ?? ''}`} size="small" columns={columns} dataSource={[...periods]} pagination={false} data-testid={testId} />;
}

function YearDetail({ data }: { data: YearData }) {
  const { t } = useTranslation();
  return (
    <Flex vertical gap={12} data-testid="calendar-year-detail" data-year={data.year}>
      <Descriptions
        bordered
        size="small"
        column={1}
        styles={{ label: { width: 160 } }}
        items={[
          {
            key: 'year',
            label: t('ui:settings.calendar.year'),
            children: (
              <Flex gap={8} align="center">
                <span className="num">{data.year}</span>
                <OriginTag origin={data.origin} />
              </Flex>
            ),
          },
          {
            key: 'notice',
            label: t('ui:settings.calendar.notice'),
            children: (
              <Flex vertical gap={2} data-testid="calendar-notice">
                {data.sources.map((s) => (
                  <Tooltip key={s.documentNumber} title={s.checkedAgainst?.length ? `${t('ui:settings.calendar.checkedAgainst')}: ${s.checkedAgainst.join(' · ')}` : null}>
                    <span>{t('ui:settings.calendar.noticeLine', { title: s.title, documentNumber: s.documentNumber, issued: s.issued })}</span>
                  </Tooltip>
                ))}
              </Flex>
            ),
          },
          ...(data.notes?.length
            ? [
                {
                  key: 'notes',
                  label: t('ui:settings.calendar.notes'),
                  children: (
                    <Flex vertical gap={2}>
                      {data.notes.map((n) => (
                        <span key={n}>{n}</span>
                      ))}
                    </Flex>
                  ),
                },
              ]
            : []),
        ]}
      />
      <Typography.Text strong>{t('ui:settings.calendar.periods')}</Typography.Text>
      <PeriodsTable periods={data.periods} testId="calendar-periods" />
    </Flex>
  );
}

function Preview({ preview, current }: { preview: YearPreview; current: Overview['years'] }) {
  const { t } = useTranslation();
  const existing = preview.year === null ? undefined : current.find((y) => y.year === preview.year);
  return (
    <Flex vertical gap={12} data-testid="calendar-preview" data-year={preview.year ?? ''}>
      {preview.year === null ? (
        <Alert type="warning" showIcon title={t('ui:settings.calendar.previewUnknownYear')} />
      ) : existing ? (
        <Alert type="warning" showIcon title={t('ui:settings.calendar.previewReplaces', { year: preview.year, origin: t(`ui:settings.calendar.origins.${existing.origin}`) })} />
      ) : (
        <Alert type="info" showIcon title={t('ui:settings.calendar.previewAdds', { year: preview.year })} />
      )}
      {preview.notice ? (
        <Typography.Text>{t('ui:settings.calendar.previewNotice', { notice: t('ui:settings.calendar.noticeLine', preview.notice) })}</Typography.Text>
      ) : null}
      <PeriodsTable periods={preview.periods} testId="calendar-preview-periods" />
    </Flex>
  );
}

type Pending = { file: string; raw: Record<string, unknown>; preview: YearPreview };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The working-day calendar (calendar.show / calendar.edit): the years covered and where each comes
 * from, one year's holidays with the State Council notice, the edit history; admins add or replace a
 * year from a file (checked by the station, refused whole) or remove one, each with a reason.
 */
export function CalendarTab({ canEdit }: { canEdit: boolean }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [overview, setOverview] = useState<Overview | null>(null);
  const [selected, setSelected] = useState<number | null>(null);
  const [overviewError, setError] = useState<unknown>(null);
  const [fileError, setFileError] = useState<unknown>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const [removing, setRemoving] = useState<number | null>(null);
  const [entering, setEntering] = useState<number | null>(null);

  const load = useCallback(async (want?: number) => {
    try {
      const o = await invoke('calendar.show', {});
      setOverview(o);
      setError(null);
      setSelected((prev) => {
        const covered = o.years.map((y) => y.year);
        const pick = want ?? prev;
        if (pick !== null && pick !== undefined && covered.includes(pick)) return pick;
        const thisYear = new Date().getFullYear();
        return covered.includes(thisYear) ? thisYear : (covered.at(-1) ?? null);
      });
    } catch (e) {
      setError(e);
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const year = useLoaded<YearData | null>(async () => (selected === null ? null : (await invoke('calendar.show', { year: selected })).year), [selected, overview]);
  const detail = year.value;
  const error = overviewError ?? year.error;

  const readFile = async (file: File) => {
    setFileError(null);
    // A year's arrangement is a few kilobytes; a large file is the wrong file, and reading it would stall the window.
    if (file.size > MAX_YEAR_FILE_BYTES) {
      setFileError(new StationUiError({ code: 'calendar.data_too_large', kind: 'input', params: { file: file.name, maxKiB: MAX_YEAR_FILE_BYTES / 1024 } }));
      return;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(await file.text());
    } catch {
      setFileError(new StationUiError({ code: 'calendar.data_not_json', kind: 'input', params: { file: file.name } }));
      return;
    }
    // Anything that is an object goes to the station, which validates it as strictly as its own files.
    if (!isRecord(raw)) {
      setFileError(new StationUiError({ code: 'calendar.data_field', kind: 'input', params: { year: '?', field: '(root)' } }));
      return;
    }
    setPending({ file: file.name, raw, preview: previewYear(raw) });
  };

  const historyColumns: TableColumnsType<Edit> = [
    { key: 'at', title: t('ui:settings.calendar.historyColumns.at'), dataIndex: 'editedAt', width: 180, render: (v: string) => formatTime(v) },
    {
      key: 'kind',
      title: t('ui:settings.calendar.historyColumns.kind'),
      dataIndex: 'kind',
      width: 190,
      render: (v: Edit['kind']) => <Tag color={v === 'remove_year' ? 'red' : 'blue'}>{t(`ui:settings.calendar.kinds.${v}`)}</Tag>,
    },
    { key: 'year', title: t('ui:settings.calendar.historyColumns.year'), dataIndex: 'year', width: 80, render: (v: number) => <span className="num">{v}</span> },
    { key: 'by', title: t('ui:settings.calendar.historyColumns.by'), dataIndex: 'editedBy', width: 120, render: (v: string) => <span className="mono">{v}</span> },
    { key: 'reason', title: t('ui:settings.calendar.historyColumns.reason'), dataIndex: 'reason', render: (v: string) => <span className="pre-wrap">{v}</span> },
    { key: 'ledger', title: t('ui:settings.calendar.historyColumns.ledger'), dataIndex: 'ledgerSeq', width: 110, render: (v: number) => <span className="num">#{v}</span> },
  ];

  if (!overview) return error ? <ErrorAlert error={error} /> : <Spin />;

  return (
    <Flex vertical gap={16} data-testid="settings-calendar">
      {entering !== null ? (
        <YearFormDialog
          year={entering}
          onCancel={() => setEntering(null)}
          onSaved={(r) => {
            setEntering(null);
            void message.success(t('ui:yearForm.saved', { year: r.year, seq: r.ledgerSeq }));
            void load(r.year);
          }}
        />
      ) : null}
      <Typography.Text type="secondary">{t('ui:settings.calendar.intro')}</Typography.Text>
      <ErrorAlert error={error} />
      <ErrorAlert error={fileError} onClose={() => setFileError(null)} />
      <Card
        size="small"
        title={t('ui:settings.calendar.years')}
        extra={
          <Flex gap={8} wrap>
            <Button size="small" icon={<ReloadOutlined />} onClick={() => void load()}>
              {t('ui:common.refresh')}
            </Button>
            {canEdit ? (
              <>
                <Button
                  size="small"
                  type="primary"
                  icon={<FormOutlined />}
                  onClick={() => setEntering(Math.max(new Date().getFullYear() + 1, ...overview.years.map((y) => y.year + 1)))}
                  data-testid="calendar-year-form"
                >
                  {t('ui:yearForm.open')}
                </Button>
                <span data-testid="calendar-upload">
                  <Upload
                    accept=".json,application/json"
                    showUploadList={false}
                    beforeUpload={(file) => {
                      void readFile(file);
                      // The file is read here, in the window; nothing is uploaded anywhere.
                      return Upload.LIST_IGNORE;
                    }}
                  >
                    <Button size="small" icon={<UploadOutlined />} data-testid="calendar-upload-button">
                      {t('ui:calendarButtons.upload')}
                    </Button>
                  </Upload>
                </span>
                {selected !== null ? (
                  <Button size="small" danger icon={<DeleteOutlined />} onClick={() => setRemoving(selected)} data-testid="calendar-remove">
                    {t('ui:calendarButtons.remove', { year: selected })}
                  </Button>
                ) : null}
              </>
            ) : null}
          </Flex>
        }
      >
        {overview.years.length === 0 ? (
          <Alert type="warning" showIcon title={t('ui:settings.calendar.noYears')} />
        ) : (
          <Flex vertical gap={16}>
            <Radio.Group
              optionType="button"
              buttonStyle="solid"
              value={selected}
              onChange={(e) => setSelected(e.target.value as number)}
              data-testid="calendar-years"
              options={overview.years.map((y) => ({
                value: y.year,
                label: (
                  <span data-testid={`calendar-year-${y.year}`} data-origin={y.origin}>
                    {y.year}
                    {y.origin === 'edited' ? ` · ${t('ui:settings.calendar.origins.edited')}` : ''}
                  </span>
                ),
              }))}
            />
            {detail && detail.year === selected ? <YearDetail key={`${detail.year}-${i18n.language}`} data={detail} /> : <Spin />}
          </Flex>
        )}
      </Card>
      <Card size="small" title={t('ui:settings.calendar.history')}>
        <Table<Edit>
          rowKey="id"
          size="small"
          columns={historyColumns}
          dataSource={[...overview.edits].reverse()}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('ui:settings.calendar.historyEmpty')} /> }}
          onRow={(e) => ({ 'data-testid': `calendar-edit-${e.id}`, 'data-kind': e.kind, 'data-year': e.year }) as HTMLAttributes<HTMLElement>}
          data-testid="calendar-history"
        />
      </Card>
      {pending ? (
        <FormDialog<{ reason: string }>
          title={t('ui:settings.calendar.previewTitle')}
          okText={t('ui:settings.calendar.putSubmit')}
          width={860}
          intro={t('ui:settings.calendar.previewIntro', { file: pending.file })}
          testId="calendar-put-dialog"
          onCancel={() => setPending(null)}
          onSubmit={async (v) => {
            const record = await invoke('calendar.edit', { kind: 'put_year', year: pending.raw, reason: v.reason.trim() });
            setPending(null);
            void message.success(t('ui:settings.calendar.putDone', { year: record.year }));
            await load(record.year);
          }}
        >
          <Preview preview={pending.preview} current={overview.years} />
          <div style={{ height: 16 }} />
          <ReasonField label={t('ui:settings.calendar.reason')} hint={t('ui:settings.calendar.reasonHint')} testId="calendar-put-reason" autoFocus={false} />
        </FormDialog>
      ) : null}
      {removing !== null ? (
        <FormDialog<{ reason: string }>
          title={t('ui:settings.calendar.removeTitle', { year: removing })}
          okText={t('ui:settings.calendar.removeSubmit')}
          danger
          intro={<Alert type="warning" showIcon title={t('ui:settings.calendar.removeWarning', { year: removing })} />}
          testId="calendar-remove-dialog"
          onCancel={() => setRemoving(null)}
          onSubmit={async (v) => {
            const record = await invoke('calendar.edit', { kind: 'remove_year', year: removing, reason: v.reason.trim() });
            setRemoving(null);
            void message.success(t('ui:settings.calendar.removeDone', { year: record.year }));
            await load();
          }}
        >
          <ReasonField label={t('ui:settings.calendar.reason')} hint={t('ui:settings.calendar.removeReasonHint')} testId="calendar-remove-reason" />
        </FormDialog>
      ) : null}
    </Flex>
  );
}
