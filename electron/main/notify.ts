// System notifications for later features (a recorder docked, ingest finished, a request waiting
// for approval). Text only: a notification must never carry evidence content or names of
// suspects, since it shows on the desktop to whoever stands in front of it.
import { Notification } from 'electron';

export type NotifyOptions = { title: string; body: string; silent?: boolean; onClick?: () => void };

export function notify(options: NotifyOptions): Notification | null {
  if (!Notification.isSupported()) return null;
  const notification = new Notification({ title: options.title, body: options.body, silent: options.silent ?? false });
  if (options.onClick) notification.on('click', options.onClick);
  notification.show();
  return notification;
}
