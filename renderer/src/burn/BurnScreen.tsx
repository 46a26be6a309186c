import { useCallback, useEffect, useMemo, useState, type HTMLAttributes } from 'react';
import { Alert, App, Button, Card, Empty, Flex, Form, Input, InputNumber, Radio, Select, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { FireOutlined, ReloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { invoke, type Input as ApiInput, type Output, type User } from '../api.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { formatTime } from '../components/formatTime.ts';
import { can, sameUser } from '../components/access.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { JobPanel, JobStateTag } from './JobPanel.tsx';
import { onBurnEvent, type BurnJob } from './events.ts';
import { formatBytes } from '../components/formatBytes.ts';
import type { BurnPlan, MediaId, OpticalDrive } from '../../../electron/api/index.ts';
import '../cases/cases.css';
import './burn.css';
import { useRuleBasis } from '../components/useRuleBasis.ts';
import { useLoaded } from '../components/useLoaded.ts';

type AccessRequest = Output<'request.list'>[number];
type Profiles = Output<'burn.profiles'>;
type Drives = Output<'drives.list'>;
type TargetKind = 'drive' | 'iso' | 'dir';
type Target = ApiInput<'burn.start'>['target'];

const NO_DRIVES: Drives = { available: false, exercised: false, drives: [] as OpticalDrive[] };

type Values = {
  requestId?: string;
  media: MediaId;
  targetKind: TargetKind;
  device?: string;
  isoPath?: string;
  dirPath?: string;
  copies: number;
  volumeLabel?: string;
  place?: string;
  remarks?: string;
};

function targetOf(v: Partial<Values>): Target | null {
  if (v.targetKind === 'drive') return v.device ? { kind: 'drive', device: v.device } : null;
  if (v.targetKind === 'iso') return v.isoPath?.trim() ? { kind: 'iso', path: v.isoPath.trim() } : null;
  if (v.targetKind === 'dir') return v.dirPath?.trim() ? { kind: 'dir', path: v.dirPath.trim() } : null;
  return null;
}

/** `focus`: a burn request (RQ-…) to burn, or a job (BJ-…) to show. */
function fromFocus(focus: string | null): { request: string | null; job: string | null } {
  if (!focus) return { request: null, job: null };
  return /^BJ-/i.test(focus) ? { request: null, job: focus.toUpperCase() } : { request: focus, job: null };
}

/**
 * Burning (issue 6 item 9): an approved burn request onto discs or a removable drive — media and
 * copies, the plan (how many discs), progress per disc, the read-back verification, and the label,
 * cover sheet and written note to print. Evidence on disc is attached to the paper case file
 * (004 第十八条) or kept long-term (003 第十七条).
 */
export function BurnScreen({ user, focus, navigate, canOpen }: { user: User; focus: string | null; navigate: (screen: string, focus?: string) => void; canOpen: (screen: string) => boolean }) {
  const { t } = useTranslation();
  const basisDiscToCaseFile = useRuleBasis('discToCaseFile');
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const initial = fromFocus(focus);
  const burner = can(user, 'burn');
  const [startError, setStartError] = useState<unknown>(null);
  const [starting, setStarting] = useState(false);
  const [jobId, setJobId] = useState<string | null>(initial.job);
  const [reload, setReload] = useState(0);
  const values = Form.useWatch([], form) as Partial<Values> | undefined;

  useEffect(() => {
    const f = fromFocus(focus);
    if (f.job) setJobId(f.job);
    if (f.request) form.setFieldValue('requestId', f.request);
  }, [focus, form]);

  const jobList = useLoaded<BurnJob[]>(() => invoke('burn.jobs', { limit: 50 }), [reload]);
  const jobs = jobList.value;
  const reloadJobs = jobList.reload;
  const loadJobs = useCallback(() => void reloadJobs(), [reloadJobs]);

  const setup = useLoaded<{ requests: AccessRequest[]; profiles: Profiles; drives: Drives }>(async () => {
    const usable = (r: AccessRequest) => r.kind === 'burn' && (sameUser(r.requester, user.username) || user.roles.includes('custodian'));
    const [r, p, d] = await Promise.all([
      burner ? invoke('request.list', { state: 'approved' }) : Promise.resolve([] as AccessRequest[]),
      invoke('burn.profiles', {}),
      // No drive list is no reason to refuse image files and folders: a failure here only disables "drive".
      can(user, 'drives') ? invoke('drives.list', {}).catch(() => NO_DRIVES) : Promise.resolve(NO_DRIVES),
    ]);
    return { requests: r.filter(usable), profiles: p, drives: d };
  }, [burner, user, reload]);
  const requests = setup.value?.requests ?? null;
  const profiles = setup.value?.profiles ?? null;
  const drives = setup.value?.drives ?? null;
  const loadError = setup.error ?? jobList.error;

  useEffect(() => {
    // A request burned meanwhile (its approval used) is no longer offered.
    const chosen = form.getFieldValue('requestId') as string | undefined;
    if (requests && chosen && !requests.some((x) => x.id === chosen)) form.setFieldValue('requestId', undefined);
  }, [requests, form]);

  useEffect(
    () =>
      onBurnEvent('burn.job', (j) => {
        loadJobs();
        if (j.state === 'completed') setReload((n) => n + 1);
      }),
    [loadJobs],
  );

  // Which writer would take each kind of target on this computer (and whether it was ever exercised for real).
  const writerFor = useCallback((kind: TargetKind) => profiles?.writers.find((w) => w.targets.includes(kind)) ?? null, [profiles]);
  const media = values?.media ?? 'dvd';
  const targetKinds: TargetKind[] = media === 'usb' ? ['dir'] : ['drive', 'iso'];

  useEffect(() => {
    if (values && values.targetKind && !targetKinds.includes(values.targetKind)) form.setFieldValue('targetKind', targetKinds.find((k) => writerFor(k)) ?? targetKinds[0]);
  }, [media, values, targetKinds, form, writerFor]);

  // The plan follows the form: which recording goes on which disc, before anything is written.
  const planKey = useMemo(() => {
    if (!values?.requestId) return null;
    const target = targetOf(values);
    const needsTarget = values.media === 'usb' || values.targetKind === 'drive';
    const volumeLabel = values.volumeLabel?.trim();
    return JSON.stringify({ requestId: values.requestId, media: values.media, copies: values.copies ?? 1, ...(needsTarget && target ? { target } : {}), ...(volumeLabel ? { volumeLabel } : {}) });
  }, [values]);

  // Asked for once the form has been still for a moment, not on every keystroke of the label.
  const [planAsked, setPlanAsked] = useState<string | null>(null);
  useEffect(() => {
    if (!planKey) {
      setPlanAsked(null);
      return;
    }
    const timer = setTimeout(() => setPlanAsked(planKey), 300);
    return () => clearTimeout(timer);
  }, [planKey]);
  const planned = useLoaded<BurnPlan | null>(() => (planAsked ? invoke('burn.plan', JSON.parse(planAsked) as ApiInput<'burn.plan'>) : Promise.resolve(null)), [planAsked]);
  const planError = planned.error;
  const plan = planError ? null : planned.value;

  const start = async (v: Values) => {
    const target = targetOf(v);
    if (!v.requestId || !target) return;
    setStarting(true);
    setStartError(null);
    try {
      const job = await invoke('burn.start', {
        requestId: v.requestId,
        target,
        media: v.media,
        copies: v.copies,
        volumeLabel: v.volumeLabel?.trim() || null,
        place: v.place?.trim() || null,
        remarks: v.remarks?.trim() || null,
      });
      setJobId(job.id);
      void message.info(t('ui:burn.started', { id: job.id }));
      loadJobs();
    } catch (e) {
      setStartError(e);
    } finally {
      setStarting(false);
    }
  };

  const selected = requests?.find((r) => r.id === values?.requestId) ?? null;
  const defaultKind: TargetKind = drives?.drives.length ? 'drive' : 'iso';

  const jobColumns: TableColumnsType<BurnJob> = [
    { key: 'id', title: t('ui:burn.columns.job'), dataIndex: 'id', width: 110, render: (v: string) => <span className="mono nowrap">{v}</span> },
    { key: 'request', title: t('ui:burn.columns.request'), dataIndex: 'requestId', width: 110, render: (v: string) => <span className="mono nowrap">{v}</span> },
    { key: 'media', title: t('ui:burn.columns.media'), minWidth: 170, render: (_: unknown, j) => t('ui:burn.jobLine', { media: t(`ui:burn.media.${j.media}`), discs: j.discCount, copies: j.copies }) },
    { key: 'state', title: t('ui:burn.columns.state'), dataIndex: 'state', width: 130, render: (_: unknown, j) => <JobStateTag state={j.state} /> },
    { key: 'verified', title: t('ui:burn.columns.verified'), width: 80, render: (_: unknown, j) => <span className="num">{t('ui:burn.verifiedOf', { done: j.verified, total: j.discCount * j.copies })}</span> },
    { key: 'operator', title: t('ui:burn.columns.operator'), dataIndex: 'operator', width: 100 },
    { key: 'created', title: t('ui:burn.columns.created'), dataIndex: 'createdAt', width: 150, render: (v: string) => <span className="num">{formatTime(v)}</span> },
  ];

  return (
    <Flex vertical gap={16} data-testid="burn-screen">
      <PageHeader
        title={t('ui:burn.title')}
        intro={t('ui:burn.intro') + basisDiscToCaseFile}
        extra={
          <Button icon={<ReloadOutlined />} onClick={() => setReload((n) => n + 1)} data-testid="burn-refresh">
            {t('ui:common.refresh')}
          </Button>
        }
      />
      <ErrorAlert error={loadError} />
      <div className="burn-layout">
        {burner ? (
          <Card size="small" title={t('ui:burn.newJob')} data-testid="burn-form">
            {requests && requests.length === 0 ? (
              <Empty
                image={Empty.PRESENTED_IMAGE_SIMPLE}
                description={t('ui:burn.noRequests')}
                data-testid="burn-no-requests"
              >
                <Flex gap={8} justify="center">
                  {canOpen('cases') ? <Button onClick={() => navigate('cases')}>{t('ui:burn.toCases')}</Button> : null}
                  {canOpen('recordings') ? <Button onClick={() => navigate('recordings')}>{t('ui:burn.toRecordings')}</Button> : null}
                </Flex>
              </Empty>
            ) : null}
            <Form<Values>
              form={form}
              layout="vertical"
              requiredMark={false}
              disabled={starting}
              initialValues={{ media: 'dvd', targetKind: defaultKind, copies: 1, ...(initial.request ? { requestId: initial.request } : {}) }}
              onFinish={(v) => void start(v)}
              style={{ display: requests && requests.length === 0 ? 'none' : undefined }}
            >
              <Form.Item name="requestId" label={t('ui:burn.fields.request')} rules={[{ required: true, message: t('ui:burn.requestRequired') }]}>
                <Select
                  showSearch={{ optionFilterProp: 'label' }}
                  placeholder={t('ui:burn.requestPlaceholder')}
                  loading={requests === null}
                  options={(requests ?? []).map((r) => ({ value: r.id, label: t('ui:burn.requestOption', { id: r.id, purpose: r.purpose, n: r.items.length }) }))}
                  data-testid="burn-request"
                />
              </Form.Item>
              {selected ? (
                <Typography.Paragraph type="secondary" style={{ marginTop: -12 }} data-testid="burn-request-detail">
                  {t('ui:burn.requestDetail', { requester: selected.requester, n: selected.items.length, case: selected.caseId ?? '—' })}
                </Typography.Paragraph>
              ) : null}
              <Form.Item name="media" label={t('ui:burn.fields.media')}>
                <Radio.Group optionType="button" buttonStyle="solid" data-testid="burn-media-profile">
                  {(profiles?.profiles ?? []).map((p) => (
                    <Radio.Button key={p.id} value={p.id} data-testid={`burn-media-${p.id}`}>
                      {t(`ui:burn.media.${p.id}`)}
                    </Radio.Button>
                  ))}
                </Radio.Group>
              </Form.Item>
              <Typography.Paragraph type="secondary" style={{ marginTop: -12 }}>
                {media === 'usb' ? t('ui:burn.usbHint') : t('ui:burn.capacity', { size: formatBytes(profiles?.profiles.find((p) => p.id === media)?.capacityBytes ?? null) })}
              </Typography.Paragraph>
              <Form.Item name="targetKind" label={t('ui:burn.fields.target')}>
                <Radio.Group data-testid="burn-target-kind">
                  {targetKinds.map((k) => (
                    <Radio key={k} value={k} disabled={!writerFor(k) || (k === 'drive' && !drives?.available)} data-testid={`burn-target-${k}`}>
                      {t(`ui:burn.targets.${k}`)}
                    </Radio>
                  ))}
                </Radio.Group>
              </Form.Item>
              {values?.targetKind === 'drive' ? (
                <Form.Item name="device" rules={[{ required: true, message: t('ui:burn.deviceRequired') }]} extra={drives && drives.drives.length === 0 ? t('ui:burn.noDrives') : null}>
                  <Select
                    placeholder={t('ui:burn.devicePlaceholder')}
                    options={(drives?.drives ?? []).map((d) => ({
                      value: d.device,
                      label: t('ui:burn.driveOption', {
                        device: d.device,
                        model: [d.vendor, d.model].filter(Boolean).join(' ') || '—',
                        medium: d.medium ? t(`ui:burn.mediumKinds.${d.medium.state}`) : t('ui:burn.mediumKinds.none'),
                      }),
                    }))}
                    data-testid="burn-device"
                  />
                </Form.Item>
              ) : null}
              {values?.targetKind === 'iso' ? (
                <Form.Item name="isoPath" rules={[{ required: true, whitespace: true, message: t('ui:burn.pathRequired') }]} extra={t('ui:burn.isoHint')}>
                  <Input className="mono" placeholder={t('ui:burn.isoPlaceholder')} data-testid="burn-iso-path" />
                </Form.Item>
              ) : null}
              {values?.targetKind === 'dir' ? (
                <Form.Item name="dirPath" rules={[{ required: true, whitespace: true, message: t('ui:burn.pathRequired') }]} extra={t('ui:burn.dirHint')}>
                  <Input className="mono" placeholder={t('ui:burn.dirPlaceholder')} data-testid="burn-dir-path" />
                </Form.Item>
              ) : null}
              {values?.targetKind && writerFor(values.targetKind) && !writerFor(values.targetKind)!.exercised ? (
                <Alert type="warning" showIcon style={{ marginBottom: 16 }} title={t('ui:burn.notExercised', { writer: writerFor(values.targetKind)!.id })} />
              ) : null}
              {values?.targetKind && !writerFor(values.targetKind) ? <Alert type="error" showIcon style={{ marginBottom: 16 }} title={t('ui:burn.noWriter')} /> : null}
              <div className="form-grid">
                <Form.Item name="copies" label={t('ui:burn.fields.copies')} extra={t('ui:burn.copiesHint')}>
                  <InputNumber min={1} max={10} precision={0} data-testid="burn-copies" />
                </Form.Item>
                <Form.Item name="volumeLabel" label={t('ui:burn.fields.volumeLabel')} extra={t('ui:papers.volumeLabelHint')}>
                  <Input maxLength={64} className="mono" data-testid="burn-volume-label" />
                </Form.Item>
              </div>
              <Form.Item name="place" label={t('ui:burn.fields.place')} extra={t('ui:papers.placeHint')}>
                <Input maxLength={500} data-testid="burn-place" />
              </Form.Item>
              <Form.Item name="remarks" label={t('ui:burn.fields.remarks')}>
                <Input.TextArea rows={2} maxLength={2000} data-testid="burn-remarks" />
              </Form.Item>

              <PlanView plan={plan} error={planError} />
              <ErrorAlert error={startError} />
              <Button type="primary" htmlType="submit" icon={<FireOutlined />} loading={starting} disabled={!plan} block data-testid="burn-start">
                {plan ? t('ui:burn.start', { n: plan.discs.length * plan.copies }) : t('ui:burn.startNoPlan')}
              </Button>
            </Form>
          </Card>
        ) : null}
        <Flex vertical gap={12} style={{ minWidth: 0 }}>
          {jobId ? (
            <JobPanel jobId={jobId} user={user} onChanged={loadJobs} />
          ) : (
            <Card size="small">
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('ui:burn.noJobOpen')} />
            </Card>
          )}
        </Flex>
      </div>
      {/* Full width under the form and the job: in the job's column the table was cut at the right edge. */}
      <Card size="small" title={t('ui:burn.recentJobs')}>
        <Table<BurnJob>
          size="small"
          rowKey="id"
          columns={jobColumns}
          dataSource={jobs ?? []}
          loading={jobs === null && !loadError}
          pagination={{ pageSize: 10, hideOnSinglePage: true }}
          locale={{ emptyText: t('ui:burn.noJobs') }}
          rowClassName={(j) => `case-row${j.id === jobId ? ' case-row-open' : ''}`}
          onRow={(j) => ({ onClick: () => setJobId(j.id), 'data-testid': 'burn-job-row', 'data-id': j.id, 'data-state': j.state }) as HTMLAttributes<HTMLElement>}
          scroll={{ x: 850 }}
          data-testid="burn-jobs"
        />
      </Card>
    </Flex>
  );
}

function PlanView({ plan, error }: { plan: BurnPlan | null; error: unknown }) {
  const { t } = useTranslation();
  if (error) return <ErrorAlert error={error} />;
  if (!plan) return null;
  const total = plan.discs.reduce((n, d) => n + d.bytes, 0);
  return (
    <div className="burn-plan" data-testid="burn-plan" data-discs={plan.discs.length} data-copies={plan.copies}>
      {plan.label && !plan.labelFitsVolumeId ? (
        // Said before burning (issue 14 item 2): the typed label is kept as typed on the papers and in the disc's files; only the volume id is reduced.
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 8 }}
          data-testid="burn-label-notice"
          title={t('ui:papers.labelNotVolumeId', { label: plan.label, volumeIds: plan.discs.map((d) => d.volumeId).join(t('ui:dock.listSeparator')) })}
        />
      ) : null}
      <Typography.Text strong>{t('ui:burn.plan.title', { discs: plan.discs.length, copies: plan.copies, media: t(`ui:burn.media.${plan.media}`), size: formatBytes(total) })}</Typography.Text>
      <ul>
        {plan.discs.map((d) => (
          <li key={d.index}>
            <span className="mono">{d.volumeId}</span>{' '}
            <Typography.Text type="secondary">{t('ui:burn.plan.disc', { disc: d.index, files: d.files.length, size: formatBytes(d.bytes), capacity: formatBytes(plan.capacityBytes) })}</Typography.Text>
            <Flex gap={4} wrap style={{ marginTop: 2 }}>
              {d.files.map((f) => (
                <Tag key={f.recordingId} className="mono" style={{ fontSize: 11 }}>
                  {f.recordingId}
                </Tag>
              ))}
            </Flex>
          </li>
        ))}
      </ul>
    </div>
  );
}
