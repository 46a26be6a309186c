// The application menu as data (a pure template builder), so the labels and accelerators are
// checked by a unit test; index.ts turns it into a Menu.
// There is deliberately no "open data folder": the menu works before anyone has logged in, and
// a file manager on the station database and vault is a way around every role check. The About
// box names the folder for whoever administers the machine.
import type { MenuItemConstructorOptions } from 'electron';

export type MenuActions = {
  openLogsFolder(): void;
  about(): void;
};

type T = (key: string) => string;

export function menuTemplate(t: T, actions: MenuActions, options: { devTools: boolean; platform: NodeJS.Platform }): MenuItemConstructorOptions[] {
  const view: MenuItemConstructorOptions[] = [
    { role: 'reload', label: t('menu.reload'), accelerator: 'CmdOrCtrl+R' },
    ...(options.devTools ? [{ role: 'toggleDevTools', label: t('menu.toggleDevTools'), accelerator: 'CmdOrCtrl+Shift+I' } as const] : []),
    { type: 'separator' },
    { role: 'resetZoom', label: t('menu.resetZoom'), accelerator: 'CmdOrCtrl+0' },
    { role: 'zoomIn', label: t('menu.zoomIn'), accelerator: 'CmdOrCtrl+=' },
    { role: 'zoomOut', label: t('menu.zoomOut'), accelerator: 'CmdOrCtrl+-' },
    { type: 'separator' },
    { role: 'togglefullscreen', label: t('menu.toggleFullScreen'), accelerator: options.platform === 'darwin' ? 'Ctrl+Cmd+F' : 'F11' },
  ];
  const template: MenuItemConstructorOptions[] = [
    {
      label: t('menu.file'),
      submenu: [
        { label: t('menu.openLogsFolder'), accelerator: 'CmdOrCtrl+Shift+L', click: () => actions.openLogsFolder() },
        { type: 'separator' },
        { role: 'quit', label: t('menu.quit'), accelerator: 'CmdOrCtrl+Q' },
      ],
    },
    {
      label: t('menu.edit'),
      submenu: [
        { role: 'undo', label: t('menu.undo'), accelerator: 'CmdOrCtrl+Z' },
        { role: 'redo', label: t('menu.redo'), accelerator: options.platform === 'win32' ? 'Ctrl+Y' : 'Shift+CmdOrCtrl+Z' },
        { type: 'separator' },
        { role: 'cut', label: t('menu.cut'), accelerator: 'CmdOrCtrl+X' },
        { role: 'copy', label: t('menu.copy'), accelerator: 'CmdOrCtrl+C' },
        { role: 'paste', label: t('menu.paste'), accelerator: 'CmdOrCtrl+V' },
        { role: 'selectAll', label: t('menu.selectAll'), accelerator: 'CmdOrCtrl+A' },
      ],
    },
    { label: t('menu.view'), submenu: view },
    {
      role: 'help',
      label: t('menu.help'),
      submenu: [{ label: t('menu.about'), accelerator: 'F1', click: () => actions.about() }],
    },
  ];
  // macOS puts Quit and friends under the app-name menu; stations run Linux or Windows, but a
  // developer's Mac should still get a normal menu bar.
  return options.platform === 'darwin' ? [{ role: 'appMenu' }, ...template] : template;
}
