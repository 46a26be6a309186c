import { useState } from 'react';
import { Checkbox, Flex, Form, Input, InputNumber, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { invoke, type Input as ApiInput, type Output } from '../api.ts';
import { FormDialog, ReasonField } from '../components/FormDialog.tsx';

type HolidayKey = ApiInput<'calendar.putYear'>['holidays'][number]['holiday'];
const SEPARATE: HolidayKey[] = ['newYear', 'springFestival', 'qingming', 'labourDay', 'dragonBoat', 'midAutumn', 'nationalDay'];
const COMBINED: HolidayKey[] = ['newYear', 'springFestival', 'qingming', 'labourDay', 'dragonBoat', 'midAutumnNationalDay'];
const DAY = /^\d{4}-\d{2}-\d{2}$/;

type Values = {
  year: number;
  noticeNumber: string;
  noticeDate: string;
  reason: string;
} & Record<`${HolidayKey}_from` | `${HolidayKey}_to` | `${HolidayKey}_workdays`, string | undefined>;

/**
 * A year's State Council arrangement typed from the notice (issue 14 item 19): the notice's number
 * and date, then each holiday's first and last day off and its make-up working days. The station
 * checks it for consistency and ledgers it as a calendar edit; its refusal is shown in place.
 */
export function YearFormDialog({ year, onCancel, onSaved }: { year: number; onCancel: () => void; onSaved: (r: Output<'calendar.putYear'>) => void }) {
  const { t } = useTranslation();
  const [combined, setCombined] = useState(false);
  const rows = combined ? COMBINED : SEPARATE;
  const dayRule = { pattern: DAY, message: t('ui:yearForm.dayFormat') };

  return (
    <FormDialog<Values>
      title={t('ui:yearForm.title')}
      okText={t('ui:yearForm.save')}
      width={760}
      intro={t('ui:yearForm.intro')}
      initialValues={{ year } as Partial<Values>}
      testId="year-form"
      onCancel={onCancel}
      onSubmit={async (v) => {
        const holidays = rows.map((k) => ({
          holiday: k,
          from: (v[`${k}_from`] ?? '').trim(),
          to: ((v[`${k}_to`] ?? '').trim() || (v[`${k}_from`] ?? '')).trim(),
          workdays: (v[`${k}_workdays`] ?? '')
            .split(/[,，、\s]+/u)
            .map((d) => d.trim())
            .filter(Boolean),
        }));
        onSaved(await invoke('calendar.putYear', { year: v.year, noticeNumber: v.noticeNumber.trim(), noticeDate: v.noticeDate.trim(), holidays, reason: v.reason.trim() }));
      }}
    >
      <Flex gap={12} wrap>
        <Form.Item name="year" label={t('ui:yearForm.year')} rules={[{ required: true }]}>
          <InputNumber min={2000} max={2200} precision={0} data-testid="year-form-year" />
        </Form.Item>
        <Form.Item name="noticeNumber" label={t('ui:yearForm.noticeNumber')} rules={[{ required: true, whitespace: true, message: t('ui:yearForm.noticeNumberRequired') }]} style={{ flex: 1, minWidth: 240 }}>
          <Input placeholder={t('ui:yearForm.noticeNumberPlaceholder')} data-testid="year-form-notice-number" />
        </Form.Item>
        <Form.Item name="noticeDate" label={t('ui:yearForm.noticeDate')} rules={[{ required: true, message: t('ui:yearForm.dayFormat') }, dayRule]}>
          <Input placeholder={t('ui:yearForm.dayPlaceholder')} style={{ width: 140 }} data-testid="year-form-notice-date" />
        </Form.Item>
      </Flex>
      <Checkbox checked={combined} onChange={(e) => setCombined(e.target.checked)} style={{ marginBottom: 12 }} data-testid="year-form-combined">
        {t('ui:yearForm.combined')}
      </Checkbox>
      <table className="year-form-table" style={{ width: '100%', borderCollapse: 'collapse' }}>
        <thead>
          <tr>
            <th style={{ textAlign: 'start', width: 170 }}>{t('ui:yearForm.holiday')}</th>
            <th style={{ textAlign: 'start' }}>{t('ui:yearForm.from')}</th>
            <th style={{ textAlign: 'start' }}>{t('ui:yearForm.to')}</th>
            <th style={{ textAlign: 'start' }}>{t('ui:yearForm.workdays')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((k) => (
            <tr key={k} data-testid={`year-form-row-${k}`}>
              <td style={{ verticalAlign: 'top', paddingTop: 6 }}>
                <Typography.Text>{t(`ui:yearForm.holidays.${k}`)}</Typography.Text>
              </td>
              <td>
                <Form.Item name={`${k}_from`} rules={[{ required: true, message: t('ui:yearForm.dayFormat') }, dayRule]} style={{ marginBottom: 8 }}>
                  <Input placeholder={t('ui:yearForm.dayPlaceholder')} data-testid={`year-form-${k}-from`} />
                </Form.Item>
              </td>
              <td>
                <Form.Item name={`${k}_to`} rules={[dayRule]} style={{ marginBottom: 8 }}>
                  <Input placeholder={t('ui:yearForm.dayPlaceholder')} data-testid={`year-form-${k}-to`} />
                </Form.Item>
              </td>
              <td>
                <Form.Item name={`${k}_workdays`} style={{ marginBottom: 8 }}>
                  <Input placeholder={t('ui:yearForm.workdaysPlaceholder')} data-testid={`year-form-${k}-workdays`} />
                </Form.Item>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <ReasonField label={t('ui:yearForm.reason')} testId="year-form-reason" autoFocus={false} rows={2} />
    </FormDialog>
  );
}
