// Windows: IMAPI2 (the burning API built into Windows) through PowerShell. NOT EXERCISED: written
// from Microsoft's IMAPI2 documentation (MsftDiscMaster2, MsftDiscRecorder2, MsftFileSystemImage,
// MsftDiscFormat2Data) with no Windows machine or drive to run it on; only the script building and
// output parsing below are tested. IMAPI2 records no per-file MD5, so the read-back is the SHA-256
// pass over the files as Windows reads them from the disc after the tray was cycled.
import { spawn } from 'node:child_process';
import { StationError } from '../../electron/core/errors.ts';
import { folderSource } from '../../electron/core/evidencePackage/source.ts';
import type { BurnTarget, DiscWriter, Md5Check, MediumReader, OpticalDrive, OpticalDrives, WriteRequest, WrittenMedium } from '../../electron/core/discs/ports.ts';

/** A PowerShell string literal: single quotes, a quote doubled. */
export function psString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** 'E', 'E:', 'E:\' → 'E:\' (IMAPI2's VolumePathNames form). */
export function driveRoot(device: string): string {
  const m = /^([A-Za-z]):?\\?$/.exec(device.trim());
  if (!m) throw new StationError('input', 'disc.bad_device', { device });
  return `${m[1]!.toUpperCase()}:\\`;
}

const FIND_RECORDER = `
function Find-Recorder([string]$root) {
  $master = New-Object -ComObject IMAPI2.MsftDiscMaster2
  foreach ($id in $master) {
    $r = New-Object -ComObject IMAPI2.MsftDiscRecorder2
    $r.InitializeDiscRecorder($id)
    if ($r.VolumePathNames -contains $root) { return $r }
  }
  throw "no recorder at $root"
}
function Emit($o) { [Console]::Out.WriteLine(($o | ConvertTo-Json -Compress)) }
`;

/**
 * Burns one closed session (ISO 9660 + Joliet + UDF) from the staged folder, then cycles the tray so
 * Windows mounts the disc afresh and the read-back does not come from its cache. Progress comes
 * from the format object's Update event where PowerShell delivers it.
 */
export function imapi2BurnScript(p: { root: string; sourceDir: string; volumeId: string }): string {
  return `$ErrorActionPreference = 'Stop'
${FIND_RECORDER}
try {
  $recorder = Find-Recorder ${psString(p.root)}
  $format = New-Object -ComObject IMAPI2.MsftDiscFormat2Data
  if (-not $format.IsRecorderSupported($recorder)) { throw 'recorder not supported' }
  $format.Recorder = $recorder
  $format.ClientName = 'EvidenceStation'
  $format.ForceMediaToBeClosed = $true
  $fs = New-Object -ComObject IMAPI2FS.MsftFileSystemImage
  $fs.ChooseImageDefaults($recorder)
  $fs.FileSystemsToCreate = 7
  $fs.VolumeName = ${psString(p.volumeId)}
  $fs.Root.AddTree(${psString(p.sourceDir)}, $false)
  $image = $fs.CreateResultImage()
  Register-ObjectEvent -InputObject $format -EventName Update -Action {
    # IWriteEngine2EventArgs: StartLba, SectorCount, LastWrittenLba. Emit is not in this scope.
    $p = $args[1]
    if ($p.SectorCount -gt 0) {
      $pct = [math]::Round(100 * ($p.LastWrittenLba - $p.StartLba) / $p.SectorCount, 1)
      [Console]::Out.WriteLine((@{ event = 'progress'; percent = $pct } | ConvertTo-Json -Compress))
    }
  } | Out-Null
  $format.Write($image.ImageStream)
  Emit @{ event = 'written' }
  $recorder.EjectMedia()
  $recorder.CloseTray()
  for ($i = 0; $i -lt 120 -and -not (Test-Path ${psString(p.root)}); $i++) { Start-Sleep -Seconds 1 }
  Emit @{ event = 'done' }
} catch {
  Emit @{ event = 'error'; message = $_.Exception.Message }
  exit 1
}
`;
}

export const IMAPI2_DRIVES_SCRIPT = `$ErrorActionPreference = 'Stop'
${FIND_RECORDER}
$out = @()
$master = New-Object -ComObject IMAPI2.MsftDiscMaster2
foreach ($id in $master) {
  $r = New-Object -ComObject IMAPI2.MsftDiscRecorder2
  $r.InitializeDiscRecorder($id)
  $d = @{ paths = @($r.VolumePathNames); vendor = $r.VendorId; model = $r.ProductId; status = $null; blank = $null; free = $null; total = $null; mediaType = $null }
  try {
    $f = New-Object -ComObject IMAPI2.MsftDiscFormat2Data
    $f.Recorder = $r
    $d.status = $f.CurrentMediaStatus
    $d.blank = $f.MediaHeuristicallyBlank
    $d.free = $f.FreeSectorsOnMedia
    $d.total = $f.TotalSectorsOnMedia
    $d.mediaType = $f.CurrentPhysicalMediaType
  } catch { }
  $out += $d
}
[Console]::Out.WriteLine((ConvertTo-Json -InputObject $out -Compress -Depth 4))
`;

