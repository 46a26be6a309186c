import { Alert } from 'antd';
import { useTranslation } from 'react-i18next';
import { errorText } from '../i18n.ts';
import { toUiError } from '../api.ts';

/** A station failure shown in place, translated; the code is kept for support and for tests. */
export function ErrorAlert({ error, onClose }: { error: unknown; onClose?: () => void }) {
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
      style={{ marginBottom: 16 }}
    />
  );
}
