import { useCallback, useMemo, useState } from 'react';
import { Alert, App, Button, Checkbox, DatePicker, Descriptions, Flex, Input, Progress, Select, Space, Tooltip, Typography } from 'antd';
import { ExportOutlined, ReloadOutlined, SafetyOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { invoke, onEvent, type LedgerVerifyResult, type StationStatus, type User } from '../api.ts';
import { errorText } from '../i18n.ts';
import { CHECKPOINT_ROLES, hasAnyRole } from '../roles.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { HashText } from '../components/HashText.tsx';
import { useLoaded } from '../components/useLoaded.ts';
import { EntryDrawer } from './EntryDrawer.tsx';
import { LedgerList } from './LedgerList.tsx';
import { actionLabel } from './labels.ts';
import { saveTextFile } from '../components/saveTextFile.ts';
import { useLedgerPages, type LedgerFilters } from './useLedgerPages.ts';

type Verify =
  | { phase: 'idle' }
  | { phase: 'running'; done: number; total: number }
  | { phase: 'done'; result: LedgerVerifyResult }
  | { phase: 'failed'; error: unknown };

type Range = [Dayjs | null, Dayjs | null] | null;

export function LedgerScreen({ user, status }: { user: User; status: StationStatus }) {
  const { t, i18n } = useTranslation();
  const { message, modal } = App.useApp();
  const [action, setAction] = useState<string | undefined>();
  const [actorDraft, setActorDraft] = useState('');
  const [actor, setActor] = useState('');
  const [range, setRange] = useState<Range>(null);
  // Sign-ins and sign-outs are most of a day's entries; the list leaves them out unless asked (issue #14 item 11).
  const [includeSessions, setIncludeSessions] = useState(false);
  const [reload, setReload] = useState(0);
  const [openSeq, setOpenSeq] = useState<number | null>(null);
  const [verify, setVerify] = useState<Verify>({ phase: 'idle' });
  const [exporting, setExporting] = useState(false);

  const filters = useMemo<LedgerFilters>(() => {
    const f: LedgerFilters = {};
    if (action) f.action = action;
    if (actor) f.actor = actor;
    // Whole local days; the station compares UTC ISO strings, so send UTC.
    if (range?.[0]) f.from = range[0].startOf('day').toISOString();
    if (range?.[1]) f.to = range[1].add(1, 'day').startOf('day').toISOString();
    if (includeSessions) f.includeSessions = true;
    return f;
  }, [action, actor, range, includeSessions]);

  const pages = useLedgerPages(filters, reload);

  const { value: actionList, error: actionsError } = useLoaded(() => invoke('ledger.actions', {}), [reload]);
  const actions = actionList ?? [];

  const applyActor = useCallback(() => setActor(actorDraft.trim()), [actorDraft]);
  const filtered = Boolean(action || actor || range);
  const resetFilters = () => {
    setAction(undefined);
    setActorDraft('');
    setActor('');
    setRange(null);
  };

  const runVerify = async () => {
    setVerify({ phase: 'running', done: 0, total: 0 });
    const off = onEvent('ledger.verify.progress', ({ done, total }) => setVerify((v) => (v.phase === 'running' ? { phase: 'running', done, total } : v)));
    try {
      const result = await invoke('ledger.verify', {});
      setVerify({ phase: 'done', result });
    } catch (e) {
      setVerify({ phase: 'failed', error: e });
    } finally {
      off();
    }
  };

  const exportCheckpoint = async () => {
    setExporting(true);
    try {
      const cp = await invoke('ledger.checkpoint', {});
      const fileName = `checkpoint-${status.agency?.code ?? 'station'}-${cp.size}.txt`;
      saveTextFile(fileName, cp.note);
      modal.success({
        width: 640,
        title: t('ui:ledger.checkpointExported'),
        content: (
          <Descriptions
            column={1}
            size="small"
            style={{ marginTop: 12 }}
            styles={{ label: { whiteSpace: 'nowrap' } }}
            data-testid="checkpoint-result"
            items={[
              { key: 'file', label: t('ui:ledger.checkpointFile'), children: <span className="mono">{fileName}</span> },
              { key: 'size', label: t('ui:entry.checkpointSize'), children: t('ui:entry.checkpointCovers', { size: cp.size }) },
              { key: 'root', label: t('ui:entry.rootHash'), children: <HashText value={cp.root} /> },
              { key: 'vkey', label: t('ui:station.verifierKey'), children: <HashText value={cp.verifierKey} /> },
            ]}
          />
        ),
        okText: t('ui:common.close'),
      });
    } catch (e) {
      void message.error(errorText(t, e));
    } finally {
      setExporting(false);
    }
  };

  const canCheckpoint = hasAnyRole(user.roles, CHECKPOINT_ROLES);

  return (
    <Flex vertical gap={16} style={{ height: '100%', minHeight: 480 }} data-testid="ledger-screen">
      <Flex justify="space-between" align="flex-start" gap={16} wrap>
        <div style={{ minWidth: 280, flex: 1 }}>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {t('ui:ledger.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('ui:ledger.intro')}</Typography.Text>
        </div>
        <Space wrap>
          <Button icon={<ReloadOutlined />} onClick={() => setReload((n) => n + 1)} data-testid="ledger-refresh">
            {t('ui:common.refresh')}
          </Button>
          <Button type="primary" icon={<SafetyOutlined />} loading={verify.phase === 'running'} onClick={() => void runVerify()} data-testid="ledger-verify">
            {t('ui:ledger.verify')}
          </Button>
          <Tooltip title={canCheckpoint ? t('ui:ledger.exportCheckpointHint') : t('ui:ledger.exportCheckpointDenied')}>
            <Button icon={<ExportOutlined />} loading={exporting} disabled={!canCheckpoint} onClick={() => void exportCheckpoint()} data-testid="ledger-export-checkpoint">
              {t('ui:ledger.exportCheckpoint')}
            </Button>
          </Tooltip>
        </Space>
      </Flex>

      <VerifyBanner verify={verify} onOpen={setOpenSeq} onClose={() => setVerify({ phase: 'idle' })} />
      <ErrorAlert error={actionsError} />
      <ErrorAlert error={pages.error} onRetry={() => setReload((n) => n + 1)} />

      <Flex gap={12} align="center" wrap data-testid="ledger-filters">
        <Select
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          placeholder={t('ui:ledger.filters.action')}
          value={action}
          onChange={(v?: string) => setAction(v)}
          style={{ width: 240 }}
          options={actions.map((a) => ({ value: a, label: actionLabel(t, i18n, a) }))}
          data-testid="ledger-filter-action"
        />
        <Input
          allowClear
          placeholder={t('ui:ledger.filters.actor')}
          value={actorDraft}
          onChange={(e) => {
            setActorDraft(e.target.value);
            if (!e.target.value) setActor('');
          }}
          onPressEnter={applyActor}
          onBlur={applyActor}
          style={{ width: 200 }}
          data-testid="ledger-filter-actor"
        />
        <DatePicker.RangePicker
          value={range}
          onChange={(v) => setRange(v)}
          allowEmpty={[true, true]}
          placeholder={[t('ui:ledger.filters.from'), t('ui:ledger.filters.to')]}
          data-testid="ledger-filter-range"
        />
        <Checkbox checked={includeSessions} onChange={(e) => setIncludeSessions(e.target.checked)} data-testid="ledger-include-sessions">
          {t('ui:ledgerSessions.include')}
        </Checkbox>
        <Button onClick={resetFilters} disabled={!filtered}>
          {t('ui:ledger.filters.reset')}
        </Button>
        <Typography.Text type="secondary" style={{ marginInlineStart: 'auto' }} data-testid="ledger-count">
          {pages.total === null
            ? t('ui:common.loading')
            : filtered || pages.sessionsHidden
              ? t('ui:ledger.countFiltered', { count: pages.total, size: pages.size ?? pages.total })
              : t('ui:ledger.count', { count: pages.total })}
        </Typography.Text>
      </Flex>

      <LedgerList total={pages.total} loading={pages.loading} entryAt={pages.entryAt} ensure={pages.ensure} onOpen={setOpenSeq} selectedSeq={openSeq} />
      <EntryDrawer seq={openSeq} onClose={() => setOpenSeq(null)} />
    </Flex>
  );
}

function VerifyBanner({ verify, onOpen, onClose }: { verify: Verify; onOpen: (seq: number) => void; onClose: () => void }) {
  const { t } = useTranslation();
  switch (verify.phase) {
    case 'idle':
      return null;
    case 'running': {
      const percent = verify.total > 0 ? Math.floor((verify.done / verify.total) * 100) : 0;
      return (
        <Alert
          type="info"
          showIcon
          data-testid="verify-running"
          title={t('ui:ledger.verifyRunning')}
          description={
            <>
              <Progress percent={percent} status="active" />
              {verify.total > 0 ? t('ui:ledger.verifyProgress', { done: verify.done, total: verify.total }) : null}
            </>
          }
        />
      );
    }
    case 'failed':
      return <ErrorAlert error={verify.error} onClose={onClose} />;
    case 'done': {
      const r = verify.result;
      if (r.ok) {
        return (
          <Alert
            type="success"
            showIcon
            closable={{ onClose }}
            data-testid="verify-ok"
            title={t('ui:ledger.verifyOk')}
            description={
              <>
                <div>{t('ui:ledger.verifyOkDetail', { size: r.size, checkpoints: r.checkpoints })}</div>
                <Flex gap={8} wrap>
                  <Typography.Text type="secondary">{t('ui:entry.rootHash')}</Typography.Text>
                  <HashText value={r.root} />
                </Flex>
              </>
            }
          />
        );
      }
      return (
        <Alert
          type="error"
          showIcon
          closable={{ onClose }}
          data-testid="verify-failed"
          title={t('ui:ledger.verifyFailed')}
          description={t('ui:ledger.verifyFailedDetail', {
            seq: r.firstBadSeq,
            reason: t(`ui:ledger.verifyReasons.${r.reason}`, { defaultValue: t(`ui:ledgerTrust.verifyReasons.${r.reason}`, { defaultValue: r.reason }) }),
          })}
          action={
            r.firstBadSeq <= r.size ? (
              <Button size="small" danger onClick={() => onOpen(r.firstBadSeq)}>
                {t('ui:ledger.openEntry', { seq: r.firstBadSeq })}
              </Button>
            ) : null
          }
        />
      );
    }
  }
}

