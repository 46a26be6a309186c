import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { Alert, App, Button, Card, Descriptions, Flex, Input, Progress, Tag, Tooltip, Typography } from 'antd';
import { CheckCircleFilled, CloseCircleFilled, FileTextOutlined, PrinterOutlined, RedoOutlined, StopOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { invoke, type User } from '../api.ts';
import { errorText } from '../i18n.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { formatTime } from '../components/formatTime.ts';
import { problemText } from '../components/problemText.ts';
import { sameUser } from '../components/access.ts';
import { DocumentPreview } from '../components/DocumentPreview.tsx';
import { onBurnEvent, type BurnJob, type BurnMedium, type BurnProgress, type InsertMedium } from './events.ts';
import { percent } from './format.ts';
import { formatBytes } from '../components/formatBytes.ts';

type JobState = BurnJob['state'];
const STATE_COLORS: Record<JobState, string> = { running: 'processing', waiting_medium: 'warning', completed: 'success', failed: 'error', interrupted: 'error', cancelled: 'default' };
const ACTIVE: readonly JobState[] = ['running', 'waiting_medium'];

export function JobStateTag({ state }: { state: JobState }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATE_COLORS[state]} data-testid="burn-job-state" data-state={state} style={{ marginInlineEnd: 0 }}>
      {t(`ui:burn.states.${state}`)}
    </Tag>
  );
}

function targetText(job: BurnJob): string {
  const tg = job.target;
  return tg.kind === 'drive' ? tg.device : tg.path;
}

/** The latest attempt at one disc × copy. */
function mediumOf(job: BurnJob, disc: number, copy: number): BurnMedium | null {
  return job.discs.find((d) => d.index === disc)?.media.filter((m) => m.copy === copy).sort((a, b) => a.attempt - b.attempt).at(-1) ?? null;
}

type Print = { kind: 'label' | 'note'; disc: number; copy: number } | null;

/**
 * One burn job: progress per disc and copy, the insert-a-disc prompt for a drive, the read-back
 * verification of each medium (MD5 recorded at writing, then SHA-256 of every file read from the
 * medium itself, compared with the catalogue), retry after a failure, and the printables: the
 * label with cover sheet (QR of the manifest hash) and the written note of 002 第二十三条.
 */
