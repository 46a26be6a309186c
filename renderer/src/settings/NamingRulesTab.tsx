import { useState } from 'react';
import { Alert, App, Button, Flex, Input, Table, Tag, Typography } from 'antd';
import { ReloadOutlined, SaveOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { invoke, type Output } from '../api.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { useLoaded } from '../components/useLoaded.ts';

type View = Output<'recorder.namingRules.get'>;

/**
 * Recorder file-naming rules (recorder.namingRules.get / .set): the rules in force, and for admins
 * the JSON document to edit. The station checks every example of every rule and names the first
 * that fails; this form only checks that the text is JSON.
 */
export function NamingRulesTab({ canEdit }: { canEdit: boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { value, error, reload } = useLoaded(() => invoke('recorder.namingRules.get', {}), []);
  const [text, setText] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [saveError, setSaveError] = useState<unknown>(null);
  const [jsonError, setJsonError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const shown = text ?? (value ? JSON.stringify(value.document, null, 2) : '');

  const save = async () => {
    let document: unknown;
    try {
      document = JSON.parse(shown);
    } catch (e) {
      setJsonError(t('ui:recorderRules.notJson', { detail: e instanceof Error ? e.message : String(e) }));
      return;
    }
    setJsonError(null);
    setSaving(true);
    try {
      const saved = await invoke('recorder.namingRules.set', { document, reason });
      setSaveError(null);
      setText(null);
      setReason('');
      void message.success(t('ui:recorderRules.saved', { count: saved.rules.length }));
      await reload();
    } catch (e) {
      setSaveError(e);
    } finally {
      setSaving(false);
    }
  };

  const rows: View['rules'] = value?.rules ?? [];
  return (
    <Flex vertical gap={12} data-testid="settings-naming-rules">
      <Typography.Text type="secondary">{t('ui:recorderRules.intro')}</Typography.Text>
      <ErrorAlert error={error} />
      {value ? (
        <Typography.Text data-testid="naming-rules-origin">
          {t(value.origin === 'station' ? 'ui:recorderRules.originStation' : 'ui:recorderRules.originShipped')} <span className="mono">{t('ui:recorderRules.hash', { sha256: value.sha256.slice(0, 16) })}</span>
        </Typography.Text>
      ) : null}
      <Table
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={rows}
        columns={[
          { key: 'id', title: t('ui:recorderRules.columns.id'), dataIndex: 'id', render: (v: string) => <span className="mono">{v}</span> },
          { key: 'models', title: t('ui:recorderRules.columns.models'), render: (_: unknown, r) => r.models.join(', ') },
          { key: 'layout', title: t('ui:recorderRules.columns.layout'), dataIndex: 'layout', render: (v: string) => <span className="mono">{v}</span> },
          { key: 'examples', title: t('ui:recorderRules.columns.examples'), dataIndex: 'examples', width: 90 },
          { key: 'verified', title: t('ui:recorderRules.columns.verified'), width: 90, render: (_: unknown, r) => <Tag>{t(r.verified ? 'ui:recorderRules.yes' : 'ui:recorderRules.no')}</Tag> },
        ]}
      />
      {canEdit && value ? (
        <Flex vertical gap={8}>
          <Input.TextArea value={shown} onChange={(e) => setText(e.target.value)} autoSize={{ minRows: 12, maxRows: 30 }} className="mono" spellCheck={false} data-testid="naming-rules-json" />
          {jsonError ? <Alert type="error" showIcon role="alert" title={jsonError} data-testid="naming-rules-json-error" /> : null}
          <ErrorAlert error={saveError} onClose={() => setSaveError(null)} />
          <Input value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('ui:recorderRules.reason')} maxLength={2000} data-testid="naming-rules-reason" />
          <Flex gap={8}>
            <Button type="primary" icon={<SaveOutlined />} loading={saving} disabled={reason.trim().length < 2} onClick={() => void save()} data-testid="naming-rules-save">
              {t('ui:common.save')}
            </Button>
            <Button
              icon={<ReloadOutlined />}
              onClick={() => {
                setText(null);
                setSaveError(null);
                setJsonError(null);
                void reload();
              }}
            >
              {t('ui:recorderRules.discard')}
            </Button>
          </Flex>
        </Flex>
      ) : null}
    </Flex>
  );
}
