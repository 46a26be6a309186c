// One station process ingesting several sources at once, as the desktop app does with recorders docked together
// (issue 16, target 3). Run by recorders.ts under /usr/bin/time, so its peak resident memory is the whole process's.
// Arguments: DATA_DIR PASSPHRASE ROOT… ; prints one JSON line.
import { Station } from '../../electron/core/station.ts';
import { volumeSpec } from './recorderSources.ts';

const [dataDir, passphrase, ...roots] = process.argv.slice(2);
if (!dataDir || !passphrase || roots.length === 0) throw new Error('usage: ingestProcess.ts DATA_DIR PASSPHRASE ROOT…');
const station = Station.open({ dataDir });
await station.unlock(passphrase);
const svc = station.ingest;
const baseRss = process.memoryUsage().rss;
const t0 = process.hrtime.bigint();
const results = await Promise.all(
  roots.map((root, i) => svc.ingest(volumeSpec(root, `bench-${i}`), 'keeper')),
);
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
const counts = results.map((r) => r.session.counts);
station.close();
process.stdout.write(`${JSON.stringify({ seconds, baseRss, counts, statuses: results.map((r) => r.session.status) })}\n`);
