// Electron main process: one window over the station, the IPC bridge to electron/api, menu,
// tray, logs and crash dumps. The station itself lives in electron/core behind electron/api.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Menu, app, type BrowserWindow, crashReporter, dialog, ipcMain, nativeImage, protocol, session, shell } from 'electron';
import { openStationApi, toSerialized, type ApiServer } from '../api/server.ts';
import { dockStarter } from './dock.ts';
import { provideDiscPorts } from '../api/runtime/discs.ts';
import { createDiscPorts } from '../../native/discs/index.ts';
import { notify } from './notify.ts';
import { DesktopNotices } from './desktopNotices.ts';
import { guardDownloads } from './downloads.ts';
import { hardenContents, hardenSession } from './harden.ts';
import { createTranslator } from './i18n.ts';
import { registerStationIpc } from './ipc.ts';
import { setupLogging } from './logging.ts';
import { menuTemplate } from './menu.ts';
import { handlePlayback, registerPlaybackScheme } from './playbackProtocol.ts';
import { rendererSource } from './origin.ts';
import { appLayout } from './paths.ts';
import { argValue, resolveDataDir, resolveLanguage } from './startup.ts';
import { createTray, type StationTray } from './tray.ts';
import { createMainWindow } from './window.ts';

/** How often the desktop asks what is new for the signed-in user; a request waits a minute at most to be told. */
const NOTICE_POLL_MS = 60_000;

const layout = appLayout(import.meta.url);

// Everything that decides where Electron writes must happen before the first thing that writes.
const dataDir = resolveDataDir(process.argv, process.env, app.getPath('appData'));
const logsDir = join(dataDir, 'logs');
mkdirSync(dataDir, { recursive: true, mode: 0o700 });
// userData is the data dir itself, as it is by default for an app named evidence-station. That
// also keys the single-instance lock per station, so a second station (`--data`) can run
// alongside; Chromium's own profile goes to a subfolder instead of next to station.db.
app.setPath('userData', dataDir);
app.setPath('sessionData', join(dataDir, 'session'));
app.setPath('logs', logsDir);
app.setPath('crashDumps', join(dataDir, 'crashes'));
// Dumps stay on the station: they can hold decrypted footage and keys from process memory.
crashReporter.start({ uploadToServer: false });
app.enableSandbox();
// station-media: (in-app playback) must be privileged before the app is ready.
registerPlaybackScheme(protocol);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  start().catch((e: unknown) => {
    console.error(e);
    app.exit(1);
  });
}

async function start(): Promise<void> {
  const log = setupLogging(logsDir);
  log.info(`Evidence Station ${app.getVersion()} (Electron ${process.versions.electron}) data=${dataDir}`);
  const source = rendererSource({ rendererDir: layout.rendererDir, devUrl: process.env.ELECTRON_RENDERER_URL, packaged: app.isPackaged });
  const devTools = !app.isPackaged;
  let win: BrowserWindow | null = null;

  app.on('web-contents-created', (_event, contents) => hardenContents(contents, source, log));
  const showWindow = () => {
    if (!win || win.isDestroyed()) return;
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  };
  app.on('second-instance', showWindow);
  // The window is the station; closing it ends the run (and locks the vault, see will-quit).
  app.on('window-all-closed', () => app.quit());

  await app.whenReady();
  const t = await createTranslator(resolveLanguage([argValue(process.argv, 'lang'), process.env.STATION_LANG, ...app.getPreferredSystemLanguages()]));
  hardenSession(session.defaultSession, source, log);
  guardDownloads(session.defaultSession, { t, log, defaultDir: () => app.getPath('documents') });

  let server: ApiServer;
  try {
    server = openStationApi({ dataDir });
  } catch (e) {
    // A database from a newer station, an unreadable file: say so plainly instead of opening a
    // window that fails on every click.
    log.error('cannot open the station', e);
    const error = toSerialized(e);
    dialog.showErrorBox(t('startup.failedTitle'), t('startup.failed', { dataDir, logsDir, message: t(`errors:${error.code}`, error.params) }));
    app.exit(1);
    return;
  }

  let tray: StationTray | null = null;
  try {
    tray = createTray({ iconsDir: layout.iconsDir, t, client: server.connect(), showWindow, quit: () => app.quit() });
  } catch (e) {
    // Some Linux desktops have no status area; the station works without its tray.
    log.warn('no tray', e);
  }
  const refreshTray = () => {
    tray?.refresh().catch((e: unknown) => log.warn('tray refresh failed', e));
  };
  // Disc writers (xorriso on Linux, IMAPI2 on Windows, drutil on macOS) come from native/.
  provideDiscPorts(server, createDiscPorts());
  const dock = dockStarter({
    server,
    log,
    notifyUndock: ({ recorderSerial, files }) =>
      notify({ title: t('dock.doneTitle'), body: t('dock.doneBody', { recorder: recorderSerial ?? t('dock.unknownRecorder'), files }) }),
  });
  const bridge = registerStationIpc({
    ipcMain,
    server,
    source,
    log,
    afterCall: () => {
      refreshTray();
      dock.ensure();
    },
  });
  // What is new for whoever is signed in at the window, as desktop notifications (issue 14 item 17).
  const notices = new DesktopNotices({ clients: () => bridge.clients(), notifier: { show: (n) => void notify(n) }, t, onOpen: showWindow });
  const noticeTimer = setInterval(() => void notices.poll().catch((e: unknown) => log.warn('desktop notices failed', e)), NOTICE_POLL_MS);
  const stopPlayback = handlePlayback(protocol, server, (code, params) => t(`errors:${code}`, { ...params, defaultValue: code }));
  refreshTray();

  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      menuTemplate(
        t,
        {
          openLogsFolder: () => void shell.openPath(logsDir),
          about: () =>
            void dialog.showMessageBox({
              type: 'info',
              title: t('about.title'),
              message: t('app.title'),
              detail: t('about.detail', {
                version: app.getVersion(),
                electron: process.versions.electron,
                chrome: process.versions.chrome,
                node: process.versions.node,
                dataDir,
                logsDir,
              }),
              buttons: [t('about.ok')],
            }),
        },
        { devTools, platform: process.platform },
      ),
    ),
  );

  win = createMainWindow({ source, preloadPath: layout.preload, icon: nativeImage.createFromBuffer(readFileSync(join(layout.iconsDir, 'icon.png'))), title: t('app.title'), devTools, log });

  app.on('will-quit', () => {
    clearInterval(noticeTimer);
    void dock.stop();
    bridge.dispose();
    stopPlayback();
    tray?.destroy();
    // Zeroes the master key and releases the database.
    server.close();
    log.info('station closed');
  });
}
