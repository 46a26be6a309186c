import { readFileSync, existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isUnder, parseMountInfo, parseMountInfoLine, unescapeMountField, volumeCandidates } from './mountinfo.ts';

// Shapes taken from proc(5) and from what udisks, exfat-fuse and ntfs-3g write on Debian.
const SAMPLE = [
  '22 27 0:21 / /proc rw,relatime shared:5 - proc proc rw',
  '27 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw,discard',
  '30 27 259:1 / /boot/efi rw,relatime shared:7 - vfat /dev/nvme0n1p1 rw,fmask=0077,dmask=0077,codepage=437',
  // udisks mount of a label with a space: "REC 01" → REC\04001.
  '41 27 8:17 / /media/custodian/REC\\04001 rw,nosuid,nodev,relatime shared:300 - vfat /dev/sdb1 rw,fmask=0022,dmask=0022,codepage=437,iocharset=utf8',
  // exFAT through FUSE on a loop device: fuseblk with the loop device's numbers.
  '42 27 7:0 / /mnt/es\\040dock rw,nosuid,nodev,relatime - fuseblk /dev/loop0 rw,user_id=0,group_id=0,default_permissions,allow_other,blksize=4096',
  // A bind of a subtree of the recorder: not a volume.
  '43 27 8:17 /DCIM /srv/dcim rw,relatime shared:300 - vfat /dev/sdb1 rw,fmask=0022',
  // A bind of the whole recorder elsewhere: same device, must not count twice.
  '44 27 8:17 / /mnt/again rw,relatime shared:300 - vfat /dev/sdb1 rw,fmask=0022',
  // Optional fields can be several, or none.
  '45 27 8:33 / /media/custodian/证据 rw,relatime shared:301 master:12 - exfat /dev/sdc1 rw,iocharset=utf8',
  // A disc: never a recorder.
  '46 27 11:0 / /media/custodian/DISC ro,relatime - iso9660 /dev/sr0 ro,norock',
  'garbage line that is not mountinfo',
  '',
].join('\n');

describe('mountinfo parser', () => {
  it('decodes octal escapes, including a backslash and around UTF-8', () => {
    expect(unescapeMountField('/media/u/REC\\04001')).toBe('/media/u/REC 01');
    expect(unescapeMountField('a\\011b\\012c\\134d')).toBe('a\tb\nc\\d');
    expect(unescapeMountField('/media/证据\\040卷')).toBe('/media/证据 卷');
    // Not an escape: left as is.
    expect(unescapeMountField('x\\9y\\04')).toBe('x\\9y\\04');
  });

  it('parses every field of a line with optional fields', () => {
    const e = parseMountInfoLine('45 27 8:33 / /media/custodian/证据 rw,relatime shared:301 master:12 - exfat /dev/sdc1 rw,iocharset=utf8');
    expect(e).toEqual({
      mountId: 45,
      parentId: 27,
      major: 8,
      minor: 33,
      root: '/',
      mountPoint: '/media/custodian/证据',
      mountOptions: 'rw,relatime',
      optionalFields: ['shared:301', 'master:12'],
      fsType: 'exfat',
      source: '/dev/sdc1',
      superOptions: 'rw,iocharset=utf8',
    });
  });

  it('skips lines that do not parse', () => {
    const entries = parseMountInfo(SAMPLE);
    expect(entries).toHaveLength(9);
    expect(parseMountInfoLine('1 2 3')).toBeNull();
    expect(parseMountInfoLine('a b 8:1 / /x rw - vfat /dev/x rw')).toBeNull();
  });

  it('keeps whole removable file systems once per device, excludes binds of subtrees and discs', () => {
    const c = volumeCandidates(parseMountInfo(SAMPLE));
    expect(c.map((e) => e.mountPoint)).toEqual(['/boot/efi', '/media/custodian/REC 01', '/mnt/es dock', '/media/custodian/证据']);
    const fuse = c.find((e) => e.fsType === 'fuseblk')!;
    expect(fuse).toMatchObject({ source: '/dev/loop0', major: 7, minor: 0 });
  });

  it('keeps the first mount of a device when a whole-filesystem bind comes first in mount order', () => {
    const text = [
      '50 27 8:17 / /media/u/REC rw - vfat /dev/sdb1 rw',
      // Mount ids are reused, so a later bind can carry a lower id than the original.
      '12 27 8:17 / /mnt/bind rw - vfat /dev/sdb1 rw',
    ].join('\n');
    expect(volumeCandidates(parseMountInfo(text)).map((e) => e.mountPoint)).toEqual(['/media/u/REC']);
  });

  it('treats anonymous devices (major 0) as distinct mounts', () => {
    const text = ['60 27 0:50 / /mnt/a rw - tmpfs tmpfs rw', '61 27 0:51 / /mnt/b rw - tmpfs tmpfs rw'].join('\n');
    expect(volumeCandidates(parseMountInfo(text), ['tmpfs'])).toHaveLength(2);
  });

  it('knows what is under a mount root', () => {
    expect(isUnder('/media/u/REC', '/media')).toBe(true);
    expect(isUnder('/mediax', '/media')).toBe(false);
    expect(isUnder('/mnt', '/mnt/')).toBe(true);
  });

  it.skipIf(!existsSync('/proc/self/mountinfo'))('parses this machine’s real /proc/self/mountinfo', () => {
    const text = readFileSync('/proc/self/mountinfo', 'utf8');
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    const entries = parseMountInfo(text);
    // Every line the kernel wrote parses.
    expect(entries).toHaveLength(lines.length);
    const root = entries.find((e) => e.mountPoint === '/');
    expect(root).toBeDefined();
    for (const e of entries) {
      expect(e.mountPoint.startsWith('/')).toBe(true);
      expect(e.fsType).not.toBe('');
      expect(Number.isInteger(e.major) && Number.isInteger(e.minor)).toBe(true);
    }
  });
});
