import { useState } from 'react';
import { Alert, Button, Checkbox, Descriptions, Flex, Form, Input, Segmented, Steps, Typography, theme } from 'antd';
import { CheckCircleFilled } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { invoke, toUiError, type Output } from '../api.ts';
import { AuthLayout } from '../components/AuthLayout.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { HashText } from '../components/HashText.tsx';
import { StrengthMeter } from '../components/StrengthMeter.tsx';
import { MIN_PASSPHRASE_LENGTH, MIN_PASSWORD_LENGTH } from '../passphrase.ts';
import { useLoaded } from '../components/useLoaded.ts';
import { RulePicker, type RuleSetting } from '../settings/RulePicker.tsx';
import { RestoreFromReplica } from '../replica/RestoreFromReplica.tsx';

type Values = {
  agencyCode: string;
  agencyName: string;
  passphrase: string;
  passphraseConfirm: string;
  adminUsername: string;
  adminDisplayName: string;
  adminPassword: string;
  adminPasswordConfirm: string;
  rule: RuleSetting | null;
};

// Which step holds the field a station error is about, so the user lands where the fix is.
const ERROR_STEP: Record<string, number> = {
  'station.bad_agency_code': 0,
  'station.bad_agency_name': 0,
  'rules.unknown': 0,
  'rules.title_required': 0,
  'rules.bad_article': 0,
  'station.passphrase_too_short': 1,
  'user.password_too_short': 2,
  'user.bad_username': 2,
};

const AGENCY_CODE = /^[A-Za-z0-9_-]{1,32}$/;
const USERNAME = /^[\p{L}\p{N}][\p{L}\p{N}._-]{0,63}$/u;

