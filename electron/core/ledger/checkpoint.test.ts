import crypto from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { StationError } from '../errors.ts';
import {
  formatCheckpointBody,
  keyId,
  openNote,
  parseCheckpointBody,
  parseVerifierKey,
  rawPublicKey,
  signCheckpoint,
  signNote,
  verifierKey,
  verifyCheckpoint,
} from './checkpoint.ts';
import { EMPTY_ROOT } from './merkle.ts';

const DASH = '\u2014';

// Interoperability vectors, used as data: golang.org/x/mod/sumdb/note (package documentation
// and note_test.go) and the example of c2sp.org/signed-note.
const GO_SIGNER_KEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const GO_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const GO_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const GO_SIG = `${DASH} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;
const ENOCH_VKEY = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const ENOCH_SIG = `${DASH} EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n`;
const SPEC_VKEY = 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k';
const SPEC_NOTE = `This is an example message.\n\n${DASH} example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n`;
// transparency-dev/formats: a verifier key whose base64 contains '+'.
const PLUS_VKEY = 'TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6';

/** Go's signer-key format carries the Ed25519 seed; PKCS#8 wraps a seed in a fixed 16-byte prefix. */
function goSignerKey(skey: string): KeyObject {
  const material = Buffer.from(skey.split('+').slice(4).join('+'), 'base64');
  expect(material[0]).toBe(0x01);
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), material.subarray(1)]);
  return crypto.createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
}

function expectInvalid(fn: () => unknown, reason: string, code = 'ledger.checkpoint_invalid'): void {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, `expected ${code} (${reason})`).toBeInstanceOf(StationError);
  const err = thrown as StationError;
  expect(err.code).toBe(code);
  if (code === 'ledger.checkpoint_invalid') expect(err.kind).toBe('verify');
  expect(err.params.reason).toBe(reason);
}

const KEY_NAME = 'evidence-station.local/ledger';
const ORIGIN = 'evidence-station.local/ledger';
const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519');
const PUB = rawPublicKey(publicKey);
const ROOT = crypto.createHash('sha256').update('some root').digest();

describe('signed notes: interoperability with the Go reference and the C2SP spec', () => {
  it('signs the Go example byte for byte (Ed25519 is deterministic)', () => {
    const key = goSignerKey(GO_SIGNER_KEY);
    expect(verifierKey('PeterNeumann', rawPublicKey(key))).toBe(GO_VKEY);
    expect(signNote(GO_TEXT, key, 'PeterNeumann')).toBe(`${GO_TEXT}\n${GO_SIG}`);
  });

  it('opens the Go example, also when co-signed, with either key', () => {
    const peter = parseVerifierKey(GO_VKEY);
    const enoch = parseVerifierKey(ENOCH_VKEY);
    expect(peter.keyId.toString('hex')).toBe('c74f20a3');
    expect(openNote(`${GO_TEXT}\n${GO_SIG}`, peter.publicKey, peter.keyName)).toBe(GO_TEXT);
    const both = `${GO_TEXT}\n${GO_SIG}${ENOCH_SIG}`;
    expect(openNote(both, peter.publicKey, peter.keyName)).toBe(GO_TEXT);
    expect(openNote(both, enoch.publicKey, enoch.keyName)).toBe(GO_TEXT);
    expectInvalid(() => openNote(`${GO_TEXT}\n${GO_SIG}`, enoch.publicKey, enoch.keyName), 'unknown_key');
  });

  it('opens the signed-note spec example', () => {
    const spec = parseVerifierKey(SPEC_VKEY);
    expect(openNote(SPEC_NOTE, spec.publicKey, spec.keyName)).toBe('This is an example message.\n');
  });
});

describe('verifier keys', () => {
  it('round-trips, including base64 that contains "+"', () => {
    const vkey = verifierKey(KEY_NAME, PUB);
    expect(vkey).toMatch(/^evidence-station\.local\/ledger\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$/);
    const parsed = parseVerifierKey(vkey);
    expect(parsed.keyName).toBe(KEY_NAME);
    expect(parsed.publicKey.equals(PUB)).toBe(true);
    expect(parsed.keyId.equals(keyId(KEY_NAME, PUB))).toBe(true);
    const plus = parseVerifierKey(PLUS_VKEY);
    expect(plus.keyName).toBe('TEST');
    expect(verifierKey(plus.keyName, plus.publicKey)).toBe(PLUS_VKEY);
  });

  it('computes the key ID as SHA-256(name ‖ "\\n" ‖ 0x01 ‖ key)[:4]', () => {
    const want = crypto
      .createHash('sha256')
      .update(Buffer.concat([Buffer.from(`${KEY_NAME}\n`), Buffer.from([1]), PUB]))
      .digest()
      .subarray(0, 4);
    expect(keyId(KEY_NAME, PUB).equals(want)).toBe(true);
  });

  it('rejects every truncation and every single-character change of a valid key', () => {
    // The same mangling Go's TestNewVerifier applies.
    for (let i = 0; i <= GO_VKEY.length; i++) {
      for (let j = i + 1; j <= GO_VKEY.length; j++) {
        if (i === 0 && j === GO_VKEY.length) continue;
        expect(() => parseVerifierKey(GO_VKEY.slice(i, j)), GO_VKEY.slice(i, j)).toThrow(StationError);
      }
    }
    for (let i = 0; i < GO_VKEY.length; i++) {
      const mangled = GO_VKEY.slice(0, i) + String.fromCharCode(GO_VKEY.charCodeAt(i) + 1) + GO_VKEY.slice(i + 1);
      expect(() => parseVerifierKey(mangled), mangled).toThrow(StationError);
    }
  });

  it.each([
    // Go's own "wrong length" probe; its base64 has non-zero padding bits, which we refuse first.
    ['wrong length key, with adjusted key hash', 'PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==', 'base64'],
    ['33-byte key', `PeterNeumann+c74f20a3+${Buffer.concat([Buffer.from([1]), Buffer.alloc(33, 7)]).toString('base64')}`, 'public_key_length'],
    ['unknown algorithm, with adjusted key hash', 'PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW', 'unsupported_type'],
    ['key ID of another key', 'PeterNeumann+af0cfe78+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW', 'key_id_mismatch'],
    ['uppercase key ID', 'PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW', 'key_id'],
    ['space in name', 'Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW', 'key_name'],
    ['no separators', 'PeterNeumann', 'format'],
    ['unpadded base64', 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T', 'base64'],
  ])('rejects %s', (_label, vkey, reason) => {
    expectInvalid(() => parseVerifierKey(vkey), reason, 'ledger.verifier_key_invalid');
  });

  it('refuses invalid key names and public keys', () => {
    for (const name of ['', 'a b', 'a+b', 'tab\there', 'nl\nhere', 'nbsp\u00a0here', 'ideographic\u3000space']) {
      expectInvalid(() => verifierKey(name, PUB), 'key_name', 'ledger.key_invalid');
    }
    expectInvalid(() => verifierKey(KEY_NAME, PUB.subarray(1)), 'public_key_length', 'ledger.key_invalid');
    expect(verifierKey('证据站/账本', PUB).startsWith('证据站/账本+')).toBe(true);
  });
});

describe('checkpoint body', () => {
  it('is origin, decimal size and base64 root, one per line', () => {
    const root = Buffer.from('CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=', 'base64');
    const body = formatCheckpointBody({ origin: 'example.com/behind-the-sofa', size: 20852163, root });
    expect(body).toBe('example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n');
    expect(parseCheckpointBody(body)).toEqual({ origin: 'example.com/behind-the-sofa', size: 20852163, root });
    expect(formatCheckpointBody({ origin: 'o', size: 0, root: EMPTY_ROOT })).toBe('o\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n');
  });

  it.each([
    ['origin', { origin: '', size: 1, root: ROOT }],
    ['origin', { origin: 'a\nb', size: 1, root: ROOT }],
    ['origin', { origin: 'a\rb', size: 1, root: ROOT }],
    ['size', { origin: 'o', size: -1, root: ROOT }],
    ['size', { origin: 'o', size: 1.5, root: ROOT }],
    ['size', { origin: 'o', size: 2 ** 53, root: ROOT }],
    ['root', { origin: 'o', size: 1, root: ROOT.subarray(1) }],
  ])('refuses to format a bad %s', (reason, cp) => {
    expectInvalid(() => formatCheckpointBody(cp), reason, 'ledger.checkpoint_fields_invalid');
  });
});

describe('signCheckpoint / verifyCheckpoint', () => {
  const cp = { origin: ORIGIN, size: 1234, root: ROOT };
  const note = signCheckpoint(cp, privateKey, KEY_NAME);

  it('produces a C2SP signed note that verifies and returns what was signed', () => {
    const lines = note.split('\n');
    expect(lines.slice(0, 4)).toEqual([ORIGIN, '1234', ROOT.toString('base64'), '']);
    expect(lines[4]?.startsWith(`${DASH} ${KEY_NAME} `)).toBe(true);
    expect(lines[5]).toBe('');
    expect(lines).toHaveLength(6);
    const sig = Buffer.from(lines[4]?.split(' ')[2] ?? '', 'base64');
    expect(sig).toHaveLength(68);
    expect(sig.subarray(0, 4).equals(keyId(KEY_NAME, PUB))).toBe(true);
    expect(verifyCheckpoint(note, PUB, KEY_NAME)).toEqual(cp);
  });

  it('accepts a public KeyObject wherever the raw key is derived', () => {
    expect(rawPublicKey(privateKey).equals(rawPublicKey(publicKey))).toBe(true);
    // The SPKI DER of an Ed25519 key ends with the raw 32 bytes.
    expect(rawPublicKey(publicKey).equals(publicKey.export({ format: 'der', type: 'spki' }).subarray(-32))).toBe(true);
  });

  it('signs the empty tree and very large sizes', () => {
    const empty = signCheckpoint({ origin: ORIGIN, size: 0, root: EMPTY_ROOT }, privateKey, KEY_NAME);
    expect(verifyCheckpoint(empty, PUB, KEY_NAME)).toEqual({ origin: ORIGIN, size: 0, root: EMPTY_ROOT });
    const big = signCheckpoint({ origin: ORIGIN, size: Number.MAX_SAFE_INTEGER, root: ROOT }, privateKey, KEY_NAME);
    expect(verifyCheckpoint(big, PUB, KEY_NAME).size).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('rejects a modified size, root or origin', () => {
    expectInvalid(() => verifyCheckpoint(note.replace('\n1234\n', '\n1235\n'), PUB, KEY_NAME), 'bad_signature');
    const otherRoot = Buffer.from(ROOT);
    otherRoot[31] = (otherRoot[31] as number) ^ 1;
    expectInvalid(() => verifyCheckpoint(note.replace(ROOT.toString('base64'), otherRoot.toString('base64')), PUB, KEY_NAME), 'bad_signature');
    expectInvalid(() => verifyCheckpoint(note.replace(`${ORIGIN}\n1234`, `${ORIGIN}x\n1234`), PUB, KEY_NAME), 'bad_signature');
  });

  it('rejects a modified signature', () => {
    const line = note.split('\n')[4] as string;
    const blob = Buffer.from(line.split(' ')[2] as string, 'base64');
    for (const at of [4, 20, 67]) {
      const bad = Buffer.from(blob);
      bad[at] = (bad[at] as number) ^ 0x01;
      const tampered = note.replace(line, `${DASH} ${KEY_NAME} ${bad.toString('base64')}`);
      expectInvalid(() => verifyCheckpoint(tampered, PUB, KEY_NAME), 'bad_signature');
    }
    // Truncated signature from the right key: still the right key, so it must fail loudly.
    const short = note.replace(line, `${DASH} ${KEY_NAME} ${blob.subarray(0, 67).toString('base64')}`);
    expectInvalid(() => verifyCheckpoint(short, PUB, KEY_NAME), 'bad_signature');
    // A modified key ID makes the line someone else's: the note then has no signature of ours.
    const id = Buffer.from(blob);
    id[0] = (id[0] as number) ^ 0x01;
    expectInvalid(() => verifyCheckpoint(note.replace(line, `${DASH} ${KEY_NAME} ${id.toString('base64')}`), PUB, KEY_NAME), 'unknown_key');
  });

  it('rejects the wrong public key or key name', () => {
    const other = rawPublicKey(crypto.generateKeyPairSync('ed25519').publicKey);
    expectInvalid(() => verifyCheckpoint(note, other, KEY_NAME), 'unknown_key');
    expectInvalid(() => verifyCheckpoint(note, PUB, 'someone.else/log'), 'unknown_key');
    expectInvalid(() => verifyCheckpoint(note, PUB.subarray(0, 31), KEY_NAME), 'public_key');
    expectInvalid(() => verifyCheckpoint(note, PUB, 'bad name'), 'key_name');
  });

  it('rejects a forged signature whose key ID collides with ours', () => {
    // Same name and key ID, signature by another key: the spec says reject, not skip.
    const attacker = crypto.generateKeyPairSync('ed25519').privateKey;
    const body = formatCheckpointBody({ origin: ORIGIN, size: 9999, root: ROOT });
    const forgedSig = crypto.sign(null, Buffer.from(body), attacker);
    const forged = `${body}\n${DASH} ${KEY_NAME} ${Buffer.concat([keyId(KEY_NAME, PUB), forgedSig]).toString('base64')}\n`;
    expectInvalid(() => verifyCheckpoint(forged, PUB, KEY_NAME), 'bad_signature');
    // And a bad signature from our key is not excused by a good one next to it.
    const line = note.split('\n')[4] as string;
    const badLine = `${DASH} ${KEY_NAME} ${Buffer.concat([keyId(KEY_NAME, PUB), forgedSig]).toString('base64')}`;
    expectInvalid(() => verifyCheckpoint(`${note}${badLine}\n`, PUB, KEY_NAME), 'bad_signature');
    expect(verifyCheckpoint(`${note}${line}\n`, PUB, KEY_NAME).size).toBe(1234);
  });

  it('ignores signatures from other keys, such as witnesses', () => {
    const witness = crypto.generateKeyPairSync('ed25519').privateKey;
    const cosigned = signNote(formatCheckpointBody(cp), witness, 'witness.example/w1').split('\n\n')[1] as string;
    expect(verifyCheckpoint(`${note}${cosigned}`, PUB, KEY_NAME)).toEqual(cp);
    const before = `${note.split('\n\n')[0]}\n\n${cosigned}${note.split('\n\n')[1]}`;
    expect(verifyCheckpoint(before, PUB, KEY_NAME)).toEqual(cp);
  });

  it.each([
    ['missing signature line', () => note.split('\n\n')[0] + '\n\n', 'no_signatures'],
    ['missing blank line', () => note.replace('\n\n', '\n'), 'no_signatures'],
    ['no final newline', () => note.slice(0, -1), 'format'],
    ['CRLF line endings', () => note.replace(/\n/g, '\r\n'), 'characters'],
    ['ASCII hyphen instead of em dash', () => note.replace(DASH, '-'), 'signature_line'],
    ['two dashes', () => note.replace(DASH, '--'), 'signature_line'],
    ['missing key name', () => note.replace(`${DASH} ${KEY_NAME} `, `${DASH} `), 'signature_line'],
    ['space-padded base64', () => note.replace(/\n$/, ' \n'), 'signature_line'],
    ['trailing text after signatures', () => `${note}trailing\n`, 'signature_line'],
    ['blank line between signatures', () => `${note}\n${DASH} other AAAAAAB0ZXN0\n`, 'unknown_key'],
    ['signature too short to hold a key ID', () => `${note}${DASH} other AAAA\n`, 'signature_line'],
    ['lone surrogate', () => note.replace(ORIGIN, `${ORIGIN}\ud800`), 'characters'],
    ['empty string', () => '', 'format'],
  ])('rejects malformed text: %s', (_label, make, reason) => {
    expectInvalid(() => verifyCheckpoint(make(), PUB, KEY_NAME), reason);
  });

  it('rejects oversized notes and too many signatures', () => {
    expectInvalid(() => verifyCheckpoint(note + 'x'.repeat(1 << 20), PUB, KEY_NAME), 'too_large');
    const many = Array.from({ length: 101 }, (_, i) => `${DASH} w${i} AAAAAAB0ZXN0\n`).join('');
    expectInvalid(() => verifyCheckpoint(note + many, PUB, KEY_NAME), 'too_many_signatures');
    const sixteen = Array.from({ length: 16 }, (_, i) => `${DASH} w${i} AAAAAAB0ZXN0\n`).join('');
    expect(verifyCheckpoint(note + sixteen, PUB, KEY_NAME)).toEqual(cp);
  });

  it('verifies the signature before trusting the body, and then checks the body strictly', () => {
    const signed = (body: string) => signNote(body, privateKey, KEY_NAME);
    const root64 = ROOT.toString('base64');
    expectInvalid(() => verifyCheckpoint(signed(`${ORIGIN}\n01234\n${root64}\n`), PUB, KEY_NAME), 'size');
    expectInvalid(() => verifyCheckpoint(signed(`${ORIGIN}\n+1234\n${root64}\n`), PUB, KEY_NAME), 'size');
    expectInvalid(() => verifyCheckpoint(signed(`${ORIGIN}\n9007199254740992\n${root64}\n`), PUB, KEY_NAME), 'size');
    expectInvalid(() => verifyCheckpoint(signed(`${ORIGIN}\n1234\n${ROOT.subarray(1).toString('base64')}\n`), PUB, KEY_NAME), 'root');
    expectInvalid(() => verifyCheckpoint(signed(`${ORIGIN}\n1234\n${ROOT.toString('base64url')}\n`), PUB, KEY_NAME), 'root');
    expectInvalid(() => verifyCheckpoint(signed(`${ORIGIN}\n1234\n${root64}\nextension\n`), PUB, KEY_NAME), 'extension_lines');
    expectInvalid(() => verifyCheckpoint(signed(`${ORIGIN}\n1234\n`), PUB, KEY_NAME), 'body');
    expectInvalid(() => verifyCheckpoint(signed(`\n1234\n${root64}\n`), PUB, KEY_NAME), 'origin');
  });

  it('refuses to sign with something that is not an Ed25519 private key, or under a bad name', () => {
    const ec = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    expectInvalid(() => signCheckpoint(cp, ec, KEY_NAME), 'not_ed25519_private', 'ledger.key_invalid');
    expectInvalid(() => signCheckpoint(cp, publicKey, KEY_NAME), 'not_ed25519_private', 'ledger.key_invalid');
    expectInvalid(() => signCheckpoint(cp, privateKey, 'has space'), 'key_name', 'ledger.key_invalid');
    expectInvalid(() => signCheckpoint(cp, privateKey, 'has+plus'), 'key_name', 'ledger.key_invalid');
    expectInvalid(() => signNote('no newline', privateKey, KEY_NAME), 'text');
    expectInvalid(() => signNote('blank\n\nline\n', privateKey, KEY_NAME), 'text');
  });
});
