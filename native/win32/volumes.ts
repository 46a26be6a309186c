// Windows volume detection.
//
// UNTESTED ON WINDOWS: written from Microsoft's documentation of Win32_LogicalDisk, Win32_DiskDrive,
// the CIM associations between them, Get-PnpDeviceProperty and USB instance ids; only the output
// parser is tested (on recorded samples written from those documented formats).
//
// A docked recorder appears as a drive letter. Which USB device it is takes a walk: logical disk →
// partition → disk drive (USBSTOR\DISK&VEN_…\<instance>) → its PnP parent, the USB device itself
// (USB\VID_xxxx&PID_yyyy\<serial>). The serial is the last part of that instance id when the device
// reports one; Windows invents an id containing '&' when it does not.
//
// PowerShell takes a second to start, too slow and too heavy to run every second on an evidence
// room PC. So a cheap probe (which drive letters answer a stat) runs every second, and the full
// query runs when the set of letters changes, plus every 30 s as a safety net.
import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import type { MountedVolume, UsbDeviceInfo, VolumeWatcher } from '../../electron/core/devices/ports.ts';
import { startSnapshotWatch } from '../snapshotWatch.ts';
import type { Keyed } from '../snapshotWatch.ts';
import { silentReporter } from '../report.ts';
import type { Reporter } from '../report.ts';

/**
 * Removable drives (DriveType 2), plus fixed drives whose disk hangs off USB (some recorders
 * report themselves as fixed disks). Output is UTF-8 JSON: volume labels are often Chinese, and
 * PowerShell would otherwise write the OEM code page.
 */
export const WINDOWS_VOLUME_SCRIPT = String.raw`
$ErrorActionPreference = 'SilentlyContinue'
[Console]::OutputEncoding = [System.Text.Encoding]::UTF8
function Get-Parent([string]$id) { if ($id) { (Get-PnpDeviceProperty -InstanceId $id -KeyName DEVPKEY_Device_Parent).Data } }
$rows = foreach ($l in Get-CimInstance Win32_LogicalDisk -Filter 'DriveType=2 OR DriveType=3') {
  $disk = $null; $usb = $null; $desc = $null
  $part = Get-CimAssociatedInstance -InputObject $l -ResultClassName Win32_DiskPartition | Select-Object -First 1
  if ($part) { $disk = Get-CimAssociatedInstance -InputObject $part -ResultClassName Win32_DiskDrive | Select-Object -First 1 }
  if ($disk) { $usb = Get-Parent $disk.PNPDeviceID }
  if ($usb -match '&MI_') { $usb = Get-Parent $usb }
  if ($usb -notlike 'USB\*') { $usb = $null }
  if ($usb) { $desc = (Get-PnpDeviceProperty -InstanceId $usb -KeyName DEVPKEY_Device_BusReportedDeviceDesc).Data }
  if ($l.DriveType -eq 3 -and -not $usb) { continue }
  [pscustomobject]@{ drive = $l.DeviceID; label = $l.VolumeName; fs = $l.FileSystem; driveType = [int]$l.DriveType; diskPnp = $disk.PNPDeviceID; usbInstance = $usb; busDesc = $desc }
}
ConvertTo-Json -InputObject @($rows) -Compress -Depth 3
`;

export type WindowsVolumeRow = {
  drive: string;
  label: string | null;
  fs: string | null;
  driveType: number;
  diskPnp: string | null;
  usbInstance: string | null;
  busDesc: string | null;
};

/** File systems that cannot be a recorder (optical media report these). */
const EXCLUDED_FS = new Set(['cdfs', 'udf']);

/** USB\VID_0525&PID_A4A5\0123456789 → ids and serial; null when not a USB device instance id. */
export function parseUsbInstanceId(instanceId: string): { vendorId: number; productId: number; serialNumber: string | null } | null {
  const m = /^USB\\VID_([0-9A-F]{4})&PID_([0-9A-F]{4})(&[^\\]*)?\\(.+)$/i.exec(instanceId.trim());
  if (!m) return null;
  const instance = m[4]!;
  // Interface children (&MI_nn) and devices without a serial get an instance part Windows made up,
  // recognisable by its '&' separators; it changes with the port, so it is not a serial.
  const serialNumber = m[3] || instance.includes('&') ? null : instance;
  return { vendorId: parseInt(m[1]!, 16), productId: parseInt(m[2]!, 16), serialNumber };
}

function text(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
}

export function parseWindowsVolumeRows(json: string): WindowsVolumeRow[] {
  const trimmed = json.replace(/^\uFEFF/, '').trim();
  if (trimmed === '' || trimmed === 'null') return [];
  const parsed: unknown = JSON.parse(trimmed);
  const list = Array.isArray(parsed) ? parsed : [parsed];
  const rows: WindowsVolumeRow[] = [];
  for (const item of list) {
    if (typeof item !== 'object' || item === null) continue;
    const r = item as Record<string, unknown>;
    const drive = text(r.drive);
    if (!drive || !/^[A-Za-z]:$/.test(drive)) continue;
    rows.push({
      drive: drive.toUpperCase(),
      label: text(r.label),
      fs: text(r.fs),
      driveType: typeof r.driveType === 'number' ? r.driveType : Number(r.driveType ?? 0),
      diskPnp: text(r.diskPnp),
      usbInstance: text(r.usbInstance),
      busDesc: text(r.busDesc),
    });
  }
  return rows;
}

