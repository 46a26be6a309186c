// Optical drives and their loaded medium through xorriso (-devices, -toc, -tell_media_space). Not
// exercised against a real drive here (there is none); the parsing runs on recorded output and on
// xorriso's own answers for a stdio: pseudo-drive.
import { StationError } from '../../electron/core/errors.ts';
import type { OpticalDrive, OpticalDrives } from '../../electron/core/discs/ports.ts';
import { devicesArgs, ejectArgs, mediumArgs } from './xorrisoArgs.ts';
import { lastProblem, parseDevices, parseMedium } from './xorrisoParse.ts';
import { runXorriso } from './xorrisoProcess.ts';

export class XorrisoDrives implements OpticalDrives {
  readonly id = 'xorriso';
  readonly exercised = false;
  private readonly binary: string;

  constructor(options: { binary: string }) {
    this.binary = options.binary;
  }

  async list(): Promise<OpticalDrive[]> {
    // "No drives found" is a SORRY with a non-zero exit: an empty list, not an error.
    const result = await runXorriso(this.binary, devicesArgs());
    const found = parseDevices(result.lines);
    const out: OpticalDrive[] = [];
    for (const d of found) {
      const inspected = await this.inspect(d.device).catch(() => null);
      out.push({ device: d.device, vendor: d.vendor, model: d.model, medium: inspected?.medium ?? null });
    }
    return out;
  }

  async inspect(device: string): Promise<OpticalDrive> {
    const result = await runXorriso(this.binary, mediumArgs(device));
    const m = parseMedium(result.lines);
    if (m.vendor === null && m.kind === null && m.state === 'unknown') {
      throw new StationError('io', 'disc.drive_unavailable', { device, detail: lastProblem(result.lines) ?? `exit ${result.code}` });
    }
    const { vendor, model, ...medium } = m;
    return { device, vendor, model, medium: medium.state === 'none' ? { ...medium, capacityBytes: null, freeBytes: null } : medium };
  }

  async eject(device: string): Promise<void> {
    await runXorriso(this.binary, ejectArgs(device));
  }
}
