import { Alert, Form, Input, Radio, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { invoke, type Output } from '../api.ts';
import { FormDialog } from '../components/FormDialog.tsx';
import type { Recording } from './labels.tsx';
import { useRuleBasis } from '../components/useRuleBasis.ts';

export type ExplanationKind = 'late_handover' | 'interruption';
type Explained = Output<'recording.explain'>;

/** The kinds of explanation this recording calls for, the unexplained ones first. */
export function explanationKinds(r: Pick<Recording, 'handover' | 'interruption'>): { kind: ExplanationKind; explained: boolean }[] {
  const out: { kind: ExplanationKind; explained: boolean }[] = [];
  if (r.handover.late) out.push({ kind: 'late_handover', explained: r.handover.explained });
  if (r.interruption.flagged) out.push({ kind: 'interruption', explained: r.interruption.explained });
  return out.sort((a, b) => Number(a.explained) - Number(b.explained));
}

/**
 * 书面说明 of a late hand-over (000 第十一条) or 中止记录的说明 of an interruption (000 第九条):
 * written by the custodian, kept with the recording and, word for word, in the ledger.
 */
export function ExplainDialog({ recording, onCancel, onDone }: { recording: Recording; onCancel: () => void; onDone: (result: Explained) => void }) {
  const { t } = useTranslation();
  const basisHandover = useRuleBasis('handover');
  const basisInterruption = useRuleBasis('interruption');
  const kinds = explanationKinds(recording);
  const [form] = Form.useForm<{ kind: ExplanationKind; text: string }>();
  const kind = Form.useWatch('kind', form) ?? kinds[0]?.kind;

  return (
    <FormDialog<{ kind: ExplanationKind; text: string }>
      title={t('ui:explain.title', { id: recording.id })}
      okText={t('ui:explain.submit')}
      width={620}
      form={form}
      initialValues={{ kind: kinds[0]?.kind }}
      testId="explain-dialog"
      onCancel={onCancel}
      onSubmit={async (v) => onDone(await invoke('recording.explain', { id: recording.id, kind: v.kind, text: v.text.trim() }))}
    >
      <Typography.Paragraph type="secondary" style={{ marginBottom: 12 }}>
        <span className="mono">{recording.originalName}</span>
      </Typography.Paragraph>
      <Form.Item name="kind" label={t('ui:explain.kind')}>
        <Radio.Group
          data-testid="explain-kind"
          options={kinds.map((k) => ({
            value: k.kind,
            label: k.explained ? t('ui:explain.kindExplained', { kind: t(`ui:explain.kinds.${k.kind}`) }) : t(`ui:explain.kinds.${k.kind}`),
          }))}
        />
      </Form.Item>
      {kind ? <Alert type="info" showIcon title={t(`ui:explain.hints.${kind}`) + (kind === 'late_handover' ? basisHandover : basisInterruption)} style={{ marginBottom: 16 }} /> : null}
      <Form.Item
        name="text"
        label={t('ui:explain.text')}
        rules={[
          { required: true, whitespace: true, message: t('ui:explain.textRequired') },
          { min: 2, message: t('ui:explain.textRequired') },
        ]}
        extra={t('ui:explain.textHint')}
      >
        <Input.TextArea rows={5} maxLength={4000} showCount autoFocus data-testid="explain-text" />
      </Form.Item>
    </FormDialog>
  );
}
