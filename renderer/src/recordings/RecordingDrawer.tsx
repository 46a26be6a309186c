import { useState } from 'react';
import { Alert, App, Button, Drawer, Flex, Spin, Tag, Typography } from 'antd';
import { EyeOutlined, FileProtectOutlined, FormOutlined, LockOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { invoke, type Output, type User } from '../api.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { formatTime } from '../components/formatTime.ts';
import { useLoaded } from '../components/useLoaded.ts';
import { ClassifyDialog } from './ClassifyDialog.tsx';
import { ExplainDialog } from './ExplainDialog.tsx';
import { FlagTags, classificationColor, classificationFromHistory, type Recording } from './labels.tsx';
import { REQUESTER_ROLES as REQUESTERS } from '../roles.ts';
import { RecordingFieldsSection } from './RecordingFieldsSection.tsx';
import { RecordingTimesSection } from './RecordingTimesSection.tsx';
import { RecordingRulesSection } from './RecordingRulesSection.tsx';
import { RecordingExplanationsSection } from './RecordingExplanationsSection.tsx';
import { RecordingClassificationSection } from './RecordingClassificationSection.tsx';
import { RecordingHistorySection } from './RecordingHistorySection.tsx';

type Detail = Output<'recording.get'>;
export type RequestKind = 'view' | 'copy' | 'burn';


/**
 * One recording with every catalogue field (000 第十条), the three times and which was used, its
 * flags and explanations, its classification and its full ledger history.
 */
export function RecordingDrawer({
  id,
  user,
  onClose,
  onChanged,
  onRequest,
  onSpotCheck,
}: {
  id: string | null;
  user: User;
  onClose: () => void;
  onChanged: () => void;
  onRequest: (kind: RequestKind, ids: string[]) => void;
  onSpotCheck: (recording: Recording) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { value: detail, error, reload } = useLoaded<Detail | null>(() => (id === null ? Promise.resolve(null) : invoke('recording.get', { id })), [id], {
    clearOnChange: true,
    skip: id === null,
  });
  const [dialog, setDialog] = useState<'explain' | 'classify' | null>(null);
  const custodian = user.roles.includes('custodian');
  const requester = user.roles.some((r) => REQUESTERS.includes(r));
  const auditor = user.roles.includes('auditor');

  const r = detail?.recording;
  const classification = detail ? classificationFromHistory(detail.history) : null;

  return (
    <Drawer
      open={id !== null}
      onClose={onClose}
      size={820}
      destroyOnHidden
      title={id ? t('ui:recording.title', { id }) : null}
      data-testid="recording-drawer"
      extra={
        r ? (
          <Flex gap={8}>
            {auditor ? (
              <Button icon={<EyeOutlined />} onClick={() => onSpotCheck(r)} data-testid="recording-spot-check">
                {t('ui:recording.spotCheck')}
              </Button>
            ) : null}
            {requester ? (
              <Button type="primary" icon={<FileProtectOutlined />} onClick={() => onRequest('view', [r.id])} data-testid="recording-request">
                {t('ui:recording.request')}
              </Button>
            ) : null}
          </Flex>
        ) : null
      }
    >
      <ErrorAlert error={error} />
      {!detail && !error ? <Spin /> : null}
      {r && detail ? (
        <div data-testid="recording-detail" data-id={r.id}>
          <Flex gap={8} wrap align="center" style={{ marginBottom: 12 }}>
            <Typography.Text strong className="mono">
              {r.originalName}
            </Typography.Text>
            <FlagTags recording={r} all />
            {classification?.value ? (
              <Tag color={classificationColor(classification.value)} icon={<LockOutlined />} data-testid="recording-classification">
                {t(`ui:classification.${classification.value}`)}
              </Tag>
            ) : null}
          </Flex>

          {r.destroyed ? (
            <Alert
              type="error"
              showIcon
              style={{ marginBottom: 16 }}
              title={t('ui:destroyed.detail', { at: formatTime(r.destroyed.at), batch: r.destroyed.batchId, by: r.destroyed.by })}
              data-testid="recording-destroyed"
            />
          ) : null}
          {r.flags.includes('needs_explanation') ? (
            <Alert
              type="warning"
              showIcon
              style={{ marginBottom: 16 }}
              title={t('ui:recording.needsExplanation')}
              action={
                custodian ? (
                  <Button size="small" type="primary" icon={<FormOutlined />} onClick={() => setDialog('explain')} data-testid="recording-explain">
                    {t('ui:dock.writeExplanation')}
                  </Button>
                ) : null
              }
            />
          ) : null}

          <RecordingFieldsSection detail={detail} />
          <RecordingTimesSection r={r} />
          <RecordingRulesSection r={r} />
          <RecordingExplanationsSection detail={detail} custodian={custodian} onExplain={() => setDialog('explain')} />
          <RecordingClassificationSection classification={classification} custodian={custodian} onClassify={() => setDialog('classify')} />
          <RecordingHistorySection history={detail.history} />
        </div>
      ) : null}
      {dialog === 'explain' && r ? (
        <ExplainDialog
          recording={r}
          onCancel={() => setDialog(null)}
          onDone={(res) => {
            setDialog(null);
            void message.success(t('ui:explain.saved', { id: res.recording.id, seq: res.explanation.ledgerSeq }));
            void reload();
            onChanged();
          }}
        />
      ) : null}
      {dialog === 'classify' && r ? (
        <ClassifyDialog
          recordingId={r.id}
          current={classification?.value ?? null}
          onCancel={() => setDialog(null)}
          onDone={() => {
            setDialog(null);
            void message.success(t('ui:classify.saved', { id: r.id }));
            void reload();
            onChanged();
          }}
        />
      ) : null}
    </Drawer>
  );
}
