import { Alert, Button, Card, Descriptions, Flex, Tag, Typography } from 'antd';
import { CheckCircleOutlined, ReloadOutlined, UsbOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { formatTime } from '../components/formatTime.ts';
import type { DockedVolume } from './events.ts';
import { SessionBody, reasonText, type SessionContext } from './SessionCard.tsx';
import type { LiveSession } from './useIngestSessions.ts';

const STATE_COLORS: Record<DockedVolume['state'], string> = {
  identifying: 'processing',
  unrecognized: 'warning',
  waiting: 'default',
  queued: 'default',
  ingesting: 'processing',
  done: 'success',
  interrupted: 'error',
  stopped: 'warning',
  failed: 'error',
  removed: 'default',
};

function usbId(n: number): string {
  return n.toString(16).padStart(4, '0');
}

/** One docked volume: what the station knows about it, what it is doing, and what the custodian may do. */
export function VolumeCard({
  volume,
  live,
  ctx,
  canAct,
  onAccept,
  onRetry,
  retrying,
}: {
  volume: DockedVolume;
  live: LiveSession | null;
  ctx: SessionContext;
  canAct: boolean;
  onAccept: () => void;
  onRetry: () => void;
  retrying: boolean;
}) {
  const { t } = useTranslation();
  const usb = volume.usb;
  const recorder = volume.recorder;
  const unrecognized = volume.state === 'unrecognized';
  const retryable = volume.state === 'waiting' || volume.state === 'interrupted' || volume.state === 'stopped' || volume.state === 'failed';
  const reason = reasonText(t, volume.reason, volume.reasonParams);
  return (
    <Card
      size="small"
      data-testid="docked-volume"
      data-mount-point={volume.mountPoint}
      data-state={volume.state}
      title={
        <Flex align="center" gap={8}>
          <UsbOutlined />
          <Typography.Text strong>{volume.label ?? volume.mountPoint}</Typography.Text>
          <Tag color={STATE_COLORS[volume.state]} data-testid="volume-state">
            {t(`ui:dock.volumeStates.${volume.state}`)}
          </Tag>
        </Flex>
      }
      extra={
        <Flex gap={8}>
          {canAct && (unrecognized || volume.state === 'failed') ? (
            <Button type="primary" size="small" icon={<CheckCircleOutlined />} onClick={onAccept} data-testid="volume-accept">
              {t('ui:dock.accept')}
            </Button>
          ) : null}
          {canAct && retryable ? (
            <Button size="small" icon={<ReloadOutlined />} loading={retrying} onClick={onRetry} data-testid="volume-retry">
              {t('ui:dock.retry')}
            </Button>
          ) : null}
        </Flex>
      }
    >
      <Flex vertical gap={8}>
        {unrecognized ? (
          <Alert type="warning" showIcon data-testid="volume-unrecognized" title={t('ui:dock.unknownStorage')} description={reason} />
        ) : reason ? (
          <Alert type={volume.state === 'waiting' ? 'info' : 'error'} showIcon title={reason} />
        ) : null}
        <Descriptions
          size="small"
          column={{ xs: 1, md: 2, xl: 3 }}
          items={[
            { key: 'mount', label: t('ui:dock.mountPoint'), children: <span className="mono">{volume.mountPoint}</span> },
            { key: 'device', label: t('ui:dock.device'), children: <span className="mono">{`${volume.device} · ${volume.fsType}`}</span> },
            {
              key: 'usb',
              label: t('ui:dock.usb'),
              children: usb ? (
                <span className="mono">
                  {`${usbId(usb.vendorId)}:${usbId(usb.productId)}`}
                  {usb.manufacturer || usb.product ? ` · ${[usb.manufacturer, usb.product].filter(Boolean).join(' ')}` : ''}
                  {usb.serialNumber ? ` · ${usb.serialNumber}` : ''}
                </span>
              ) : (
                t('ui:dock.usbUnknown')
              ),
            },
            {
              key: 'recorder',
              label: t('ui:dock.recorder'),
              children: recorder ? (
                <span data-testid="volume-recorder">
                  <span className="mono">{recorder.serial}</span>
                  {recorder.vendor || recorder.model ? ` · ${[recorder.vendor, recorder.model].filter(Boolean).join(' ')}` : ''}
                </span>
              ) : volume.catalogueModel ? (
                `${volume.catalogueModel.vendor} ${volume.catalogueModel.model}`
              ) : (
                t('ui:dock.notIdentified')
              ),
            },
            {
              key: 'officer',
              label: t('ui:dock.officer'),
              children: recorder?.officerBadge
                ? t('ui:recordings.personWithId', { name: recorder.officerName ?? recorder.officerBadge, id: recorder.officerBadge })
                : volume.vendorInfo?.officerName
                  ? t('ui:recordings.personWithId', { name: volume.vendorInfo.officerName, id: volume.vendorInfo.officerId ?? '—' })
                  : t('ui:dock.officerFromNames'),
            },
            {
              key: 'names',
              label: t('ui:dock.serialsFromNames'),
              children: volume.serialsFromNames.length > 0 ? <span className="mono">{volume.serialsFromNames.join(', ')}</span> : t('ui:dock.none'),
            },
            { key: 'detected', label: t('ui:dock.detectedAt'), children: formatTime(volume.detectedAt) },
          ]}
        />
        {live ? <SessionBody live={live} ctx={ctx} showMeta={false} /> : null}
      </Flex>
    </Card>
  );
}
