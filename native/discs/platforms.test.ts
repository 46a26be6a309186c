// Windows (IMAPI2 through PowerShell) and macOS (hdiutil/drutil) adapters are NOT exercised here:
// no such OS or drive. What can be checked is checked: the scripts and arguments they would run,
// their output parsers on samples written from the documented formats, and honest `exercised` flags.
import { describe, expect, it } from 'vitest';
import { driveRoot, imapi2BurnScript, Imapi2Drives, Imapi2Writer, parseImapi2Drives, parseImapi2Line, psString } from './win32Imapi2.ts';
import { DarwinDrives, DarwinWriter, drutilBurnArgs, makehybridArgs, parseDrutilList, parseDrutilStatus } from './darwinDrutil.ts';
import { createDiscPorts } from './index.ts';

describe('Windows IMAPI2 adapter (not exercised)', () => {
  it('quotes PowerShell strings and drive letters safely', () => {
    expect(psString("C:\\证据 'x'")).toBe("'C:\\证据 ''x'''");
    expect(driveRoot('e')).toBe('E:\\');
    expect(driveRoot('E:')).toBe('E:\\');
    expect(() => driveRoot('/dev/sr0')).toThrow();
  });

  it('burns a closed ISO 9660 + Joliet + UDF session from the staged folder, then cycles the tray', () => {
    const s = imapi2BurnScript({ root: 'E:\\', sourceDir: "C:\\staging\\burn-1\\disc-1", volumeId: 'TEST01_AJ_1OF2' });
    expect(s).toContain('$format.ForceMediaToBeClosed = $true');
    expect(s).toContain('$fs.FileSystemsToCreate = 7');
    expect(s).toContain("$fs.VolumeName = 'TEST01_AJ_1OF2'");
    expect(s).toContain("$fs.Root.AddTree('C:\\staging\\burn-1\\disc-1', $false)");
    expect(s).toContain('$recorder.EjectMedia()');
  });

  it('parses its drive listing and progress lines', () => {
    const drives = parseImapi2Drives(
      JSON.stringify([
        { paths: ['E:\\'], vendor: 'HL-DT-ST', model: 'DVDRAM GH24NSD1 ', status: 0x2, blank: true, free: 2295104, total: 2295104, mediaType: 6 },
        { paths: 'F:\\', vendor: 'ASUS', model: 'BW-16D1HT', status: null, blank: null, free: null, total: null, mediaType: null },
      ]),
    );
    expect(drives).toEqual([
      { device: 'E:', vendor: 'HL-DT-ST', model: 'DVDRAM GH24NSD1', medium: { state: 'blank', kind: 'DVD+R', capacityBytes: 2295104 * 2048, freeBytes: 2295104 * 2048 } },
      { device: 'F:', vendor: 'ASUS', model: 'BW-16D1HT', medium: null },
    ]);
    expect(parseImapi2Drives(JSON.stringify({ paths: ['G:\\'], vendor: 'X', model: 'Y', status: 0x4000, blank: false, free: 0, total: 359847, mediaType: 2 }))[0]!.medium).toMatchObject({ state: 'closed', kind: 'CD-R' });
    expect(parseImapi2Line('{"event":"progress","percent":41.5}')).toEqual({ event: 'progress', percent: 41.5 });
    expect(parseImapi2Line('{"event":"error","message":"no media"}')).toEqual({ event: 'error', message: 'no media' });
    expect(parseImapi2Line('WARNING: something')).toBeNull();
  });

  it('says it is not exercised', () => {
    expect(new Imapi2Writer().exercised).toBe(false);
    expect(new Imapi2Drives().exercised).toBe(false);
  });
});

describe('macOS hdiutil/drutil adapter (not exercised)', () => {
  it('builds the image and burn commands', () => {
    expect(makehybridArgs({ sourceDir: '/s/disc-1', volumeId: 'V_1OF1', image: '/s/V.iso' })).toEqual(['makehybrid', '-iso', '-joliet', '-udf', '-default-volume-name', 'V_1OF1', '-o', '/s/V.iso', '/s/disc-1']);
    expect(drutilBurnArgs({ drive: '1', image: '/s/V.iso' })).toEqual(['-drive', '1', 'burn', '-noverify', '-mount', '/s/V.iso']);
  });

  it('parses drutil status and list', () => {
    const blank = ` Vendor   Product           Rev
 HL-DT-ST DVDRW  GX40N      RQ00

           Type: DVD+R              Name: /dev/disk2
       Sessions: 0                  Tracks: 0
   Overwritable:   00:00:00         blocks:        0 /   0.00MB /   0.00MiB
     Space Free: 510:03:00         blocks:  2295104 /   4.70GB /   4.38GiB
     Space Used:   00:00:00         blocks:        0 /   0.00MB /   0.00MiB
    Writability: appendable, blank, overwritable`;
    expect(parseDrutilStatus(blank)).toEqual({ state: 'blank', kind: 'DVD+R', capacityBytes: 2295104 * 2048, freeBytes: 2295104 * 2048 });
    expect(parseDrutilStatus(' Vendor Product Rev\n HL-DT-ST DVDRW GX40N RQ00\n\n   No Media Inserted')).toMatchObject({ state: 'none' });
    expect(parseDrutilList('   Vendor   Product           Rev   Bus       SupportLevel\n1  HL-DT-ST DVDRW  GX40N      RQ00  USB       Unsupported\n')).toEqual([{ index: '1', vendor: 'HL-DT-ST', model: 'DVDRW  GX40N' }]);
  });

  it('says it is not exercised', () => {
    expect(new DarwinWriter().exercised).toBe(false);
    expect(new DarwinDrives().exercised).toBe(false);
  });
});

describe('createDiscPorts', () => {
  const kinds = (ports: ReturnType<typeof createDiscPorts>) => ports.writers.map((w) => w.id);
  it('Linux: xorriso for images and drives, the removable writer for folders', () => {
    expect(kinds(createDiscPorts({ platform: 'linux', xorriso: '/usr/bin/xorriso' }))).toEqual(['xorriso', 'removable']);
    expect(createDiscPorts({ platform: 'linux', xorriso: '/usr/bin/xorriso' }).drives?.id).toBe('xorriso');
    // No xorriso: folders only, and the api says why images cannot be written.
    expect(kinds(createDiscPorts({ platform: 'linux', xorriso: null }))).toEqual(['removable']);
  });
  it('Windows and macOS: their OS burner for drives, xorriso for images where installed', () => {
    const win = createDiscPorts({ platform: 'win32', xorriso: null });
    expect(kinds(win)).toEqual(['imapi2', 'removable']);
    expect(win.writers.find((w) => w.supports({ kind: 'drive', device: 'E:' }))?.id).toBe('imapi2');
    const mac = createDiscPorts({ platform: 'darwin', xorriso: '/opt/homebrew/bin/xorriso' });
    expect(mac.writers.find((w) => w.supports({ kind: 'drive', device: '1' }))?.id).toBe('darwin-drutil');
    expect(mac.writers.find((w) => w.supports({ kind: 'iso', path: '/x.iso' }))?.id).toBe('xorriso');
  });
});
