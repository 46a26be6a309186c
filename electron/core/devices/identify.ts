// Which recorder is this volume? Evidence, strongest first: a registered USB identity; the vendor
// interface's 产品序号 (GetZFYInfo); a catalogued recorder model; a volume label a custodian accepted;
// the 产品序号 in the GA/T 947 file names, when it is a registered recorder. Nothing is guessed
// (issue "Dock and ingest" item 3): anything else is reported as unrecognized and waits for a
// custodian, and USB storage that is not a known recorder is never ingested on its own (item 1).
// The names are read with the station's naming rules (issue 15 item 4), the same rules ingest uses,
// so a recorder whose 产品序号 has letters, or whose layout is not GA/T 947, is identified as well.
import { matchRecorderName, type NamingRule } from '../media/namingRules.ts';
import { scanSource } from '../ingest/scan.ts';
import type { Registry } from '../ingest/registry.ts';
import { lookupRecorder, type CatalogueEntry, type RecorderCatalogue } from './catalogue.ts';
import type { MountedVolume, RecorderInfo } from './ports.ts';

export type UnrecognizedReason =
  | 'not_a_recorder' // USB storage whose ids are not a catalogued recorder
  | 'needs_confirmation' // catalogued, but the catalogue says a custodian confirms each such device
  | 'unregistered_serial' // the file names name a recorder that is not registered
  | 'mixed_serials' // the file names name several recorders
  | 'no_recorder_files' // nothing on it is named like a recorder's file
  | 'no_serial'; // a catalogued recorder, but neither USB, vendor interface nor names say which one

export type VolumeIdentity =
  | {
      kind: 'recorder';
      serial: string;
      via: 'usb' | 'vendor' | 'name' | 'label' | 'custodian';
      /** Registered now by this identification (a catalogued model or the vendor interface said so). */
      register: { registeredVia: 'catalogue' | 'vendor'; vendor: string | null; model: string | null } | null;
      entry: CatalogueEntry | null;
      serialsFromNames: string[];
    }
  | { kind: 'unrecognized'; reason: UnrecognizedReason; entry: CatalogueEntry | null; serialsFromNames: string[] };

/** The 产品序号 the file names on the volume carry, most frequent first. */
export async function serialsFromNames(
  root: string,
  rules: NamingRule[],
  options: { signal?: AbortSignal; limit?: number; model?: string | null } = {},
): Promise<string[]> {
  const { entries } = await scanSource(root, options);
  const counts = new Map<string, number>();
  let seen = 0;
  for (const e of entries) {
    if (e.type !== 'file') continue;
    const serial = matchRecorderName(e.path, rules, options.model ?? null).name.deviceSerial;
    if (serial) counts.set(serial, (counts.get(serial) ?? 0) + 1);
    if (++seen >= (options.limit ?? 100_000)) break;
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([s]) => s);
}

export async function identifyVolume(input: {
  volume: MountedVolume;
  registry: Registry;
  catalogue: RecorderCatalogue;
  vendorInfo: RecorderInfo | null;
  rules: NamingRule[];
  signal?: AbortSignal;
}): Promise<VolumeIdentity> {
  const { volume, registry } = input;
  const usb = volume.usb;
  const entry = usb ? lookupRecorder(input.catalogue, usb) : null;
  const serials = await serialsFromNames(volume.mountPoint, input.rules, { signal: input.signal, model: entry?.id ?? null });
  const single = serials.length === 1 ? serials[0]! : null;
  if (usb) {
    if (usb.serialNumber) {
      const known = registry.recorderByUsb(usb.vendorId, usb.productId, usb.serialNumber);
      if (known) return { kind: 'recorder', serial: known.serial, via: 'usb', register: null, entry, serialsFromNames: serials };
    }
    const vendorSerial = input.vendorInfo?.deviceSerial ?? null;
    if (vendorSerial) {
      const register = registry.recorder(vendorSerial) ? null : { registeredVia: 'vendor' as const, vendor: entry?.vendor ?? null, model: entry?.model ?? null };
      return { kind: 'recorder', serial: vendorSerial, via: 'vendor', register, entry, serialsFromNames: serials };
    }
    if (!entry) return { kind: 'unrecognized', reason: 'not_a_recorder', entry, serialsFromNames: serials };
    if (!entry.autoIngest) return { kind: 'unrecognized', reason: 'needs_confirmation', entry, serialsFromNames: serials };
    if (serials.length > 1) return { kind: 'unrecognized', reason: 'mixed_serials', entry, serialsFromNames: serials };
    const serial = single ?? usb.serialNumber;
    if (!serial) return { kind: 'unrecognized', reason: 'no_serial', entry, serialsFromNames: serials };
    const register = registry.recorder(serial) ? null : { registeredVia: 'catalogue' as const, vendor: entry.vendor, model: entry.model };
    return { kind: 'recorder', serial, via: single ? 'name' : 'usb', register, entry, serialsFromNames: serials };
  }
  // The platform cannot tell which USB device is behind this volume: only what a custodian
  // registered before can identify it.
  if (volume.label) {
    const byLabel = registry.recorderByLabel(volume.label);
    if (byLabel) return { kind: 'recorder', serial: byLabel.serial, via: 'label', register: null, entry: null, serialsFromNames: serials };
  }
  if (serials.length === 0) return { kind: 'unrecognized', reason: 'no_recorder_files', entry: null, serialsFromNames: serials };
  if (serials.length > 1) return { kind: 'unrecognized', reason: 'mixed_serials', entry: null, serialsFromNames: serials };
  if (!registry.recorder(single!)) return { kind: 'unrecognized', reason: 'unregistered_serial', entry: null, serialsFromNames: serials };
  return { kind: 'recorder', serial: single!, via: 'name', register: null, entry: null, serialsFromNames: serials };
}
