import { Alert, Form, Input } from 'antd';
import type { FormRule as Rule } from 'antd';
import { useTranslation } from 'react-i18next';
import { invoke, type Role, type User } from '../api.ts';
import { FormDialog } from '../components/FormDialog.tsx';
import { MIN_PASSWORD_LENGTH } from '../passphrase.ts';
import { hasRoleConflict } from '../roles.ts';
import { RoleCheckboxes } from './RoleCheckboxes.tsx';

const USERNAME = /^[\p{L}\p{N}][\p{L}\p{N}._-]{0,63}$/u;

type DialogProps = { onCancel: () => void; onDone: (user?: User) => void };

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
  const roleRules = useRoleRules();
  const pw = usePasswordRules();
  return (
    <FormDialog<AddValues>
      title={t('ui:users.addTitle')}
      okText={t('ui:users.addSubmit')}
      width={600}
      initialValues={{ roles: [] }}
      // The administrator chose this password a moment ago; a refusal (a taken username) should not make them type it twice.
      secretFields={[]}
      testId="add-user-dialog"
      onCancel={onCancel}
      onSubmit={async (v) => {
        const user = await invoke('user.add', { username: v.username.trim(), displayName: v.displayName.trim(), roles: v.roles, password: v.password });
        onDone(user);
      }}
    >
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
    </FormDialog>
  );
}

export function RolesDialog({ user, self, onCancel, onDone }: DialogProps & { user: User; self: boolean }) {
  const { t } = useTranslation();
  const roleRules = useRoleRules();
  return (
    <FormDialog<{ roles: Role[] }>
      title={t('ui:users.rolesTitle', { name: user.displayName, username: user.username })}
      okText={t('ui:common.save')}
      width={600}
      initialValues={{ roles: user.roles }}
      testId="roles-dialog"
      onCancel={onCancel}
      onSubmit={async ({ roles }) => onDone(await invoke('user.setRoles', { username: user.username, roles }))}
    >
      {self ? <Alert type="warning" showIcon title={t('ui:users.rolesSelfWarning')} style={{ marginBottom: 16 }} /> : null}
      <Form.Item name="roles" label={t('ui:users.roles')} rules={roleRules} extra={t('ui:users.separationHint')}>
        <RoleCheckboxes />
      </Form.Item>
    </FormDialog>
  );
}

export function ResetPasswordDialog({ user, onCancel, onDone }: DialogProps & { user: User }) {
  const { t } = useTranslation();
  const pw = usePasswordRules();
  return (
    <FormDialog<{ password: string; passwordConfirm: string }>
      title={t('ui:users.resetTitle', { name: user.displayName, username: user.username })}
      okText={t('ui:users.resetSubmit')}
      width={520}
      intro={t('ui:users.resetIntro')}
      // A new password being chosen, not one re-entered to prove who decides: kept after a refusal, as before.
      secretFields={[]}
      testId="reset-password-dialog"
      onCancel={onCancel}
      onSubmit={async ({ password }) => {
        await invoke('user.resetPassword', { username: user.username, newPassword: password });
        onDone();
      }}
    >
      <Form.Item name="password" label={t('ui:users.newPassword')} rules={pw.password}>
        <Input.Password autoFocus autoComplete="new-password" data-testid="reset-password" />
      </Form.Item>
      <Form.Item name="passwordConfirm" label={t('ui:users.passwordConfirm')} dependencies={['password']} rules={pw.confirm}>
        <Input.Password autoComplete="new-password" data-testid="reset-password-confirm" />
      </Form.Item>
    </FormDialog>
  );
}

export function DisableDialog({ user, onCancel, onDone }: DialogProps & { user: User }) {
  const { t } = useTranslation();
  return (
    <FormDialog<{ reason?: string }>
      title={t('ui:users.disableTitle', { name: user.displayName, username: user.username })}
      okText={t('ui:users.disable')}
      danger
      width={520}
      intro={t('ui:users.disableIntro')}
      testId="disable-dialog"
      onCancel={onCancel}
      onSubmit={async ({ reason }) => onDone(await invoke('user.disable', { username: user.username, reason: reason?.trim() ?? '' }))}
    >
      <Form.Item name="reason" label={t('ui:users.disableReason')} rules={[{ required: true, whitespace: true, message: t('ui:users.disableReasonRequired') }]}>
        <Input.TextArea rows={3} maxLength={500} showCount autoFocus data-testid="disable-reason" />
      </Form.Item>
    </FormDialog>
  );
}
