// The ZFY_INFO record that the 公安部 recorder interface's GetZFYInfo fills in. Vendor SDK headers
// agree on the five fields and their order — 产品序号, 警号, 姓名, 单位编号, 单位名称 — but not on the
// sizes: most publish `char cSerial[8]; char userNo[7]; char userName[33]; char unitNo[13];
// char unitName[33];` (room for a terminating NUL, 94 bytes, byte-packed), others fill 7/6/32/12/32
// bytes with no terminator (89 bytes). Text is ANSI, which on a Chinese Windows is GBK. So the
// layout is data, chosen per vendor in the adapter's configuration, and decoding is a pure
// function tested here on any platform.
import type { RecorderInfo } from '../../electron/core/devices/ports.ts';
import { StationError } from '../../electron/core/errors.ts';

export type ZfyFieldName = keyof RecorderInfo | 'reserved';

export type ZfyInfoLayout = {
  /** In memory order, byte-packed (#pragma pack(1) in the vendor headers). */
  fields: { name: ZfyFieldName; size: number }[];
};

/** The common header: NUL-terminated fields, 94 bytes. */
export const ZFY_INFO_TERMINATED: ZfyInfoLayout = {
  fields: [
    { name: 'deviceSerial', size: 8 },
    { name: 'officerId', size: 7 },
    { name: 'officerName', size: 33 },
    { name: 'unitCode', size: 13 },
    { name: 'unitName', size: 33 },
  ],
};

/** The unterminated variant: exactly 7-digit serial, 6-digit 警号, 89 bytes. */
export const ZFY_INFO_PACKED: ZfyInfoLayout = {
  fields: [
    { name: 'deviceSerial', size: 7 },
    { name: 'officerId', size: 6 },
    { name: 'officerName', size: 32 },
    { name: 'unitCode', size: 12 },
    { name: 'unitName', size: 32 },
  ],
};

const INFO_KEYS: readonly (keyof RecorderInfo)[] = ['deviceSerial', 'officerId', 'officerName', 'unitCode', 'unitName'];
const MAX_FIELD = 256;
const MAX_RECORD = 1024;

export function layoutSize(layout: ZfyInfoLayout): number {
  return layout.fields.reduce((n, f) => n + f.size, 0);
}

/** Hand validation of a layout coming from configuration; throws StationError('input'). */
export function validateZfyLayout(raw: unknown, where = 'infoLayout'): ZfyInfoLayout {
  const bad = (reason: string): never => {
    throw new StationError('input', 'unlock.config_invalid', { field: where, reason });
  };
  if (typeof raw !== 'object' || raw === null || !Array.isArray((raw as { fields?: unknown }).fields)) return bad('expected { fields: [...] }');
  const fields: ZfyInfoLayout['fields'] = [];
  const seen = new Set<string>();
  for (const [i, f] of ((raw as { fields: unknown[] }).fields).entries()) {
    if (typeof f !== 'object' || f === null) return bad(`fields[${i}] is not an object`);
    const { name, size } = f as { name?: unknown; size?: unknown };
    if (typeof name !== 'string' || !(name === 'reserved' || (INFO_KEYS as readonly string[]).includes(name))) {
      return bad(`fields[${i}].name must be one of ${[...INFO_KEYS, 'reserved'].join(', ')}`);
    }
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size > MAX_FIELD) return bad(`fields[${i}].size must be an integer 1..${MAX_FIELD}`);
    if (name !== 'reserved') {
      if (seen.has(name)) return bad(`fields[${i}].name ${name} appears twice`);
      seen.add(name);
    }
    fields.push({ name: name as ZfyFieldName, size });
  }
  if (fields.length === 0) return bad('no fields');
  if (layoutSize({ fields }) > MAX_RECORD) return bad(`record larger than ${MAX_RECORD} bytes`);
  return { fields };
}

/**
 * One text field: up to the first NUL, decoded, trimmed. Erased flash reads as 0xFF and unset
 * fields as spaces; both mean "not set", which the station must record as null, never as text.
 */
export function decodeZfyText(bytes: Uint8Array, encoding: string): string | null {
  const nul = bytes.indexOf(0);
  let end = nul === -1 ? bytes.length : nul;
  while (end > 0 && (bytes[end - 1] === 0xff || bytes[end - 1] === 0x20)) end--;
  if (end === 0) return null;
  const text = new TextDecoder(encoding, { fatal: false }).decode(bytes.subarray(0, end)).trim();
  return text === '' ? null : text;
}

export function decodeZfyInfo(record: Uint8Array, layout: ZfyInfoLayout, encoding = 'gbk'): RecorderInfo {
  if (record.length < layoutSize(layout)) throw new RangeError(`ZFY_INFO record is ${record.length} bytes, layout needs ${layoutSize(layout)}`);
  const info: RecorderInfo = { deviceSerial: null, officerId: null, officerName: null, unitCode: null, unitName: null };
  let offset = 0;
  for (const field of layout.fields) {
    if (field.name !== 'reserved') info[field.name] = decodeZfyText(record.subarray(offset, offset + field.size), encoding);
    offset += field.size;
  }
  return info;
}
