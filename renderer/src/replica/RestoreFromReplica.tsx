// The setup wizard's other first-run choice: rebuild this station from its replica (as
// `station restore --from-replica`), for a new PC replacing a lost one. Everything is verified
// before it is put in place (electron/core/replica/README.md, "Restore"); the restored station then
// asks for its passphrase and its own users sign in.
import { useState } from 'react';
import { Alert, Button, Descriptions, Flex, Form, Input, Typography, theme } from 'antd';
import { CheckCircleFilled } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { invoke, type Output } from '../api.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';

type Values = { endpoint: string; bucket: string; accessKeyId: string; secret: string; passphrase: string; stationId?: string };

export function RestoreFromReplica({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<Output<'replica.restore'> | null>(null);

  const restore = async (v: Values) => {
    setBusy(true);
    setError(null);
    try {
      setResult(
        await invoke('replica.restore', {
          endpoint: v.endpoint.trim(),
          bucket: v.bucket.trim(),
          accessKeyId: v.accessKeyId.trim(),
          secret: v.secret,
          passphrase: v.passphrase,
          ...(v.stationId?.trim() ? { stationId: v.stationId.trim() } : {}),
        }),
      );
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  if (result) {
    return (
      <div data-testid="restore-done">
        <Flex align="center" gap={16} style={{ marginBottom: 20 }}>
          <CheckCircleFilled style={{ fontSize: 40, color: token.colorSuccess }} />
          <Typography.Title level={4} style={{ margin: 0 }}>
            {t('ui:replicaRestore.doneTitle')}
          </Typography.Title>
        </Flex>
        <Descriptions
          column={1}
          bordered
          size="small"
          items={[
            { key: 'station', label: t('ui:replicaRestore.station'), children: `${result.stationId} (${result.agencyCode})` },
            { key: 'ledger', label: t('ui:replicaRestore.ledger'), children: t('ui:replicaRestore.ledgerVerified', { size: result.ledgerSize }) },
            { key: 'vault', label: t('ui:replicaRestore.vault'), children: t('ui:replicaRestore.vaultVerified', { objects: result.objects, mib: (result.bytes / 1048576).toFixed(1) }) },
          ]}
        />
        <Alert type="info" showIcon title={t('ui:replicaRestore.afterNote')} style={{ marginTop: 16 }} />
        <Flex justify="end" style={{ marginTop: 24 }}>
          <Button type="primary" onClick={onDone} data-testid="restore-continue">
            {t('ui:replicaRestore.continue')}
          </Button>
        </Flex>
      </div>
    );
  }

  return (
    <>
      <Typography.Paragraph type="secondary">{t('ui:replicaRestore.intro')}</Typography.Paragraph>
      <ErrorAlert error={error} onClose={() => setError(null)} />
      <Form<Values> layout="vertical" requiredMark={false} disabled={busy} onFinish={(v) => void restore(v)}>
        <Form.Item name="endpoint" label={t('ui:replica.endpoint')} rules={[{ required: true, whitespace: true, message: t('ui:replicaRestore.required') }]}>
          <Input placeholder={t('ui:replica.endpointPlaceholder')} data-testid="restore-endpoint" />
        </Form.Item>
        <Flex gap={16}>
          <Form.Item name="bucket" label={t('ui:replica.bucket')} style={{ flex: 1 }} rules={[{ required: true, whitespace: true, message: t('ui:replicaRestore.required') }]}>
            <Input data-testid="restore-bucket" />
          </Form.Item>
          <Form.Item name="stationId" label={t('ui:replicaRestore.stationId')} style={{ flex: 1 }} extra={t('ui:replicaRestore.stationIdNote')}>
            <Input data-testid="restore-station-id" />
          </Form.Item>
        </Flex>
        <Flex gap={16}>
          <Form.Item name="accessKeyId" label={t('ui:replica.accessKeyId')} style={{ flex: 1 }} rules={[{ required: true, whitespace: true, message: t('ui:replicaRestore.required') }]}>
            <Input autoComplete="off" data-testid="restore-access-key-id" />
          </Form.Item>
          <Form.Item name="secret" label={t('ui:replica.secret')} style={{ flex: 1 }} rules={[{ required: true, message: t('ui:replicaRestore.required') }]}>
            <Input.Password autoComplete="off" data-testid="restore-secret" />
          </Form.Item>
        </Flex>
        <Form.Item name="passphrase" label={t('ui:replicaRestore.passphrase')} extra={t('ui:replicaRestore.passphraseNote')} rules={[{ required: true, message: t('ui:replicaRestore.required') }]}>
          <Input.Password autoComplete="off" data-testid="restore-passphrase" />
        </Form.Item>
        <Flex justify="end">
          <Button type="primary" htmlType="submit" loading={busy} data-testid="restore-start">
            {busy ? t('ui:replicaRestore.restoring') : t('ui:replicaRestore.start')}
          </Button>
        </Flex>
      </Form>
    </>
  );
}
