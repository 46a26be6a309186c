import { describe, expect, it } from 'vitest';
import { checkMd5Args, concatArgs, driveAddress, inspectImageArgs, mediumArgs, volumeDate, writeArgs } from './xorrisoArgs.ts';

const after = (args: string[], flag: string, n = 1) => args.slice(args.indexOf(flag) + 1, args.indexOf(flag) + 1 + n);

describe('xorriso arguments', () => {
  const args = writeArgs({ sourceDir: '/data/staging/burn-1-ab/disc-1', target: { kind: 'iso', path: '/out/case.iso' }, volumeId: 'TEST01_AJ_1OF2', createdAt: new Date('2025-03-01T02:03:04.567Z') });

  it('handles files over 4 GiB: no file size limit (terminated by --), ISO 9660 level 3 multi-extent files', () => {
    expect(after(args, '-file_size_limit', 2)).toEqual(['off', '--']);
    expect(after(args, '-compliance')[0]).toContain('iso_9660_level=3');
  });

  it('records an MD5 per file, enabled before the drive is acquired', () => {
    expect(after(args, '-md5')).toEqual(['on']);
    expect(args.indexOf('-md5')).toBeLessThan(args.indexOf('-outdev'));
  });

  it('writes Joliet and Rock Ridge, UTF-8 names whatever the locale, no wildcard expansion', () => {
    expect(after(args, '-joliet')).toEqual(['on']);
    expect(after(args, '-rockridge')).toEqual(['on']);
    expect(after(args, '-compliance')[0]).toContain('joliet_long_names');
    expect(after(args, '-local_charset')).toEqual(['UTF-8']);
    expect(after(args, '-charset')).toEqual(['UTF-8']);
    expect(after(args, '-iso_rr_pattern')).toEqual(['off']);
    expect(after(args, '-disk_pattern')).toEqual(['off']);
  });

  it('maps the staged folder to the root, readable by anyone who mounts it, closes the disc, and commits last', () => {
    expect(after(args, '-map', 2)).toEqual(['/data/staging/burn-1-ab/disc-1', '/']);
    expect(args.join(' ')).toContain('-find / -type d -exec chmod 0555 --');
    expect(args.join(' ')).toContain('-find / -type f -exec chmod 0444 --');
    expect(args.join(' ')).toContain('-chown_r 0 / --');
    expect(after(args, '-close')).toEqual(['on']);
    expect(args.at(-1)).toBe('-commit');
    expect(after(args, '-volid')).toEqual(['TEST01_AJ_1OF2']);
    expect(after(args, '-volume_date', 2)).toEqual(['uuid', '2025030102030456']);
  });

  it('machine-readable output, failures abort, a checksum mismatch is a non-zero exit', () => {
    expect(after(args, '-pkt_output')).toEqual(['on']);
    expect(after(args, '-abort_on')).toEqual(['FAILURE']);
    expect(after(args, '-return_with', 2)).toEqual(['SORRY', '32']);
  });

  it('addresses images through stdio: and drives as they are', () => {
    expect(after(args, '-outdev')).toEqual(['stdio:/out/case.iso']);
    expect(driveAddress({ kind: 'drive', device: '/dev/sr0' })).toBe('/dev/sr0');
    const drive = writeArgs({ sourceDir: '/s', target: { kind: 'drive', device: '/dev/sr1' }, volumeId: 'V', createdAt: new Date(0) });
    expect(after(drive, '-outdev')).toEqual(['/dev/sr1']);
  });

  it('read-back commands', () => {
    expect(checkMd5Args('stdio:/x.iso').slice(-6)).toEqual(['-indev', 'stdio:/x.iso', '-check_md5_r', 'SORRY', '/', '--']);
    expect(inspectImageArgs('/dev/sr0').join(' ')).toContain('-pvd_info -find / -type f -exec report_lba --');
    expect(concatArgs('/dev/sr0', '/FILES/a*b.MP4').slice(-5)).toEqual(['-concat', 'overwrite', '/dev/fd/3', '/FILES/a*b.MP4', '--']);
    expect(mediumArgs('/dev/sr0').slice(-4)).toEqual(['-outdev', '/dev/sr0', '-toc', '-tell_media_space']);
    expect(volumeDate(new Date('2026-12-31T23:59:59.999Z'))).toBe('2026123123595999');
  });
});
