import { Alert, Form, Input, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Recording } from '../recordings/labels.tsx';
import { FormDialog } from '../components/FormDialog.tsx';
import { useRuleBasis } from '../components/useRuleBasis.ts';

/**
 * Supervisors review records in real time (001 第十九条) without a request; each such view is
 * ledgered with its reason, so the reason is required before the player opens.
 */
export function SpotCheckDialog({ recording, onCancel, onConfirm }: { recording: Pick<Recording, 'id' | 'originalName'>; onCancel: () => void; onConfirm: (reason: string) => void }) {
  const { t } = useTranslation();
  const basisSupervision = useRuleBasis('supervision');
  return (
    <FormDialog<{ reason: string }>
      title={t('ui:player.spotCheckTitle', { id: recording.id })}
      okText={t('ui:player.spotCheckSubmit')}
      width={520}
      testId="spot-check-dialog"
      onCancel={onCancel}
      onSubmit={async (v) => onConfirm(v.reason.trim())}
    >
      <Alert type="info" showIcon title={t('ui:player.spotCheckHint') + basisSupervision} style={{ marginBottom: 16 }} />
      <Typography.Paragraph type="secondary" className="mono">
        {recording.originalName}
      </Typography.Paragraph>
      <Form.Item
        name="reason"
        label={t('ui:player.spotCheckReason')}
        rules={[
          { required: true, whitespace: true, message: t('ui:player.spotCheckReasonRequired') },
          { min: 2, message: t('ui:player.spotCheckReasonRequired') },
        ]}
      >
        <Input.TextArea rows={3} maxLength={1000} showCount autoFocus data-testid="spot-check-reason" />
      </Form.Item>
    </FormDialog>
  );
}
