import { useState } from 'react';
import { Alert, Form, Input, Modal, Typography } from 'antd';
import type { FormRule as Rule } from 'antd';
import { useTranslation } from 'react-i18next';
import { invoke, type Role, type User } from '../api.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { MIN_PASSWORD_LENGTH } from '../passphrase.ts';
import { hasRoleConflict } from '../roles.ts';
import { RoleCheckboxes } from './RoleCheckboxes.tsx';

const USERNAME = /^[\p{L}\p{N}][\p{L}\p{N}._-]{0,63}$/u;

type DialogProps = { onCancel: () => void; onDone: (user?: User) => void };

/** Busy flag and the station's error for one dialog; the dialog stays open on failure so nothing typed is lost. */
function useSubmit() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run };
}

function useRoleRules(): Rule[] {
  const { t } = useTranslation();
  return [
    {
      validator: (_, roles: Role[] | undefined) => {
        if (!roles || roles.length === 0) return Promise.reject(new Error(t('errors:user.no_roles')));
        // Same words as the station's refusal: the form only says it earlier.
        if (hasRoleConflict(roles)) return Promise.reject(new Error(t('errors:user.admin_cannot_approve')));
        return Promise.resolve();
      },
    },
  ];
}

function usePasswordRules(): { password: Rule[]; confirm: Rule[] } {
  const { t } = useTranslation();
  return {
    password: [
      { required: true, message: t('ui:users.passwordRequired') },
      { min: MIN_PASSWORD_LENGTH, message: t('ui:users.passwordTooShort', { min: MIN_PASSWORD_LENGTH }) },
    ],
    confirm: [
      { required: true, message: t('ui:setup.confirmRequired') },
      ({ getFieldValue }) => ({
        validator: (_, value: string) =>
          !value || value === getFieldValue('password') ? Promise.resolve() : Promise.reject(new Error(t('ui:users.passwordMismatch'))),
      }),
    ],
  };
}

type AddValues = { username: string; displayName: string; roles: Role[]; password: string; passwordConfirm: string };

