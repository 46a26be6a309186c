import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { rawPublicKey, signCheckpoint, verifierKey } from '../ledger/checkpoint.ts';
import { cosign, cosignedMessage, cosignerKeyId, cosignerVerifierKey, findCosignature, formatAddCheckpoint, parseAddCheckpoint, parseCosignerVerifierKey, splitNote } from './cosignature.ts';

const { privateKey } = crypto.generateKeyPairSync('ed25519');
const name = 'witness.example/w1';
const vkey = cosignerVerifierKey(name, rawPublicKey(privateKey));
const body = 'example.com/log\n20\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';

describe('cosignature/v1 (c2sp.org/tlog-cosignature)', () => {
  it('key id is SHA-256(name ‖ "\\n" ‖ 0x04 ‖ key)[:4], and the vkey carries type 0x04', () => {
    const pub = rawPublicKey(privateKey);
    const expected = crypto.createHash('sha256').update(Buffer.concat([Buffer.from(`${name}\n`), Buffer.from([4]), pub])).digest().subarray(0, 4);
    expect(cosignerKeyId(name, pub)).toEqual(expected);
    expect(Buffer.from(vkey.split('+')[2] as string, 'base64')[0]).toBe(4);
    expect(parseCosignerVerifierKey(vkey).publicKey).toEqual(pub);
  });

  it('signs "cosignature/v1\\ntime T\\n" + body, with the timestamp big-endian before the signature', () => {
    const line = cosign(body, 1679315147, privateKey, name);
    const blob = Buffer.from(line.trim().split(' ')[2] as string, 'base64');
    expect(blob.length).toBe(4 + 8 + 64);
    expect(blob.readBigUInt64BE(4)).toBe(1679315147n);
    expect(crypto.verify(null, cosignedMessage(body, 1679315147), crypto.createPublicKey(privateKey), blob.subarray(12))).toBe(true);
    expect(cosignedMessage(body, 7).toString()).toBe(`cosignature/v1\ntime 7\n${body}`);
    expect(findCosignature(body, line, parseCosignerVerifierKey(vkey))).toEqual({ timestamp: 1679315147, line });
  });

  it('ignores other keys, refuses a line of this key over another body, refuses a log key as witness key', () => {
    const key = parseCosignerVerifierKey(vkey);
    const other = crypto.generateKeyPairSync('ed25519').privateKey;
    expect(findCosignature(body, cosign(body, 1, other, 'someone.else/w'), key)).toBeNull();
    expect(() => findCosignature(body.replace('20', '21'), cosign(body, 1, privateKey, name), key)).toThrow(/cosignature_invalid/);
    expect(() => parseCosignerVerifierKey(verifierKey(name, rawPublicKey(privateKey)))).toThrow(/witness.key_invalid/);
    expect(() => parseCosignerVerifierKey(vkey.replace(/\+[0-9a-f]{8}\+/, '+00000000+'))).toThrow(/witness.key_invalid/);
  });
});

describe('add-checkpoint body (c2sp.org/tlog-witness)', () => {
  const note = signCheckpoint({ origin: 'example.com/log', size: 20, root: Buffer.alloc(32, 1) }, privateKey, 'example.com/log');

  it('round-trips old size, proof lines and the note', () => {
    const proof = [Buffer.alloc(32, 2), Buffer.alloc(32, 3)];
    const text = formatAddCheckpoint({ oldSize: 10, proof, note });
    expect(text.startsWith('old 10\n')).toBe(true);
    expect(parseAddCheckpoint(text)).toEqual({ oldSize: 10, proof, note });
    expect(splitNote(note)?.body).toBe('example.com/log\n20\nAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=\n');
  });

  it.each([
    ['leading zero', `old 010\n\n${note}`],
    ['no blank line', `old 10\n${note.replace('\n\n', '\n')}`],
    ['short hash', `old 10\nAAAA\n\n${note}`],
    ['64 proof lines', `old 10\n${`${Buffer.alloc(32).toString('base64')}\n`.repeat(64)}\n${note}`],
    ['no old line', `\n${note}`],
  ])('refuses %s', (_, text) => {
    expect(() => parseAddCheckpoint(text)).toThrow(/request_malformed/);
  });
});
