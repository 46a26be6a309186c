import { useState, type HTMLAttributes } from 'react';
import { useLoaded } from '../components/useLoaded.ts';
import { Alert, App, Badge, Button, Flex, Popconfirm, Space, Table, Tag, Tooltip, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { ReloadOutlined, UserAddOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { invoke, type User } from '../api.ts';
import { errorText } from '../i18n.ts';
import { roleColor, sortRoles } from '../roles.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { formatTime } from '../components/formatTime.ts';
import { AddUserDialog, DisableDialog, ResetPasswordDialog, RolesDialog } from './UserDialogs.tsx';

type Dialog = { kind: 'add' } | { kind: 'roles'; user: User } | { kind: 'password'; user: User } | { kind: 'disable'; user: User } | null;

export function UsersScreen({ user: me, onSelfChanged }: { user: User; onSelfChanged: (user: User) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [dialog, setDialog] = useState<Dialog>(null);
  const [enabling, setEnabling] = useState<string | null>(null);
  // Auditors may read the list (user.list allows them) but every change is admin-only.
  const canEdit = me.roles.includes('admin');

  const { value: users, error, reload: load } = useLoaded(() => invoke('user.list', {}), []);

  const done = (text: string) => (changed?: User) => {
    setDialog(null);
    void message.success(text);
    if (changed && changed.username === me.username) onSelfChanged(changed);
    void load();
  };

  const enable = async (u: User) => {
    setEnabling(u.username);
    try {
      await invoke('user.enable', { username: u.username });
      void message.success(t('ui:users.enabled', { username: u.username }));
      void load();
    } catch (e) {
      void message.error(errorText(t, e));
    } finally {
      setEnabling(null);
    }
  };

  const columns: TableColumnsType<User> = [
    {
      key: 'username',
      title: t('ui:users.username'),
      dataIndex: 'username',
      width: 160,
      render: (v: string) => (
        <Space size={4}>
          <span className="mono">{v}</span>
          {v === me.username ? <Tag>{t('ui:users.you')}</Tag> : null}
        </Space>
      ),
    },
    { key: 'displayName', title: t('ui:users.displayName'), dataIndex: 'displayName', width: 160, ellipsis: true },
    {
      key: 'roles',
      title: t('ui:users.roles'),
      dataIndex: 'roles',
      render: (_: unknown, u) => (
        <Flex gap={4} wrap>
          {sortRoles(u.roles).map((r) => (
            <Tag key={r} color={roleColor(r)} style={{ marginInlineEnd: 0 }}>
              {t(`ui:roles.${r}`)}
            </Tag>
          ))}
        </Flex>
      ),
    },
    {
      key: 'status',
      title: t('ui:users.status'),
      dataIndex: 'disabled',
      width: 110,
      render: (_: unknown, u) => (
        <Space size={4} wrap>
          <Badge status={u.disabled ? 'default' : 'success'} text={u.disabled ? t('ui:users.statusDisabled') : t('ui:users.statusActive')} />
          {/* The admin chose this password; the user can do nothing until they set their own. */}
          {u.mustChangePassword && !u.disabled ? <Tag color="orange" data-testid={`must-set-password-${u.username}`}>{t('ui:account.mustSetTag')}</Tag> : null}
        </Space>
      ),
    },
    { key: 'createdAt', title: t('ui:users.createdAt'), dataIndex: 'createdAt', width: 180, render: (v: string) => formatTime(v) },
  ];
  if (canEdit) {
    columns.push({
      key: 'actions',
      title: t('ui:users.actions'),
      width: 320,
      render: (_: unknown, u) => (
        <Space size={0}>
          <Button type="link" size="small" onClick={() => setDialog({ kind: 'roles', user: u })} data-testid={`user-roles-${u.username}`}>
            {t('ui:users.changeRoles')}
          </Button>
          <Button type="link" size="small" onClick={() => setDialog({ kind: 'password', user: u })} data-testid={`user-reset-${u.username}`}>
            {t('ui:users.resetPassword')}
          </Button>
          {u.disabled ? (
            <Popconfirm
              title={t('ui:users.enableConfirm', { username: u.username })}
              okText={t('ui:users.enable')}
              cancelText={t('ui:common.cancel')}
              onConfirm={() => enable(u)}
            >
              <Button type="link" size="small" loading={enabling === u.username} data-testid={`user-enable-${u.username}`}>
                {t('ui:users.enable')}
              </Button>
            </Popconfirm>
          ) : (
            <Tooltip title={u.username === me.username ? t('errors:user.cannot_disable_self') : null}>
              <Button
                type="link"
                size="small"
                danger
                disabled={u.username === me.username}
                onClick={() => setDialog({ kind: 'disable', user: u })}
                data-testid={`user-disable-${u.username}`}
              >
                {t('ui:users.disable')}
              </Button>
            </Tooltip>
          )}
        </Space>
      ),
    });
  }

  return (
    <Flex vertical gap={16} data-testid="users-screen">
      <Flex justify="space-between" align="flex-start" gap={16} wrap>
        <div style={{ minWidth: 280, flex: 1 }}>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {t('ui:users.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('ui:users.intro')}</Typography.Text>
        </div>
        <Space>
          <Button icon={<ReloadOutlined />} onClick={() => void load()}>
            {t('ui:common.refresh')}
          </Button>
          {canEdit ? (
            <Button type="primary" icon={<UserAddOutlined />} onClick={() => setDialog({ kind: 'add' })} data-testid="add-user">
              {t('ui:users.add')}
            </Button>
          ) : null}
        </Space>
      </Flex>
      {!canEdit ? <Alert type="info" showIcon title={t('ui:users.readOnly')} data-testid="users-read-only" /> : null}
      <ErrorAlert error={error} />
      <Table<User>
        rowKey="username"
        size="middle"
        columns={columns}
        dataSource={users ?? []}
        loading={users === null && !error}
        pagination={false}
        data-testid="users-table"
        onRow={(u) => ({ 'data-testid': `user-row-${u.username}` }) as HTMLAttributes<HTMLElement>}
      />
      {dialog?.kind === 'add' && <AddUserDialog onCancel={() => setDialog(null)} onDone={(u) => done(t('ui:users.added', { username: u?.username ?? '' }))(u)} />}
      {dialog?.kind === 'roles' && (
        <RolesDialog user={dialog.user} self={dialog.user.username === me.username} onCancel={() => setDialog(null)} onDone={done(t('ui:users.rolesSaved', { username: dialog.user.username }))} />
      )}
      {dialog?.kind === 'password' && <ResetPasswordDialog user={dialog.user} onCancel={() => setDialog(null)} onDone={done(t('ui:users.passwordReset', { username: dialog.user.username }))} />}
      {dialog?.kind === 'disable' && <DisableDialog user={dialog.user} onCancel={() => setDialog(null)} onDone={done(t('ui:users.disabled', { username: dialog.user.username }))} />}
    </Flex>
  );
}
