import { Alert, Descriptions, Form, Input, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { invoke } from '../api.ts';
import { FormDialog } from '../components/FormDialog.tsx';
import { formatTime } from '../components/formatTime.ts';
import { KindTag, approvalsOf, type AccessRequest } from './labels.tsx';

type Values = { password: string; text?: string };

/**
 * An approver's decision. The password is re-entered for every decision (README.md, Architecture), so a session
 * left open at an unattended desk cannot approve anything; a denial needs its reason.
 */
export function DecisionDialog({ request, mode, onCancel, onDone }: { request: AccessRequest; mode: 'approve' | 'deny'; onCancel: () => void; onDone: (r: AccessRequest) => void }) {
  const { t } = useTranslation();
  const approve = mode === 'approve';
  const already = approvalsOf(request);

  return (
    <FormDialog<Values>
      title={approve ? t('ui:decision.approveTitle', { id: request.id }) : t('ui:decision.denyTitle', { id: request.id })}
      okText={approve ? t('ui:decision.approve') : t('ui:decision.deny')}
      danger={!approve}
      width={600}
      testId="decision-dialog"
      submitTestId="decision-submit"
      onCancel={onCancel}
      onSubmit={async (v) =>
        onDone(
          approve
            ? await invoke('request.approve', { id: request.id, password: v.password, note: v.text?.trim() ?? '' })
            : await invoke('request.deny', { id: request.id, password: v.password, reason: (v.text ?? '').trim() }),
        )
      }
    >
      <Descriptions
        size="small"
        column={1}
        bordered
        styles={{ label: { width: 120 } }}
        style={{ marginBottom: 16 }}
        items={[
          { key: 'kind', label: t('ui:requests.columns.kind'), children: <KindTag kind={request.kind} /> },
          { key: 'requester', label: t('ui:requests.columns.requester'), children: request.requester },
          { key: 'purpose', label: t('ui:requests.columns.purpose'), children: <Typography.Text style={{ whiteSpace: 'pre-wrap' }}>{request.purpose}</Typography.Text> },
          { key: 'items', label: t('ui:decision.items'), children: <span className="mono">{request.items.join(', ')}</span> },
          { key: 'created', label: t('ui:requests.columns.created'), children: formatTime(request.createdAt) },
        ]}
      />
      {request.requiredApprovals > 1 ? (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          title={t('ui:decision.twoApprovers', { required: request.requiredApprovals, done: already.length })}
          description={already.length > 0 ? t('ui:decision.approvedSoFar', { names: already.join(', ') }) : null}
        />
      ) : null}
      <Form.Item
        name="text"
        label={approve ? t('ui:decision.note') : t('ui:decision.reason')}
        rules={approve ? [] : [{ required: true, whitespace: true, message: t('ui:decision.reasonRequired') }, { min: 2, message: t('ui:decision.reasonRequired') }]}
      >
        <Input.TextArea rows={2} maxLength={1000} data-testid="decision-text" />
      </Form.Item>
      <Form.Item name="password" label={t('ui:decision.password')} extra={t('ui:decision.passwordHint')} rules={[{ required: true, message: t('ui:decision.passwordRequired') }]}>
        <Input.Password autoComplete="current-password" autoFocus data-testid="decision-password" />
      </Form.Item>
    </FormDialog>
  );
}
