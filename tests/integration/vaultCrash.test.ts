import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { createTestStation, PASSPHRASE, type TestStation } from '../support/testStation.ts';

let t: TestStation;
afterEach(() => t?.cleanup());

const program = fileURLToPath(new URL('./programs/slowPut.ts', import.meta.url));

const listFiles = (dir: string) => (existsSync(dir) ? (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.includes('.')) : []);

describe('crash during a vault put', () => {
  it('kill -9 mid-write: on restart no half object is visible, temp files are swept, no ledger entry claims it', async () => {
    t = await createTestStation();
    const ledgerSize = t.station.ledger.size;
    t.station.close();
    const child = spawn(process.execPath, [program, t.dir, PASSPHRASE], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('writing') && resolve());
      child.on('exit', (code) => reject(new Error(`child exited early with ${code}`)));
    });
    onTestFinished(() => {
      child.kill('SIGKILL');
    });
    // the temp file and the lease that announces its live writer (electron/core/vault/README.md)
    expect(listFiles(`${t.dir}/vault/tmp`).filter((f) => f.endsWith('.partial')).length).toBe(1);
    expect(listFiles(`${t.dir}/vault/tmp`).filter((f) => f.endsWith('.lease')).length).toBe(1);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));

    await t.reopen();
    expect(listFiles(`${t.dir}/vault/tmp`)).toEqual([]);
    expect(listFiles(`${t.dir}/vault/objects`)).toEqual([]);
    expect(t.station.db.prepare('SELECT COUNT(*) AS n FROM vault_objects').get()).toEqual({ n: 0 });
    const actions = t.station.db.prepare('SELECT action FROM ledger WHERE seq > ?').all(ledgerSize) as { action: string }[];
    expect(actions.map((a) => a.action)).not.toContain('test.put');
    expect((await t.admin.invoke('ledger.verify', {})).ok).toBe(true);
  });
});
