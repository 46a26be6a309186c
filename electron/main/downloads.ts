// The renderer saves files it built (signed checkpoints, reports) as Blob downloads. Every one
// goes through a save dialog, so nothing lands silently in ~/Downloads, and only blob:/data:
// downloads are accepted: the page has no business fetching files from anywhere.
import { join } from 'node:path';
import type { DownloadItem, Session } from 'electron';
import type { Translate } from './i18n.ts';
import { isAllowedDownload } from './origin.ts';

export function guardDownloads(session: Session, options: { t: Translate; defaultDir: () => string; log: { info(...a: unknown[]): void; warn(...a: unknown[]): void } }): void {
  const { t, log } = options;
  session.on('will-download', (event, item: DownloadItem) => {
    const url = item.getURL();
    if (!isAllowedDownload(url)) {
      log.warn(`refused download of ${url}`);
      event.preventDefault();
      return;
    }
    item.setSaveDialogOptions({
      title: t('download.title'),
      buttonLabel: t('download.button'),
      defaultPath: join(options.defaultDir(), item.getFilename()),
    });
    item.once('done', (_e, state) => log.info(`download ${item.getFilename()} ${state}${state === 'completed' ? ` → ${item.getSavePath()}` : ''}`));
  });
}
