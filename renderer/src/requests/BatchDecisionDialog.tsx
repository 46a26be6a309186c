import { useState } from 'react';
import { Alert, Button, Form, Input, List, Modal, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { invoke, StationUiError, type Output } from '../api.ts';
import { errorText } from '../i18n.ts';
import { FormDialog } from '../components/FormDialog.tsx';
import { KindTag, type AccessRequest } from './labels.tsx';

type Values = { password: string; text?: string };

/** A refusal names the request's state ("withdrawn"); the reader gets the word of their language for it. */
type Result = Output<'request.decideMany'>;

/**
 * Several decisions on one password entry (issue 14 item 16). The station re-checks every request
 * on its own and ledgers each decision separately; one that changed since the approver saw it is
 * refused alone and shown here with its reason, the others are decided.
 */
export function BatchDecisionDialog({ requests, mode, onClose }: { requests: AccessRequest[]; mode: 'approve' | 'deny'; onClose: (changed: boolean) => void }) {
  const { t } = useTranslation();
  const [result, setResult] = useState<Result | null>(null);
  const approve = mode === 'approve';

  const submit = async (v: Values) => {
    const text = (v.text ?? '').trim();
    const res = await invoke('request.decideMany', {
      password: v.password,
      // What the approver saw: a request someone else decided on since then is refused, not signed blind.
      decisions: requests.map((r) => ({ id: r.id, decision: approve ? ('approved' as const) : ('denied' as const), reason: text, seen: { decisions: r.decisions.length } })),
    });
    setResult(res);
  };

  if (result) {
    return (
      <Modal
        open
        title={t('ui:batchDecision.resultTitle', { decided: result.decided, refused: result.refused })}
        onCancel={() => onClose(true)}
        footer={
          <Button type="primary" onClick={() => onClose(true)} data-testid="batch-decision-close">
            {t('ui:common.close')}
          </Button>
        }
        width={640}
        destroyOnHidden
      >
        <div data-testid="batch-decision-result" data-decided={result.decided} data-refused={result.refused}>
          {result.refused > 0 ? <Alert type="warning" showIcon style={{ marginBottom: 12 }} title={t('ui:batchDecision.someRefused', { count: result.refused })} /> : null}
          <List
            size="small"
            dataSource={result.outcomes}
            renderItem={(o) => (
              <List.Item data-testid={`batch-outcome-${o.id}`} data-ok={o.ok ? 'true' : 'false'}>
                <span className="mono">{o.id}</span>{' '}
                {o.ok ? (
                  <Tag color={o.decision === 'approved' ? 'green' : 'red'}>{t(`ui:requests.states.${o.request.state}`)}</Tag>
                ) : (
                  <Typography.Text type="danger" data-error-code={o.error.code}>
                    {errorText(t, new StationUiError(o.error))}
                  </Typography.Text>
                )}
              </List.Item>
            )}
          />
        </div>
      </Modal>
    );
  }

  return (
    <FormDialog<Values>
      title={approve ? t('ui:batchDecision.approveTitle', { count: requests.length }) : t('ui:batchDecision.denyTitle', { count: requests.length })}
      okText={approve ? t('ui:batchDecision.approve', { count: requests.length }) : t('ui:batchDecision.deny', { count: requests.length })}
      danger={!approve}
      width={640}
      intro={t('ui:batchDecision.intro')}
      testId="batch-decision-dialog"
      submitTestId="batch-decision-submit"
      onCancel={() => onClose(false)}
      onSubmit={submit}
    >
      <List
        size="small"
        bordered
        style={{ marginBottom: 16, maxHeight: 240, overflow: 'auto' }}
        dataSource={requests}
        renderItem={(r) => (
          <List.Item data-testid={`batch-item-${r.id}`}>
            <span>
              <span className="mono">{r.id}</span> <KindTag kind={r.kind} /> {r.requester}
            </span>
            <Typography.Text style={{ whiteSpace: 'pre-wrap' }}>{r.purpose}</Typography.Text>
          </List.Item>
        )}
      />
      <Form.Item
        name="text"
        label={approve ? t('ui:decision.note') : t('ui:batchDecision.reason')}
        rules={approve ? [] : [{ required: true, whitespace: true, message: t('ui:decision.reasonRequired') }, { min: 2, message: t('ui:decision.reasonRequired') }]}
      >
        <Input.TextArea rows={2} maxLength={1000} data-testid="batch-decision-text" />
      </Form.Item>
      <Form.Item name="password" label={t('ui:decision.password')} extra={t('ui:batchDecision.passwordHint')} rules={[{ required: true, message: t('ui:decision.passwordRequired') }]}>
        <Input.Password autoComplete="current-password" autoFocus data-testid="batch-decision-password" />
      </Form.Item>
    </FormDialog>
  );
}
