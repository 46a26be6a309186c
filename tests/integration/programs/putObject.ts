// Child process for the cross-process sweep tests: unlocks the station (without owning station.lock when
// another process holds it) and puts one object of SIZE_MIB MiB. Prints "writing" once bytes flow, then
// "DONE <objectId>" or "FAIL <code>".
import { Station } from '../../../electron/core/station.ts';
import { isStationError } from '../../../electron/core/errors.ts';

const [dataDir, passphrase, sizeMiB] = process.argv.slice(2) as [string, string, string];
const station = Station.open({ dataDir });
await station.unlock(passphrase);

async function* source() {
  for (let i = 0; i < Number(sizeMiB); i++) {
    const block = Buffer.alloc(1 << 20, i & 0xff);
    yield block;
    if (i === 0) process.stdout.write('writing\n');
  }
}

try {
  const o = await station.vault.put(source(), { ledgerEntry: (o) => ({ actor: 'admin', action: 'test.put', subject: `object:${o.id}` }) });
  process.stdout.write(`DONE ${o.id}\n`);
} catch (e) {
  process.stdout.write(`FAIL ${isStationError(e) ? e.code : String(e)}\n`);
} finally {
  station.close();
}
