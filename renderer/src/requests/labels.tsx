import { Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Output } from '../api.ts';

export type AccessRequest = Output<'request.list'>[number];
export type RequestDetail = Output<'request.show'>;
export type RequestState = AccessRequest['state'];
export type RequestKind = AccessRequest['kind'];

const STATE_COLORS: Record<RequestState, string> = {
  requested: 'processing',
  approved: 'success',
  denied: 'error',
  fulfilled: 'cyan',
  expired: 'default',
  withdrawn: 'default',
};

const KIND_COLORS: Record<RequestKind, string> = { view: 'blue', copy: 'purple', burn: 'magenta', extend: 'gold' };

export function StateTag({ state }: { state: RequestState }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATE_COLORS[state]} data-testid="request-state" data-state={state}>
      {t(`ui:requests.states.${state}`)}
    </Tag>
  );
}

export function KindTag({ kind }: { kind: RequestKind }) {
  const { t } = useTranslation();
  return <Tag color={KIND_COLORS[kind]}>{t(`ui:requests.kinds.${kind}`)}</Tag>;
}

export function approvalsOf(r: Pick<AccessRequest, 'decisions'>): string[] {
  return r.decisions.filter((d) => d.decision === 'approved').map((d) => d.approver);
}

/** A request's id, a link to it on the Requests screen for those who may open that screen. */
export function RequestLink({ id, canOpen, navigate }: { id: string; canOpen: (screen: string) => boolean; navigate: (screen: string, focus?: string) => void }) {
  return canOpen('requests') ? (
    <Typography.Link className="mono" onClick={() => navigate('requests', id)}>
      {id}
    </Typography.Link>
  ) : (
    <span className="mono">{id}</span>
  );
}