export function JobPanel({ jobId, user, onChanged }: { jobId: string; user: User; onChanged: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [job, setJob] = useState<BurnJob | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [progress, setProgress] = useState<BurnProgress | null>(null);
  const [insert, setInsert] = useState<InsertMedium | null>(null);
  const [busy, setBusy] = useState<'continue' | 'cancel' | 'retry' | null>(null);
  const [retryPath, setRetryPath] = useState('');
  const [print, setPrint] = useState<Print>(null);

  const load = useCallback(async () => {
    try {
      setJob(await invoke('burn.job', { jobId }));
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, [jobId]);

  useEffect(() => {
    setJob(null);
    setProgress(null);
    setInsert(null);
    void load();
    const offs = [
      onBurnEvent('burn.job', (j) => {
        if (j.id !== jobId) return;
        setJob(j);
        if (!ACTIVE.includes(j.state)) setProgress(null);
        if (j.state !== 'waiting_medium') setInsert(null);
        onChanged();
      }),
      onBurnEvent('burn.progress', (p) => p.jobId === jobId && setProgress(p)),
      onBurnEvent('burn.medium', (m) => m.jobId === jobId && void load()),
      onBurnEvent('burn.insert', (i) => i.jobId === jobId && setInsert(i)),
    ];
    return () => offs.forEach((off) => off());
  }, [jobId, load, onChanged]);

  const act = async (kind: 'continue' | 'cancel' | 'retry') => {
    if (!job) return;
    setBusy(kind);
    try {
      if (kind === 'continue') {
        await invoke('burn.continue', { jobId });
        setInsert(null);
      } else if (kind === 'cancel') {
        await invoke('burn.cancel', { jobId });
      } else {
        const path = retryPath.trim();
        const target = path && job.target.kind !== 'drive' ? { kind: job.target.kind, path } : undefined;
        setJob(await invoke('burn.retry', { jobId, ...(target ? { target } : {}) }));
        onChanged();
      }
    } catch (e) {
      void message.error(errorText(t, e));
    } finally {
      setBusy(null);
    }
  };

  if (error) return <ErrorAlert error={error} />;
  if (!job) return null;

  const running = ACTIVE.includes(job.state);
  const total = job.discCount * job.copies;
  const mayControl = sameUser(job.operator, user.username) || user.roles.includes('custodian');

  const mediumRows = job.discs.flatMap((d) =>
    Array.from({ length: job.copies }, (_, i) => i + 1).map((copy) => {
      const m = mediumOf(job, d.index, copy);
      const live = progress && progress.disc === d.index && progress.copy === copy && running ? progress : null;
      return { disc: d, copy, medium: m, live };
    }),
  );

  return (
    <Card
      size="small"
      data-testid="burn-job"
      data-job={job.id}
      data-state={job.state}
      title={
        <Flex gap={8} align="center" wrap>
          <span className="mono">{job.id}</span>
          <JobStateTag state={job.state} />
          <Typography.Text type="secondary" style={{ fontWeight: 'normal' }}>
            {t('ui:burn.jobLine', { media: t(`ui:burn.media.${job.media}`), discs: job.discCount, copies: job.copies })}
          </Typography.Text>
        </Flex>
      }
      extra={
        running && mayControl ? (
          <Button size="small" danger icon={<StopOutlined />} loading={busy === 'cancel'} onClick={() => void act('cancel')} data-testid="burn-cancel">
            {t('ui:burn.cancel')}
          </Button>
        ) : null
      }
    >
      <Flex vertical gap={12}>
        <Descriptions
          size="small"
          column={2}
          items={[
            { key: 'request', label: t('ui:burn.fields.request'), children: <span className="mono">{job.requestId}</span> },
            { key: 'operator', label: t('ui:burn.fields.operator'), children: job.operator },
            { key: 'target', label: t('ui:burn.fields.target'), children: <span className="mono">{t(`ui:burn.targets.${job.target.kind}`)}: {targetText(job)}</span> },
            { key: 'started', label: t('ui:burn.fields.started'), children: <span className="num">{formatTime(job.createdAt)}</span> },
            ...(job.volumeLabel ? [{ key: 'label', label: t('ui:burn.fields.volumeLabel'), children: <span className="mono">{job.volumeLabel}</span> }] : []),
            { key: 'verified', label: t('ui:burn.fields.verified'), children: <span data-testid="burn-verified-count">{t('ui:burn.verifiedOf', { done: job.verified, total })}</span> },
          ]}
        />

        {insert && job.state === 'waiting_medium' ? (
          <Alert
            type="warning"
            showIcon
            data-testid="burn-insert"
            title={t(`ui:burn.insert.${insert.reason}`, { device: insert.device, disc: insert.disc, discs: insert.discs, copy: insert.copy, copies: insert.copies })}
            description={t('ui:burn.insert.needed', { size: formatBytes(insert.neededBytes), found: insert.found?.kind ?? t('ui:burn.insert.nothing') })}
            action={
              mayControl ? (
                <Button type="primary" size="small" loading={busy === 'continue'} onClick={() => void act('continue')} data-testid="burn-continue">
                  {t('ui:burn.continue')}
                </Button>
              ) : null
            }
          />
        ) : null}

        <div className="burn-media" data-testid="burn-media">
          {mediumRows.map(({ disc, copy, medium, live }) => (
            <MediumRow key={`${disc.index}-${copy}`} disc={disc.index} discs={job.discCount} copy={copy} copies={job.copies} volumeId={disc.volumeId} files={disc.recordings.length} bytes={disc.bytes} medium={medium} live={live}>
              <Flex gap={4} wrap>
                <Button size="small" icon={<PrinterOutlined />} disabled={!disc.manifestSha256} onClick={() => setPrint({ kind: 'label', disc: disc.index, copy })} data-testid={`burn-label-${disc.index}-${copy}`}>
                  {t('ui:burn.printLabel')}
                </Button>
                {copy === 1 ? (
                  <Button size="small" icon={<FileTextOutlined />} disabled={!disc.packageId} onClick={() => setPrint({ kind: 'note', disc: disc.index, copy })} data-testid={`burn-note-${disc.index}`}>
                    {t('ui:burn.printNote')}
                  </Button>
                ) : null}
              </Flex>
            </MediumRow>
          ))}
        </div>

        {job.state === 'completed' ? (
          <Alert type="success" showIcon data-testid="burn-result" data-result="verified" title={t('ui:burn.result.verified', { n: job.verified })} description={t('ui:burn.result.verifiedDetail')} />
        ) : null}
        {job.state === 'failed' || job.state === 'interrupted' || job.state === 'cancelled' ? (
          <Alert
            type={job.state === 'cancelled' ? 'warning' : 'error'}
            showIcon
            data-testid="burn-result"
            data-result={job.state}
            data-error-code={job.error?.code ?? ''}
            title={job.error ? problemText(t, job.error as { code: string; params: Record<string, unknown> }) : t(`ui:burn.states.${job.state}`)}
            description={
              mayControl ? (
                <Flex gap={8} align="center" wrap style={{ marginTop: 8 }}>
                  {job.target.kind !== 'drive' ? (
                    <Input
                      size="small"
                      className="mono"
                      style={{ width: 360 }}
                      placeholder={t('ui:burn.retryPath', { path: targetText(job) })}
                      value={retryPath}
                      onChange={(e) => setRetryPath(e.target.value)}
                      data-testid="burn-retry-path"
                    />
                  ) : null}
                  <Button size="small" type="primary" icon={<RedoOutlined />} loading={busy === 'retry'} onClick={() => void act('retry')} data-testid="burn-retry">
                    {t('ui:burn.retry')}
                  </Button>
                  <Typography.Text type="secondary">{t('ui:burn.retryHint')}</Typography.Text>
                </Flex>
              ) : null
            }
          />
        ) : null}
      </Flex>
      {print ? (
        <DocumentPreview
          title={print.kind === 'label' ? t('ui:burn.labelTitle', { disc: print.disc, copy: print.copy }) : t('ui:burn.noteTitle', { disc: print.disc })}
          testId={print.kind === 'label' ? 'burn-label-preview' : 'burn-note-preview'}
          onClose={() => setPrint(null)}
          load={async () =>
            print.kind === 'label'
              ? { html: (await invoke('burn.label', { jobId: job.id, disc: print.disc, copy: print.copy })).html, fileName: `${job.id}-disc${print.disc}-copy${print.copy}-label.html` }
              : { html: (await invoke('burn.note', { jobId: job.id, disc: print.disc })).html, fileName: `${job.id}-disc${print.disc}-NOTE.html` }
          }
        />
      ) : null}
    </Card>
  );
}

function MediumRow({
  disc,
  discs,
  copy,
  copies,
  volumeId,
  files,
  bytes,
  medium,
  live,
  children,
}: {
  disc: number;
  discs: number;
  copy: number;
  copies: number;
  volumeId: string;
  files: number;
  bytes: number;
  medium: BurnMedium | null;
  live: BurnProgress | null;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const state = live ? 'active' : (medium?.state ?? 'pending');
  const v = medium?.verification;
  return (
    <div className={`burn-medium burn-medium-${state}`} data-testid="burn-medium" data-disc={disc} data-copy={copy} data-state={state}>
      <Flex justify="space-between" align="flex-start" gap={12} wrap>
        <Flex vertical gap={2} style={{ minWidth: 220 }}>
          <Typography.Text strong>
            {medium?.state === 'verified' ? <CheckCircleFilled style={{ color: '#389e0d', marginInlineEnd: 6 }} /> : null}
            {medium?.state === 'failed' ? <CloseCircleFilled style={{ color: '#cf1322', marginInlineEnd: 6 }} /> : null}
            {t('ui:burn.discOf', { disc, discs, copy, copies })}
          </Typography.Text>
          <Typography.Text type="secondary" className="mono" style={{ fontSize: 12 }}>
            {volumeId} · {t('ui:burn.filesBytes', { files, size: formatBytes(bytes) })}
          </Typography.Text>
        </Flex>
        {children}
      </Flex>
      {live ? (
        <Flex vertical gap={2} style={{ marginTop: 6 }} data-testid="burn-progress" data-phase={live.phase}>
          <Progress percent={percent(live.bytes, live.totalBytes)} status="active" size="small" />
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t(`ui:burn.phases.${live.phase}`)} · {formatBytes(live.bytes)} / {formatBytes(live.totalBytes)}
            {live.file ? <span className="mono"> · {live.file}</span> : null}
          </Typography.Text>
        </Flex>
      ) : null}
      {!live && medium ? (
        <Flex gap={6} wrap align="center" style={{ marginTop: 6 }} data-testid="burn-verification">
          <Tag color={medium.state === 'verified' ? 'success' : medium.state === 'failed' ? 'error' : 'processing'}>{t(`ui:burn.mediumStates.${medium.state}`)}</Tag>
          {v?.md5 ? (
            v.md5.checked ? (
              <Tag color={v.md5.mismatches.length === 0 ? 'green' : 'red'}>{t('ui:burn.check.md5', { n: v.md5.files })}</Tag>
            ) : (
              <Tooltip title={v.md5.reason}>
                <Tag>{t('ui:burn.check.md5Skipped')}</Tag>
              </Tooltip>
            )
          ) : null}
          {v?.sha256 ? (
            v.sha256.ok ? (
              <Tag color="green">{t('ui:burn.check.sha256', { n: v.sha256.files, size: formatBytes(v.sha256.bytes) })}</Tag>
            ) : (
              <Tag color="red" data-testid="burn-bad-file">
                {t('ui:burn.check.sha256Failed', { path: v.sha256.path })}
              </Tag>
            )
          ) : null}
          {v?.catalogue ? <Tag color={v.catalogue === 'match' ? 'green' : 'red'}>{t(`ui:burn.check.catalogue.${v.catalogue}`)}</Tag> : null}
          {medium.mediaId ? (
            <Typography.Text type="secondary" className="mono" style={{ fontSize: 12 }}>
              {t('ui:burn.mediaId', { id: medium.mediaId })}
            </Typography.Text>
          ) : null}
          {medium.error ? (
            <Typography.Text type="danger" style={{ fontSize: 12 }} data-testid="burn-medium-error">
              {problemText(t, medium.error as { code: string; params: Record<string, unknown> })}
            </Typography.Text>
          ) : null}
        </Flex>
      ) : null}
    </div>
  );
}
