// The platform's disc writers and drive listing behind core's ports (electron/core/discs/ports.ts).
// Main and the CLI call createDiscPorts() and hand the result to the station through the api
// (provideDiscPorts); nothing here imports api, main, cli or renderer.
import type { DiscPorts, DiscWriter, OpticalDrives } from '../../electron/core/discs/ports.ts';
import { XorrisoWriter } from './xorrisoWriter.ts';
import { XorrisoDrives } from './xorrisoDrives.ts';
import { RemovableWriter } from './removable.ts';
import { Imapi2Drives, Imapi2Writer } from './win32Imapi2.ts';
import { DarwinDrives, DarwinWriter } from './darwinDrutil.ts';
import { findExecutable } from './xorrisoProcess.ts';

export type DiscPortsOptions = {
  platform?: NodeJS.Platform;
  /** Path of xorriso; found on PATH when not given. */
  xorriso?: string | null;
};

/**
 * Linux: xorriso for images and drives, the removable writer for folders. Windows and macOS:
 * their OS burners for drives (not exercised), xorriso for images where it is installed, the
 * removable writer for folders.
 */
export function createDiscPorts(options: DiscPortsOptions = {}): DiscPorts {
  const platform = options.platform ?? process.platform;
  const xorriso = options.xorriso === undefined ? findExecutable(platform === 'win32' ? 'xorriso.exe' : 'xorriso') : options.xorriso;
  const writers: DiscWriter[] = [];
  let drives: OpticalDrives | null = null;
  switch (platform) {
    case 'win32':
      writers.push(new Imapi2Writer());
      drives = new Imapi2Drives();
      break;
    case 'darwin':
      writers.push(new DarwinWriter());
      drives = new DarwinDrives();
      break;
    default:
      if (xorriso) drives = new XorrisoDrives({ binary: xorriso });
  }
  if (xorriso) writers.push(new XorrisoWriter({ binary: xorriso, drives: platform === 'linux' }));
  writers.push(new RemovableWriter());
  return { writers, drives };
}

export { XorrisoWriter, XorrisoMediumReader } from './xorrisoWriter.ts';
export { XorrisoDrives } from './xorrisoDrives.ts';
export { RemovableWriter } from './removable.ts';
