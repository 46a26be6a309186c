import { DatePicker, Form, Input, Radio, Select, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { invoke, type Input as ApiInput } from '../api.ts';
import { FormDialog } from '../components/FormDialog.tsx';
import { ENFORCEMENT_TYPES, periodText, type Case, type EnforcementType, type Period } from './labels.tsx';
import type { Officer } from '../../../electron/api/index.ts';
import { useRuleBasis } from '../components/useRuleBasis.ts';
import { useLoaded } from '../components/useLoaded.ts';

type Values = {
  caseNumber: string;
  title: string;
  enforcementType: EnforcementType;
  partyKind: 'person' | 'organisation';
  partyName: string;
  partyIdNumber?: string;
  description?: string;
  officers: string[];
  fileRetention: string;
  openedAt?: Dayjs;
};

const key = (p: Period) => JSON.stringify(p);

/**
 * Create or correct a case file: number (案号), title (案由), enforcement type, party (当事人) and
 * officers. Once the case is concluded its evidence, party and officers are fixed; the title,
 * description and the file's retention can still be corrected (each change is ledgered).
 */
export function CaseForm({ existing, onCancel, onDone }: { existing: Case | null; onCancel: () => void; onDone: (c: Case) => void }) {
  const { t } = useTranslation();
  const basisCaseEvidenceRetention = useRuleBasis('caseEvidenceRetention');
  // Choices for the form; if they cannot be read the form still opens with what the case already has.
  const { value: choices } = useLoaded(async () => {
    const [o, s] = await Promise.all([invoke('officer.list', {}), invoke('retention.settings', {})]);
    const list = s.presets.caseFileRetention.map((p) => p.period as Period);
    if (!list.some((p) => key(p) === key(s.caseFileRetention))) list.push(s.caseFileRetention);
    if (existing && !list.some((p) => key(p) === key(existing.fileRetention))) list.push(existing.fileRetention);
    return { officers: o, periods: list, defaultPeriod: s.caseFileRetention };
  }, [existing]);
  const officers: Officer[] = choices?.officers ?? [];
  const periods: Period[] = choices?.periods ?? [];
  const defaultPeriod: Period | null = choices?.defaultPeriod ?? null;
  const open = !existing || existing.state === 'open';

  const initial: Partial<Values> = existing
    ? {
        caseNumber: existing.caseNumber,
        title: existing.title,
        enforcementType: existing.enforcementType,
        partyKind: existing.party.kind,
        partyName: existing.party.name,
        partyIdNumber: existing.party.idNumber ?? '',
        description: existing.description,
        officers: existing.officers.map((o) => o.badge),
        fileRetention: key(existing.fileRetention),
      }
    : { enforcementType: 'penalty', partyKind: 'person', officers: [] };

  const submit = async (v: Values) => {
    const party = { kind: v.partyKind, name: v.partyName.trim(), idNumber: v.partyIdNumber?.trim() || null };
    const fileRetention = v.fileRetention ? (JSON.parse(v.fileRetention) as Period) : undefined;
    const officerList = (v.officers ?? []).map((badge, i) => ({ badge, role: i === 0 ? ('lead' as const) : ('assist' as const) }));
    if (existing) {
      const changes: ApiInput<'case.update'> = { id: existing.id, title: v.title.trim(), description: v.description?.trim() ?? '' };
      if (fileRetention) changes.fileRetention = fileRetention;
      if (open) Object.assign(changes, { caseNumber: v.caseNumber.trim(), enforcementType: v.enforcementType, party, officers: officerList });
      onDone(await invoke('case.update', changes));
    } else {
      onDone(
        await invoke('case.create', {
          caseNumber: v.caseNumber.trim(),
          title: v.title.trim(),
          enforcementType: v.enforcementType,
          party,
          description: v.description?.trim() ?? '',
          officers: officerList,
          ...(fileRetention ? { fileRetention } : {}),
          ...(v.openedAt ? { openedAt: v.openedAt.toISOString() } : {}),
        }),
      );
    }
  };

  const required = (message: string) => [{ required: true, whitespace: true, message }];

  return (
    <FormDialog<Values>
      title={existing ? t('ui:caseForm.editTitle', { caseNumber: existing.caseNumber }) : t('ui:caseForm.createTitle')}
      okText={existing ? t('ui:common.save') : t('ui:caseForm.create')}
      width={720}
      initialValues={initial}
      testId="case-form"
      onCancel={onCancel}
      onSubmit={submit}
    >
      {!open ? (
        <Typography.Paragraph type="secondary" data-testid="case-form-closed-hint">
          {t('ui:caseForm.closedHint')}
        </Typography.Paragraph>
      ) : null}
      <div className="form-grid">
        <Form.Item name="caseNumber" label={t('ui:cases.fields.caseNumber')} extra={t('ui:caseForm.caseNumberHint')} rules={required(t('ui:caseForm.caseNumberRequired'))}>
          <Input maxLength={100} disabled={!open} autoFocus data-testid="case-number" />
        </Form.Item>
        <Form.Item name="enforcementType" label={t('ui:cases.fields.enforcementType')}>
          <Select disabled={!open} options={ENFORCEMENT_TYPES.map((v) => ({ value: v, label: t(`ui:cases.types.${v}`) }))} data-testid="case-type" />
        </Form.Item>
      </div>
      <Form.Item name="title" label={t('ui:cases.fields.title')} rules={required(t('ui:caseForm.titleRequired'))}>
        <Input maxLength={500} data-testid="case-title" />
      </Form.Item>
      <div className="form-grid">
        <Form.Item name="partyKind" label={t('ui:cases.fields.partyKind')}>
          <Radio.Group
            disabled={!open}
            options={[
              { value: 'person', label: t('ui:cases.party.person') },
              { value: 'organisation', label: t('ui:cases.party.organisation') },
            ]}
            data-testid="case-party-kind"
          />
        </Form.Item>
        <Form.Item name="partyName" label={t('ui:cases.fields.partyName')} rules={required(t('ui:caseForm.partyRequired'))}>
          <Input maxLength={200} disabled={!open} data-testid="case-party-name" />
        </Form.Item>
      </div>
      <div className="form-grid">
        <Form.Item noStyle dependencies={['partyKind']}>
          {({ getFieldValue }) => (
            <Form.Item name="partyIdNumber" label={getFieldValue('partyKind') === 'organisation' ? t('ui:caseForm.creditCode') : t('ui:caseForm.idNumber')}>
              <Input maxLength={64} disabled={!open} className="mono" data-testid="case-party-id" />
            </Form.Item>
          )}
        </Form.Item>
        {!existing ? (
          <Form.Item name="openedAt" label={t('ui:cases.fields.openedAt')} extra={t('ui:caseForm.openedAtHint')}>
            <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" disabledDate={(d) => d.isAfter(dayjs(), 'day')} style={{ width: '100%' }} data-testid="case-opened-at" />
          </Form.Item>
        ) : null}
      </div>
      <Form.Item name="officers" label={t('ui:cases.fields.officers')} extra={t('ui:caseForm.officersHint')}>
        <Select
          mode="multiple"
          disabled={!open}
          showSearch={{ optionFilterProp: 'label' }}
          placeholder={t('ui:caseForm.officersPlaceholder')}
          options={officers.map((o) => ({ value: o.badge, label: t('ui:cases.officerLabel', { name: o.name, badge: o.badge }) }))}
          notFoundContent={t('ui:caseForm.noOfficers')}
          data-testid="case-officers"
        />
      </Form.Item>
      <Form.Item name="fileRetention" label={t('ui:cases.fields.fileRetention')} extra={t('ui:caseForm.fileRetentionHint') + basisCaseEvidenceRetention}>
        <Select
          placeholder={defaultPeriod ? t('ui:caseForm.defaultPeriod', { period: periodText(t, defaultPeriod) }) : undefined}
          allowClear
          options={periods.map((p) => ({ value: key(p), label: periodText(t, p) }))}
          style={{ maxWidth: 320 }}
          data-testid="case-file-retention"
        />
      </Form.Item>
      <Form.Item name="description" label={t('ui:cases.fields.description')}>
        <Input.TextArea rows={2} maxLength={4000} data-testid="case-description" />
      </Form.Item>
    </FormDialog>
  );
}
