// What runs beside the commands for as long as a front end keeps the station open: the dock
// service, the replica queue that whoever keeps the dock also keeps moving
// (electron/core/replica/README.md), and the wiring of ingest and burn events to every signed-in
// client. One per ApiServer; commands reach it as `ctx.runtime`, front ends through startDock,
// provideDiscPorts and recorderClassifier (dock.ts, discs.ts here).
import type { DockRuntime, DockService } from '../../core/devices/dock.ts';
import { classifyDevice, type RecorderCatalogue, type RecorderClass } from '../../core/devices/catalogue.ts';
import type { PlatformDevices, UsbDeviceInfo } from '../../core/devices/ports.ts';
import type { DiscPorts } from '../../core/discs/ports.ts';
import type { DiscService } from '../../core/discs/service.ts';
import type { IngestService } from '../../core/ingest/service.ts';
import type { RunnerEvent } from '../../core/replica/runner.ts';

export type RuntimeDeps = {
  ingest: () => IngestService;
  /** The station builds the dock from its own parts; the runtime hands in the platform's. */
  createDock: (runtime: DockRuntime) => DockService;
  discs: () => DiscService;
  unlocked: () => boolean;
  /** The recorder catalogue in force (shipped entries merged with the admin's). */
  catalogue: () => Promise<RecorderCatalogue>;
  replicaRunner: (onEvent: (e: RunnerEvent) => void) => { start(): void; stop(): Promise<void> };
  /** To every signed-in client (ApiServer.broadcast). */
  broadcast: (event: string, payload: unknown) => void;
};

export type DockHandle = {
  service: DockService;
  /** Ends running sessions cleanly (the file being read is not marked ingested) and stops watching. */
  stop(): Promise<void>;
};

export class StationRuntime {
  private readonly deps: RuntimeDeps;
  private dockService: DockService | null = null;
  private replicaRunner: { start(): void; stop(): Promise<void> } | null = null;
  private offIngest: (() => void) | null = null;
  private offBurn: (() => void) | null = null;

  constructor(deps: RuntimeDeps) {
    this.deps = deps;
  }

  /** The running dock service, if a front end started one. */
  get dock(): DockService | null {
    return this.dockService;
  }

  /**
   * Ingest events go to every signed-in client, whoever started the ingest (a window, the dock, the
   * CLI). Wired once so an event is never delivered twice.
   */
  wireIngestEvents(): void {
    this.offIngest ??= this.deps.ingest().on((e) => this.deps.broadcast(e.type, e.payload));
  }

  wireBurnEvents(): void {
    this.offBurn ??= this.deps.discs().on((e) => this.deps.broadcast(e.type, e.payload));
  }

  /** The platform's disc writers, handed in by the front end (api may not import native). */
  provideDiscPorts(ports: DiscPorts): void {
    this.deps.discs().setPorts(ports);
    this.wireBurnEvents();
  }

  /**
   * Starts detecting and ingesting docked recorders. `duty` names the custodian on duty (the CLI's
   * logged-in user); a desktop window sets it later with the `dock.onDuty` command.
   */
  async startDock(ports: PlatformDevices, options: { duty?: string | null; recheckMs?: number } = {}): Promise<DockHandle> {
    const existing = this.dockService;
    if (existing) return { service: existing, stop: () => this.stopDock(existing) };
    this.wireIngestEvents();
    const ingest = this.deps.ingest();
    if (this.deps.unlocked()) ingest.recoverInterrupted();
    const service = this.deps.createDock({
      ports,
      emit: (event, payload) => this.deps.broadcast(event, payload),
      catalogue: this.deps.catalogue,
      ...(options.recheckMs ? { recheckMs: options.recheckMs } : {}),
    });
    this.dockService = service;
    try {
      // Refused (dock.duty_taken) while another custodian is on duty anywhere on this station.
      if (options.duty) service.setDuty(options.duty);
      await service.start();
    } catch (e) {
      this.dockService = null;
      throw e;
    }
    const runner = this.deps.replicaRunner((e) => this.deps.broadcast('replica.run', e));
    this.replicaRunner = runner;
    runner.start();
    return { service, stop: () => this.stopDock(service) };
  }

  private async stopDock(service: DockService): Promise<void> {
    await this.replicaRunner?.stop();
    this.replicaRunner = null;
    await service.stop();
    if (this.dockService === service) this.dockService = null;
  }

  /**
   * What native's unlockers need to know about a device (native createPlatformDevices({ classify })).
   * Loaded before it is handed out; re-read at most every few seconds afterwards, so an admin's edit
   * applies without a restart.
   */
  async recorderClassifier(): Promise<(device: Pick<UsbDeviceInfo, 'vendorId' | 'productId'>) => RecorderClass | null> {
    let cached = await this.deps.catalogue().catch((): RecorderCatalogue => ({ entries: [] }));
    let loadedAt = performance.now();
    let loading = false;
    return (device) => {
      if (!loading && performance.now() - loadedAt > 5000) {
        loading = true;
        this.deps
          .catalogue()
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
}
