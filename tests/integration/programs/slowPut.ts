// Child process for the crash test: puts a large object slowly so the parent can kill -9 it
// mid-write. It prints "writing" once bytes are flowing.
import { Station } from '../../../electron/core/station.ts';

const [dataDir, passphrase] = process.argv.slice(2) as [string, string];
const station = Station.open({ dataDir });
await station.unlock(passphrase);

async function* slowSource() {
  const block = Buffer.alloc(256 * 1024, 0x5a);
  for (let i = 0; ; i++) {
    yield block;
    if (i === 8) process.stdout.write('writing\n');
    await new Promise((r) => setTimeout(r, 5));
  }
}

await station.vault.put(slowSource(), {
  ledgerEntry: (o) => ({ actor: 'admin', action: 'test.put', subject: `object:${o.id}` }),
});