export function AddUserDialog({ onCancel, onDone }: DialogProps) {
  const { t } = useTranslation();
  const [form] = Form.useForm<AddValues>();
  const { busy, error, run } = useSubmit();
  const roleRules = useRoleRules();
  const pw = usePasswordRules();
  const submit = (v: AddValues) =>
    run(async () => {
      const user = await invoke('user.add', { username: v.username.trim(), displayName: v.displayName.trim(), roles: v.roles, password: v.password });
      onDone(user);
    });
  return (
    <Modal
      open
      title={t('ui:users.addTitle')}
      okText={t('ui:users.addSubmit')}
      cancelText={t('ui:common.cancel')}
      onOk={() => form.submit()}
      onCancel={onCancel}
      confirmLoading={busy}
      width={600}
      destroyOnHidden
      data-testid="add-user-dialog"
    >
      <ErrorAlert error={error} />
      <Form form={form} layout="vertical" requiredMark={false} onFinish={(v) => void submit(v)} initialValues={{ roles: [] }} disabled={busy}>
        <Form.Item
          name="username"
          label={t('ui:users.username')}
          extra={t('ui:users.usernameHint')}
          rules={[{ required: true, whitespace: true, message: t('ui:users.usernameRequired') }, { pattern: USERNAME, message: t('ui:users.usernameInvalid') }]}
        >
          <Input maxLength={64} autoFocus autoComplete="off" data-testid="add-user-username" />
        </Form.Item>
        <Form.Item name="displayName" label={t('ui:users.displayName')} rules={[{ required: true, whitespace: true, message: t('ui:users.displayNameRequired') }]}>
          <Input maxLength={100} data-testid="add-user-display-name" />
        </Form.Item>
        <Form.Item name="roles" label={t('ui:users.roles')} rules={roleRules} extra={t('ui:users.separationHint')}>
          <RoleCheckboxes />
        </Form.Item>
        <Form.Item name="password" label={t('ui:users.initialPassword')} rules={pw.password} extra={t('ui:users.initialPasswordHint')}>
          <Input.Password autoComplete="new-password" data-testid="add-user-password" />
        </Form.Item>
        <Form.Item name="passwordConfirm" label={t('ui:users.passwordConfirm')} dependencies={['password']} rules={pw.confirm}>
          <Input.Password autoComplete="new-password" data-testid="add-user-password-confirm" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export function RolesDialog({ user, self, onCancel, onDone }: DialogProps & { user: User; self: boolean }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ roles: Role[] }>();
  const { busy, error, run } = useSubmit();
  const roleRules = useRoleRules();
  const submit = ({ roles }: { roles: Role[] }) =>
    run(async () => {
      onDone(await invoke('user.setRoles', { username: user.username, roles }));
    });
  return (
    <Modal
      open
      title={t('ui:users.rolesTitle', { name: user.displayName, username: user.username })}
      okText={t('ui:common.save')}
      cancelText={t('ui:common.cancel')}
      onOk={() => form.submit()}
      onCancel={onCancel}
      confirmLoading={busy}
      width={600}
      destroyOnHidden
      data-testid="roles-dialog"
    >
      <ErrorAlert error={error} />
      {self ? <Alert type="warning" showIcon title={t('ui:users.rolesSelfWarning')} style={{ marginBottom: 16 }} /> : null}
      <Form form={form} layout="vertical" requiredMark={false} onFinish={(v) => void submit(v)} initialValues={{ roles: user.roles }} disabled={busy}>
        <Form.Item name="roles" label={t('ui:users.roles')} rules={roleRules} extra={t('ui:users.separationHint')}>
          <RoleCheckboxes />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export function ResetPasswordDialog({ user, onCancel, onDone }: DialogProps & { user: User }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ password: string; passwordConfirm: string }>();
  const { busy, error, run } = useSubmit();
  const pw = usePasswordRules();
  const submit = ({ password }: { password: string }) =>
    run(async () => {
      await invoke('user.resetPassword', { username: user.username, newPassword: password });
      onDone();
    });
  return (
    <Modal
      open
      title={t('ui:users.resetTitle', { name: user.displayName, username: user.username })}
      okText={t('ui:users.resetSubmit')}
      cancelText={t('ui:common.cancel')}
      onOk={() => form.submit()}
      onCancel={onCancel}
      confirmLoading={busy}
      destroyOnHidden
      data-testid="reset-password-dialog"
    >
      <ErrorAlert error={error} />
      <Typography.Paragraph type="secondary">{t('ui:users.resetIntro')}</Typography.Paragraph>
      <Form form={form} layout="vertical" requiredMark={false} onFinish={(v) => void submit(v)} disabled={busy}>
        <Form.Item name="password" label={t('ui:users.newPassword')} rules={pw.password}>
          <Input.Password autoFocus autoComplete="new-password" data-testid="reset-password" />
        </Form.Item>
        <Form.Item name="passwordConfirm" label={t('ui:users.passwordConfirm')} dependencies={['password']} rules={pw.confirm}>
          <Input.Password autoComplete="new-password" data-testid="reset-password-confirm" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export function DisableDialog({ user, onCancel, onDone }: DialogProps & { user: User }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ reason: string }>();
  const { busy, error, run } = useSubmit();
  const submit = ({ reason }: { reason?: string }) =>
    run(async () => {
      onDone(await invoke('user.disable', { username: user.username, reason: reason?.trim() ?? '' }));
    });
  return (
    <Modal
      open
      title={t('ui:users.disableTitle', { name: user.displayName, username: user.username })}
      okText={t('ui:users.disable')}
      okButtonProps={{ danger: true }}
      cancelText={t('ui:common.cancel')}
      onOk={() => form.submit()}
      onCancel={onCancel}
      confirmLoading={busy}
      destroyOnHidden
      data-testid="disable-dialog"
    >
      <ErrorAlert error={error} />
      <Typography.Paragraph type="secondary">{t('ui:users.disableIntro')}</Typography.Paragraph>
      <Form form={form} layout="vertical" requiredMark={false} onFinish={(v) => void submit(v)} disabled={busy}>
        <Form.Item name="reason" label={t('ui:users.disableReason')} rules={[{ required: true, whitespace: true, message: t('ui:users.disableReasonRequired') }]}>
          <Input.TextArea rows={3} maxLength={500} showCount autoFocus data-testid="disable-reason" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
