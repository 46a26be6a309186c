import { useState } from 'react';
import { App, Button, Divider, Flex, Layout, Menu, Tag, Tooltip, Typography, theme } from 'antd';
import { KeyOutlined, LogoutOutlined, QuestionCircleOutlined, SafetyCertificateOutlined, UserOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { invoke, type StationStatus, type User } from '../api.ts';
import { errorText } from '../i18n.ts';
import { roleColor, sortRoles } from '../roles.ts';
import { landingScreen, screensFor } from './screens.tsx';
import { LanguageSwitch } from '../components/LanguageSwitch.tsx';
import { LedgerAlarmBanner } from './LedgerAlarmBanner.tsx';
import { ChangePasswordDialog } from '../account/ChangePassword.tsx';
import { HelpDrawer } from '../help/HelpDrawer.tsx';

export function Shell(props: { status: StationStatus; user: User; onUserChange: (user: User) => void; onLoggedOut: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { token } = theme.useToken();
  const screens = screensFor(props.user.roles);
  const [screen, setScreen] = useState<string>(landingScreen(screens, props.user.roles)?.key ?? 'ledger');
  const [focus, setFocus] = useState<string | null>(null);
  const [leaving, setLeaving] = useState(false);
  const [changing, setChanging] = useState(false);
  const [helping, setHelping] = useState(false);
  const current = screens.find((s) => s.key === screen) ?? screens[0];
  const navigate = (key: string, target?: string) => {
    setFocus(target ?? null);
    setScreen(key);
  };

  const logout = async () => {
    setLeaving(true);
    try {
      await invoke('auth.logout', {});
    } catch (e) {
      // The session is gone either way; say why the logout was not recorded cleanly.
      void message.error(errorText(t, e));
    } finally {
      setLeaving(false);
      props.onLoggedOut();
    }
  };

  return (
    <Layout style={{ height: '100vh' }} data-testid="shell">
      <Layout.Header className="shell-header" style={{ background: token.colorBgContainer, borderBottom: `1px solid ${token.colorBorderSecondary}` }}>
        <Flex align="center" gap={12} style={{ minWidth: 0 }}>
          <SafetyCertificateOutlined style={{ fontSize: 22, color: token.colorPrimary }} />
          <Typography.Text strong style={{ fontSize: 16, whiteSpace: 'nowrap' }}>
            {t('ui:app.title')}
          </Typography.Text>
          {props.status.agency ? (
            <>
              <Divider orientation="vertical" />
              <Typography.Text type="secondary" ellipsis data-testid="header-agency">
                {props.status.agency.name}
              </Typography.Text>
            </>
          ) : null}
        </Flex>
        <Flex align="center" gap={12} style={{ flexShrink: 0 }}>
          <Flex align="center" gap={6} data-testid="header-user">
            <UserOutlined />
            <Tooltip title={t('ui:shell.signedInAs', { username: props.user.username })}>
              <Typography.Text>{props.user.displayName}</Typography.Text>
            </Tooltip>
            {sortRoles(props.user.roles).map((r) => (
              <Tag key={r} color={roleColor(r)} style={{ marginInlineEnd: 0 }}>
                {t(`ui:roles.${r}`)}
              </Tag>
            ))}
          </Flex>
          <Button icon={<QuestionCircleOutlined />} onClick={() => setHelping(true)} data-testid="help-open">
            {t('ui:help.open')}
          </Button>
          <LanguageSwitch variant="borderless" />
          <Button icon={<KeyOutlined />} onClick={() => setChanging(true)} data-testid="change-password">
            {t('ui:account.changeButton')}
          </Button>
          <Button icon={<LogoutOutlined />} onClick={() => void logout()} loading={leaving} data-testid="logout">
            {t('ui:shell.logout')}
          </Button>
        </Flex>
      </Layout.Header>
      <Layout>
        <Layout.Sider width={200} theme="light" style={{ borderRight: `1px solid ${token.colorBorderSecondary}` }}>
          <Menu
            mode="inline"
            selectedKeys={current ? [current.key] : []}
            onClick={({ key }) => navigate(key)}
            style={{ borderInlineEnd: 'none', paddingTop: 8 }}
            items={screens.map((s) => ({ key: s.key, icon: s.icon, label: t(`ui:nav.${s.key}`), 'data-testid': `nav-${s.key}` }))}
          />
        </Layout.Sider>
        <Layout.Content style={{ padding: 24, overflow: 'auto', background: token.colorBgLayout }}>
          <LedgerAlarmBanner status={props.status} />
          {current?.render({ user: props.user, status: props.status, onUserChange: props.onUserChange, navigate, focus })}
        </Layout.Content>
      </Layout>
      {helping && current ? <HelpDrawer screen={current.key} onClose={() => setHelping(false)} /> : null}
      {changing ? (
        <ChangePasswordDialog
          onCancel={() => setChanging(false)}
          onDone={(user) => {
            setChanging(false);
            void message.success(t('ui:account.changed'));
            props.onUserChange(user);
          }}
        />
      ) : null}
    </Layout>
  );
}