export function windowsRowToVolume(row: WindowsVolumeRow): MountedVolume | null {
  // No file system yet (unformatted, or the media is still coming up): nothing to ingest.
  if (!row.fs || EXCLUDED_FS.has(row.fs.toLowerCase())) return null;
  const ids = row.usbInstance ? parseUsbInstanceId(row.usbInstance) : null;
  const usb: UsbDeviceInfo | null = ids
    ? { ...ids, manufacturer: null, product: row.busDesc, portPath: row.usbInstance }
    : null;
  return {
    mountPoint: `${row.drive}\\`,
    device: row.drive,
    // Lower-cased so consumers compare one spelling across platforms (exFAT → exfat, FAT32 → fat32).
    fsType: row.fs.toLowerCase(),
    label: row.label,
    usb,
  };
}

export function parseWindowsVolumes(json: string): MountedVolume[] {
  return parseWindowsVolumeRows(json)
    .map(windowsRowToVolume)
    .filter((v): v is MountedVolume => v !== null);
}

export function runPowerShell(script: string, timeoutMs = 30_000): Promise<string> {
  // -EncodedCommand (UTF-16LE base64) sidesteps every quoting rule of cmd and PowerShell.
  const encoded = Buffer.from(script, 'utf16le').toString('base64');
  return new Promise((resolve, reject) => {
    execFile(
      'powershell.exe',
      ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-EncodedCommand', encoded],
      { windowsHide: true, timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024, encoding: 'utf8' },
      (err, stdout) => (err ? reject(err) : resolve(stdout)),
    );
  });
}

/** Drive letters that answer a stat now. A: and B: are skipped (legacy floppy probing is slow). */
export async function presentDriveLetters(probeTimeoutMs = 500): Promise<string[]> {
  const letters = 'CDEFGHIJKLMNOPQRSTUVWXYZ'.split('');
  const results = await Promise.all(
    letters.map(
      (l) =>
        new Promise<string | null>((resolve) => {
          // A disconnected network drive can block a stat for seconds; treat slow as absent.
          const t = setTimeout(() => resolve(null), probeTimeoutMs);
          stat(`${l}:\\`).then(
            () => {
              clearTimeout(t);
              resolve(l);
            },
            () => {
              clearTimeout(t);
              resolve(null);
            },
          );
        }),
    ),
  );
  return results.filter((l): l is string => l !== null);
}

export type WindowsVolumeOptions = {
  runScript?: (script: string) => Promise<string>;
  probeLetters?: () => Promise<string[]>;
  probeIntervalMs?: number;
  fullRescanMs?: number;
  report?: Reporter;
};

function volumeKey(v: MountedVolume): string {
  return `${v.device}|${v.usb?.portPath ?? ''}|${v.fsType}|${v.label ?? ''}`;
}

export class WindowsVolumeWatcher implements VolumeWatcher {
  readonly #run: (script: string) => Promise<string>;
  readonly #probe: () => Promise<string[]>;
  readonly #probeIntervalMs: number;
  readonly #fullRescanMs: number;
  readonly #report: Reporter;

  constructor(options: WindowsVolumeOptions = {}) {
    this.#run = options.runScript ?? ((s) => runPowerShell(s));
    this.#probe = options.probeLetters ?? (() => presentDriveLetters());
    this.#probeIntervalMs = options.probeIntervalMs ?? 1000;
    this.#fullRescanMs = options.fullRescanMs ?? 30_000;
    this.#report = options.report ?? silentReporter;
  }

  async current(): Promise<MountedVolume[]> {
    return parseWindowsVolumes(await this.#run(WINDOWS_VOLUME_SCRIPT));
  }

  async #snapshot(): Promise<Keyed<MountedVolume>> {
    return new Map((await this.current()).map((v) => [volumeKey(v), v]));
  }

  async watch(listener: { mounted(volume: MountedVolume): void; unmounted(volume: MountedVolume): void }): Promise<() => Promise<void>> {
    const poll = startSnapshotWatch({
      scan: () => this.#snapshot(),
      initial: await this.#snapshot(),
      intervalMs: this.#fullRescanMs,
      onAdded: (v) => listener.mounted(v),
      onRemoved: (v) => listener.unmounted(v),
      report: this.#report,
      scanFailedCode: 'volumes.scan_failed',
    });
    let letters = (await this.#probe().catch(() => [])).join('');
    let probing = false;
    const probeTimer = setInterval(() => {
      if (probing) return;
      probing = true;
      this.#probe()
        .then((now) => {
          const joined = now.join('');
          if (joined !== letters) poll.trigger();
          letters = joined;
        })
        .catch(() => {})
        .finally(() => {
          probing = false;
        });
    }, this.#probeIntervalMs);
    probeTimer.unref();
    return async () => {
      clearInterval(probeTimer);
      await poll.stop();
    };
  }
}
