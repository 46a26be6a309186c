import type { ReactNode } from 'react';
import { Card, Flex, Typography, theme } from 'antd';
import { SafetyCertificateOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { LanguageSwitch } from './LanguageSwitch.tsx';

/** The frame of the screens before login: setup, unlock, login. */
export function AuthLayout(props: { title: string; subtitle?: string | null; width?: number; children: ReactNode; footer?: ReactNode; testId?: string }) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  return (
    <div className="auth-page" data-testid={props.testId}>
      <div className="auth-language">
        <LanguageSwitch />
      </div>
      <Flex vertical align="center" gap={24} style={{ width: '100%', maxWidth: props.width ?? 440 }}>
        <Flex vertical align="center" gap={4}>
          <SafetyCertificateOutlined style={{ fontSize: 40, color: token.colorPrimary }} />
          <Typography.Title level={3} style={{ margin: '8px 0 0' }}>
            {t('ui:app.title')}
          </Typography.Title>
          {props.subtitle ? <Typography.Text type="secondary">{props.subtitle}</Typography.Text> : null}
        </Flex>
        <Card title={props.title} style={{ width: '100%' }}>
          {props.children}
        </Card>
        {props.footer}
      </Flex>
    </div>
  );
}
