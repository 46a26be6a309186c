import { Alert, Button } from 'antd';
import { useTranslation } from 'react-i18next';
import { errorText } from '../i18n.ts';
import { toUiError } from '../api.ts';

/**
 * A station failure shown in place, translated; the code is kept for support and for tests. With `onRetry` it offers
 * to load again (a list that failed to load), with `onClose` to dismiss it (an action that failed).
 */
export function ErrorAlert({ error, onClose, onRetry }: { error: unknown; onClose?: () => void; onRetry?: () => void }) {
  const { t } = useTranslation();
  if (error === null || error === undefined) return null;
  const code = toUiError(error).code;
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      data-testid="error-alert"
      data-error-code={code}
      title={errorText(t, error)}
      closable={onClose ? { onClose } : false}
      action={
        onRetry ? (
          <Button size="small" onClick={onRetry}>
            {t('ui:common.retry')}
          </Button>
        ) : undefined
      }
      style={{ marginBottom: 16 }}
    />
  );
}
