// Runtime (not a command): the platform's disc writers come from the front end, since api may not
// import native; burn progress reaches every signed-in client as 'burn.*' events.
import type { DiscPorts } from '../../core/discs/ports.ts';
import type { ApiServer } from '../server.ts';

/** Main, the CLI and the e2e bridge hand in createDiscPorts() from native. */
export function provideDiscPorts(server: ApiServer, ports: DiscPorts): void {
  server.runtime.provideDiscPorts(ports);
}
