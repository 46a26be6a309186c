import { useCallback, useEffect, useMemo, useState } from 'react';
import { Alert, App, Button, Card, Flex, Form, Input, Select, Tag, Typography } from 'antd';
import { CloudUploadOutlined, ReloadOutlined, SafetyOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { invoke, type Output, type User } from '../api.ts';
import { errorText } from '../i18n.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { AcceptDialog } from './AcceptDialog.tsx';
import { onIngestEvent, type DockedVolume, type SessionSummary } from './events.ts';
import { NoSessions, SessionCard, type Recorder, type SessionContext } from './SessionCard.tsx';
import { useIngestSessions, type LiveSession } from './useIngestSessions.ts';
import { VolumeCard } from './VolumeCard.tsx';
import type { Officer } from '../../../electron/api/index.ts';
import './dock.css';

type DockStatus = Output<'dock.status'>;

/**
 * The custodian's daily screen (issue "Dock and ingest" item 9): docked recorders and ingest
 * sessions with live progress, the flags that need a written explanation, unknown storage to
 * accept, and a folder ingest for footage a vendor tool synced.
 */
export function DockScreen({ user, navigate }: { user: User; navigate: (screen: string, focus?: string) => void }) {
  const { t } = useTranslation();
  const { message, notification } = App.useApp();
  const custodian = user.roles.includes('custodian');
  const [dock, setDock] = useState<DockStatus | null>(null);
  const [volumes, setVolumes] = useState<ReadonlyMap<string, DockedVolume>>(new Map());
  const [recorders, setRecorders] = useState<Recorder[]>([]);
  const [officers, setOfficers] = useState<Officer[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [dutyBusy, setDutyBusy] = useState(false);
  const [handTo, setHandTo] = useState('');
  const [accepting, setAccepting] = useState<DockedVolume | null>(null);
  const [retrying, setRetrying] = useState<string | null>(null);

  const loadRegistry = useCallback(async () => {
    try {
      const [r, o] = await Promise.all([invoke('recorder.list', {}), invoke('officer.list', {})]);
      setRecorders(r);
      setOfficers(o);
    } catch (e) {
      setError(e);
    }
  }, []);

  const onFinished = useCallback(
    (s: SessionSummary) => {
      void loadRegistry();
      if (s.mayUndock) {
        notification.success({
          key: `ingest-${s.id}`,
          title: s.sourceKind === 'volume' ? t('ui:dock.mayUndock') : t('ui:dock.folderDone'),
          description: t('ui:dock.finishedNotice', { source: s.label ?? s.root, files: s.filesTotal }),
          placement: 'bottomRight',
        });
      } else if (s.status !== 'completed') {
        notification.warning({ key: `ingest-${s.id}`, title: t(`ui:dock.statusHints.${s.status}`), description: s.label ?? s.root, placement: 'bottomRight' });
      }
    },
    [loadRegistry, notification, t],
  );
  const sessions = useIngestSessions(onFinished);

  const loadDock = useCallback(async () => {
    try {
      const status = await invoke('dock.status', {});
      setDock(status);
      setVolumes(new Map(status.volumes.map((v) => [v.mountPoint, v])));
    } catch (e) {
      setError(e);
    }
  }, []);

  useEffect(() => {
    void loadDock();
    void loadRegistry();
    return onIngestEvent('dock.volume', (v) =>
      setVolumes((prev) => {
        const next = new Map(prev);
        if (v.state === 'removed') next.delete(v.mountPoint);
        else next.set(v.mountPoint, v);
        return next;
      }),
    );
  }, [loadDock, loadRegistry]);

  const refresh = () => {
    setError(null);
    void loadDock();
    void loadRegistry();
    void sessions.reload();
  };

  const setDuty = async (on: boolean) => {
    setDutyBusy(true);
    try {
      const status = await invoke(on ? 'dock.onDuty' : 'dock.offDuty', {});
      setDock((d) => (d ? { ...d, ...status } : d));
      void message.success(on ? t('ui:dock.dutyStarted') : t('ui:dock.dutyEnded'));
    } catch (e) {
      void message.error(errorText(t, e));
    } finally {
      setDutyBusy(false);
    }
  };

  // One custodian on duty per station: the next one takes over through a ledgered hand-over.
  const handOver = async () => {
    const to = handTo.trim();
    setDutyBusy(true);
    try {
      const duty = await invoke('dock.handOver', { to });
      setDock((d) => (d ? { ...d, duty: duty?.username ?? to } : d));
      setHandTo('');
      void message.success(t('ui:dock.handedOver', { from: user.username, to: duty?.username ?? to }));
    } catch (e) {
      void message.error(errorText(t, e));
    } finally {
      setDutyBusy(false);
    }
  };

  const retry = async (v: DockedVolume) => {
    setRetrying(v.mountPoint);
    try {
      await invoke('dock.retry', { mountPoint: v.mountPoint });
    } catch (e) {
      void message.error(errorText(t, e));
    } finally {
      setRetrying(null);
    }
  };

  const recorderMap = useMemo(() => new Map(recorders.map((r) => [r.serial, r])), [recorders]);
  const ctx: SessionContext = { user, recorders: recorderMap, onOpenRecording: (id) => navigate('recordings', id) };
  const docked = [...volumes.values()].sort((a, b) => a.detectedAt.localeCompare(b.detectedAt));
  const dockedSessions = new Set(docked.map((v) => v.sessionId).filter((id): id is number => id !== null));
  const liveOf = (v: DockedVolume): LiveSession | null =>
    (v.sessionId !== null ? sessions.byId.get(v.sessionId) : undefined) ?? (v.session ? { summary: v.session, progress: v.progress, problems: [], flagVersion: 0 } : null);
  const onDuty = dock?.duty ?? null;
  const meOnDuty = onDuty !== null && onDuty.toLowerCase() === user.username.toLowerCase();

  return (
    <Flex vertical gap={16} data-testid="dock-screen">
      <Flex justify="space-between" align="flex-start" gap={16} wrap>
        <div style={{ minWidth: 280, flex: 1 }}>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {t('ui:dock.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('ui:dock.intro')}</Typography.Text>
        </div>
        <Button icon={<ReloadOutlined />} onClick={refresh} data-testid="dock-refresh">
          {t('ui:common.refresh')}
        </Button>
      </Flex>
      <ErrorAlert error={error ?? sessions.error} onClose={() => setError(null)} />

      {dock ? (
        dock.running ? (
          <Alert
            type={onDuty ? 'success' : 'warning'}
            showIcon
            icon={<SafetyOutlined />}
            data-testid="dock-duty"
            title={onDuty ? t('ui:dock.onDuty', { username: onDuty }) : t('ui:dock.nobodyOnDuty')}
            description={onDuty ? t('ui:dock.onDutyHint') : t('ui:dock.nobodyOnDutyHint')}
            action={
              custodian ? (
                meOnDuty ? (
                  <Flex gap={8} wrap>
                    <Input
                      value={handTo}
                      onChange={(e) => setHandTo(e.target.value)}
                      placeholder={t('ui:dock.handOverTo')}
                      maxLength={64}
                      style={{ width: 160 }}
                      data-testid="dock-handover-to"
                    />
                    <Button onClick={() => void handOver()} disabled={!handTo.trim()} loading={dutyBusy} data-testid="dock-handover">
                      {t('ui:dock.handOver')}
                    </Button>
                    <Button onClick={() => void setDuty(false)} loading={dutyBusy} data-testid="dock-off-duty">
                      {t('ui:dock.goOffDuty')}
                    </Button>
                  </Flex>
                ) : (
                  <Button type="primary" onClick={() => void setDuty(true)} loading={dutyBusy} data-testid="dock-on-duty">
                    {onDuty ? t('ui:dock.takeOver') : t('ui:dock.goOnDuty')}
                  </Button>
                )
              ) : null
            }
          />
        ) : (
          <Alert type="info" showIcon data-testid="dock-not-running" title={t('ui:dock.notRunning')} description={t('ui:dock.notRunningHint')} />
        )
      ) : null}

      {custodian ? <IngestFolderCard recorders={recorders} /> : null}

      {dock?.running ? (
        <section>
          <Typography.Title level={5}>
            {t('ui:dock.dockedTitle')} <Tag>{docked.length}</Tag>
          </Typography.Title>
          {docked.length === 0 ? (
            <Typography.Text type="secondary" data-testid="dock-empty">
              {t('ui:dock.nothingDocked')}
            </Typography.Text>
          ) : (
            <Flex vertical gap={12}>
              {docked.map((v) => (
                <VolumeCard
                  key={v.mountPoint}
                  volume={v}
                  live={liveOf(v)}
                  ctx={ctx}
                  canAct={custodian}
                  onAccept={() => setAccepting(v)}
                  onRetry={() => void retry(v)}
                  retrying={retrying === v.mountPoint}
                />
              ))}
            </Flex>
          )}
        </section>
      ) : null}

      <section>
        <Typography.Title level={5}>{t('ui:dock.sessionsTitle')}</Typography.Title>
        {sessions.sessions.filter((s) => !dockedSessions.has(s.summary.id)).length === 0 ? (
          <NoSessions shownAbove={sessions.sessions.length > 0} />
        ) : (
          <Flex vertical gap={12}>
            {sessions.sessions
              .filter((s) => !dockedSessions.has(s.summary.id))
              .map((s) => (
                <SessionCard key={s.summary.id} live={s} ctx={ctx} />
              ))}
          </Flex>
        )}
      </section>

      {accepting ? (
        <AcceptDialog
          volume={accepting}
          officers={officers}
          onCancel={() => setAccepting(null)}
          onDone={() => {
            setAccepting(null);
            void message.success(t('ui:dock.accepted'));
            void loadRegistry();
          }}
        />
      ) : null}
    </Flex>
  );
}

/**
 * Footage a vendor tool synced to a folder, or a mounted volume the dock did not pick up: ingested
 * by path. Electron has no folder dialog here (the renderer has no file-system access), so the
 * path is typed or pasted.
 */
function IngestFolderCard({ recorders }: { recorders: Recorder[] }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ path: string; recorderSerial?: string }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async (v: { path: string; recorderSerial?: string }) => {
    setBusy(true);
    setError(null);
    try {
      const { session } = await invoke('ingest.run', { path: v.path.trim(), ...(v.recorderSerial ? { recorderSerial: v.recorderSerial } : {}) });
      form.resetFields();
      void message.success(t('ui:dock.ingestFinished', { id: session.id, ingested: session.counts.ingested + session.counts.duplicate, total: session.filesTotal }));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card size="small" title={t('ui:dock.ingestFolderTitle')} data-testid="ingest-folder">
      <Typography.Paragraph type="secondary" style={{ marginTop: 0 }}>
        {t('ui:dock.ingestFolderHint')}
      </Typography.Paragraph>
      <ErrorAlert error={error} onClose={() => setError(null)} />
      <Form form={form} layout="inline" requiredMark={false} onFinish={(v) => void run(v)} style={{ rowGap: 8 }}>
        <Form.Item name="path" rules={[{ required: true, whitespace: true, message: t('ui:dock.pathRequired') }]} style={{ flex: 1, minWidth: 320 }}>
          <Input placeholder={t('ui:dock.pathPlaceholder')} allowClear className="mono" data-testid="ingest-path" />
        </Form.Item>
        <Form.Item name="recorderSerial" style={{ width: 260 }}>
          <Select
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('ui:dock.recorderOptional')}
            data-testid="ingest-recorder"
            options={recorders.map((r) => ({ value: r.serial, label: [r.serial, r.vendor, r.model].filter(Boolean).join(' · ') }))}
          />
        </Form.Item>
        <Form.Item style={{ marginInlineEnd: 0 }}>
          <Button type="primary" htmlType="submit" icon={<CloudUploadOutlined />} loading={busy} data-testid="ingest-start">
            {busy ? t('ui:dock.ingesting') : t('ui:dock.ingestStart')}
          </Button>
        </Form.Item>
      </Form>
    </Card>
  );
}
