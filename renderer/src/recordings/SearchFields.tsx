import { useEffect, useState } from 'react';
import { DatePicker, Input, Select } from 'antd';
import type { Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { RecordingFilters } from './useRecordingPages.ts';

const FLAGS = ['interruption', 'unparseable', 'doubtfulTime', 'deadlineUnknown'] as const;
type Flag = (typeof FLAGS)[number];

/** Typed text applies after a short pause, not on every key. */
function useDebounced<T>(value: T, ms = 350): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setV(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return v;
}

/**
 * The search fields beyond the catalogue's first row (issue 14 item 15): 案号 as typed in any
 * bracket form, the custodian who stored the recordings, the storage dates and the other flags.
 */
export function useSearchFields(): { filters: RecordingFilters; reset: () => void; fields: React.ReactNode } {
  const { t } = useTranslation();
  const [caseDraft, setCaseDraft] = useState('');
  const [custodianDraft, setCustodianDraft] = useState('');
  const [stored, setStored] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  const [flags, setFlags] = useState<Flag[]>([]);
  const caseNumber = useDebounced(caseDraft.trim());
  const custodian = useDebounced(custodianDraft.trim());

  const filters: RecordingFilters = {
    ...(caseNumber ? { caseNumber } : {}),
    ...(custodian ? { custodian } : {}),
    ...(stored?.[0] ? { storedFrom: stored[0].startOf('day').toISOString() } : {}),
    ...(stored?.[1] ? { storedTo: stored[1].add(1, 'day').startOf('day').toISOString() } : {}),
    ...Object.fromEntries(flags.map((f) => [f, true])),
  };
  const reset = () => {
    setCaseDraft('');
    setCustodianDraft('');
    setStored(null);
    setFlags([]);
  };
  const fields = (
    <>
      <Input allowClear value={caseDraft} onChange={(e) => setCaseDraft(e.target.value)} placeholder={t('ui:search.caseNumber')} style={{ width: 220 }} data-testid="recordings-filter-case-number" />
      <Input allowClear value={custodianDraft} onChange={(e) => setCustodianDraft(e.target.value)} placeholder={t('ui:search.custodian')} style={{ width: 160 }} data-testid="recordings-filter-custodian" />
      <DatePicker.RangePicker
        value={stored}
        onChange={(v) => setStored(v)}
        allowEmpty={[true, true]}
        placeholder={[t('ui:search.storedFrom'), t('ui:search.storedTo')]}
        data-testid="recordings-filter-stored"
      />
      <Select
        mode="multiple"
        allowClear
        value={flags}
        onChange={(v: Flag[]) => setFlags(v)}
        placeholder={t('ui:search.flags')}
        style={{ minWidth: 200 }}
        options={FLAGS.map((f) => ({ value: f, label: t(`ui:search.flag.${f}`) }))}
        data-testid="recordings-filter-flags"
      />
    </>
  );
  return { filters, reset, fields };
}
