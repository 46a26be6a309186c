import { useCallback, useEffect, useRef, useState, type MouseEvent, type SyntheticEvent } from 'react';
import { Alert, App, Button, Descriptions, Flex, Modal, Spin, Tag, Typography } from 'antd';
import { EyeOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { invoke, StationUiError, type Output, type User } from '../api.ts';
import { errorText } from '../i18n.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { formatTime } from '../components/formatTime.ts';
import { formatBytes } from '../components/formatBytes.ts';
import { WatchClock } from './watchClock.ts';
import './player.css';

/** What to play: under an approved view request, or as an auditor's spot-check with its reason. */
export type PlaybackTarget = { recordingId: string; requestId: string } | { recordingId: string; reason: string };
type Session = Output<'playback.open'>;

type MediaEl = HTMLVideoElement | HTMLAudioElement;

/** The viewer and the time, over the picture: a photo of the screen still says who looked, when. */
function Watermark({ user, recordingId }: { user: User; recordingId: string }) {
  const { t } = useTranslation();
  const [now, setNow] = useState(() => dayjs());
  useEffect(() => {
    const timer = setInterval(() => setNow(dayjs()), 1000);
    return () => clearInterval(timer);
  }, []);
  const text = t('ui:player.watermark', { name: user.displayName, username: user.username, time: now.format('YYYY-MM-DD HH:mm:ss'), id: recordingId });
  return (
    <div className="player-watermark" aria-hidden data-testid="player-watermark" data-text={text}>
      <div className="player-watermark-tiles">
        {Array.from({ length: 12 }, (_, i) => (
          <span key={i}>{text}</span>
        ))}
      </div>
      <div className="player-watermark-corner">{text}</div>
    </div>
  );
}

/**
 * The in-app player (issue "Access requests" item 3): plays the decrypting range stream the
 * station serves for one playback token (station-media: in the app), under an on-screen
 * watermark. Opening and closing are ledgered by the station, closing with the seconds watched.
 * Fullscreen and download are switched off: fullscreen would show the picture without the
 * watermark, and footage leaves the vault only as an approved, verified copy.
 */
export function PlayerModal({ user, target, onClose }: { user: User; target: PlaybackTarget; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [session, setSession] = useState<Session | null>(null);
  const [error, setError] = useState<unknown>(null);
  // The media element only says that it failed; the station says why (approval ended, user disabled, damaged recording).
  const [mediaError, setMediaError] = useState<string | null>(null);
  const [closing, setClosing] = useState(false);
  const media = useRef<MediaEl | null>(null);
  const clock = useRef(new WatchClock());
  const open = useRef<string | null>(null);

  const closeSession = useCallback(async () => {
    const token = open.current;
    open.current = null;
    const el = media.current;
    if (el) {
      // Stop fetching before the token dies, so no request runs into a closed session.
      el.pause();
      el.removeAttribute('src');
      el.load();
    }
    if (token) await invoke('playback.close', { token, watchedSeconds: clock.current.seconds() });
  }, []);

  useEffect(() => {
    let live = true;
    const input = 'requestId' in target ? { recordingId: target.recordingId, requestId: target.requestId } : { recordingId: target.recordingId, reason: target.reason };
    invoke('playback.open', input).then(
      (s) => {
        if (!live) {
          void invoke('playback.close', { token: s.token, watchedSeconds: 0 }).catch(() => undefined);
          return;
        }
        open.current = s.token;
        setSession(s);
      },
      (e: unknown) => live && setError(e),
    );
    const onUnload = () => void closeSession().catch(() => undefined);
    window.addEventListener('beforeunload', onUnload);
    return () => {
      live = false;
      window.removeEventListener('beforeunload', onUnload);
      void closeSession().catch(() => undefined);
    };
  }, [target, closeSession]);

  const close = async () => {
    setClosing(true);
    try {
      await closeSession();
    } catch (e) {
      void message.error(errorText(t, e));
    } finally {
      setClosing(false);
      onClose();
    }
  };

  const mediaProps = {
    ref: (el: MediaEl | null) => {
      media.current = el;
    },
    controls: true,
    autoPlay: true,
    controlsList: 'nodownload nofullscreen noremoteplayback',
    onContextMenu: (e: MouseEvent) => e.preventDefault(),
    onTimeUpdate: (e: SyntheticEvent<MediaEl>) => {
      if (!e.currentTarget.paused) clock.current.tick(e.currentTarget.currentTime);
    },
    onSeeked: (e: SyntheticEvent<MediaEl>) => clock.current.mark(e.currentTarget.currentTime),
    onPause: () => clock.current.mark(null),
    onError: () => {
      setMediaError(t('ui:player.mediaError', { type: session?.mimeType ?? '' }));
      const token = open.current;
      if (!token) return;
      invoke('playback.status', { token }).then(
        (s) => {
          if (!s.ok) setMediaError(errorText(t, new StationUiError({ code: s.error.code, kind: 'denied', params: s.error.params })));
        },
        () => undefined,
      );
    },
  };

  const kind = session?.mimeType.split('/')[0];
  return (
    <Modal
      open
      centered
      width={980}
      title={
        <Flex align="center" gap={8}>
          <EyeOutlined />
          {t('ui:player.title', { id: target.recordingId })}
          {'reason' in target ? <Tag color="purple">{t('ui:player.spotCheck')}</Tag> : <Tag color="blue">{target.requestId}</Tag>}
        </Flex>
      }
      onCancel={() => void close()}
      mask={{ closable: false }}
      destroyOnHidden
      data-testid="player"
      footer={
        <Flex justify="space-between" align="center">
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('ui:player.loggedNotice')}
          </Typography.Text>
          <Button type="primary" onClick={() => void close()} loading={closing} data-testid="player-close">
            {t('ui:player.close')}
          </Button>
        </Flex>
      }
    >
      <ErrorAlert error={error} />
      {!session && !error ? (
        <div className="player-stage player-loading">
          <Spin />
        </div>
      ) : null}
      {session ? (
        <>
          <div className="player-stage" data-testid="player-stage">
            {kind === 'video' ? <video {...mediaProps} src={session.url} data-testid="player-video" disablePictureInPicture /> : null}
            {kind === 'audio' ? <audio {...mediaProps} src={session.url} data-testid="player-audio" /> : null}
            {kind === 'image' ? <img src={session.url} alt={t('ui:player.imageAlt', { id: session.recordingId })} data-testid="player-image" onContextMenu={(e) => e.preventDefault()} /> : null}
            {kind !== 'video' && kind !== 'audio' && kind !== 'image' ? <Alert type="warning" showIcon title={t('ui:player.unsupported', { type: session.mimeType })} /> : null}
            <Watermark user={user} recordingId={session.recordingId} />
          </div>
          {mediaError ? <Alert type="error" showIcon style={{ marginTop: 12 }} title={mediaError} data-testid="player-media-error" /> : null}
          <Descriptions
            size="small"
            column={2}
            style={{ marginTop: 12 }}
            items={[
              { key: 'viewer', label: t('ui:player.viewer'), children: t('ui:recordings.personWithId', { name: user.displayName, id: session.viewer }) },
              { key: 'started', label: t('ui:player.started'), children: formatTime(session.startedAt) },
              { key: 'purpose', label: 'reason' in target ? t('ui:player.reason') : t('ui:player.purpose'), children: session.reason },
              { key: 'size', label: t('ui:player.format'), children: `${session.mimeType} · ${formatBytes(session.size)}` },
            ]}
          />
        </>
      ) : null}
    </Modal>
  );
}
