// Parsers on recorded xorriso 1.5.4 output (pkt_output on). The -devices and real-disc -toc samples
// follow the formats in the xorriso manual and libburn's messages: no optical drive exists here.
import { describe, expect, it } from 'vitest';
import { lastProblem, parseCheckMd5, parseDevices, parseMedium, parseProgress, parsePvdInfo, parseReportLba, unquoteXorriso } from './xorrisoParse.ts';

describe('xorriso output', () => {
  it('unquotes paths the way xorriso quotes them', () => {
    expect(unquoteXorriso("'/FILES/0001_执法 记录'\"'\"'x.MP4'")).toBe("/FILES/0001_执法 记录'x.MP4");
    expect(unquoteXorriso("'/FILES/0002_a\"b.MP4'")).toBe('/FILES/0002_a"b.MP4');
  });

  it('report_lba: extents per file, several for a file over 4 GiB, none for an empty one', () => {
    const files = parseReportLba([
      'R:1: Report layout: xt , Startlba ,   Blocks , Filesize , ISO image path',
      "R:1: File data lba:  0 ,       63 ,  2097151 , 4400000000 , '/FILES/huge.bin'",
      "R:1: File data lba:  1 ,  2097214 ,    51287 , 4400000000 , '/FILES/huge.bin'",
      "R:1: File data lba:  0 ,       57 ,        0 ,        0 , '/FILES/empty.bin'",
      "R:1: File data lba:  0 ,    24481 ,        1 ,        3 , '/README.txt'",
    ]);
    expect(files).toEqual([
      { path: '/FILES/huge.bin', size: 4400000000, extents: [{ lba: 63, blocks: 2097151 }, { lba: 2097214, blocks: 51287 }] },
      { path: '/FILES/empty.bin', size: 0, extents: [{ lba: 57, blocks: 0 }] },
      { path: '/README.txt', size: 3, extents: [{ lba: 24481, blocks: 1 }] },
    ]);
  });

  it('pvd_info: volume id and creation time', () => {
    expect(parsePvdInfo(['R:1: Volume Id    : TEST01_RQ000001_1OF1', 'R:1: Creation Time: 2025030102030400', 'R:1: Modif. Time  : 2025030102030400'])).toEqual({
      volumeId: 'TEST01_RQ000001_1OF1',
      creationTime: '2025030102030400',
    });
  });

  it('check_md5: match, a named mismatch, nothing recorded, a read error', () => {
    expect(parseCheckMd5(['R:1: File contents and their MD5 checksums match.'])).toEqual({ outcome: 'match', mismatches: [], detail: null });
    expect(
      parseCheckMd5([
        "R:1: MD5 MISMATCH: '/FILES/0001_a.MP4'",
        'R:1: Mismatch detected between file contents and MD5 checksums.',
        'I:1: xorriso : SORRY : Event triggered by MD5 comparison mismatch',
        "I:1: xorriso : NOTE : -return_with SORRY 32 triggered by problem severity SORRY",
      ]),
    ).toMatchObject({ outcome: 'mismatch', mismatches: ['/FILES/0001_a.MP4'] });
    expect(parseCheckMd5(['R:1: Not a single file with MD5 checksum was found. (There is no MD5 checksum array loaded.)']).outcome).toBe('none_recorded');
    expect(parseCheckMd5(['I:1: libburn : SORRY : Read error on fabricated media']).detail).toBe('Read error on fabricated media');
  });

  it('progress while writing, closing and reading back', () => {
    expect(parseProgress('I:1: xorriso : UPDATE : Writing:       9471s   38.5%   fifo   0%  buf  50%')).toEqual({ kind: 'write', percent: 38.5 });
    expect(parseProgress('I:1: xorriso : UPDATE : Writing:     123456s   12.3%   fifo 100%  buf  99%    4.0xD')).toEqual({ kind: 'write', percent: 12.3 });
    expect(parseProgress('I:1: xorriso : UPDATE : 2114.8m content bytes read in 5 seconds , 320.2xD')).toEqual({ kind: 'read', bytes: Math.round(2114.8 * 2 ** 20) });
    expect(parseProgress('I:1: xorriso : UPDATE : Closing track/session. Working since 3 seconds')).toEqual({ kind: 'closing' });
    expect(parseProgress('I:1: Drive current: -outdev x')).toBeNull();
  });

  it('the last real problem, not the bookkeeping notes after it', () => {
    expect(
      lastProblem([
        "I:1: libburn : FAILURE : Cannot access '/dev/sr0' as SG_IO CDROM drive",
        "I:1: xorriso : FAILURE : Cannot acquire drive '/dev/sr0'",
        "I:1: xorriso : aborting : -abort_on 'FAILURE' encountered 'FAILURE'",
      ]),
    ).toBe("Cannot acquire drive '/dev/sr0'");
  });

  it('devices', () => {
    expect(parseDevices(["R:1: 0  -dev '/dev/sr0' rwrw-- :  'HL-DT-ST' 'DVDRAM GH24NSD1' ", "R:1: 1  -dev '/dev/sr1' rwrw-- :  'ASUS    ' 'BW-16D1HT       '"])).toEqual([
      { device: '/dev/sr0', vendor: 'HL-DT-ST', model: 'DVDRAM GH24NSD1' },
      { device: '/dev/sr1', vendor: 'ASUS', model: 'BW-16D1HT' },
    ]);
    expect(parseDevices(['I:1: xorriso : SORRY : No drives found'])).toEqual([]);
  });

  it('the loaded medium: blank DVD+R, closed CD-R, no disc, a stdio: image', () => {
    expect(
      parseMedium([
        "R:1: Drive type   : vendor 'HL-DT-ST' product 'DVDRAM GH24NSD1' revision 'LG00'",
        'R:1: Media current: DVD+R',
        'R:1: Media status : is blank',
        'R:1: Media blocks : 0 readable , 2295104 writable , 2295104 overall',
        'R:1: Media summary: 0 sessions, 0 data blocks, 0 data, 4483m free',
        'R:1: Media space  : 2295104s',
      ]),
    ).toEqual({ state: 'blank', kind: 'DVD+R', capacityBytes: 2295104 * 2048, freeBytes: 2295104 * 2048, vendor: 'HL-DT-ST', model: 'DVDRAM GH24NSD1' });
    expect(parseMedium(['R:1: Media current: CD-R', 'R:1: Media status : is written , is closed', 'R:1: Media space  : 0s'])).toMatchObject({ state: 'closed', kind: 'CD-R', freeBytes: 0 });
    expect(parseMedium(["R:1: Drive type   : vendor 'X' product 'Y' revision 'Z'", 'R:1: Media current: is not present'])).toMatchObject({ state: 'none', kind: null });
    expect(parseMedium(['R:1: Media current: stdio file, overwriteable', 'R:1: Media status : is written , is appendable'])).toMatchObject({ state: 'appendable', kind: 'stdio file' });
  });
});
