import { z } from 'zod';
import { command, roles } from './command.ts';

export const vaultHandlers = {
  'vault.verify': command({
    input: z.object({}).strict(),
    access: roles('admin', 'auditor', 'custodian'),
    mutates: true,
    run: async ({ station, actor, emit }) => {
      station.requireUnlocked();
      return station.vault.verifyRecorded(actor.username, (p) => emit('vault.verify.progress', p));
    },
  }),
  /**
   * Object files the crash sweep found without a catalogue row and set aside. They cannot be re-adopted:
   * their per-object key was only ever in the memory of the process that wrote them, so no one can decrypt
   * them. They are kept, listed and ledgered so that a missing row (a database put back to an older copy,
   * a writer that died before its commit) is seen, never silently destroyed.
   */
  'vault.quarantine': command({
    input: z.object({}).strict(),
    access: roles('admin', 'auditor'),
    mutates: false,
    run: ({ station }) => station.vault.quarantined(),
  }),
};
