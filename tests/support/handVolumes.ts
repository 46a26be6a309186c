// A VolumeWatcher the test drives by hand: mount and unmount are calls, so the dock's reaction to each can be awaited
// and checked without a real USB device (folders stand in for the volumes' file systems).
import type { MountedVolume, VolumeWatcher } from '../../electron/core/devices/ports.ts';

type Listener = { mounted(v: MountedVolume): void; unmounted(v: MountedVolume): void };

export class HandVolumes implements VolumeWatcher {
  private readonly vols = new Map<string, MountedVolume>();
  private listener: Listener | null = null;

  async current(): Promise<MountedVolume[]> {
    return [...this.vols.values()];
  }

  async watch(listener: Listener): Promise<() => Promise<void>> {
    this.listener = listener;
    return async () => {
      this.listener = null;
    };
  }

  mount(v: MountedVolume): void {
    this.vols.set(v.mountPoint, v);
    this.listener?.mounted(v);
  }

  unmount(mountPoint: string): void {
    const v = this.vols.get(mountPoint);
    if (!v) return;
    this.vols.delete(mountPoint);
    this.listener?.unmounted(v);
  }
}
