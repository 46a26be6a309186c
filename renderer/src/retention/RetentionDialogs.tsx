import { DatePicker, Form, Input, Radio, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { invoke, type Output } from '../api.ts';
import { FormDialog, PasswordField, ReasonField } from '../components/FormDialog.tsx';
import type { Hold } from './labels.tsx';
import { useRuleBasis } from '../components/useRuleBasis.ts';

type ExtensionRequest = Output<'retention.requestExtension'>;

/** A legal hold on a recording or a whole case: nothing under it is destroyed until it is released. */
export function HoldDialog({ scope, target, onCancel, onDone }: { scope: 'recording' | 'case'; target: string; onCancel: () => void; onDone: (hold: Hold) => void }) {
  const { t } = useTranslation();
  return (
    <FormDialog<{ reason: string }>
      title={t(`ui:holds.placeTitle.${scope}`, { target })}
      okText={t('ui:holds.place')}
      intro={t('ui:holds.placeIntro')}
      testId="hold-dialog"
      onCancel={onCancel}
      onSubmit={async (v) => onDone(await invoke('retention.hold', { scope, target, reason: v.reason.trim() }))}
    >
      <ReasonField label={t('ui:holds.reason')} hint={t('ui:holds.reasonHint')} testId="hold-reason" />
    </FormDialog>
  );
}

/** Lifting a hold exposes the footage to destruction again: an approver's decision, password re-entered. */
export function ReleaseDialog({ hold, onCancel, onDone }: { hold: Hold; onCancel: () => void; onDone: (hold: Hold) => void }) {
  const { t } = useTranslation();
  return (
    <FormDialog<{ reason: string; password: string }>
      title={t('ui:holds.releaseTitle', { id: hold.id })}
      okText={t('ui:holds.release')}
      danger
      intro={t('ui:holds.releaseIntro', { target: hold.target, reason: hold.reason })}
      testId="release-dialog"
      onCancel={onCancel}
      onSubmit={async (v) => onDone(await invoke('retention.release', { holdId: hold.id, reason: v.reason.trim(), password: v.password }))}
    >
      <ReasonField label={t('ui:holds.releaseReason')} testId="release-reason" />
      <PasswordField testId="release-password" />
    </FormDialog>
  );
}

type ExtensionValues = { mode: 'date' | 'permanent'; until?: Dayjs; purpose: string };

/**
 * 长期保存: a request with its terms (a date or permanent). An approver decides it in their queue
 * like any request; only then, and once applied, does it count (004 第十九条 "经机关分管负责人批准").
 */
export function ExtensionDialog({ target, onCancel, onDone }: { target: { caseId: string } | { recordingIds: string[] }; onCancel: () => void; onDone: (r: ExtensionRequest) => void }) {
  const { t } = useTranslation();
  const basisLongTermKeeping = useRuleBasis('longTermKeeping');
  const label = 'caseId' in target ? target.caseId : target.recordingIds.join(', ');
  return (
    <FormDialog<ExtensionValues>
      title={t('ui:extensions.requestTitle')}
      okText={t('ui:extensions.submit')}
      width={620}
      intro={t('ui:extensions.intro') + basisLongTermKeeping}
      initialValues={{ mode: 'date' }}
      testId="extension-dialog"
      onCancel={onCancel}
      onSubmit={async (v) => {
        const until = v.mode === 'permanent' ? ('permanent' as const) : v.until!.format('YYYY-MM-DD');
        onDone(await invoke('retention.requestExtension', { ...target, until, purpose: v.purpose.trim() }));
      }}
    >
      <Form.Item label={'caseId' in target ? t('ui:extensions.forCase') : t('ui:extensions.forRecordings')}>
        <Typography.Text className="mono">{label}</Typography.Text>
      </Form.Item>
      <Form.Item name="mode" label={t('ui:extensions.until')}>
        <Radio.Group
          options={[
            { value: 'date', label: t('ui:extensions.untilDate') },
            { value: 'permanent', label: t('ui:extensions.permanent') },
          ]}
          data-testid="extension-mode"
        />
      </Form.Item>
      <Form.Item noStyle dependencies={['mode']}>
        {({ getFieldValue }) =>
          getFieldValue('mode') === 'date' ? (
            <Form.Item name="until" rules={[{ required: true, message: t('ui:extensions.untilRequired') }]}>
              <DatePicker disabledDate={(d) => d.isBefore(dayjs().add(1, 'day'), 'day')} data-testid="extension-until" />
            </Form.Item>
          ) : null
        }
      </Form.Item>
      <Form.Item
        name="purpose"
        label={t('ui:extensions.purpose')}
        extra={t('ui:extensions.purposeHint') + basisLongTermKeeping}
        rules={[
          { required: true, whitespace: true, message: t('ui:forms.reasonRequired') },
          { min: 2, message: t('ui:forms.reasonRequired') },
        ]}
      >
        <Input.TextArea rows={3} maxLength={1000} showCount data-testid="extension-purpose" />
      </Form.Item>
    </FormDialog>
  );
}
