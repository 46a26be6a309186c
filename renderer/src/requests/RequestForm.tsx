import { Alert, Flex, Form, Input, Radio, Spin, Tag, Typography } from 'antd';
import { LockOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { invoke } from '../api.ts';
import { FormDialog } from '../components/FormDialog.tsx';
import { useLoaded } from '../components/useLoaded.ts';
import { classificationColor, classificationFromHistory, type Classification } from '../recordings/labels.tsx';
import type { AccessRequest } from './labels.tsx';
import { useRuleBasis } from '../components/useRuleBasis.ts';
import { ASKABLE_KINDS as KINDS, type AskableKind as Kind } from '../../../electron/shared/requests.ts';

/** Classification is looked up for this many items; beyond it the station still decides (two approvers). */
const CHECK_LIMIT = 50;

/**
 * A view/copy/burn request for the selected recordings with its purpose (事由): the only way
 * footage is seen or leaves the vault (000 第三十七条, 002 第二十四条, 004 第二十条).
 */
export function RequestForm({ recordingIds, initialKind, onCancel, onCreated }: { recordingIds: string[]; initialKind: Kind; onCancel: () => void; onCreated: (r: AccessRequest) => void }) {
  const { t } = useTranslation();
  const basisSecrecy = useRuleBasis('secrecy');
  // Which items are classified decides the warning shown; a failed look-up leaves it to the station (no warning).
  const looked = useLoaded(async () => {
    const details = await Promise.all(recordingIds.slice(0, CHECK_LIMIT).map((id) => invoke('recording.get', { id })));
    const found = new Map<string, Classification>();
    for (const d of details) {
      const c = classificationFromHistory(d.history)?.value;
      if (c) found.set(d.recording.id, c);
    }
    return found;
  }, [recordingIds]);
  const classified = looked.error ? new Map<string, Classification>() : looked.value;

  return (
    <FormDialog<{ kind: Kind; purpose: string }>
      title={t('ui:requestForm.title', { count: recordingIds.length })}
      okText={t('ui:requestForm.submit')}
      width={640}
      initialValues={{ kind: initialKind, purpose: '' }}
      testId="request-form"
      onCancel={onCancel}
      onSubmit={async (v) => onCreated(await invoke('request.create', { kind: v.kind, recordingIds, purpose: v.purpose.trim() }))}
    >
      <Form.Item name="kind" label={t('ui:requestForm.kind')}>
        <Radio.Group data-testid="request-kind" optionType="button" buttonStyle="solid" options={KINDS.map((k) => ({ value: k, label: t(`ui:requests.kinds.${k}`) }))} />
      </Form.Item>
      <Form.Item noStyle shouldUpdate={(a, b) => a.kind !== b.kind}>
        {({ getFieldValue }) => (
          <Typography.Paragraph type="secondary" style={{ marginTop: -12 }}>
            {t(`ui:requestForm.kindHints.${getFieldValue('kind') as Kind}`)}
          </Typography.Paragraph>
        )}
      </Form.Item>
      <Form.Item
        name="purpose"
        label={t('ui:requestForm.purpose')}
        extra={t('ui:requestForm.purposeHint')}
        rules={[
          { required: true, whitespace: true, message: t('ui:requestForm.purposeRequired') },
          { min: 2, message: t('ui:requestForm.purposeRequired') },
        ]}
      >
        <Input.TextArea rows={3} maxLength={1000} showCount autoFocus data-testid="request-purpose" />
      </Form.Item>
      <Typography.Text strong>{t('ui:requestForm.items', { count: recordingIds.length })}</Typography.Text>
      <Flex gap={4} wrap style={{ margin: '6px 0 12px', maxHeight: 120, overflow: 'auto' }} data-testid="request-items">
        {recordingIds.map((id) => {
          const c = classified?.get(id);
          return (
            <Tag key={id} color={c ? classificationColor(c) : undefined} icon={c ? <LockOutlined /> : null} className="mono">
              {c ? `${id} · ${t(`ui:classification.${c}`)}` : id}
            </Tag>
          );
        })}
      </Flex>
      {classified === null ? (
        <Spin size="small" />
      ) : classified.size > 0 ? (
        <Alert type="warning" showIcon data-testid="request-two-approvers" title={t('ui:requestForm.twoApprovers', { count: classified.size })} description={t('ui:requestForm.twoApproversHint') + basisSecrecy} />
      ) : (
        <Alert type="info" showIcon title={t('ui:requestForm.approvalHint')} description={t('ui:requestForm.twoApproversHint') + basisSecrecy} />
      )}
    </FormDialog>
  );
}
