// Session- and webContents-wide guards. Registered for every webContents (app
// 'web-contents-created'), so a window added later is covered without remembering to.
import type { Session, WebContents } from 'electron';
import { isAllowedRequest, isAppUrl, type RendererSource } from './origin.ts';
import { permissionAllowed, withCsp } from './security.ts';

type Log = { warn(...args: unknown[]): void };

export function hardenSession(session: Session, source: RendererSource, log: Log): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => {
    const allowed = permissionAllowed(permission);
    if (!allowed) log.warn(`refused permission ${permission}`);
    callback(allowed);
  });
  session.setPermissionCheckHandler((_contents, permission) => permissionAllowed(permission));
  // WebUSB/WebHID/serial: recorders are read by main through native/, never by the page.
  session.setDevicePermissionHandler(() => false);
  session.webRequest.onBeforeRequest((details, callback) => {
    const allowed = isAllowedRequest(details.url, source);
    if (!allowed) log.warn(`blocked request to ${details.url}`);
    callback({ cancel: !allowed });
  });
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withCsp(details.responseHeaders) });
  });
}

export function hardenContents(contents: WebContents, source: RendererSource, log: Log): void {
  contents.on('will-attach-webview', (event) => {
    log.warn('refused a <webview>');
    event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    log.warn(`refused window.open(${url})`);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event) => {
    if (isAppUrl(event.url, source)) return;
    log.warn(`refused navigation to ${event.url}`);
    event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (isAppUrl(event.url, source)) return;
    log.warn(`refused redirect to ${event.url}`);
    event.preventDefault();
  });
}
