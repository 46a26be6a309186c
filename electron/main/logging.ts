// Rotating log files in <data>/logs. The ledger is the record of what happened to evidence;
// these logs are for support: why a window crashed, why a device was not picked up.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import log from 'electron-log/main';
import { LOG_MAX_BYTES, rotateLogFiles } from './logRotation.ts';

export function setupLogging(logsDir: string): typeof log {
  mkdirSync(logsDir, { recursive: true });
  log.transports.file.resolvePathFn = () => join(logsDir, 'main.log');
  log.transports.file.maxSize = LOG_MAX_BYTES;
  log.transports.file.archiveLogFn = (file) => rotateLogFiles(file.path);
  log.transports.file.level = 'info';
  log.errorHandler.startCatching({ showDialog: false });
  return log;
}

export { log };
