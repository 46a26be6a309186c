// The head record's write off the UI thread (head.ts writeHeadAsync, issue 16 target 7): the same guarantees as the
// synchronous write — whole, never moved backwards, never over evidence — and the ledger's use of it (lock always
// leaves the newest head on disk).
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LedgerClock, ManualClock } from '../clock.ts';
import { openDatabase } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { rawPublicKey } from './checkpoint.ts';
import { HEAD_FILE, headMacKey, newHeadRecord, readHead, writeHead, writeHeadAsync, type HeadRecord } from './head.ts';
import { Ledger } from './ledger.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'head-write-'));
  dirs.push(d);
  return d;
}

const record = (size: number): HeadRecord =>
  newHeadRecord({
    publicKey: 'pk',
    size,
    root: size.toString(16).padStart(64, '0'),
    frontier: [],
    checkpoint: null,
    seen: null,
    lastTime: '2026-03-02T08:00:00.000Z',
    writtenAt: '2026-03-02T08:00:00.000Z',
  });

const onDisk = (dir: string, key: Buffer) => {
  const r = readHead(dir, key);
  return r.state === 'ok' ? r.record.size : r.state;
};

const always = { mayRename: () => true };

describe('writeHeadAsync', () => {
  it('writes the record whole and authenticated, and leaves no temp file', async () => {
    const dir = tempDir();
    const key = randomBytes(32);
    writeHead(dir, record(1), key);
    await expect(writeHeadAsync(dir, record(4), key, always)).resolves.toBe('written');
    expect(readHead(dir, key)).toMatchObject({ state: 'ok', authenticated: true, record: { size: 4 } });
    expect(readdirSync(dir)).toEqual([HEAD_FILE]);
  });

  it('never lands over a write that started after it (the synchronous one at lock)', async () => {
    const dir = tempDir();
    const key = randomBytes(32);
    writeHead(dir, record(1), key);
    const late = writeHeadAsync(dir, record(5), key, always);
    writeHead(dir, record(7), key);
    await expect(late).resolves.toBe('superseded');
    expect(onDisk(dir, key)).toBe(7);
    // Nor over a later asynchronous one.
    const first = writeHeadAsync(dir, record(8), key, always);
    const second = writeHeadAsync(dir, record(9), key, always);
    expect(await Promise.all([first, second])).toEqual(['superseded', 'written']);
    expect(onDisk(dir, key)).toBe(9);
    expect(readdirSync(dir)).toEqual([HEAD_FILE]);
  });

  it('does not move back a newer head another process wrote meanwhile', async () => {
    const dir = tempDir();
    const other = tempDir();
    const key = randomBytes(32);
    writeHead(dir, record(3), key);
    writeHead(other, record(9), key);
    const pending = writeHeadAsync(dir, record(6), key, always);
    // Another process's rename: the file changes under this one, not through this module.
    writeFileSync(join(dir, HEAD_FILE), readFileSync(join(other, HEAD_FILE)));
    await expect(pending).resolves.toBe('superseded');
    expect(onDisk(dir, key)).toBe(9);
  });

  it('leaves evidence alone: a head that turned invalid or vanished, or a caller that no longer wants it (alarm, lock)', async () => {
    const dir = tempDir();
    const key = randomBytes(32);
    writeHead(dir, record(2), key);
    const tampered = readFileSync(join(dir, HEAD_FILE), 'utf8').replace('"size": 2', '"size": 3');
    const pending = writeHeadAsync(dir, record(4), key, always);
    writeFileSync(join(dir, HEAD_FILE), tampered);
    await expect(pending).resolves.toBe('refused');
    expect(readFileSync(join(dir, HEAD_FILE), 'utf8')).toBe(tampered);

    writeHead(dir, record(2), key);
    const gone = writeHeadAsync(dir, record(4), key, always);
    rmSync(join(dir, HEAD_FILE));
    await expect(gone).resolves.toBe('refused');
    expect(readdirSync(dir)).toEqual([]);

    writeHead(dir, record(2), key);
    await expect(writeHeadAsync(dir, record(4), key, { mayRename: () => false })).resolves.toBe('refused');
    expect(onDisk(dir, key)).toBe(2);
    expect(readdirSync(dir)).toEqual([HEAD_FILE]);
  });

  it('rejects on an I/O error with nothing left behind', async () => {
    const dir = tempDir();
    const key = randomBytes(32);
    await expect(writeHeadAsync(join(dir, 'no-such-folder'), record(1), key, always)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(readdirSync(dir)).toEqual([]);
  });
});

/** A ledger on a fresh database whose head record lives in a temp dir, signing and unlocked (its first head written). */
function unlockedLedger() {
  const dir = tempDir();
  const db = openDatabase(join(dir, 'station.db'), { create: true });
  migrate(db);
  const clock = new LedgerClock(new ManualClock('2026-03-02T08:00:00Z'));
  const { privateKey } = generateKeyPairSync('ed25519');
  const masterKey = randomBytes(32);
  const macKey = headMacKey(masterKey);
  const ledger = new Ledger(db, clock, { headDir: dir, checkpointEvery: 1000 });
  ledger.setSigner({ key: privateKey, keyName: 'k', origin: 'o' });
  const write = <T>(fn: () => T): T => {
    const r = db.transaction(fn).immediate();
    ledger.afterCommit();
    return r;
  };
  expect(ledger.guardOnUnlock(masterKey, rawPublicKey(privateKey), write)).toBeNull();
  return { dir, db, macKey, ledger, write };
}

describe('the ledger writes its debounced head in the background', () => {
  const until = async (what: () => boolean) => {
    for (let i = 0; i < 500 && !what(); i++) await new Promise((r) => setTimeout(r, 10));
    return what();
  };

  it('catches the head up after a burst, and a lock while a write is in flight leaves the newest head', async () => {
    const { dir, db, macKey, ledger, write } = unlockedLedger();
    // The first head record is written before anything returns.
    expect(onDisk(dir, macKey)).toBe(ledger.size);
    const first = ledger.size;

    // A burst within the debounce: nothing is written on the committing thread...
    for (let i = 0; i < 5; i++) write(() => ledger.append({ actor: 'a', action: 'x', subject: 's' }));
    expect(onDisk(dir, macKey)).toBe(first);
    // ...and the debounce timer's write lands in the background.
    expect(await until(() => onDisk(dir, macKey) === ledger.size)).toBe(true);

    // The timer's write in flight, then a lock: the lock's synchronous write is the newest, and stays.
    write(() => ledger.append({ actor: 'a', action: 'x', subject: 's' }));
    ledger.afterCommit(true, false);
    write(() => ledger.append({ actor: 'a', action: 'x', subject: 's' }));
    const final = ledger.size;
    ledger.setSigner(null);
    expect(onDisk(dir, macKey)).toBe(final);
    expect(await until(() => readdirSync(dir).every((n) => !n.includes('.tmp')))).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    expect(onDisk(dir, macKey)).toBe(final);
    expect(ledger.alarm).toBeNull();
    db.close();
  });

  it('a signed checkpoint reaches the head at once (not after the debounce), in the background', async () => {
    // The debounce timer cannot fire: whatever lands, landed through the immediate path.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { dir, db, macKey, ledger, write } = unlockedLedger();
      // Within the debounce window of the head's first write: a plain entry waits for the timer...
      write(() => ledger.append({ actor: 'a', action: 'x', subject: 's' }));
      // ...a signed checkpoint does not.
      const cp = write(() => ledger.checkpoint());
      const signed = () => {
        const r = readHead(dir, macKey);
        return r.state === 'ok' && r.record.checkpoint?.size === cp.size;
      };
      expect(signed()).toBe(false);
      for (let i = 0; i < 2000 && !signed(); i++) await new Promise((r) => setImmediate(r));
      expect(signed()).toBe(true);
      expect(onDisk(dir, macKey)).toBe(ledger.size);
      ledger.setSigner(null);
      db.close();
    } finally {
      vi.useRealTimers();
    }
  });
});
