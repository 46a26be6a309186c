// The replica on one screen (electron/core/replica/README.md): what is only on this PC and why,
// the queue, the last write-once self-test; admins set the store here, as with `station replica set`.
import { useState } from 'react';
import { App, Alert, Button, Card, Flex, Form, Input, InputNumber, Statistic, Switch, Table, Tag, Typography } from 'antd';
import { CloudUploadOutlined, ReloadOutlined, SafetyOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { invoke, StationUiError, type User } from '../api.ts';
import type { ReplicaItem } from '../../../electron/api/index.ts';
import { errorText } from '../i18n.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { useLoaded } from '../components/useLoaded.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { formatBytes } from '../components/formatBytes.ts';

type OptionsForm = { parallelParts: number; bandwidthMiBps: number | null; window: string; clearAfterReplication: boolean };

/** Seconds as the screen shows a time left: "45 s", "12 min", "3 h 20 min". */
function etaText(seconds: number, t: (key: string, params?: Record<string, unknown>) => string): string {
  const s = Math.ceil(seconds);
  if (s < 60) return t('ui:replicaTransfer.etaSeconds', { n: s });
  if (s < 3600) return t('ui:replicaTransfer.etaMinutes', { n: Math.ceil(s / 60) });
  return t('ui:replicaTransfer.etaHours', { h: Math.floor(s / 3600), m: Math.ceil((s % 3600) / 60) });
}

type StoreForm = { endpoint: string; bucket: string; accessKeyId: string; secret: string; partSizeMiB?: number; bandwidthMiBps?: number };

export function ReplicationScreen({ user }: { user: User }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { value: status, error, reload } = useLoaded(() => invoke('replica.status', {}), []);
  const [busy, setBusy] = useState<string | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const isAdmin = user.roles.includes('admin');
  const mayRun = isAdmin || user.roles.includes('custodian');

  const act = async (name: string, fn: () => Promise<string>) => {
    setBusy(name);
    setActionError(null);
    try {
      void message.success(await fn());
    } catch (e) {
      setActionError(e);
    } finally {
      setBusy(null);
      await reload();
    }
  };

  const save = (v: StoreForm) =>
    act('save', async () => {
      const r = await invoke('replica.set', {
        endpoint: v.endpoint,
        bucket: v.bucket,
        accessKeyId: v.accessKeyId,
        secret: v.secret,
        ...(v.partSizeMiB ? { partSizeMiB: v.partSizeMiB } : {}),
        ...(v.bandwidthMiBps ? { bandwidthMiBps: v.bandwidthMiBps } : {}),
      });
      return r.worm.ok ? t('ui:replica.saved') : t('ui:replica.savedNotWorm');
    });

  const saveOptions = (v: OptionsForm) =>
    act('options', async () => {
      await invoke('replica.options', {
        parallelParts: v.parallelParts,
        bandwidthMiBps: v.bandwidthMiBps || null,
        window: v.window?.trim() ? v.window.trim() : 'off',
        clearAfterReplication: v.clearAfterReplication,
      });
      return t('ui:replicaTransfer.saved');
    });

  const config = status?.config ?? null;
  const columns = [
    { title: t('ui:replica.col.recordings'), key: 'r', render: (_: unknown, i: ReplicaItem) => i.recordingIds.join(', ') || i.objectId },
    { title: t('ui:replica.col.state'), key: 's', render: (_: unknown, i: ReplicaItem) => <Tag color={i.state === 'failed' ? 'red' : i.state === 'waiting-retry' ? 'orange' : 'blue'}>{t(`ui:replica.state.${i.state}`)}</Tag> },
    { title: t('ui:replica.col.size'), key: 'z', render: (_: unknown, i: ReplicaItem) => <span className="num">{formatBytes(i.size)}</span> },
    { title: t('ui:replica.col.parts'), dataIndex: 'partsJournaled', key: 'p' },
    {
      title: t('ui:replica.col.why'),
      key: 'w',
      render: (_: unknown, i: ReplicaItem) => (i.reason ? errorText(t, new StationUiError({ code: i.reason, kind: 'io', params: i.reasonParams ?? {} })) : ''),
    },
  ];

  return (
    <Flex vertical gap={16} data-testid="replication-screen">
      <PageHeader
        title={t('ui:replica.title')}
        intro={t('ui:replica.intro')}
        extra={
          <>
            <Button icon={<ReloadOutlined />} onClick={() => void reload()}>
              {t('ui:replica.refresh')}
            </Button>
            {isAdmin && config ? (
              <Button icon={<SafetyOutlined />} loading={busy === 'test'} onClick={() => void act('test', async () => ((await invoke('replica.selftest', {})).ok ? t('ui:replica.wormOk') : t('ui:replica.wormFailedShort')))}>
                {t('ui:replica.selftest')}
              </Button>
            ) : null}
            {mayRun && config ? (
              <Button
                type="primary"
                icon={<CloudUploadOutlined />}
                loading={busy === 'run'}
                data-testid="replica-run"
                onClick={() => void act('run', async () => {
                  const r = await invoke('replica.run', {});
                  if (r.deferred) return t('ui:replicaTransfer.deferred', { start: config.window?.start, end: config.window?.end });
                  if (r.error) throw new StationUiError({ code: r.error.code, kind: 'io', params: r.error.params });
                  return t('ui:replica.ran', { stored: r.stored, waiting: r.waiting, failed: r.failed });
                })}
              >
                {t('ui:replica.runNow')}
              </Button>
            ) : null}
          </>
        }
      />
      <ErrorAlert error={error} />
      <ErrorAlert error={actionError} onClose={() => setActionError(null)} />
      {status ? (
        <>
          <Flex gap={16} wrap>
            <Card size="small" data-testid="replica-only-here">
              <Statistic title={t('ui:replica.onlyHere')} value={status.onlyHere} />
            </Card>
            <Card size="small">
              <Statistic title={t('ui:replica.stored')} value={status.counts.stored} />
            </Card>
            <Card size="small">
              <Statistic title={t('ui:replica.pendingBytes')} value={formatBytes(status.bytesPending)} />
            </Card>
            <Card size="small" data-testid="replica-throughput">
              <Statistic title={t('ui:replicaTransfer.throughput')} value={status.bytesPerSecond === null ? '—' : (status.bytesPerSecond / 1048576).toFixed(1)} suffix={status.bytesPerSecond === null ? undefined : 'MiB/s'} />
            </Card>
            <Card size="small" data-testid="replica-eta">
              <Statistic title={t('ui:replicaTransfer.eta')} value={status.etaSeconds === null ? '—' : etaText(status.etaSeconds, t)} />
            </Card>
          </Flex>
          {status.pending.length > 0 && status.paused.ingestRunning ? <Alert type="info" showIcon data-testid="replica-paused-ingest" title={t('ui:replicaTransfer.pausedIngest')} /> : null}
          {status.pending.length > 0 && status.paused.outsideWindow && config?.window ? (
            <Alert type="info" showIcon data-testid="replica-paused-window" title={t('ui:replicaTransfer.pausedWindow', { start: config.window.start, end: config.window.end })} />
          ) : null}
          {config ? (
            <Alert
              type={config.worm.ok ? 'success' : 'error'}
              showIcon
              data-testid="replica-worm"
              title={
                config.worm.ok
                  ? t('ui:replica.wormPassed', { at: config.worm.checkedAt })
                  : t('ui:replica.wormFailed', { at: config.worm.checkedAt ?? '-', failures: config.worm.failures.map((f) => t(`ui:replica.wormCase.${f}`)).join(t('ui:replica.listSeparator')) })
              }
              description={
                <>
                  <div>{t('ui:replica.target', { endpoint: config.endpoint, bucket: config.bucket, accessKeyId: config.accessKeyId })}</div>
                  {config.worm.checkedAt ? (
                    <div data-testid="replica-default-retention">
                      {config.worm.defaultRetentionDays !== null
                        ? t('ui:replicaLock.defaultRetention', { days: config.worm.defaultRetentionDays })
                        : t('ui:replicaLock.defaultRetentionUnset', { days: config.worm.shortestDays })}
                    </div>
                  ) : null}
                </>
              }
            />
          ) : (
            <Alert type="warning" showIcon title={t('ui:replica.notConfigured')} />
          )}
          <Typography.Title level={5}>{t('ui:replica.pendingTitle')}</Typography.Title>
          <Table<ReplicaItem> size="small" rowKey="objectId" dataSource={status.pending} columns={columns} pagination={{ pageSize: 20 }} locale={{ emptyText: t('ui:replica.nothingPending') }} />
        </>
      ) : null}
      {isAdmin && config ? (
        <Card size="small" title={t('ui:replicaTransfer.optionsTitle')} data-testid="replica-options">
          <Form<OptionsForm>
            layout="vertical"
            onFinish={(v) => void saveOptions(v)}
            initialValues={{
              parallelParts: config.parallelParts,
              bandwidthMiBps: config.bandwidthLimit ? config.bandwidthLimit / 1048576 : null,
              window: config.window ? `${config.window.start}-${config.window.end}` : '',
              clearAfterReplication: config.clearAfterReplication,
            }}
            style={{ maxWidth: 520 }}
          >
            <Flex gap={16} wrap>
              <Form.Item name="parallelParts" label={t('ui:replicaTransfer.parallel')} rules={[{ required: true }]}>
                <InputNumber min={1} max={8} precision={0} />
              </Form.Item>
              <Form.Item name="bandwidthMiBps" label={t('ui:replica.bandwidth')} extra={t('ui:replicaTransfer.bandwidthNote')}>
                <InputNumber min={0.0625} />
              </Form.Item>
              <Form.Item name="window" label={t('ui:replicaTransfer.window')} extra={t('ui:replicaTransfer.windowNote')}>
                <Input placeholder="22:00-06:00" style={{ width: 160 }} />
              </Form.Item>
            </Flex>
            <Form.Item name="clearAfterReplication" label={t('ui:replicaTransfer.clearAfterReplication')} valuePropName="checked" extra={t('ui:replicaTransfer.clearAfterReplicationNote')}>
              <Switch />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={busy === 'options'}>
              {t('ui:replicaTransfer.save')}
            </Button>
          </Form>
        </Card>
      ) : null}
      {isAdmin ? (
        <Card size="small" title={t('ui:replica.storeTitle')}>
          <Form<StoreForm> layout="vertical" onFinish={(v) => void save(v)} initialValues={config ? { endpoint: config.endpoint, bucket: config.bucket, accessKeyId: config.accessKeyId } : {}} style={{ maxWidth: 520 }}>
            <Form.Item name="endpoint" label={t('ui:replica.endpoint')} rules={[{ required: true }]}>
              <Input placeholder={t('ui:replica.endpointPlaceholder')} />
            </Form.Item>
            <Form.Item name="bucket" label={t('ui:replica.bucket')} rules={[{ required: true }]}>
              <Input />
            </Form.Item>
            <Form.Item name="accessKeyId" label={t('ui:replica.accessKeyId')} rules={[{ required: true }]}>
              <Input />
            </Form.Item>
            <Form.Item name="secret" label={t('ui:replica.secret')} rules={[{ required: true }]} extra={t('ui:replica.secretNote')}>
              <Input.Password autoComplete="off" />
            </Form.Item>
            <Flex gap={16}>
              <Form.Item name="partSizeMiB" label={t('ui:replica.partSize')}>
                <InputNumber min={5} max={512} />
              </Form.Item>
              <Form.Item name="bandwidthMiBps" label={t('ui:replica.bandwidth')}>
                <InputNumber min={0.0625} />
              </Form.Item>
            </Flex>
            <Button type="primary" htmlType="submit" loading={busy === 'save'}>
              {t('ui:replica.save')}
            </Button>
          </Form>
        </Card>
      ) : null}
    </Flex>
  );
}
