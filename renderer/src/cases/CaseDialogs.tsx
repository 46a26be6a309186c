import { Alert, DatePicker, Form, Input, Radio } from 'antd';
import type { Dayjs } from 'dayjs';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { invoke, type Output } from '../api.ts';
import { FormDialog, ReasonField } from '../components/FormDialog.tsx';
import { ArchiveDeadlineText, deadlineRuleText, type Case, type DeadlineRule } from './labels.tsx';
import { useRuleBasis } from '../components/useRuleBasis.ts';
import { useLoaded } from '../components/useLoaded.ts';
import { ASKABLE_KINDS } from '../../../electron/shared/requests.ts';

type AccessRequest = Output<'case.request'>;

export function UnlinkDialog({ kase, recordingId, onCancel, onDone }: { kase: Case; recordingId: string; onCancel: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  return (
    <FormDialog<{ reason: string }>
      title={t('ui:unlink.title', { recordingId })}
      okText={t('ui:unlink.submit')}
      danger
      intro={t('ui:unlink.intro', { caseNumber: kase.caseNumber })}
      testId="unlink-dialog"
      onCancel={onCancel}
      onSubmit={async (v) => {
        await invoke('case.unlink', { id: kase.id, recordingId, reason: v.reason.trim() });
        onDone();
      }}
    >
      <ReasonField label={t('ui:unlink.reason')} testId="unlink-reason" />
    </FormDialog>
  );
}

/** 执法行为终结: the archive deadline starts, on the agency's rule for this kind of case. */
export function CloseDialog({ kase, onCancel, onDone }: { kase: Case; onCancel: () => void; onDone: (c: Case) => void }) {
  const { t } = useTranslation();
  const basisCaseArchive = useRuleBasis('caseArchive');
  // The rule is a hint beside the form; without it the case still closes, so a failure to read it shows nothing.
  const { value: rule } = useLoaded<DeadlineRule>(async () => {
    const s = await invoke('retention.settings', {});
    return s.archiveDeadline.byType[kase.enforcementType] ?? s.archiveDeadline.default;
  }, [kase.enforcementType]);
  return (
    <FormDialog<{ concludedAt?: Dayjs; note?: string }>
      title={t('ui:close.title', { caseNumber: kase.caseNumber })}
      okText={t('ui:close.submit')}
      intro={t('ui:close.intro')}
      testId="close-dialog"
      onCancel={onCancel}
      onSubmit={async (v) => onDone(await invoke('case.close', { id: kase.id, ...(v.concludedAt ? { concludedAt: v.concludedAt.toISOString() } : {}), note: v.note?.trim() ?? '' }))}
    >
      {rule ? <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('ui:close.rule', { rule: deadlineRuleText(t, rule) })} description={t('ui:close.ruleHint') + basisCaseArchive} data-testid="close-rule" /> : null}
      <Form.Item name="concludedAt" label={t('ui:close.concludedAt')} extra={t('ui:close.concludedAtHint')}>
        <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" disabledDate={(d) => d.isAfter(dayjs(), 'day')} data-testid="close-concluded-at" />
      </Form.Item>
      <Form.Item name="note" label={t('ui:close.note')}>
        <Input.TextArea rows={3} maxLength={4000} data-testid="close-note" />
      </Form.Item>
    </FormDialog>
  );
}

/** 立卷归档: the file is complete; from now on its retention (and its evidence's) runs. */
export function ArchiveDialog({ kase, onCancel, onDone }: { kase: Case; onCancel: () => void; onDone: (c: Case) => void }) {
  const { t } = useTranslation();
  return (
    <FormDialog<{ note?: string }>
      title={t('ui:archive.title', { caseNumber: kase.caseNumber })}
      okText={t('ui:archive.submit')}
      intro={t('ui:archive.intro')}
      testId="archive-dialog"
      onCancel={onCancel}
      onSubmit={async (v) => onDone(await invoke('case.archive', { id: kase.id, note: v.note?.trim() ?? '' }))}
    >
      {kase.archive ? (
        <Form.Item label={t('ui:cases.fields.archiveDeadline')}>
          <ArchiveDeadlineText archive={kase.archive} showRule />
        </Form.Item>
      ) : null}
      {kase.archive?.overdue ? <Alert type="warning" showIcon style={{ marginBottom: 16 }} title={t('ui:archive.late')} /> : null}
      <Form.Item name="note" label={t('ui:archive.note')}>
        <Input.TextArea rows={3} maxLength={4000} data-testid="archive-note" />
      </Form.Item>
    </FormDialog>
  );
}

export type WholeCaseKind = 'view' | 'copy' | 'burn';

/** A view / copy / burn request over every recording linked to the case now. */
export function CaseRequestDialog({ kase, kind, onCancel, onDone }: { kase: Case; kind: WholeCaseKind; onCancel: () => void; onDone: (r: AccessRequest) => void }) {
  const { t } = useTranslation();
  const basisViewCopyApproval = useRuleBasis('viewCopyApproval');
  return (
    <FormDialog<{ kind: WholeCaseKind; purpose: string }>
      title={t('ui:caseRequest.title', { caseNumber: kase.caseNumber })}
      okText={t('ui:caseRequest.submit')}
      intro={t('ui:caseRequest.intro', { n: kase.recordingCount })}
      initialValues={{ kind }}
      testId="case-request-dialog"
      onCancel={onCancel}
      onSubmit={async (v) => onDone(await invoke('case.request', { id: kase.id, kind: v.kind, purpose: v.purpose.trim() }))}
    >
      <Form.Item name="kind" label={t('ui:caseRequest.kind')}>
        <Radio.Group
          optionType="button"
          options={ASKABLE_KINDS.map((k) => ({ value: k, label: t(`ui:caseRequest.kinds.${k}`) }))}
          data-testid="case-request-kind"
        />
      </Form.Item>
      <ReasonField name="purpose" label={t('ui:caseRequest.purpose')} hint={t('ui:caseRequest.purposeHint') + basisViewCopyApproval} testId="case-request-purpose" max={1000} />
    </FormDialog>
  );
}
