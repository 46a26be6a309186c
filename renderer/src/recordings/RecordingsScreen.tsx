import { useCallback, useEffect, useState } from 'react';
import { App, AutoComplete, Button, Checkbox, DatePicker, Flex, Input, Select, Space, Typography } from 'antd';
import { CloseOutlined, CopyOutlined, EyeOutlined, ReloadOutlined, SaveOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { invoke, type User } from '../api.ts';
import { errorText } from '../i18n.ts';
import { PlayerModal, type PlaybackTarget } from '../player/PlayerModal.tsx';
import { SpotCheckDialog } from '../player/SpotCheckDialog.tsx';
import { RequestForm } from '../requests/RequestForm.tsx';
import { RecordingDrawer, type RequestKind } from './RecordingDrawer.tsx';
import { RecordingList } from './RecordingList.tsx';
import { useRecordingPages, type RecordingFilters } from './useRecordingPages.ts';
import { useSearchFields } from './SearchFields.tsx';
import type { Recording } from './labels.tsx';
import type { Officer, Recorder } from '../../../electron/api/index.ts';
import './recordings.css';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { REQUESTER_ROLES as REQUESTERS } from '../roles.ts';
import { useRuleBasis } from '../components/useRuleBasis.ts';
import { MEDIA_KINDS as KINDS } from '../../../electron/shared/recordings.ts';


/** Text typed into a filter applies after a short pause, not on every key. */
function useDebounced<T>(value: T, ms = 350): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setV(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return v;
}

/**
 * The recordings catalogue (issue "Dock and ingest" item 9): virtualized and filterable, a drawer
 * with every field and the recording's ledger history, multi-select into a view/copy/burn request.
 */
export function RecordingsScreen({ user, focus, navigate }: { user: User; focus: string | null; navigate: (screen: string, focus?: string) => void }) {
  const { t } = useTranslation();
  const basisStorageClassification = useRuleBasis('storageClassification');
  const { message } = App.useApp();
  const [officerDraft, setOfficerDraft] = useState('');
  const [recorderDraft, setRecorderDraft] = useState('');
  const [textDraft, setTextDraft] = useState('');
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  const [kind, setKind] = useState<(typeof KINDS)[number] | undefined>();
  const [late, setLate] = useState(false);
  const [important, setImportant] = useState(false);
  const [needsExplanation, setNeedsExplanation] = useState(false);
  const [destroyed, setDestroyed] = useState<'destroyed' | 'kept' | undefined>();
  const [reload, setReload] = useState(0);
  const [openId, setOpenId] = useState<string | null>(focus);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [requesting, setRequesting] = useState<{ kind: RequestKind; ids: string[] } | null>(null);
  const [spotCheck, setSpotCheck] = useState<Recording | null>(null);
  const [playing, setPlaying] = useState<PlaybackTarget | null>(null);
  const [officers, setOfficers] = useState<Officer[]>([]);
  const [recorders, setRecorders] = useState<Recorder[]>([]);

  const search = useSearchFields();
  const officer = useDebounced(officerDraft.trim());
  const recorder = useDebounced(recorderDraft.trim());
  const text = useDebounced(textDraft.trim());

  useEffect(() => setOpenId(focus), [focus]);

  useEffect(() => {
    Promise.all([invoke('officer.list', {}), invoke('recorder.list', {})]).then(
      ([o, r]) => {
        setOfficers(o);
        setRecorders(r);
      },
      (e: unknown) => void message.error(errorText(t, e)),
    );
  }, [message, t]);

  const filters: RecordingFilters = {
    ...(officer ? { officer } : {}),
    ...(recorder ? { recorder } : {}),
    ...(text ? { text } : {}),
    ...(range?.[0] ? { from: range[0].startOf('day').toISOString() } : {}),
    ...(range?.[1] ? { to: range[1].add(1, 'day').startOf('day').toISOString() } : {}),
    ...(kind ? { kind } : {}),
    ...(late ? { late: true } : {}),
    ...(important ? { important: true } : {}),
    ...(needsExplanation ? { needsExplanation: true } : {}),
    ...search.filters,
    ...(destroyed ? { destroyed: destroyed === 'destroyed' } : {}),
  };
  const filtered = Object.keys(filters).length > 0;
  const pages = useRecordingPages(filters, reload);

  const toggle = useCallback((id: string, on: boolean) => {
    setSelected((prev) => {
      const next = new Set(prev);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  }, []);

  const reset = () => {
    setOfficerDraft('');
    setRecorderDraft('');
    setTextDraft('');
    setRange(null);
    setKind(undefined);
    setLate(false);
    setImportant(false);
    setNeedsExplanation(false);
    search.reset();
    setDestroyed(undefined);
  };

  const canRequest = user.roles.some((r) => REQUESTERS.includes(r));
  const ids = [...selected];

  return (
    <Flex vertical gap={16} style={{ height: '100%', minHeight: 520 }} data-testid="recordings-screen">
      <Flex justify="space-between" align="flex-start" gap={16} wrap>
        <div style={{ minWidth: 280, flex: 1 }}>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {t('ui:recordings.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('ui:recordings.intro') + basisStorageClassification}</Typography.Text>
        </div>
        <Button icon={<ReloadOutlined />} onClick={() => setReload((n) => n + 1)} data-testid="recordings-refresh">
          {t('ui:common.refresh')}
        </Button>
      </Flex>

      <ErrorAlert error={pages.error} onRetry={() => setReload((n) => n + 1)} />

      <Flex gap={12} align="center" wrap data-testid="recordings-filters">
        <AutoComplete
          allowClear
          value={officerDraft}
          onChange={(v?: string) => setOfficerDraft(v ?? '')}
          placeholder={t('ui:recordings.filters.officer')}
          style={{ width: 200 }}
          options={officers.map((o) => ({ value: o.badge, label: t('ui:recordings.personWithId', { name: o.name, id: o.badge }) }))}
          showSearch={{ filterOption: (input, option) => String(option?.label ?? '').includes(input) }}
          data-testid="recordings-filter-officer"
        />
        <AutoComplete
          allowClear
          value={recorderDraft}
          onChange={(v?: string) => setRecorderDraft(v ?? '')}
          placeholder={t('ui:recordings.filters.recorder')}
          style={{ width: 180 }}
          options={recorders.map((r) => ({ value: r.serial, label: [r.serial, r.model].filter(Boolean).join(' · ') }))}
          showSearch={{ filterOption: (input, option) => String(option?.label ?? '').includes(input) }}
          data-testid="recordings-filter-recorder"
        />
        <DatePicker.RangePicker
          value={range}
          onChange={(v) => setRange(v)}
          allowEmpty={[true, true]}
          placeholder={[t('ui:recordings.filters.from'), t('ui:recordings.filters.to')]}
          data-testid="recordings-filter-range"
        />
        <Select
          allowClear
          value={kind}
          onChange={(v?: (typeof KINDS)[number]) => setKind(v)}
          placeholder={t('ui:recordings.filters.kind')}
          style={{ width: 120 }}
          options={KINDS.map((k) => ({ value: k, label: t(`ui:recordings.kinds.${k}`) }))}
          data-testid="recordings-filter-kind"
        />
        <Input allowClear value={textDraft} onChange={(e) => setTextDraft(e.target.value)} placeholder={t('ui:search.text')} style={{ width: 240 }} data-testid="recordings-filter-text" />
        <Checkbox checked={late} onChange={(e) => setLate(e.target.checked)} data-testid="recordings-filter-late">
          {t('ui:recordings.filters.late')}
        </Checkbox>
        <Checkbox checked={important} onChange={(e) => setImportant(e.target.checked)} data-testid="recordings-filter-important">
          {t('ui:recordings.filters.important')}
        </Checkbox>
        <Checkbox checked={needsExplanation} onChange={(e) => setNeedsExplanation(e.target.checked)} data-testid="recordings-filter-needs-explanation">
          {t('ui:recordings.filters.needsExplanation')}
        </Checkbox>
        {search.fields}
        <Select
          allowClear
          value={destroyed}
          onChange={(v?: 'destroyed' | 'kept') => setDestroyed(v)}
          placeholder={t('ui:destroyed.filter')}
          options={[
            { value: 'kept', label: t('ui:destroyed.kept') },
            { value: 'destroyed', label: t('ui:destroyed.flags.destroyed') },
          ]}
          style={{ width: 140 }}
          data-testid="recordings-filter-destroyed"
        />
        <Button onClick={reset} disabled={!filtered}>
          {t('ui:recordings.filters.reset')}
        </Button>
        <Typography.Text type="secondary" style={{ marginInlineStart: 'auto' }} data-testid="recordings-count">
          {pages.total === null ? t('ui:common.loading') : t('ui:recordings.count', { count: pages.total })}
        </Typography.Text>
      </Flex>

      {selected.size > 0 ? (
        <Flex align="center" gap={12} wrap className="selection-bar" data-testid="recordings-selection">
          <Typography.Text strong>{t('ui:recordings.selected', { count: selected.size })}</Typography.Text>
          {canRequest ? (
            <Space wrap>
              <Button type="primary" icon={<EyeOutlined />} onClick={() => setRequesting({ kind: 'view', ids })} data-testid="request-view">
                {t('ui:recordings.requestView')}
              </Button>
              <Button icon={<CopyOutlined />} onClick={() => setRequesting({ kind: 'copy', ids })} data-testid="request-copy">
                {t('ui:recordings.requestCopy')}
              </Button>
              <Button icon={<SaveOutlined />} onClick={() => setRequesting({ kind: 'burn', ids })} data-testid="request-burn">
                {t('ui:recordings.requestBurn')}
              </Button>
            </Space>
          ) : null}
          <Button type="text" icon={<CloseOutlined />} onClick={() => setSelected(new Set())} data-testid="selection-clear">
            {t('ui:recordings.clearSelection')}
          </Button>
        </Flex>
      ) : null}

      <RecordingList total={pages.total} loading={pages.loading} rowAt={pages.rowAt} ensure={pages.ensure} onOpen={setOpenId} openId={openId} selected={selected} onToggle={toggle} />

      <RecordingDrawer
        id={openId}
        user={user}
        onClose={() => setOpenId(null)}
        onChanged={() => setReload((n) => n + 1)}
        onRequest={(k, rid) => setRequesting({ kind: k, ids: rid })}
        onSpotCheck={(r) => setSpotCheck(r)}
      />
      {requesting ? (
        <RequestForm
          recordingIds={requesting.ids}
          initialKind={requesting.kind}
          onCancel={() => setRequesting(null)}
          onCreated={(req) => {
            setRequesting(null);
            setSelected(new Set());
            void message.success(t('ui:requestForm.created', { id: req.id }));
            navigate('requests', req.id);
          }}
        />
      ) : null}
      {spotCheck ? (
        <SpotCheckDialog
          recording={spotCheck}
          onCancel={() => setSpotCheck(null)}
          onConfirm={(reason) => {
            setSpotCheck(null);
            setPlaying({ recordingId: spotCheck.id, reason });
          }}
        />
      ) : null}
      {playing ? <PlayerModal user={user} target={playing} onClose={() => setPlaying(null)} /> : null}
    </Flex>
  );
}
