// Starts the dock service (recorder detection and ingest) once the station is unlocked: ingest
// needs the vault key, and detection before that would only queue recorders nobody can ingest.
// Tells the custodian on the desktop when a recorder may be undocked.
import { recorderClassifier, startDock, type DockHandle } from '../api/runtime/dock.ts';
import type { ApiServer } from '../api/server.ts';
import { createPlatformDevices } from '../../native/index.ts';
import { listenerFor } from '../shared/events.ts';

export type DockStarter = { ensure(): void; stop(): Promise<void> };

type Log = { info(...a: unknown[]): void; warn(...a: unknown[]): void; error(...a: unknown[]): void };

export function dockStarter(options: {
  server: ApiServer;
  log: Log;
  notifyUndock: (summary: { recorderSerial: string | null; files: number }) => void;
}): DockStarter {
  const { server, log } = options;
  let handle: DockHandle | null = null;
  let starting: Promise<void> | null = null;
  let unsubscribe: (() => void) | null = null;
  return {
    ensure() {
      if (handle || starting || !server.station.initialized || !server.station.unlocked) return;
      starting = (async () => {
        try {
          const devices = createPlatformDevices({ classify: await recorderClassifier(server) });
          handle = await startDock(server, devices);
          unsubscribe = server.observe(
            listenerFor('ingest.session', (s) => {
              if (s.status === 'completed' && s.mayUndock) options.notifyUndock({ recorderSerial: s.recorderSerial, files: s.filesTotal });
            }),
          );
          log.info('dock service started');
        } catch (e) {
          log.error('dock service could not start', e);
        } finally {
          starting = null;
        }
      })();
    },
    async stop() {
      unsubscribe?.();
      await handle?.stop();
      handle = null;
    },
  };
}
