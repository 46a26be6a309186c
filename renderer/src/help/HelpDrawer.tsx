import { useState } from 'react';
import { Alert, Drawer, Flex, Input, Tabs, Tag, Typography } from 'antd';
import { SearchOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { GLOSSARY_ROLES, GLOSSARY_TERMS, SCREEN_PURPOSES } from './topics.ts';
import { useAgencyRule, useRuleCitation, type RulePurpose } from '../components/useRuleCitation.ts';
import './help.css';

/** One point the screen serves, with the article of the agency's rule that sets it. */
function PurposeLine({ purpose, ruleChosen }: { purpose: RulePurpose; ruleChosen: boolean }) {
  const { t } = useTranslation();
  const citation = useRuleCitation(purpose);
  return (
    <li data-testid={`help-purpose-${purpose}`} data-cited={citation ? 'true' : 'false'}>
      <Typography.Text>{t(`ui:help.purposes.${purpose}`)}</Typography.Text>
      {citation || ruleChosen ? <br /> : null}
      {citation ? (
        <Typography.Text strong data-testid="help-citation">
          {citation}
        </Typography.Text>
      ) : ruleChosen ? (
        <Typography.Text type="secondary">{t('ui:help.noArticle')}</Typography.Text>
      ) : null}
    </li>
  );
}

function ScreenHelp({ screen }: { screen: string }) {
  const { t } = useTranslation();
  const rule = useAgencyRule();
  const purposes = SCREEN_PURPOSES[screen] ?? [];
  return (
    <Flex vertical gap={8} data-testid="help-screen" data-screen={screen}>
      <Typography.Title level={5} style={{ margin: 0 }}>
        {t('ui:help.whatFor')}
      </Typography.Title>
      <Typography.Paragraph data-testid="help-screen-text">{t(`ui:help.screens.${screen}`)}</Typography.Paragraph>
      {purposes.length > 0 ? (
        <>
          <Typography.Title level={5} style={{ margin: 0 }}>
            {t('ui:help.basis')}
          </Typography.Title>
          {rule?.chosen ? null : <Alert type="info" showIcon title={t('ui:help.noRule')} data-testid="help-no-rule" />}
          <ul className="help-purposes" data-testid="help-purposes">
            {purposes.map((p) => (
              <PurposeLine key={p} purpose={p} ruleChosen={rule?.chosen === true} />
            ))}
          </ul>
        </>
      ) : null}
    </Flex>
  );
}

/** Every term in both languages, whatever the window's language, with its meaning in the window's language. */
function Glossary() {
  const { t, i18n } = useTranslation();
  const [query, setQuery] = useState('');
  const zh = i18n.getFixedT('zh-CN', 'ui');
  const en = i18n.getFixedT('en', 'ui');
  const entries = [
    ...GLOSSARY_ROLES.map((r) => ({ id: `role-${r}`, zh: zh(`roles.${r}`), en: en(`roles.${r}`), definition: t(`ui:glossary.roleDefinitions.${r}`), role: true })),
    ...GLOSSARY_TERMS.map((id) => ({ id, zh: zh(`glossary.${id}.term`), en: en(`glossary.${id}.term`), definition: t(`ui:glossary.${id}.definition`), role: false })),
  ];
  const q = query.trim().toLowerCase();
  const shown = q ? entries.filter((e) => [e.zh, e.en, e.definition].some((s) => s.toLowerCase().includes(q))) : entries;
  return (
    <Flex vertical gap={12} data-testid="help-glossary">
      <Typography.Text type="secondary">{t('ui:help.glossaryIntro')}</Typography.Text>
      <Input allowClear prefix={<SearchOutlined />} value={query} onChange={(e) => setQuery(e.target.value)} data-testid="glossary-search" />
      <dl className="glossary">
        {shown.map((e) => (
          <div key={e.id} className="glossary-entry" data-testid="glossary-entry" data-id={e.id}>
            <dt>
              <span lang="zh-CN">{e.zh}</span>
              <span className="glossary-en" lang="en">
                {e.en}
              </span>
              {e.role ? <Tag>{t('ui:help.roles')}</Tag> : null}
            </dt>
            <dd>{e.definition}</dd>
          </div>
        ))}
      </dl>
    </Flex>
  );
}

/** The help panel of the screen in view: what it is for, the articles it serves, and the glossary. */
export function HelpDrawer({ screen, onClose }: { screen: string; onClose: () => void }) {
  const { t } = useTranslation();
  const [tab, setTab] = useState('screen');
  return (
    <Drawer open width={560} title={t('ui:help.title', { screen: t(`ui:nav.${screen}`) })} onClose={onClose} data-testid="help-drawer">
      <Tabs
        activeKey={tab}
        onChange={setTab}
        items={[
          { key: 'screen', label: <span data-testid="help-tab-screen">{t('ui:help.tabs.screen')}</span>, children: <ScreenHelp screen={screen} /> },
          { key: 'glossary', label: <span data-testid="help-tab-glossary">{t('ui:help.tabs.glossary')}</span>, children: <Glossary /> },
        ]}
      />
    </Drawer>
  );
}
