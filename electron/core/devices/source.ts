// Which ingest source a volume or folder is (issue 10 defect 14): one decision for the dock and for
// ingest by path, so that docking a recorder and ingesting its mount point by path resume the same
// source instead of cataloguing its files twice. The key is the recorder where one is known, else the
// file system's UUID, and a mount path only where no UUID can be read.
import { realpath, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { StationError, fromSystemError } from '../errors.ts';
import type { IngestSourceSpec, RecorderIdentity } from '../ingest/service.ts';
import type { ClockDrift } from '../ingest/clockDrift.ts';
import type { Registry } from '../ingest/registry.ts';
import type { NamingRule } from '../media/namingRules.ts';
import { serialsFromNames } from './identify.ts';
import type { MountedVolume, RecorderInfo } from './ports.ts';
import { volumeUuid } from './volumeIdentity.ts';

/** A recorder's source, wherever and however its storage shows up. */
export function recorderSourceKey(serial: string): string {
  return `recorder:${serial}`;
}

/** The source of a docked volume whose recorder the dock identified. */
export function dockedSource(volume: MountedVolume, recorder: RecorderIdentity, seen: { vendorInfo: RecorderInfo | null; clockDrift: ClockDrift | null }): IngestSourceSpec {
  return {
    kind: 'volume',
    root: volume.mountPoint,
    sourceKey: recorderSourceKey(recorder.serial),
    device: volume.device,
    fsType: volume.fsType,
    label: volume.label,
    recorder,
    vendorInfo: seen.vendorInfo,
    clockDrift: seen.clockDrift,
  };
}

/**
 * The source a custodian named by path. A mount point whose file names carry one registered
 * recorder's 产品序号 gets that recorder's source key, so ingesting it by path and docking it resume
 * each other.
 */
export async function sourceForPath(
  input: { path: string; recorderSerial?: string | undefined },
  deps: { registry: Pick<Registry, 'recorder' | 'requireRecorder'>; namingRules: () => NamingRule[] },
): Promise<IngestSourceSpec> {
  const { path, recorderSerial } = input;
  let root: string;
  try {
    root = await realpath(resolve(path));
  } catch (e) {
    throw fromSystemError(e, path);
  }
  const st = await stat(root).catch((e: unknown) => {
    throw fromSystemError(e, path);
  });
  if (!st.isDirectory()) throw new StationError('input', 'ingest.not_a_directory', { path });
  const parent = dirname(root);
  const isMount = parent === root || (await stat(parent)).dev !== st.dev;
  const { registry } = deps;
  const base = { root, device: null, fsType: null, label: null, vendorInfo: null };
  if (recorderSerial) {
    const r = registry.requireRecorder(recorderSerial);
    return { ...base, kind: isMount ? 'volume' : 'folder', sourceKey: recorderSourceKey(r.serial), recorder: { serial: r.serial, via: 'custodian' } };
  }
  if (isMount) {
    const serials = await serialsFromNames(root, deps.namingRules());
    if (serials.length === 1 && registry.recorder(serials[0]!)) {
      return { ...base, kind: 'volume', sourceKey: recorderSourceKey(serials[0]!), recorder: { serial: serials[0]!, via: 'name' } };
    }
    // An unregistered recorder is known by its file system's UUID, so docking it at another mount point
    // resumes the same source instead of cataloguing it again; the path only where no UUID can be read.
    const uuid = await volumeUuid(root);
    return { ...base, kind: 'volume', sourceKey: uuid ? `volume-uuid:${uuid}` : `volume:${root}`, recorder: null };
  }
  return { ...base, kind: 'folder', sourceKey: `folder:${root}`, recorder: null };
}
