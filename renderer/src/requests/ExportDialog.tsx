import { useEffect, useState } from 'react';
import { Alert, Descriptions, Form, Input, Modal, Progress, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { invoke, type Output } from '../api.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { HashText } from '../components/HashText.tsx';
import { percentOf } from '../components/formatDuration.ts';
import { formatBytes } from '../components/formatBytes.ts';
import { onExportEvent, type ExportProgress, type VerifyProgress } from './events.ts';
import type { AccessRequest } from './labels.tsx';

type Exported = Output<'export.run'>;
type Verified = Output<'package.verify'>;
type Phase =
  | { kind: 'form' }
  | { kind: 'running'; progress: ExportProgress | null }
  | { kind: 'checking'; exported: Exported; progress: VerifyProgress | null }
  | { kind: 'done'; exported: Exported; verified: Verified };

/**
 * Writes an approved copy to a folder or removable drive: the originals as ingested, SHA256SUMS, a
 * signed manifest, the checkpoint with proofs and a README. The station reads it back before the
 * copy counts as made; this dialog then checks it once more as any outsider would
 * (package.verify against this station's verifier key) and shows the result.
 */
export function ExportDialog({ request, verifierKey, onClose }: { request: AccessRequest; verifierKey: string | null; onClose: (done: boolean) => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ to: string }>();
  const [phase, setPhase] = useState<Phase>({ kind: 'form' });
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    const offs = [
      onExportEvent('export.progress', (p) => {
        if (p.requestId === request.id) setPhase((ph) => (ph.kind === 'running' ? { ...ph, progress: p } : ph));
      }),
      onExportEvent('package.verify.progress', (p) => setPhase((ph) => (ph.kind === 'checking' ? { ...ph, progress: p } : ph))),
    ];
    return () => offs.forEach((off) => off());
  }, [request.id]);

  const run = async ({ to }: { to: string }) => {
    setError(null);
    setPhase({ kind: 'running', progress: null });
    let exported: Exported;
    try {
      exported = await invoke('export.run', { requestId: request.id, to: to.trim() });
    } catch (e) {
      setError(e);
      setPhase({ kind: 'form' });
      return;
    }
    setPhase({ kind: 'checking', exported, progress: null });
    try {
      const verified = await invoke('package.verify', { path: exported.path, ...(verifierKey ? { verifierKey } : {}) });
      setPhase({ kind: 'done', exported, verified });
    } catch (e) {
      setError(e);
      setPhase({ kind: 'done', exported, verified: { ok: false, reason: 'unreadable', path: exported.path } });
    }
  };

  const busy = phase.kind === 'running' || phase.kind === 'checking';
  const progress = phase.kind === 'running' || phase.kind === 'checking' ? phase.progress : null;
  return (
    <Modal
      open
      title={t('ui:export.title', { id: request.id })}
      okText={phase.kind === 'done' ? t('ui:common.close') : t('ui:export.start')}
      cancelText={t('ui:common.cancel')}
      cancelButtonProps={{ style: phase.kind === 'done' ? { display: 'none' } : undefined, disabled: busy }}
      okButtonProps={{ 'data-testid': 'export-start' }}
      onOk={() => (phase.kind === 'done' ? onClose(true) : form.submit())}
      onCancel={() => !busy && onClose(phase.kind === 'done')}
      confirmLoading={busy}
      closable={!busy}
      mask={{ closable: false }}
      width={640}
      destroyOnHidden
      data-testid="export-dialog"
    >
      <ErrorAlert error={error} />
      {phase.kind === 'form' ? (
        <>
          <Typography.Paragraph type="secondary">{t('ui:export.intro', { count: request.items.length })}</Typography.Paragraph>
          <Form form={form} layout="vertical" requiredMark={false} onFinish={(v) => void run(v)}>
            <Form.Item name="to" label={t('ui:export.to')} extra={t('ui:export.toHint')} rules={[{ required: true, whitespace: true, message: t('ui:export.toRequired') }]}>
              <Input className="mono" autoFocus data-testid="export-to" />
            </Form.Item>
          </Form>
        </>
      ) : null}
      {phase.kind === 'running' || phase.kind === 'checking' ? (
        <div data-testid="export-progress">
          <Typography.Text>{phase.kind === 'running' ? (progress && 'phase' in progress && progress.phase === 'verifying' ? t('ui:export.readingBack') : t('ui:export.writing')) : t('ui:export.checking')}</Typography.Text>
          <Progress percent={progress ? percentOf(progress.bytes, progress.totalBytes) : 0} status="active" />
          {progress ? (
            <Typography.Text type="secondary" className="mono" style={{ fontSize: 12 }}>
              {t('ui:export.progressDetail', { done: formatBytes(progress.bytes), total: formatBytes(progress.totalBytes), file: 'file' in progress ? progress.file : progress.path })}
            </Typography.Text>
          ) : null}
        </div>
      ) : null}
      {phase.kind === 'done' ? (
        <div data-testid="export-result">
          {phase.verified.ok ? (
            <>
              <Alert type="success" showIcon data-testid="export-verified" title={t('ui:export.verified')} description={t('ui:export.verifiedDetail', { files: phase.verified.files, bytes: formatBytes(phase.verified.bytes), checkpoint: phase.verified.checkpointSize })} />
              {phase.verified.witness.state === 'cosigned' ? (
                <Alert
                  type="info"
                  showIcon
                  style={{ marginTop: 8 }}
                  data-testid="export-witness"
                  title={t('ui:exportWitness.cosigned', { size: phase.verified.witness.size, proofs: phase.verified.witness.proofs, names: phase.verified.witness.cosigners.map((c) => c.name).join(', ') || '—' })}
                />
              ) : phase.verified.witness.state === 'not_cosigned' ? (
                <Alert type="warning" showIcon style={{ marginTop: 8 }} data-testid="export-witness" title={t('ui:exportWitness.not_cosigned')} />
              ) : null}
            </>
          ) : (
            <Alert
              type="error"
              showIcon
              data-testid="export-verify-failed"
              title={t('ui:export.verifyFailed')}
              description={t('ui:export.verifyFailedDetail', { reason: t(`ui:export.verifyReasons.${phase.verified.reason}`), path: phase.verified.path })}
            />
          )}
          <Descriptions
            size="small"
            column={1}
            bordered
            style={{ marginTop: 16 }}
            styles={{ label: { width: 130 } }}
            items={[
              { key: 'path', label: t('ui:export.path'), children: <HashText value={phase.exported.path} testId="export-path" /> },
              { key: 'files', label: t('ui:export.files'), children: t('ui:export.filesDetail', { files: phase.exported.files, bytes: formatBytes(phase.exported.bytes) }) },
              { key: 'package', label: t('ui:export.packageId'), children: <span className="mono">{phase.exported.packageId}</span> },
            ]}
          />
          <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
            {t('ui:export.howToCheck')}
          </Typography.Paragraph>
        </div>
      ) : null}
    </Modal>
  );
}
