// Rotating log files in <data>/logs. The ledger is the record of what happened to evidence;
// these logs are for support: why a window crashed, why a device was not picked up.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ipcMain } from 'electron';
import log from 'electron-log/main';
import { LOG_MAX_BYTES, rotateLogFiles } from './logRotation.ts';

export function setupLogging(logsDir: string): typeof log {
  mkdirSync(logsDir, { recursive: true });
  log.transports.file.resolvePathFn = () => join(logsDir, 'main.log');
  log.transports.file.maxSize = LOG_MAX_BYTES;
  log.transports.file.archiveLogFn = (file) => rotateLogFiles(file.path);
  log.transports.file.level = 'info';
  // In unpackaged runs electron-log copies every main-process line to every window; main's log
  // (paths, device ids) has no business in the renderer. (Absent outside Electron.)
  if (log.transports.ipc) log.transports.ipc.level = false;
  log.errorHandler.startCatching({ showDialog: false });
  // electron-log/main registers its own IPC channel for renderer logging on import. Our preload
  // never exposes it, but station:invoke is meant to be the only way in, so it goes.
  ipcMain.removeHandler('__ELECTRON_LOG__');
  ipcMain.removeAllListeners('__ELECTRON_LOG__');
  return log;
}

export { log };
