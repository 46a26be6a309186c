import { useState } from 'react';
import { Alert, Button, Form, Input } from 'antd';
import type { FormRule as Rule } from 'antd';
import { LockOutlined, LogoutOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { invoke, type StationStatus, type User } from '../api.ts';
import { AuthLayout } from '../components/AuthLayout.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { FormDialog } from '../components/FormDialog.tsx';
import { MIN_PASSWORD_LENGTH } from '../passphrase.ts';

type Values = { oldPassword: string; newPassword: string; confirm: string };

/**
 * The signed-in user sets their own password. The station refuses a new password equal to the
 * current one (the admin's, at first login); the form says so before asking.
 */
function PasswordFields(props: { autoFocus?: boolean }) {
  const { t } = useTranslation();
  const newRules: Rule[] = [
    { required: true, message: t('ui:users.passwordRequired') },
    { min: MIN_PASSWORD_LENGTH, message: t('ui:users.passwordTooShort', { min: MIN_PASSWORD_LENGTH }) },
    ({ getFieldValue }) => ({
      validator: (_, value: string) => (!value || value !== getFieldValue('oldPassword') ? Promise.resolve() : Promise.reject(new Error(t('errors:auth.password_unchanged')))),
    }),
  ];
  const confirmRules: Rule[] = [
    { required: true, message: t('ui:setup.confirmRequired') },
    ({ getFieldValue }) => ({
      validator: (_, value: string) => (!value || value === getFieldValue('newPassword') ? Promise.resolve() : Promise.reject(new Error(t('ui:users.passwordMismatch')))),
    }),
  ];
  return (
    <>
      <Form.Item name="oldPassword" label={t('ui:account.currentPassword')} rules={[{ required: true, message: t('ui:users.passwordRequired') }]}>
        <Input.Password prefix={<LockOutlined />} autoFocus={props.autoFocus} autoComplete="current-password" data-testid="account-current-password" />
      </Form.Item>
      <Form.Item name="newPassword" label={t('ui:account.newPassword')} rules={newRules} dependencies={['oldPassword']} extra={t('ui:account.newPasswordHint', { min: MIN_PASSWORD_LENGTH })}>
        <Input.Password prefix={<LockOutlined />} autoComplete="new-password" data-testid="account-new-password" />
      </Form.Item>
      <Form.Item name="confirm" label={t('ui:users.passwordConfirm')} rules={confirmRules} dependencies={['newPassword']}>
        <Input.Password prefix={<LockOutlined />} autoComplete="new-password" data-testid="account-confirm-password" />
      </Form.Item>
    </>
  );
}

/** The current password proves who asks; after a refusal it is typed again, the new one is kept. */
const SECRET_FIELDS = ['oldPassword'] as const;

async function changePassword(v: Values): Promise<User> {
  return (await invoke('auth.changePassword', { oldPassword: v.oldPassword, newPassword: v.newPassword })).user;
}

/** The first-password screen is a page, not a dialog, so it keeps its own busy flag and error. */
function useChange(onDone: (user: User) => void) {
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (v: Values) => {
    setBusy(true);
    setError(null);
    try {
      onDone(await changePassword(v));
    } catch (e) {
      setError(e);
      for (const name of SECRET_FIELDS) form.setFieldValue(name, '');
    } finally {
      setBusy(false);
    }
  };
  return { form, busy, error, submit };
}

/** Shown instead of the shell while the password is one an administrator chose: nothing else is possible until it is replaced. */
export function FirstPasswordScreen(props: { status: StationStatus; user: User; onDone: (user: User) => void; onLoggedOut: () => void }) {
  const { t } = useTranslation();
  const { form, busy, error, submit } = useChange(props.onDone);
  const logout = async () => {
    await invoke('auth.logout', {}).catch(() => {});
    props.onLoggedOut();
  };
  return (
    <AuthLayout
      title={t('ui:account.firstTitle')}
      subtitle={props.status.agency?.name}
      testId="first-password-screen"
      footer={
        <Button type="link" icon={<LogoutOutlined />} onClick={() => void logout()} data-testid="first-password-logout">
          {t('ui:shell.logout')}
        </Button>
      }
    >
      <Alert type="info" showIcon title={t('ui:account.firstExplain', { name: props.user.displayName })} style={{ marginBottom: 16 }} />
      <ErrorAlert error={error} />
      <Form<Values> form={form} layout="vertical" requiredMark={false} disabled={busy} onFinish={(v) => void submit(v)}>
        <PasswordFields autoFocus />
        <Button type="primary" htmlType="submit" block loading={busy} data-testid="account-submit">
          {t('ui:account.submit')}
        </Button>
      </Form>
    </AuthLayout>
  );
}

/** "Change my password" from the shell's header, at any time. */
export function ChangePasswordDialog(props: { onCancel: () => void; onDone: (user: User) => void }) {
  const { t } = useTranslation();
  return (
    <FormDialog<Values>
      title={t('ui:account.changeTitle')}
      okText={t('ui:account.submit')}
      width={520}
      testId="change-password-dialog"
      submitTestId="account-submit"
      secretFields={SECRET_FIELDS}
      onCancel={props.onCancel}
      onSubmit={async (v) => props.onDone(await changePassword(v))}
    >
      <PasswordFields autoFocus />
    </FormDialog>
  );
}
