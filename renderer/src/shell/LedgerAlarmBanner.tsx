import { useEffect, useState } from 'react';
import { Alert, Flex } from 'antd';
import { useTranslation } from 'react-i18next';
import { invoke, type StationStatus, type WitnessStatus } from '../api.ts';

const REFRESH_MS = 60_000;

/**
 * The ledger alarm (a database behind or beside what the station signed) and the clock anomaly,
 * shown to every signed-in user on every screen (electron/core/ledger/README.md). Re-read each
 * minute, since another process on the station (a `station watch`) may raise either.
 */
export function LedgerAlarmBanner({ status }: { status: StationStatus }) {
  const { t } = useTranslation();
  const [current, setCurrent] = useState(status);
  useEffect(() => setCurrent(status), [status]);
  useEffect(() => {
    let live = true;
    const refresh = () =>
      void invoke('station.status', {})
        .then(async (s) => {
          if (live) setCurrent(s);
          // The desktop app's witness queue: a checkpoint not yet cosigned goes to the witness at start
          // and is retried each minute while offline (electron/core/witness/README.md).
          if (s.witness?.pendingSize != null) {
            await invoke('witness.sync', {}).catch(() => undefined);
            const after = await invoke('station.status', {});
            if (live) setCurrent(after);
          }
        })
        .catch(() => undefined);
    refresh();
    const timer = setInterval(refresh, REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, []);
  const a = current.ledgerAlarm;
  const c = current.clockAnomaly;
  // A refusal by the central witness stays shown from its ledger entry until the witness cosigns again.
  const w = (current as StationStatus & { witness?: WitnessStatus | null }).witness?.alarm ?? null;
  const alarmKey = (kind: string) => (kind.startsWith('witness_') ? `ui:witness.alarm.${kind}` : `ui:ledgerTrust.alarm.${kind}`);
  if (!a && !c && !w) return null;
  return (
    <Flex vertical gap={8} style={{ marginBottom: 16 }} data-testid="ledger-alarm-banner">
      {a ? (
        <Alert
          type="error"
          showIcon
          data-testid="ledger-alarm"
          message={t(alarmKey(a.kind), { dbSize: a.dbSize, headSize: a.headSize ?? '-', checkpointSize: a.checkpointSize ?? '-' })}
        />
      ) : null}
      {w && a?.kind !== w.kind ? (
        <Alert type="error" showIcon data-testid="witness-alarm" message={t(alarmKey(w.kind), { dbSize: current.ledgerSize, headSize: w.witnessSize ?? '-', checkpointSize: '-' })} />
      ) : null}
      {c ? (
        <Alert
          type="warning"
          showIcon
          data-testid="clock-anomaly"
          message={t('ui:ledgerTrust.clockAnomaly', { systemTime: c.systemTime, ledgerTime: c.ledgerTime, minutes: Math.round(c.behindMs / 60_000) })}
        />
      ) : null}
    </Flex>
  );
}
