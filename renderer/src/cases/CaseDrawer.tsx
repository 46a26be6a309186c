import { useState } from 'react';
import { App, Button, Drawer, Dropdown, Flex, Spin, Tabs, Typography } from 'antd';
import {
  CheckCircleOutlined,
  DownOutlined,
  EditOutlined,
  FileProtectOutlined,
  InboxOutlined,
  LinkOutlined,
  LockOutlined,
  PrinterOutlined,
} from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { invoke, type User } from '../api.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { DocumentPreview } from '../components/DocumentPreview.tsx';
import { fileNamePart } from '../components/printDocument.ts';
import { useLoaded } from '../components/useLoaded.ts';
import { can } from '../components/access.ts';
import { HoldDialog, ExtensionDialog, ReleaseDialog } from '../retention/RetentionDialogs.tsx';
import type { Hold } from '../retention/labels.tsx';
import { ArchiveDialog, CaseRequestDialog, CloseDialog, UnlinkDialog, type WholeCaseKind } from './CaseDialogs.tsx';
import { CaseForm } from './CaseForm.tsx';
import { LinkDialog } from './LinkDialog.tsx';
import { CaseStateTag, type CaseView } from './labels.tsx';
import { CaseFacts } from './CaseFacts.tsx';
import { CaseEvidenceTab } from './CaseEvidenceTab.tsx';
import { CaseRequestsTab } from './CaseRequestsTab.tsx';
import { CaseDiscsTab } from './CaseDiscsTab.tsx';
import { CaseHoldsTab } from './CaseHoldsTab.tsx';
import { CaseUnlinkedTab } from './CaseUnlinkedTab.tsx';
import { CaseHistoryTab } from './CaseHistoryTab.tsx';
import { ASKABLE_KINDS } from '../../../electron/shared/requests.ts';

type Dialog =
  | { kind: 'edit' }
  | { kind: 'link' }
  | { kind: 'unlink'; recordingId: string }
  | { kind: 'close' }
  | { kind: 'archive' }
  | { kind: 'request'; requestKind: WholeCaseKind }
  | { kind: 'extend' }
  | { kind: 'hold' }
  | { kind: 'release'; hold: Hold }
  | { kind: 'summary' }
  | null;

type Props = {
  caseId: string;
  user: User;
  onClose: () => void;
  onChanged: () => void;
  navigate: (screen: string, focus?: string) => void;
  canOpen: (screen: string) => boolean;
};

/**
 * One case file: its facts, its evidence (each recording with the link's written note and how long
 * it is kept), the link history, its requests, discs and holds, and the ledger's account of it.
 */
