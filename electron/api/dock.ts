// The dock (running in the desktop app or `station watch`): who is on duty, accepting and retrying docked
// recorders, unlocking encrypted ones. The custodian docks (README.md, Architecture: Roles).
import { z } from 'zod';
import { StationError } from '../core/errors.ts';
import { ability, command, roles } from './command.ts';
import type { StationRuntime } from './runtime/runtime.ts';

const readers = ability('read');
const custodian = roles('custodian');
const badge = z.string().trim().min(1).max(32);
const serial = z.string().trim().min(1).max(64);
const text = (max: number) => z.string().trim().max(max);
const usbDevice = z
  .object({
    vendorId: z.number().int().min(0).max(0xffff),
    productId: z.number().int().min(0).max(0xffff),
    serialNumber: z.string().max(256).nullable(),
    manufacturer: z.string().max(256).nullable().default(null),
    product: z.string().max(256).nullable().default(null),
    portPath: z.string().max(512).nullable(),
  })
  .strict();
function requireDock(runtime: StationRuntime) {
  const dock = runtime.dock;
  if (!dock) throw new StationError('state', 'dock.not_running', {});
  return dock;
}

export const dockHandlers = {
  'dock.status': command({
    input: z.object({}).strict(),
    access: readers,
    mutates: false,
    run: ({ runtime }) => {
      const dock = runtime.dock;
      return dock ? { running: true, ...dock.status() } : { running: false, duty: null, volumes: [], activeSessions: 0 };
    },
  }),
  'dock.onDuty': command({
    input: z.object({}).strict(),
    access: custodian,
    mutates: true,
    run: ({ station, runtime, actor }) => {
      station.requireUnlocked();
      const dock = requireDock(runtime);
      dock.setDuty(actor.username);
      return dock.status();
    },
  }),
  'dock.offDuty': command({
    input: z.object({}).strict(),
    access: custodian,
    mutates: true,
    run: ({ station, runtime, actor }) => {
      const dock = runtime.dock;
      const duty = station.duty.current();
      if (duty && duty.username.toLowerCase() !== actor.username.toLowerCase()) {
        throw new StationError('state', 'dock.not_on_duty', { username: actor.username, duty: duty.username });
      }
      if (dock) {
        dock.setDuty(null);
        return dock.status();
      }
      // The dock runs in another process (a `station watch`): the record is what says who is on duty.
      station.duty.release(actor.username, 'off_duty');
      return { duty: null, volumes: [], activeSessions: 0 };
    },
  }),
  'dock.duty': command({
    input: z.object({}).strict(),
    access: readers,
    mutates: false,
    run: ({ station }) => station.duty.current(),
  }),
  /** The custodian on duty hands over to another custodian (ledgered: from whom to whom). */
  'dock.handOver': command({
    input: z.object({ to: z.string().trim().min(1).max(64) }).strict(),
    access: custodian,
    mutates: true,
    run: ({ station, runtime, actor }, { to }) => {
      station.requireUnlocked();
      const register = station.duty;
      register.handOver(actor.username, to);
      const dock = runtime.dock;
      if (dock && dock.duty?.toLowerCase() === actor.username.toLowerCase()) dock.handedOver(register.current()!.username);
      return register.current();
    },
  }),
  'dock.accept': command({
    input: z
      .object({
        mountPoint: z.string().min(1).max(4096),
        serial: serial.optional(),
        vendor: text(100).optional(),
        model: text(100).optional(),
        officerBadge: badge.optional(),
        note: text(500).optional(),
      })
      .strict(),
    access: custodian,
    mutates: true,
    run: ({ station, runtime, actor }, input) => {
      station.requireUnlocked();
      return requireDock(runtime).accept(actor.username, input.mountPoint, input);
    },
  }),
  'dock.retry': command({
    input: z.object({ mountPoint: z.string().min(1).max(4096) }).strict(),
    access: custodian,
    mutates: true,
    run: ({ runtime, actor }, { mountPoint }) => requireDock(runtime).retry(actor.username, mountPoint),
  }),
  'dock.unlock': command({
    input: z.object({ device: usbDevice, password: z.string().min(1).max(256) }).strict(),
    access: custodian,
    mutates: true,
    run: ({ runtime, actor }, { device, password }) => requireDock(runtime).unlock(actor.username, device, password),
  }),
};
