// Runtime (not a command): the platform's disc writers come from the front end, since api may not
// import native; burn progress reaches every signed-in client as 'burn.*' events.
import type { Station } from '../../core/station.ts';
import type { DiscPorts } from '../../core/discs/ports.ts';
import type { ApiServer } from '../server.ts';

const wired = new WeakMap<Station, () => void>();

export function wireBurnEvents(station: Station, broadcast: (event: string, payload: unknown) => void): void {
  if (wired.has(station)) return;
  wired.set(
    station,
    station.discs.on((e) => broadcast(e.type, e.payload)),
  );
}

/** Runtime (not a command): main, the CLI and the e2e bridge hand in createDiscPorts() from native. */
export function provideDiscPorts(server: ApiServer, ports: DiscPorts): void {
  server.station.discs.setPorts(ports);
  wireBurnEvents(server.station, (event, payload) => server.broadcast(event, payload));
}
