// OpenSSL's EVP AES-256-GCM for the sealing and verifying threads, into memory the thread owns (issue 16, targets 1
// and 4). Node's cipher.update() and decipher.update() return a fresh buffer for every call: allocated, zero-filled,
// faulted in and freed again for every MiB sealed or verified, which cost the sealing thread more CPU than the
// encryption itself (measured: write CPU per GiB 2.0 s with createCipheriv, 1.2–1.3 s with this, same run). Node has
// no encrypt-into-buffer call, so the threads reach OpenSSL through koffi (already a dependency, native/unlock).
//
// Which OpenSSL: where Node links OpenSSL (Node itself, the CLI, tests), Node's own symbols (dlopen(NULL): the
// library Node exports for addons), not a second copy. Where it does not (Electron, which has BoringSSL and exports
// none of it), on Linux the system's libcrypto.so.3, loaded with RTLD_DEEPBIND so that its references bind to itself
// and never to symbols of the same name elsewhere in the process (tested in Node, where Node's OpenSSL is such a
// neighbour: `cipher: 'system'`). Used only where koffi loads, every symbol resolves, and a known-answer check against
// createCipheriv and createDecipheriv passes in the thread itself; otherwise the caller falls back to Node's ciphers.
// Both paths are tested to produce and accept the same bytes.
//
// This is source text put into each worker's own source (the workers are given as text, see objectSealer.ts).
import { createRequire } from 'node:module';

/** Where koffi is, resolved from here (the worker's eval'd code has no module path of its own), or null. */
export const KOFFI_PATH = ((): string | null => {
  try {
    return createRequire(import.meta.url).resolve('koffi');
  } catch {
    return null;
  }
})();

/** Which cipher a worker uses: 'auto' as above, 'node' Node's ciphers, 'system' the system libcrypto (tests). */
export type CipherChoice = 'auto' | 'node' | 'system';

/**
 * Defines in the worker: `loadEvp(choice)` → the binding or null (decided once per thread and library),
 * `evpContext(E, key, decrypt)` → a context with the key schedule set (free it with `E.ctxFree`), and the two ctrl
 * codes. Needs TAG_LENGTH, NONCE_LENGTH, NONCE_PREFIX_LENGTH and HEADER_LENGTH defined before it.
 */
