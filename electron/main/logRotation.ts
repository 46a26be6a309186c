// Log rotation, apart from logging.ts because electron-log/main loads 'electron' on import.
import { existsSync, renameSync, rmSync } from 'node:fs';

export const LOG_MAX_BYTES = 5 * 1024 * 1024;
export const LOG_ARCHIVES = 5;

/**
 * main.log → main.1.log → … → main.<keep>.log; the oldest falls off. electron-log's default keeps
 * a single main.old.log, which loses the run before a crash when the crash itself logs a lot.
 */
export function rotateLogFiles(current: string, keep: number = LOG_ARCHIVES): void {
  const archive = (n: number) => current.replace(/\.log$/, '') + `.${n}.log`;
  rmSync(archive(keep), { force: true });
  for (let n = keep - 1; n >= 1; n--) {
    if (existsSync(archive(n))) renameSync(archive(n), archive(n + 1));
  }
  if (existsSync(current)) renameSync(current, archive(1));
}
