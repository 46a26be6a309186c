import { useState } from 'react';
import { Alert, Button, Form, Input } from 'antd';
import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { invoke, type StationStatus, type User } from '../api.ts';
import { AuthLayout } from '../components/AuthLayout.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';

type Values = { username: string; password: string };

export function LoginScreen(props: { status: StationStatus; notice?: string | null; onLogin: (user: User) => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const login = async ({ username, password }: Values) => {
    setBusy(true);
    setError(null);
    try {
      const { user } = await invoke('auth.login', { username: username.trim(), password });
      props.onLogin(user);
    } catch (e) {
      setError(e);
      form.setFieldValue('password', '');
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthLayout title={t('ui:login.title')} subtitle={props.status.agency?.name} testId="login-screen">
      {props.notice && !error ? <Alert type="warning" showIcon title={props.notice} style={{ marginBottom: 16 }} data-testid="login-notice" /> : null}
      <ErrorAlert error={error} />
      <Form form={form} layout="vertical" requiredMark={false} onFinish={(v) => void login(v)} disabled={busy}>
        <Form.Item name="username" label={t('ui:users.username')} rules={[{ required: true, whitespace: true, message: t('ui:users.usernameRequired') }]}>
          <Input prefix={<UserOutlined />} autoFocus autoComplete="username" data-testid="login-username" />
        </Form.Item>
        <Form.Item name="password" label={t('ui:users.password')} rules={[{ required: true, message: t('ui:users.passwordRequired') }]}>
          <Input.Password prefix={<LockOutlined />} autoComplete="current-password" data-testid="login-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={busy} data-testid="login-submit">
          {t('ui:login.submit')}
        </Button>
      </Form>
    </AuthLayout>
  );
}
