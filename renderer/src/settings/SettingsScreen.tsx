import { useState } from 'react';
import { Alert, Flex, Tabs } from 'antd';
import { useTranslation } from 'react-i18next';
import type { User } from '../api.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { hasAnyRole, SETTINGS_EDIT_ROLES } from '../roles.ts';
import { CalendarTab } from './CalendarTab.tsx';
import { CategoriesTab } from './CategoriesTab.tsx';
import { IngestTab } from './IngestTab.tsx';
import { NamingRulesTab } from './NamingRulesTab.tsx';
import { RuleTab } from './RuleTab.tsx';
import '../cases/cases.css';
import './settings.css';

const TABS = ['ingest', 'rule', 'categories', 'calendar', 'namingRules'] as const;
type TabKey = (typeof TABS)[number];

/**
 * Station settings: the figures the rules leave to each agency (hand-over deadline, recorder
 * handling), retention categories and the working-day calendar. Auditors read; admins change.
 */
export function SettingsScreen({ user, focus }: { user: User; focus: string | null }) {
  const { t } = useTranslation();
  const fromFocus = /^tab:(\w+)$/.exec(focus ?? '')?.[1];
  const [tab, setTab] = useState<TabKey>(fromFocus && (TABS as readonly string[]).includes(fromFocus) ? (fromFocus as TabKey) : 'ingest');
  const canEdit = hasAnyRole(user.roles, SETTINGS_EDIT_ROLES);

  return (
    <Flex vertical gap={8} data-testid="settings-screen">
      <PageHeader title={t('ui:settings.title')} intro={t('ui:settings.intro')} />
      {!canEdit ? <Alert type="info" showIcon title={t('ui:settings.readOnly')} data-testid="settings-read-only" /> : null}
      <Tabs
        activeKey={tab}
        onChange={(k) => setTab(k as TabKey)}
        destroyOnHidden
        items={TABS.map((k) => ({
          key: k,
          label: <span data-testid={`settings-tab-${k}`}>{k === 'namingRules' ? t('ui:recorderRules.tab') : k === 'rule' ? t('ui:agencyRule.tab') : t(`ui:settings.tabs.${k}`)}</span>,
          children:
            k === 'ingest' ? (
              <IngestTab canEdit={canEdit} />
            ) : k === 'rule' ? (
              <RuleTab canEdit={canEdit} />
            ) : k === 'categories' ? (
              <CategoriesTab canEdit={canEdit} />
            ) : k === 'calendar' ? (
              <CalendarTab canEdit={canEdit} />
            ) : (
              <NamingRulesTab canEdit={canEdit} />
            ),
        }))}
      />
    </Flex>
  );
}
