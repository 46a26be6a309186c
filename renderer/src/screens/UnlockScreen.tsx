import { useState } from 'react';
import { Button, Form, Input, Typography } from 'antd';
import { LockOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { invoke, type StationStatus } from '../api.ts';
import { AuthLayout } from '../components/AuthLayout.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';

export function UnlockScreen({ status, onUnlocked }: { status: StationStatus; onUnlocked: (status: StationStatus) => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ passphrase: string }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const unlock = async ({ passphrase }: { passphrase: string }) => {
    setBusy(true);
    setError(null);
    try {
      onUnlocked(await invoke('station.unlock', { passphrase }));
    } catch (e) {
      setError(e);
      form.setFieldValue('passphrase', '');
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthLayout title={t('ui:unlock.title')} subtitle={status.agency?.name} testId="unlock-screen">
      <Typography.Paragraph type="secondary">{t('ui:unlock.intro')}</Typography.Paragraph>
      <ErrorAlert error={error} />
      <Form form={form} layout="vertical" requiredMark={false} onFinish={(v) => void unlock(v)} disabled={busy}>
        <Form.Item name="passphrase" label={t('ui:unlock.passphrase')} rules={[{ required: true, message: t('ui:setup.passphraseRequired') }]}>
          <Input.Password prefix={<LockOutlined />} autoFocus autoComplete="current-password" data-testid="unlock-passphrase" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={busy} data-testid="unlock-submit">
          {busy ? t('ui:unlock.unlocking') : t('ui:unlock.submit')}
        </Button>
      </Form>
    </AuthLayout>
  );
}
