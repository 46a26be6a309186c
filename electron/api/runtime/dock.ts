// Runtime (not a command): front ends start the dock service with their platform's device ports.
// The desktop main process and `station watch` call startDock(server, createPlatformDevices(…)); the
// dock commands then reach the running service as `ctx.runtime.dock`.
import type { DockService } from '../../core/devices/dock.ts';
import type { PlatformDevices, UsbDeviceInfo } from '../../core/devices/ports.ts';
import type { RecorderClass } from '../../core/devices/catalogue.ts';
import type { ApiServer } from '../server.ts';
import type { DockHandle } from './runtime.ts';

export type { DockHandle } from './runtime.ts';

/** The running dock service of this server's station, if a front end started one. */
export function dockOf(server: ApiServer): DockService | null {
  return server.runtime.dock;
}

/**
 * Starts detecting and ingesting docked recorders. `duty` names the custodian on duty (the CLI's
 * logged-in user); a desktop window sets it later with the `dock.onDuty` command.
 */
export function startDock(server: ApiServer, ports: PlatformDevices, options: { duty?: string | null; recheckMs?: number } = {}): Promise<DockHandle> {
  return server.runtime.startDock(ports, options);
}

/** What native's unlockers need to know about a device (native createPlatformDevices({ classify })). */
export function recorderClassifier(server: ApiServer): Promise<(device: Pick<UsbDeviceInfo, 'vendorId' | 'productId'>) => RecorderClass | null> {
  return server.runtime.recorderClassifier();
}
