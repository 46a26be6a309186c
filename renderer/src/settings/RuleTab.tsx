import { useState } from 'react';
import { Alert, App, Button, Card, Flex, Spin, Typography } from 'antd';
import { SaveOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { invoke } from '../api.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { useLoaded } from '../components/useLoaded.ts';
import { refreshAgencyRule } from '../components/useRuleCitation.ts';
import { RulePicker, type RuleSetting } from './RulePicker.tsx';

/** Station settings: the agency's own rule (rules.current / rules.set, ledgered as setting.changed). */
export function RuleTab({ canEdit }: { canEdit: boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { value, error, reload } = useLoaded(async () => ({ current: await invoke('rules.current', {}), catalogue: await invoke('rules.catalogue', {}) }), []);
  const [draft, setDraft] = useState<RuleSetting | null | undefined>(undefined);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>(null);
  if (!value) return error ? <ErrorAlert error={error} /> : <Spin />;
  const { current, catalogue } = value;
  const inForce: RuleSetting | null = !current.chosen
    ? null
    : current.id === 'custom'
      ? { kind: 'custom', title: current.title, ...(current.issuer ? { issuer: current.issuer } : {}), ...(current.docNumber ? { docNumber: current.docNumber } : {}), ...(current.date ? { date: current.date } : {}), articles: current.articles }
      : { kind: 'shipped', id: current.id ?? '' };
  const shown = draft === undefined ? inForce : draft;
  const save = async () => {
    if (!shown) return;
    setSaving(true);
    setSaveError(null);
    try {
      await invoke('rules.set', { rule: shown });
      refreshAgencyRule();
      setDraft(undefined);
      await reload();
      void message.success(t('ui:agencyRule.saved'));
    } catch (e) {
      setSaveError(e);
    } finally {
      setSaving(false);
    }
  };
  return (
    <Card size="small" title={t('ui:agencyRule.tabTitle')} data-testid="settings-rule">
      <Flex vertical gap={12} style={{ maxWidth: 760 }}>
        <Typography.Text type="secondary">{t('ui:agencyRule.intro')}</Typography.Text>
        {!current.chosen ? <Alert type="warning" showIcon title={t('ui:agencyRule.notChosen')} data-testid="settings-rule-none" /> : null}
        <ErrorAlert error={saveError} onClose={() => setSaveError(null)} />
        {canEdit ? (
          <>
            <RulePicker value={shown} onChange={setDraft} catalogue={catalogue} testId="settings-rule-picker" />
            <Flex justify="flex-end">
              <Button type="primary" icon={<SaveOutlined />} loading={saving} disabled={!shown || draft === undefined} onClick={() => void save()} data-testid="settings-rule-save">
                {t('ui:common.save')}
              </Button>
            </Flex>
          </>
        ) : (
          <RulePicker value={inForce} onChange={() => undefined} catalogue={catalogue} testId="settings-rule-picker" />
        )}
      </Flex>
    </Card>
  );
}
