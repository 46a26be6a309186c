import { useEffect, useState } from 'react';
import { Flex, Tabs } from 'antd';
import { useTranslation } from 'react-i18next';
import type { User } from '../api.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { BatchesTab } from './BatchesTab.tsx';
import { DueTab } from './DueTab.tsx';
import { ExtensionsTab } from './ExtensionsTab.tsx';
import { HoldsTab } from './HoldsTab.tsx';
import { LookupTab } from './LookupTab.tsx';
import '../cases/cases.css';
import { useRuleBasis } from '../components/useRuleBasis.ts';

const TABS = ['due', 'batches', 'lookup', 'holds', 'extensions'] as const;
type TabKey = (typeof TABS)[number];

/** `focus`: `tab:<tab>`, a batch id (DB-…) or a recording id (RC-…). */
function fromFocus(focus: string | null): { tab: TabKey | null; batch: string | null; recording: string | null } {
  if (!focus) return { tab: null, batch: null, recording: null };
  const tab = /^tab:(\w+)$/.exec(focus)?.[1];
  if (tab && (TABS as readonly string[]).includes(tab)) return { tab: tab as TabKey, batch: null, recording: null };
  if (/^DB-/i.test(focus)) return { tab: 'batches', batch: focus.toUpperCase(), recording: null };
  return { tab: 'lookup', batch: null, recording: focus };
}

/**
 * Retention and destruction (issue 7 items 2 and 3): what is due, destruction batches from proposal
 * to certificate, each recording's date and why, legal holds, and 长期保存 extensions.
 */
export function RetentionScreen({ user, focus, navigate, canOpen }: { user: User; focus: string | null; navigate: (screen: string, focus?: string) => void; canOpen: (screen: string) => boolean }) {
  const { t } = useTranslation();
  const basisDestruction = useRuleBasis('destruction');
  const initial = fromFocus(focus);
  const [tab, setTab] = useState<TabKey>(initial.tab ?? 'due');
  const [batchFocus, setBatchFocus] = useState<string | null>(initial.batch);
  const [recordingFocus, setRecordingFocus] = useState<string | null>(initial.recording);

  useEffect(() => {
    const f = fromFocus(focus);
    if (f.tab) setTab(f.tab);
    setBatchFocus(f.batch);
    setRecordingFocus(f.recording);
  }, [focus]);

  return (
    <Flex vertical gap={8} data-testid="retention-screen">
      <PageHeader title={t('ui:retention.title')} intro={t('ui:retention.intro') + basisDestruction} />
      <Tabs
        activeKey={tab}
        onChange={(k) => setTab(k as TabKey)}
        destroyOnHidden
        items={TABS.map((k) => ({
          key: k,
          label: <span data-testid={`retention-tab-${k}`}>{t(`ui:retention.tabs.${k}`)}</span>,
          children:
            k === 'due' ? (
              <DueTab
                user={user}
                onProposed={(b) => {
                  setBatchFocus(b.id);
                  setTab('batches');
                }}
              />
            ) : k === 'batches' ? (
              <BatchesTab user={user} focus={batchFocus} />
            ) : k === 'lookup' ? (
              <LookupTab user={user} focus={recordingFocus} />
            ) : k === 'holds' ? (
              <HoldsTab user={user} />
            ) : (
              <ExtensionsTab user={user} navigate={navigate} canOpen={canOpen} />
            ),
        }))}
      />
    </Flex>
  );
}
