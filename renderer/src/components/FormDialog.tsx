import { useState, type ReactNode } from 'react';
import { Form, Input, Modal, Typography, type ButtonProps, type FormInstance } from 'antd';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from './ErrorAlert.tsx';

/**
 * A modal form that talks to the station: busy while the call runs, the station's refusal shown
 * in place (translated), and everything typed kept so nothing is lost — except a re-entered
 * password (`secretFields`), which is cleared after a failure.
 * Pass `form` when the dialog itself watches a field; otherwise FormDialog makes its own.
 */
export function FormDialog<V extends object>({
  title,
  okText,
  danger = false,
  width = 560,
  intro,
  initialValues,
  testId,
  submitTestId = `${testId}-submit`,
  secretFields = ['password'],
  form: given,
  onCancel,
  onSubmit,
  children,
}: {
  title: ReactNode;
  okText: string;
  danger?: boolean;
  width?: number;
  intro?: ReactNode;
  initialValues?: Partial<V>;
  testId: string;
  submitTestId?: string;
  secretFields?: readonly string[];
  form?: FormInstance<V>;
  onCancel: () => void;
  onSubmit: (values: V, form: FormInstance<V>) => Promise<void>;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  // useForm hands back `given` when there is one, so the dialog and FormDialog share one instance.
  const [form] = Form.useForm<V>(given);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (values: V) => {
    setBusy(true);
    setError(null);
    try {
      await onSubmit(values, form);
    } catch (e) {
      setError(e);
      for (const name of secretFields) if (name in values) form.setFieldValue(name as never, '' as never);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title={title}
      okText={okText}
      okButtonProps={{ danger, 'data-testid': submitTestId } as ButtonProps}
      cancelText={t('ui:common.cancel')}
      onOk={() => form.submit()}
      onCancel={onCancel}
      confirmLoading={busy}
      width={width}
      style={{ top: 32 }}
      destroyOnHidden
      data-testid={testId}
    >
      <ErrorAlert error={error} />
      {intro ? (
        <Typography.Paragraph type="secondary" style={{ marginBottom: 16 }}>
          {intro}
        </Typography.Paragraph>
      ) : null}
      <Form<V> form={form} layout="vertical" requiredMark={false} disabled={busy} initialValues={initialValues} onFinish={(v) => void submit(v)}>
        {children}
      </Form>
    </Modal>
  );
}

/** A required free-text reason of at least two characters (the station's own minimum). */
export function ReasonField({
  name = 'reason',
  label,
  hint,
  testId,
  rows = 3,
  max = 2000,
  autoFocus = true,
}: {
  name?: string;
  label: string;
  hint?: ReactNode;
  testId: string;
  rows?: number;
  max?: number;
  autoFocus?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <Form.Item
      name={name}
      label={label}
      extra={hint}
      rules={[
        { required: true, whitespace: true, message: t('ui:forms.reasonRequired') },
        { min: 2, message: t('ui:forms.reasonRequired') },
      ]}
    >
      <Input.TextArea rows={rows} maxLength={max} showCount autoFocus={autoFocus} data-testid={testId} />
    </Form.Item>
  );
}

/** The approver's password, re-entered for each decision (README.md, Architecture: approvals). */
export function PasswordField({ testId }: { testId: string }) {
  const { t } = useTranslation();
  return (
    <Form.Item name="password" label={t('ui:forms.password')} extra={t('ui:forms.passwordHint')} rules={[{ required: true, message: t('ui:forms.passwordRequired') }]}>
      <Input.Password autoComplete="current-password" data-testid={testId} />
    </Form.Item>
  );
}