export function CaseDrawer({ caseId, user, onClose, onChanged, navigate, canOpen }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { value: view, error, reload } = useLoaded<CaseView>(() => invoke('case.show', { id: caseId }), [caseId], { clearOnChange: true });
  const [dialog, setDialog] = useState<Dialog>(null);
  const [tab, setTab] = useState('evidence');
  // Bumped after every action on the case, so the history tab reads the ledger again.
  const [version, setVersion] = useState(0);

  const changed = (text?: string) => {
    setDialog(null);
    if (text) void message.success(text);
    setVersion((n) => n + 1);
    void reload();
    onChanged();
  };

  const c = view?.case;
  const writer = can(user, 'caseWrite');
  const isOpen = c?.state === 'open';

  const requestMenu = [
    ...ASKABLE_KINDS.map((k) => ({ key: k, label: t(`ui:caseRequest.kinds.${k}`), 'data-testid': `case-request-${k}` })),
    { key: 'extend', label: t('ui:extensions.requestMenu'), 'data-testid': 'case-request-extend' },
  ];

  return (
    <Drawer
      open
      onClose={onClose}
      size={1080}
      destroyOnHidden
      data-testid="case-drawer"
      title={
        c ? (
          <Flex gap={8} align="center" wrap>
            <span data-testid="case-drawer-number">{c.caseNumber}</span>
            <CaseStateTag state={c.state} />
            <Typography.Text type="secondary" className="mono" style={{ fontSize: 12 }}>
              {c.id}
            </Typography.Text>
          </Flex>
        ) : (
          t('ui:common.loading')
        )
      }
    >
      <ErrorAlert error={error} />
      {!view && !error ? <Spin /> : null}
      {c && view ? (
        <Flex vertical gap={16} data-testid="case-view" data-case={c.id}>
          <Flex gap={8} wrap data-testid="case-actions">
            {writer && c.state !== 'archived' ? (
              <Button icon={<EditOutlined />} onClick={() => setDialog({ kind: 'edit' })} data-testid="case-edit">
                {t('ui:caseView.edit')}
              </Button>
            ) : null}
            {writer && isOpen ? (
              <Button icon={<LinkOutlined />} onClick={() => setDialog({ kind: 'link' })} data-testid="case-link">
                {t('ui:caseView.link')}
              </Button>
            ) : null}
            {writer && isOpen ? (
              <Button icon={<CheckCircleOutlined />} onClick={() => setDialog({ kind: 'close' })} data-testid="case-close">
                {t('ui:caseView.close')}
              </Button>
            ) : null}
            {writer && c.state === 'closed' ? (
              <Button type="primary" icon={<InboxOutlined />} onClick={() => setDialog({ kind: 'archive' })} data-testid="case-archive">
                {t('ui:caseView.archive')}
              </Button>
            ) : null}
            {can(user, 'request') ? (
              <Dropdown
                trigger={['click']}
                menu={{
                  items: requestMenu,
                  onClick: ({ key }) => setDialog(key === 'extend' ? { kind: 'extend' } : { kind: 'request', requestKind: key as WholeCaseKind }),
                }}
                disabled={c.recordingCount === 0}
              >
                <Button icon={<FileProtectOutlined />} data-testid="case-request">
                  {t('ui:caseView.request')} <DownOutlined />
                </Button>
              </Dropdown>
            ) : null}
            {can(user, 'hold') ? (
              <Button icon={<LockOutlined />} onClick={() => setDialog({ kind: 'hold' })} data-testid="case-hold">
                {t('ui:caseView.hold')}
              </Button>
            ) : null}
            <Button icon={<PrinterOutlined />} onClick={() => setDialog({ kind: 'summary' })} data-testid="case-summary">
              {t('ui:caseView.summary')}
            </Button>
          </Flex>
          <CaseFacts c={c} />
          <Tabs
            activeKey={tab}
            onChange={setTab}
            items={[
              {
                key: 'evidence',
                label: <span data-testid="case-tab-evidence">{t('ui:caseView.tabs.evidence', { n: view.evidence.length })}</span>,
                children: (
                  <CaseEvidenceTab
                    evidence={view.evidence}
                    writer={writer}
                    isOpen={isOpen}
                    canOpen={canOpen}
                    navigate={navigate}
                    onUnlink={(recordingId) => setDialog({ kind: 'unlink', recordingId })}
                  />
                ),
              },
              {
                key: 'requests',
                label: <span data-testid="case-tab-requests">{t('ui:caseView.tabs.requests', { n: view.requests.length })}</span>,
                children: <CaseRequestsTab requests={view.requests} canOpen={canOpen} navigate={navigate} />,
              },
              {
                key: 'discs',
                label: <span data-testid="case-tab-discs">{t('ui:caseView.tabs.discs', { n: view.discs.length })}</span>,
                children: <CaseDiscsTab discs={view.discs} canOpen={canOpen} navigate={navigate} />,
              },
              {
                key: 'holds',
                label: <span data-testid="case-tab-holds">{t('ui:caseView.tabs.holds', { n: view.holds.filter((h) => !h.releasedAt).length })}</span>,
                children: <CaseHoldsTab holds={view.holds} user={user} onRelease={(hold) => setDialog({ kind: 'release', hold })} />,
              },
              {
                key: 'unlinked',
                label: <span data-testid="case-tab-unlinked">{t('ui:caseView.tabs.unlinked', { n: view.unlinked.length })}</span>,
                children: <CaseUnlinkedTab unlinked={view.unlinked} />,
              },
              {
                key: 'history',
                label: <span data-testid="case-tab-history">{t('ui:caseView.tabs.history')}</span>,
                children: <CaseHistoryTab caseId={caseId} version={version} />,
              },
            ]}
          />
        </Flex>
      ) : null}

      {c && dialog?.kind === 'edit' ? <CaseForm existing={c} onCancel={() => setDialog(null)} onDone={() => changed(t('ui:caseForm.saved', { caseNumber: c.caseNumber }))} /> : null}
      {c && view && dialog?.kind === 'link' ? (
        <LinkDialog kase={c} linked={new Set(view.evidence.map((e) => e.recording.id))} onCancel={() => setDialog(null)} onDone={(n) => changed(t('ui:link.done', { n }))} />
      ) : null}
      {c && dialog?.kind === 'unlink' ? <UnlinkDialog kase={c} recordingId={dialog.recordingId} onCancel={() => setDialog(null)} onDone={() => changed(t('ui:unlink.done', { recordingId: dialog.recordingId }))} /> : null}
      {c && dialog?.kind === 'close' ? <CloseDialog kase={c} onCancel={() => setDialog(null)} onDone={() => changed(t('ui:close.done', { caseNumber: c.caseNumber }))} /> : null}
      {c && dialog?.kind === 'archive' ? <ArchiveDialog kase={c} onCancel={() => setDialog(null)} onDone={() => changed(t('ui:archive.done', { caseNumber: c.caseNumber }))} /> : null}
      {c && dialog?.kind === 'request' ? (
        <CaseRequestDialog kase={c} kind={dialog.requestKind} onCancel={() => setDialog(null)} onDone={(r) => changed(t('ui:caseRequest.done', { id: r.id }))} />
      ) : null}
      {c && dialog?.kind === 'extend' ? <ExtensionDialog target={{ caseId: c.id }} onCancel={() => setDialog(null)} onDone={(r) => changed(t('ui:extensions.requested', { id: r.request.id }))} /> : null}
      {c && dialog?.kind === 'hold' ? <HoldDialog scope="case" target={c.id} onCancel={() => setDialog(null)} onDone={(h) => changed(t('ui:holds.placed', { id: h.id }))} /> : null}
      {dialog?.kind === 'release' ? <ReleaseDialog hold={dialog.hold} onCancel={() => setDialog(null)} onDone={(h) => changed(t('ui:holds.releasedDone', { id: h.id }))} /> : null}
      {c && dialog?.kind === 'summary' ? (
        <DocumentPreview
          title={t('ui:caseView.summaryTitle', { caseNumber: c.caseNumber })}
          testId="case-summary-preview"
          load={async () => ({ html: (await invoke('case.summary', { id: c.id })).html, fileName: `case-summary-${fileNamePart(c.caseNumber)}.html` })}
          onClose={() => setDialog(null)}
        />
      ) : null}
    </Drawer>
  );
}
