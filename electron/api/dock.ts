// Runtime (not a command): front ends start the dock service with their platform's device ports.
// The desktop main process and `station watch` call startDock(server, createPlatformDevices(…)); the
// commands in devices.ts then reach the running service through dockOf(station).
import { join } from 'node:path';
import type { Station } from '../core/station.ts';
import { DockService } from '../core/devices/dock.ts';
import { classifyDevice, loadCatalogueIfPresent, mergeCatalogues, shippedCataloguePath, type RecorderCatalogue, type RecorderClass } from '../core/devices/catalogue.ts';
import type { PlatformDevices, UsbDeviceInfo } from '../core/devices/ports.ts';
import type { ApiServer } from './server.ts';
import { ReplicaRunner } from '../core/replica/runner.ts';
import type { Emit } from '../shared/events.ts';

const docks = new WeakMap<Station, DockService>();
const wired = new WeakMap<Station, () => void>();
// Whoever keeps the dock also keeps the replica queue moving (electron/core/replica/README.md).
const replicaRunners = new WeakMap<Station, ReplicaRunner>();

/** The running dock service of this station, if a front end started one. */
export function dockOf(station: Station): DockService | null {
  return docks.get(station) ?? null;
}

/** Where an admin's catalogue entries live (they override the shipped resources/recorders/catalogue.json). */
export function localCataloguePath(station: Station): string {
  return join(station.paths.dataDir, 'recorders', 'catalogue.json');
}

export async function loadRecorderCatalogue(station: Station): Promise<RecorderCatalogue> {
  const shipped = await loadCatalogueIfPresent(shippedCataloguePath(station.paths.resources));
  const local = await loadCatalogueIfPresent(localCataloguePath(station));
  return mergeCatalogues(shipped, local);
}

/**
 * Ingest events go to every signed-in client, whoever started the ingest (a window, the dock, the
 * CLI). Wired once per station so an event is never delivered twice.
 */
export function wireIngestEvents(station: Station, broadcast: Emit): void {
  if (wired.has(station)) return;
  wired.set(
    station,
    station.ingest.on((e) => broadcast(e.type, e.payload)),
  );
}

export type DockHandle = {
  service: DockService;
  /** Ends running sessions cleanly (the file being read is not marked ingested) and stops watching. */
  stop(): Promise<void>;
};

/**
 * Starts detecting and ingesting docked recorders. `duty` names the custodian on duty (the CLI's
 * logged-in user); a desktop window sets it later with the `dock.onDuty` command.
 */
export async function startDock(server: ApiServer, ports: PlatformDevices, options: { duty?: string | null; recheckMs?: number } = {}): Promise<DockHandle> {
  const station = server.station;
  const existing = docks.get(station);
  if (existing) return { service: existing, stop: () => stopDock(station, existing) };
  wireIngestEvents(station, (event, payload) => server.broadcast(event, payload));
  const ingest = station.ingest;
  if (station.unlocked) ingest.recoverInterrupted();
  const service = new DockService({
    ingest,
    ports,
    emit: (event, payload) => server.broadcast(event, payload),
    catalogue: () => loadRecorderCatalogue(station),
    ...(options.recheckMs ? { recheckMs: options.recheckMs } : {}),
  });
  docks.set(station, service);
  try {
    // Refused (dock.duty_taken) while another custodian is on duty anywhere on this station.
    if (options.duty) service.setDuty(options.duty);
    await service.start();
  } catch (e) {
    docks.delete(station);
    throw e;
  }
  const runner = new ReplicaRunner(station, { onEvent: (e) => server.broadcast('replica.run', e) });
  replicaRunners.set(station, runner);
  runner.start();
  return { service, stop: () => stopDock(station, service) };
}

async function stopDock(station: Station, service: DockService): Promise<void> {
  await replicaRunners.get(station)?.stop();
  replicaRunners.delete(station);
  await service.stop();
  if (docks.get(station) === service) docks.delete(station);
}

/**
 * What native's unlockers need to know about a device (native createPlatformDevices({ classify })).
 * Loaded before it is handed out; re-read at most every few seconds afterwards, so an admin's edit
 * applies without a restart.
 */
export async function recorderClassifier(server: ApiServer): Promise<(device: Pick<UsbDeviceInfo, 'vendorId' | 'productId'>) => RecorderClass | null> {
  let cached = await loadRecorderCatalogue(server.station).catch((): RecorderCatalogue => ({ entries: [] }));
  let loadedAt = performance.now();
  let loading = false;
  return (device) => {
    if (!loading && performance.now() - loadedAt > 5000) {
      loading = true;
      loadRecorderCatalogue(server.station)
        .then((c) => (cached = c))
        .catch(() => {})
        .finally(() => {
          loading = false;
          loadedAt = performance.now();
        });
    }
    return classifyDevice(cached, device);
  };
}
