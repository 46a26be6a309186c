import { useCallback, useEffect, useState } from 'react';
import { App as AntApp, Button, ConfigProvider, Result, Spin, theme } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import enUS from 'antd/locale/en_US';
import { useTranslation } from 'react-i18next';
import { StationUiError, bridgeAvailable, invoke, onEvent, onSessionLost, toUiError, type StationStatus, type User } from './api.ts';
import { errorText } from './i18n.ts';
import { SetupWizard } from './screens/SetupWizard.tsx';
import { UnlockScreen } from './screens/UnlockScreen.tsx';
import { LoginScreen } from './screens/LoginScreen.tsx';
import { Shell } from './shell/Shell.tsx';
import { FirstPasswordScreen } from './account/ChangePassword.tsx';

type Phase =
  | { kind: 'loading' }
  | { kind: 'failed'; error: unknown }
  | { kind: 'setup' }
  | { kind: 'unlock'; status: StationStatus }
  | { kind: 'login'; status: StationStatus; notice: string | null }
  | { kind: 'password'; status: StationStatus; user: User }
  | { kind: 'shell'; status: StationStatus; user: User };

/** An account whose password an administrator chose sets its own before anything else. */
function signedIn(status: StationStatus, user: User): Phase {
  return user.mustChangePassword ? { kind: 'password', status, user } : { kind: 'shell', status, user };
}

const NO_SESSION = new Set(['auth.required', 'auth.session_expired']);

function Flow() {
  const { t } = useTranslation();
  const [phase, setPhase] = useState<Phase>({ kind: 'loading' });

  /** The screen follows station.status; the session, if any, lives in the main process for this window. */
  const refresh = useCallback(async () => {
    try {
      const status = await invoke('station.status', {});
      if (!status.initialized) return setPhase({ kind: 'setup' });
      if (!status.unlocked) return setPhase({ kind: 'unlock', status });
      try {
        const { user } = await invoke('auth.whoami', {});
        setPhase(signedIn(status, user));
      } catch (e) {
        if (!NO_SESSION.has(toUiError(e).code)) throw e;
        setPhase({ kind: 'login', status, notice: null });
      }
    } catch (e) {
      setPhase({ kind: 'failed', error: e });
    }
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  // Idle timeout, an admin disabling this user, …: back to the login screen with the reason.
  useEffect(() => {
    const toLogin = (code: string) =>
      setPhase((p) => (p.kind === 'shell' || p.kind === 'password' ? { kind: 'login', status: p.status, notice: errorText(t, new StationUiError({ code, kind: 'denied', params: {} })) } : p));
    onSessionLost(toLogin);
    const off = onEvent('session.ended', () => toLogin('auth.session_expired'));
    return () => {
      onSessionLost(null);
      off();
    };
  }, [t]);

  switch (phase.kind) {
    case 'loading':
      return (
        <div className="auth-page">
          <Spin size="large" />
        </div>
      );
    case 'failed':
      return (
        <div className="auth-page">
          <Result
            status="error"
            title={t('ui:app.startFailed')}
            subTitle={errorText(t, phase.error)}
            extra={
              <Button type="primary" onClick={() => void refresh()}>
                {t('ui:common.retry')}
              </Button>
            }
          />
        </div>
      );
    case 'setup':
      return <SetupWizard onDone={() => void refresh()} />;
    case 'unlock':
      return <UnlockScreen status={phase.status} onUnlocked={() => void refresh()} />;
    case 'login':
      return <LoginScreen status={phase.status} notice={phase.notice} onLogin={(user) => setPhase(signedIn(phase.status, user))} />;
    case 'password':
      return (
        <FirstPasswordScreen
          status={phase.status}
          user={phase.user}
          onDone={(user) => setPhase(signedIn(phase.status, user))}
          onLoggedOut={() => setPhase({ kind: 'login', status: phase.status, notice: null })}
        />
      );
    case 'shell':
      return (
        <Shell
          status={phase.status}
          user={phase.user}
          onUserChange={(user) => setPhase({ ...phase, user })}
          onLoggedOut={() => setPhase({ kind: 'login', status: phase.status, notice: null })}
        />
      );
  }
}

/** Follows the system's "reduce motion" setting, which some users need; antd then opens dialogs without animating. */
function usePrefersReducedMotion(): boolean {
  const query = '(prefers-reduced-motion: reduce)';
  const [reduce, setReduce] = useState(() => window.matchMedia(query).matches);
  useEffect(() => {
    const list = window.matchMedia(query);
    const onChange = () => setReduce(list.matches);
    list.addEventListener('change', onChange);
    return () => list.removeEventListener('change', onChange);
  }, []);
  return reduce;
}

export function App() {
  const { t, i18n } = useTranslation();
  const english = i18n.language === 'en';
  const reduceMotion = usePrefersReducedMotion();
  useEffect(() => {
    document.title = t('ui:app.title');
  }, [t, english]);
  return (
    <ConfigProvider
      locale={english ? enUS : zhCN}
      theme={{
        algorithm: theme.defaultAlgorithm,
        token: {
          colorPrimary: '#1f4e8c',
          borderRadius: 6,
          motion: !reduceMotion,
          fontFamily:
            "-apple-system, BlinkMacSystemFont, 'Segoe UI', 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Noto Sans SC', 'Helvetica Neue', Arial, sans-serif",
        },
        components: {
          // The derived selection colour of a dark primary is a heavy grey; keep the nav light.
          Menu: { itemSelectedBg: '#e8f0fa', itemSelectedColor: '#1f4e8c' },
        },
      }}
    >
      {/* One toast at a time, inside the header band: stacked, they covered the screen's title. */}
      <AntApp message={{ maxCount: 1 }}>
        {bridgeAvailable() ? (
          <Flow />
        ) : (
          <div className="auth-page">
            <Result status="error" title={t('ui:app.startFailed')} subTitle={t('ui:app.bridgeMissing')} />
          </div>
        )}
      </AntApp>
    </ConfigProvider>
  );
}