export const EVP_SOURCE = `
const KOFFI = ${JSON.stringify(KOFFI_PATH)};
const EVP_CTRL_GCM_GET_TAG = 0x10;
const EVP_CTRL_GCM_SET_TAG = 0x11;
const evpLoaded = new Map();

function loadEvp(choice) {
  if (choice === 'node' || KOFFI === null) return null;
  const own = choice !== 'system' && !process.versions.electron && Boolean(process.versions.openssl);
  if (!own && process.platform !== 'linux') return null;
  const which = own ? 'own' : 'system';
  if (evpLoaded.has(which)) return evpLoaded.get(which);
  evpLoaded.set(which, null);
  try {
    const koffi = require(KOFFI);
    const lib = own ? koffi.load(null) : koffi.load('libcrypto.so.3', { deep: true });
    const E = {
      ctxNew: lib.func('void *EVP_CIPHER_CTX_new()'),
      ctxFree: lib.func('void EVP_CIPHER_CTX_free(void *ctx)'),
      cipher: lib.func('const void *EVP_aes_256_gcm()'),
      encInit: lib.func('int EVP_EncryptInit_ex(void *ctx, const void *cipher, void *engine, const void *key, const void *iv)'),
      encUpdate: lib.func('int EVP_EncryptUpdate(void *ctx, void *out, void *outl, const void *in, int inl)'),
      encFinal: lib.func('int EVP_EncryptFinal_ex(void *ctx, void *out, void *outl)'),
      decInit: lib.func('int EVP_DecryptInit_ex(void *ctx, const void *cipher, void *engine, const void *key, const void *iv)'),
      decUpdate: lib.func('int EVP_DecryptUpdate(void *ctx, void *out, void *outl, const void *in, int inl)'),
      decFinal: lib.func('int EVP_DecryptFinal_ex(void *ctx, void *out, void *outl)'),
      ctrl: lib.func('int EVP_CIPHER_CTX_ctrl(void *ctx, int type, int arg, void *ptr)'),
      outl: new Int32Array(1),
      scratch: Buffer.alloc(64),
      tag: Buffer.alloc(TAG_LENGTH),
      check(ok) { if (ok !== 1) throw new Error('OpenSSL EVP call failed'); },
    };
    if (evpSelfTest(E)) evpLoaded.set(which, E);
  } catch {
    // no koffi binary for this platform, no such library or symbol: Node's ciphers
  }
  return evpLoaded.get(which);
}

function evpContext(E, key, decrypt) {
  const ctx = E.ctxNew();
  if (!ctx) throw new Error('EVP_CIPHER_CTX_new failed');
  if ((decrypt ? E.decInit : E.encInit)(ctx, E.cipher(), null, key, null) !== 1) {
    E.ctxFree(ctx);
    throw new Error('EVP init failed');
  }
  return ctx;
}

// Odd sizes, views at offsets, updates split, two chunks on one context, decryption in place, and a tampered chunk
// refused: what the threads rely on, checked against Node's own ciphers before any object is touched.
function evpSelfTest(E) {
  const { randomBytes, createCipheriv } = require('node:crypto');
  const key = randomBytes(32);
  const aad = randomBytes(HEADER_LENGTH);
  const enc = evpContext(E, key, false);
  const dec = evpContext(E, key, true);
  try {
    for (const [size, index] of [[0, 0], [1, 1], [100003, 7]]) {
      const plain = randomBytes(size + 5).subarray(5);
      const nonce = Buffer.alloc(NONCE_LENGTH, 9);
      nonce.writeUInt32BE(index, NONCE_PREFIX_LENGTH);
      const node = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_LENGTH }).setAAD(aad);
      const want = Buffer.concat([node.update(plain), node.final(), node.getAuthTag()]);
      const out = Buffer.alloc(size + TAG_LENGTH + 3);
      if (E.encInit(enc, null, null, null, nonce) !== 1 || E.encUpdate(enc, null, E.outl, aad, HEADER_LENGTH) !== 1) return false;
      const third = Math.floor(size / 3);
      for (const [at, part] of [[0, third], [third, size - third]]) {
        if (E.encUpdate(enc, out.subarray(3 + at), E.outl, plain.subarray(at), part) !== 1 || E.outl[0] !== part) return false;
      }
      if (E.encFinal(enc, E.scratch, E.outl) !== 1 || E.outl[0] !== 0) return false;
      if (E.ctrl(enc, EVP_CTRL_GCM_GET_TAG, TAG_LENGTH, out.subarray(3 + size)) !== 1) return false;
      if (!out.subarray(3).equals(want)) return false;
      for (const tamper of [false, true]) {
        const sealed = Buffer.from(want);
        if (tamper) sealed[sealed.length - 1] ^= 1;
        if (E.decInit(dec, null, null, null, nonce) !== 1 || E.decUpdate(dec, null, E.outl, aad, HEADER_LENGTH) !== 1) return false;
        if (E.decUpdate(dec, sealed, E.outl, sealed, size) !== 1 || E.outl[0] !== size) return false;
        if (E.ctrl(dec, EVP_CTRL_GCM_SET_TAG, TAG_LENGTH, sealed.subarray(size)) !== 1) return false;
        const ok = E.decFinal(dec, E.scratch, E.outl) === 1;
        if (ok === tamper || (!tamper && !sealed.subarray(0, size).equals(plain))) return false;
      }
    }
    return true;
  } finally {
    E.ctxFree(enc);
    E.ctxFree(dec);
  }
}
`;

/**
 * Worker source text shared by the sealing and verifying threads: memory for direct I/O. A WebAssembly.Memory is the
 * one memory Node gives page-aligned, as O_DIRECT needs (nothing else in Node can promise an aligned address). V8 may
 * refuse one (it reserves address space for each): ordinary memory then, marked not aligned, and no direct I/O.
 */
export const ALIGNED_MEMORY_SOURCE = `
function pageAlignedMemory(bytes) {
  try {
    return { buffer: new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536) }).buffer, aligned: true };
  } catch {
    return { buffer: new ArrayBuffer(bytes), aligned: false };
  }
}
`;