export function SetupWizard({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const [form] = Form.useForm<Values>();
  const [step, setStep] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<{ keys: Output<'station.init'>; name: string; code: string } | null>(null);
  const [recorded, setRecorded] = useState(false);
  // A new PC replacing a lost station is rebuilt from its replica instead (replica/README.md).
  const [mode, setMode] = useState<'new' | 'restore'>('new');
  const passphrase = Form.useWatch('passphrase', form) ?? '';
  const { value: catalogue } = useLoaded(() => invoke('rules.catalogue', {}), []);

  // Only the current step's fields are mounted, so antd's submit validates just those; the
  // values of the other steps stay in the form store (Form preserves unmounted fields).
  const finish = async () => {
    const v = form.getFieldsValue(true) as Values;
    setBusy(true);
    setError(null);
    try {
      const keys = await invoke('station.init', {
        agencyCode: v.agencyCode.trim(),
        agencyName: v.agencyName.trim(),
        passphrase: v.passphrase,
        ...(v.rule ? { rule: v.rule } : {}),
        admin: { username: v.adminUsername.trim(), displayName: v.adminDisplayName.trim(), password: v.adminPassword },
      });
      setResult({ keys, name: v.agencyName.trim(), code: v.agencyCode.trim() });
      setStep(3);
    } catch (e) {
      setError(e);
      const target = ERROR_STEP[toUiError(e).code];
      if (target !== undefined) setStep(target);
    } finally {
      setBusy(false);
    }
  };

  const required = (key: string) => ({ required: true, whitespace: true, message: t(key) });
  const matches = (other: keyof Values, key: string) => ({
    validator: (_: unknown, value: string) =>
      !value || value === form.getFieldValue(other) ? Promise.resolve() : Promise.reject(new Error(t(key))),
  });

  return (
    <AuthLayout title={t('ui:setup.title')} width={680} testId="setup-screen">
      {step === 0 && !busy ? (
        <Segmented<'new' | 'restore'>
          block
          value={mode}
          onChange={setMode}
          style={{ marginBottom: 20 }}
          data-testid="setup-mode"
          options={[
            { value: 'new', label: t('ui:replicaRestore.choiceNew') },
            { value: 'restore', label: <span data-testid="setup-mode-restore">{t('ui:replicaRestore.choiceRestore')}</span> },
          ]}
        />
      ) : null}
      {mode === 'restore' ? <RestoreFromReplica onDone={onDone} /> : null}
      {mode === 'new' ? (
      <>
      <Steps
        current={step}
        size="small"
        style={{ marginBottom: 28 }}
        items={[
          { title: t('ui:setup.steps.agency') },
          { title: t('ui:setup.steps.passphrase') },
          { title: t('ui:setup.steps.admin') },
          { title: t('ui:setup.steps.done') },
        ]}
      />
      <ErrorAlert error={error} onClose={() => setError(null)} />
      {step < 3 ? (
        <Form form={form} layout="vertical" requiredMark={false} disabled={busy} onFinish={() => (step === 2 ? void finish() : setStep(step + 1))}>
          {step === 0 && (
            <>
              <Typography.Paragraph type="secondary">{t('ui:setup.agencyIntro')}</Typography.Paragraph>
              <Form.Item
                name="agencyCode"
                label={t('ui:setup.agencyCode')}
                extra={t('ui:setup.agencyCodeHint')}
                rules={[required('ui:setup.agencyCodeRequired'), { pattern: AGENCY_CODE, message: t('ui:setup.agencyCodeInvalid') }]}
              >
                <Input autoFocus maxLength={32} data-testid="setup-agency-code" />
              </Form.Item>
              <Form.Item name="agencyName" label={t('ui:setup.agencyName')} rules={[required('ui:setup.agencyNameRequired')]}>
                <Input maxLength={200} data-testid="setup-agency-name" />
              </Form.Item>
              <Form.Item name="rule" label={t('ui:agencyRule.setupLabel')} extra={t('ui:agencyRule.setupHint')}>
                <RulePicker value={undefined} onChange={() => undefined} catalogue={catalogue ?? []} allowNone testId="setup-rule" />
              </Form.Item>
            </>
          )}
          {step === 1 && (
            <>
              <Alert type="warning" showIcon title={t('ui:setup.passphraseWarningTitle')} description={t('ui:setup.passphraseWarning')} style={{ marginBottom: 20 }} />
              <Form.Item
                name="passphrase"
                label={t('ui:setup.passphrase')}
                extra={<StrengthMeter value={passphrase} />}
                rules={[
                  { required: true, message: t('ui:setup.passphraseRequired') },
                  { min: MIN_PASSPHRASE_LENGTH, message: t('ui:setup.passphraseTooShort', { min: MIN_PASSPHRASE_LENGTH }) },
                ]}
              >
                <Input.Password autoComplete="new-password" data-testid="setup-passphrase" />
              </Form.Item>
              <Form.Item
                name="passphraseConfirm"
                label={t('ui:setup.passphraseConfirm')}
                dependencies={['passphrase']}
                rules={[{ required: true, message: t('ui:setup.confirmRequired') }, matches('passphrase', 'ui:setup.passphraseMismatch')]}
              >
                <Input.Password autoComplete="new-password" data-testid="setup-passphrase-confirm" />
              </Form.Item>
            </>
          )}
          {step === 2 && (
            <>
              <Typography.Paragraph type="secondary">{t('ui:setup.adminIntro')}</Typography.Paragraph>
              <Flex gap={16}>
                <Form.Item
                  name="adminUsername"
                  label={t('ui:users.username')}
                  style={{ flex: 1 }}
                  rules={[required('ui:users.usernameRequired'), { pattern: USERNAME, message: t('ui:users.usernameInvalid') }]}
                >
                  <Input maxLength={64} autoComplete="off" data-testid="setup-admin-username" />
                </Form.Item>
                <Form.Item name="adminDisplayName" label={t('ui:users.displayName')} style={{ flex: 1 }} rules={[required('ui:users.displayNameRequired')]}>
                  <Input maxLength={100} data-testid="setup-admin-display-name" />
                </Form.Item>
              </Flex>
              <Form.Item
                name="adminPassword"
                label={t('ui:users.password')}
                dependencies={['passphrase']}
                rules={[
                  { required: true, message: t('ui:users.passwordRequired') },
                  { min: MIN_PASSWORD_LENGTH, message: t('ui:users.passwordTooShort', { min: MIN_PASSWORD_LENGTH }) },
                  {
                    // The station passphrase opens the vault; reusing it as a login password would hand it to every admin session.
                    validator: (_, value: string) =>
                      value && value === form.getFieldValue('passphrase') ? Promise.reject(new Error(t('ui:setup.passwordSameAsPassphrase'))) : Promise.resolve(),
                  },
                ]}
              >
                <Input.Password autoComplete="new-password" data-testid="setup-admin-password" />
              </Form.Item>
              <Form.Item
                name="adminPasswordConfirm"
                label={t('ui:users.passwordConfirm')}
                dependencies={['adminPassword']}
                rules={[{ required: true, message: t('ui:setup.confirmRequired') }, matches('adminPassword', 'ui:users.passwordMismatch')]}
              >
                <Input.Password autoComplete="new-password" data-testid="setup-admin-password-confirm" />
              </Form.Item>
            </>
          )}
          <Flex justify="space-between" style={{ marginTop: 24 }}>
            {step > 0 ? (
              <Button onClick={() => setStep(step - 1)} disabled={busy}>
                {t('ui:common.back')}
              </Button>
            ) : (
              <span />
            )}
            <Button type="primary" htmlType="submit" loading={busy} data-testid="setup-next">
              {step === 2 ? (busy ? t('ui:setup.initializing') : t('ui:setup.finish')) : t('ui:common.next')}
            </Button>
          </Flex>
        </Form>
      ) : result ? (
        <div data-testid="setup-done">
          <Flex align="center" gap={16} style={{ marginBottom: 20 }}>
            <CheckCircleFilled style={{ fontSize: 40, color: token.colorSuccess }} />
            <div>
              <Typography.Title level={4} style={{ margin: 0 }}>
                {t('ui:setup.doneTitle')}
              </Typography.Title>
              <Typography.Text type="secondary">{t('ui:setup.doneSubtitle')}</Typography.Text>
            </div>
          </Flex>
          <Alert type="info" showIcon title={t('ui:setup.keysNoticeTitle')} description={t('ui:setup.keysNotice')} style={{ marginBottom: 16 }} />
          <Descriptions
            column={1}
            bordered
            size="small"
            styles={{ label: { width: 140 } }}
            items={[
              { key: 'agency', label: t('ui:station.agency'), children: t('ui:station.agencyWithCode', { name: result.name, code: result.code }) },
              { key: 'publicKey', label: t('ui:station.publicKey'), children: <HashText value={result.keys.publicKey} testId="setup-public-key" /> },
              { key: 'verifierKey', label: t('ui:station.verifierKey'), children: <HashText value={result.keys.verifierKey} testId="setup-verifier-key" /> },
            ]}
          />
          <Flex justify="space-between" align="center" style={{ marginTop: 24 }}>
            <Checkbox checked={recorded} onChange={(e) => setRecorded(e.target.checked)} data-testid="setup-recorded">
              {t('ui:setup.keysRecorded')}
            </Checkbox>
            <Button type="primary" disabled={!recorded} onClick={onDone} data-testid="setup-continue">
              {t('ui:setup.continue')}
            </Button>
          </Flex>
        </div>
      ) : null}
      </>
      ) : null}
    </AuthLayout>
  );
}