// IMAPI_FORMAT2_DATA_MEDIA_STATE flags.
const MEDIA_STATE = { blank: 0x2, appendable: 0x4, finalSession: 0x8, finalized: 0x4000, unsupported: 0xfc00 };
// IMAPI_MEDIA_PHYSICAL_TYPE values.
const PHYSICAL: Record<number, string> = { 2: 'CD-R', 3: 'CD-RW', 6: 'DVD+R', 7: 'DVD-RAM', 8: 'DVD-ROM', 9: 'DVD-R', 10: 'DVD+RW', 11: 'DVD-RW', 13: 'DVD+R DL', 15: 'DVD-R DL', 18: 'BD-R', 19: 'BD-RE' };

type RawDrive = { paths: string[] | string; vendor: string | null; model: string | null; status: number | null; blank: boolean | null; free: number | null; total: number | null; mediaType: number | null };

export function parseImapi2Drives(json: string): OpticalDrive[] {
  const raw = JSON.parse(json || '[]') as RawDrive[] | RawDrive;
  return (Array.isArray(raw) ? raw : [raw]).map((d) => {
    const paths = Array.isArray(d.paths) ? d.paths : [d.paths];
    const device = (paths[0] ?? '').replace(/\\$/, '');
    const s = d.status;
    const state =
      s === null ? 'none' : s & MEDIA_STATE.blank ? 'blank' : s & (MEDIA_STATE.finalized | MEDIA_STATE.finalSession) ? 'closed' : s & MEDIA_STATE.appendable ? 'appendable' : 'unknown';
    return {
      device,
      vendor: d.vendor?.trim() || null,
      model: d.model?.trim() || null,
      medium:
        s === null
          ? null
          : { state, kind: d.mediaType !== null ? (PHYSICAL[d.mediaType] ?? `type ${d.mediaType}`) : null, capacityBytes: d.total !== null ? d.total * 2048 : null, freeBytes: d.free !== null ? d.free * 2048 : null },
    };
  });
}

export function parseImapi2Line(line: string): { event: 'progress'; percent: number } | { event: 'written' | 'done' } | { event: 'error'; message: string } | null {
  try {
    const o = JSON.parse(line) as { event?: string; percent?: number; message?: string };
    if (o.event === 'progress' && typeof o.percent === 'number') return { event: 'progress', percent: o.percent };
    if (o.event === 'written' || o.event === 'done') return { event: o.event };
    if (o.event === 'error') return { event: 'error', message: String(o.message ?? '') };
  } catch {
    // not one of ours
  }
  return null;
}

function encoded(script: string): string {
  return Buffer.from(script, 'utf16le').toString('base64');
}

function powershell(script: string, onLine: (l: string) => void, signal?: AbortSignal): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('powershell.exe', ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-EncodedCommand', encoded(script)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let rest = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      const parts = (rest + c).split(/\r?\n/);
      rest = parts.pop() ?? '';
      parts.forEach(onLine);
    });
    const abort = () => child.kill();
    signal?.addEventListener('abort', abort, { once: true });
    child.on('error', reject);
    child.on('close', (code) => {
      signal?.removeEventListener('abort', abort);
      if (rest) onLine(rest);
      if (signal?.aborted) reject(signal.reason);
      else resolve(code ?? 1);
    });
  });
}

export class Imapi2Writer implements DiscWriter {
  readonly id = 'imapi2';
  readonly exercised = false;

  supports(target: BurnTarget): boolean {
    return target.kind === 'drive';
  }

  async write(req: WriteRequest): Promise<WrittenMedium> {
    if (req.target.kind !== 'drive') throw new StationError('state', 'disc.no_writer', { target: req.target.kind });
    const root = driveRoot(req.target.device);
    let error: string | null = null;
    const code = await powershell(
      imapi2BurnScript({ root, sourceDir: req.sourceDir, volumeId: req.volumeId }),
      (line) => {
        const e = parseImapi2Line(line);
        if (e?.event === 'progress') req.onProgress({ phase: 'writing', bytes: Math.round((e.percent / 100) * req.totalBytes), totalBytes: req.totalBytes });
        if (e?.event === 'error') error = e.message;
      },
      req.signal,
    );
    if (code !== 0) throw new StationError('io', 'disc.write_failed', { location: root, detail: error ?? `exit ${code}` });
    return { writer: this.id, target: req.target, volumeId: req.volumeId, createdAt: req.createdAt.toISOString() };
  }

  async openMedium(written: WrittenMedium): Promise<MediumReader> {
    if (written.target.kind !== 'drive') throw new StationError('state', 'disc.no_writer', { target: written.target.kind });
    const source = folderSource(driveRoot(written.target.device));
    const stamp = written.createdAt.replace(/[-:.TZ]/g, '');
    return {
      ...source,
      async checkRecordedMd5(): Promise<Md5Check> {
        return { checked: false, reason: 'imapi2' };
      },
      async identity() {
        return { volumeId: null, mediaId: `${written.volumeId}/${stamp}` };
      },
      async close() {},
    };
  }

  async discard(): Promise<void> {}
}

export class Imapi2Drives implements OpticalDrives {
  readonly id = 'imapi2';
  readonly exercised = false;

  async list(): Promise<OpticalDrive[]> {
    const lines: string[] = [];
    const code = await powershell(IMAPI2_DRIVES_SCRIPT, (l) => lines.push(l));
    if (code !== 0) return [];
    return parseImapi2Drives(lines.join(''));
  }

  async inspect(device: string): Promise<OpticalDrive> {
    const root = driveRoot(device).replace(/\\$/, '');
    const found = (await this.list()).find((d) => d.device.toUpperCase() === root);
    if (!found) throw new StationError('io', 'disc.drive_unavailable', { device, detail: 'not found' });
    return found;
  }
}
