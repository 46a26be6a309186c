import { useEffect, useState } from 'react';
import { Alert, Flex, Form, Input, Modal, Radio, Spin, Tag, Typography } from 'antd';
import { LockOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { invoke } from '../api.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
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
  const [form] = Form.useForm<{ kind: Kind; purpose: string }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [classified, setClassified] = useState<Map<string, Classification> | null>(null);

  useEffect(() => {
    let live = true;
    const ids = recordingIds.slice(0, CHECK_LIMIT);
    Promise.all(ids.map((id) => invoke('recording.get', { id }))).then(
      (details) => {
        if (!live) return;
        const found = new Map<string, Classification>();
        for (const d of details) {
          const c = classificationFromHistory(d.history)?.value;
          if (c) found.set(d.recording.id, c);
        }
        setClassified(found);
      },
      () => live && setClassified(new Map()),
    );
    return () => {
      live = false;
    };
  }, [recordingIds]);

  const submit = async (v: { kind: Kind; purpose: string }) => {
    setBusy(true);
    setError(null);
    try {
      onCreated(await invoke('request.create', { kind: v.kind, recordingIds, purpose: v.purpose.trim() }));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title={t('ui:requestForm.title', { count: recordingIds.length })}
      okText={t('ui:requestForm.submit')}
      cancelText={t('ui:common.cancel')}
      onOk={() => form.submit()}
      onCancel={onCancel}
      confirmLoading={busy}
      width={640}
      destroyOnHidden
      data-testid="request-form"
    >
      <ErrorAlert error={error} />
      <Form form={form} layout="vertical" requiredMark={false} disabled={busy} initialValues={{ kind: initialKind, purpose: '' }} onFinish={(v) => void submit(v)}>
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
      </Form>
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
    </Modal>
  );
}
