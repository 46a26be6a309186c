import { Alert, Form, Input, Radio } from 'antd';
import { useTranslation } from 'react-i18next';
import { invoke } from '../api.ts';
import { FormDialog } from '../components/FormDialog.tsx';
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
  return (
    <FormDialog<Values>
      title={t('ui:classify.title', { id: recordingId })}
      okText={t('ui:common.save')}
      width={520}
      initialValues={{ classification: current ?? 'none', note: '' }}
      testId="classify-dialog"
      onCancel={onCancel}
      onSubmit={async (v) => {
        await invoke('recording.classify', { recordingId, classification: v.classification === 'none' ? null : v.classification, note: v.note?.trim() ?? '' });
        onDone();
      }}
    >
      <Alert type="info" showIcon title={t('ui:classify.hint') + basisSecrecy} style={{ marginBottom: 16 }} />
      <Form.Item name="classification" label={t('ui:classify.level')}>
        <Radio.Group
          data-testid="classify-level"
          options={[{ value: 'none', label: t('ui:classification.none') }, ...CLASSIFICATIONS.map((c) => ({ value: c, label: t(`ui:classification.${c}`) }))]}
        />
      </Form.Item>
      <Form.Item name="note" label={t('ui:classify.note')} rules={[{ required: true, whitespace: true, message: t('ui:classify.noteRequired') }]}>
        <Input.TextArea rows={3} maxLength={1000} showCount data-testid="classify-note" />
      </Form.Item>
    </FormDialog>
  );
}
