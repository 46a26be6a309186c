import { useState } from 'react';
import { Alert, Form, Input, Modal, Radio } from 'antd';
import { useTranslation } from 'react-i18next';
import { invoke } from '../api.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { CLASSIFICATIONS, type Classification } from './labels.tsx';
import { useRuleBasis } from '../components/useRuleBasis.ts';

type Values = { classification: Classification | 'none'; note: string };

/**
 * 涉密 / 商业秘密 / 个人隐私 (002 第二十五条), set by a custodian and ledgered. A classified
 * recording then needs two different approvers before anyone may view or copy it.
 */
export function ClassifyDialog({ recordingId, current, onCancel, onDone }: { recordingId: string; current: Classification | null; onCancel: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const basisSecrecy = useRuleBasis('secrecy');
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (v: Values) => {
    setBusy(true);
    setError(null);
    try {
      await invoke('recording.classify', { recordingId, classification: v.classification === 'none' ? null : v.classification, note: v.note?.trim() ?? '' });
      onDone();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      title={t('ui:classify.title', { id: recordingId })}
      okText={t('ui:common.save')}
      cancelText={t('ui:common.cancel')}
      onOk={() => form.submit()}
      onCancel={onCancel}
      confirmLoading={busy}
      destroyOnHidden
      data-testid="classify-dialog"
    >
      <ErrorAlert error={error} />
      <Alert type="info" showIcon title={t('ui:classify.hint') + basisSecrecy} style={{ marginBottom: 16 }} />
      <Form form={form} layout="vertical" requiredMark={false} disabled={busy} initialValues={{ classification: current ?? 'none', note: '' }} onFinish={(v) => void submit(v)}>
        <Form.Item name="classification" label={t('ui:classify.level')}>
          <Radio.Group
            data-testid="classify-level"
            options={[{ value: 'none', label: t('ui:classification.none') }, ...CLASSIFICATIONS.map((c) => ({ value: c, label: t(`ui:classification.${c}`) }))]}
          />
        </Form.Item>
        <Form.Item name="note" label={t('ui:classify.note')} rules={[{ required: true, whitespace: true, message: t('ui:classify.noteRequired') }]}>
          <Input.TextArea rows={3} maxLength={1000} showCount data-testid="classify-note" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
