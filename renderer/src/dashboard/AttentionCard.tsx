import { useCallback, useEffect, useState } from 'react';
import { Alert, Button, Flex } from 'antd';
import { useTranslation } from 'react-i18next';
import { invoke, type Output } from '../api.ts';

type Item = Output<'attention.list'>[number];
const SCREEN: Record<Item['screen'], string> = { requests: 'requests', recordings: 'recordings', retention: 'retention', replication: 'replica', ledger: 'ledger', settings: 'settings' };
const FOCUS: Partial<Record<Item['kind'], string>> = { destruction_due: 'tab:due' };
const POLL_MS = 30_000;

/**
 * What waits for the signed-in user (issue 14 item 17), the same items the desktop notifies of:
 * requests for approvers, decisions for requesters, explanations and destructions for custodians,
 * replication, witness and calendar alarms. Each says what and leads to the screen that deals with it.
 */
export function AttentionCard({ navigate, canOpen, refreshToken }: { navigate: (screen: string, focus?: string) => void; canOpen: (screen: string) => boolean; refreshToken: number }) {
  const { t } = useTranslation();
  const [items, setItems] = useState<Item[] | null>(null);
  const load = useCallback(async () => {
    try {
      setItems(await invoke('attention.list', {}));
    } catch {
      // The rest of the dashboard shows the station's error; this card simply stays empty.
      setItems([]);
    }
  }, []);
  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), POLL_MS);
    return () => clearInterval(timer);
  }, [load, refreshToken]);
  if (!items || items.length === 0) return null;
  return (
    <Flex vertical gap={8} data-testid="dashboard-attention">
      {items.map((item) => {
        const screen = SCREEN[item.screen];
        const focus = item.kind === 'request_decided' ? item.subjects[0] : FOCUS[item.kind];
        return (
          <Alert
            key={item.key}
            type={item.severity}
            showIcon
            data-testid={`attention-${item.kind}`}
            data-key={item.key}
            title={t(`ui:attention.${item.kind}.title`, item.params)}
            description={t(`ui:attention.${item.kind}.body`, { count: item.count, ...item.params, state: item.params.state ? t(`ui:attention.states.${String(item.params.state)}`) : '' })}
            action={
              canOpen(screen) ? (
                <Button size="small" onClick={() => navigate(screen, focus)} data-testid={`attention-open-${item.kind}`}>
                  {t('ui:attention.open')}
                </Button>
              ) : null
            }
          />
        );
      })}
    </Flex>
  );
}
