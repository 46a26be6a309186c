// Desktop notifications of what is new for the signed-in user (issue 14 item 17): the same
// attention items the dashboard shows (electron/core/attention), told once each. Electron is
// behind DesktopNotifier, so the watcher runs against a real station in tests without Electron.
// Text only, counts and request numbers: a notification shows to whoever stands at the desk.
import type { ApiClient } from '../api/server.ts';
import type { AttentionItem } from '../api/attention.ts';
import type { Translate } from './i18n.ts';

export interface DesktopNotifier {
  show(notice: { title: string; body: string; onClick?: () => void }): void;
}

export type NoticeText = { title: string; body: string };

/** Title and body of an item, in the station's language (resources/locales/<lang>/main.notices.json). */
export function noticeText(t: Translate, item: AttentionItem): NoticeText {
  return { title: t(`notices.${item.kind}.title`, item.params), body: t(`notices.${item.kind}.body`, { count: item.count, ...item.params }) };
}

export class DesktopNotices {
  /** Keys already told, per user: another officer signing in at the same window hears their own news. */
  private readonly told = new Map<string, Set<string>>();
  private readonly options: { clients: () => ApiClient[]; notifier: DesktopNotifier; t: Translate; onOpen?: (screen: AttentionItem['screen']) => void };

  constructor(options: { clients: () => ApiClient[]; notifier: DesktopNotifier; t: Translate; onOpen?: (screen: AttentionItem['screen']) => void }) {
    this.options = options;
  }

  /** Asks each window's session for its items and notifies of the new ones; returns how many were shown. */
  async poll(): Promise<number> {
    let shown = 0;
    for (const client of this.options.clients()) {
      // A window with nobody signed in has nothing to tell. attention.list is open to every role, so
      // asking is never a refusal the ledger would record at every poll.
      const session = client.currentSession();
      if (!session) continue;
      let items: AttentionItem[];
      // Polling is not the user at the desk: it must not keep an idle session alive (README.md, Roles).
      const lastSeen = session.lastSeen;
      try {
        items = await client.invoke('attention.list', {});
      } catch {
        // A locked station or an ended session: the next poll tries again.
        continue;
      } finally {
        session.lastSeen = lastSeen;
      }
      const username = session.user.username.toLowerCase();
      const told = this.told.get(username) ?? new Set<string>();
      this.told.set(username, told);
      for (const item of items) {
        if (told.has(item.key)) continue;
        told.add(item.key);
        const text = noticeText(this.options.t, item);
        this.options.notifier.show({ ...text, ...(this.options.onOpen ? { onClick: () => this.options.onOpen?.(item.screen) } : {}) });
        shown++;
      }
    }
    return shown;
  }
}
