import { z } from 'zod';
import { command, roles } from './command.ts';

export const vaultHandlers = {
  'vault.verify': command({
    input: z.object({}).strict(),
    access: roles('admin', 'auditor', 'custodian'),
    mutates: true,
    run: async ({ station, actor, emit }) => {
      station.requireUnlocked();
      const result = await station.vault.verifyAll((p) => emit('vault.verify.progress', p));
      // A fixity check is itself part of the chain of custody: record that it ran and what it found.
      station.write(() =>
        station.ledger.append({
          actor: actor.username,
          action: result.ok ? 'vault.verified' : 'vault.verify_failed',
          subject: 'vault',
          details: { checked: result.checked, bytes: result.bytes, failures: result.failures },
        }),
      );
      return result;
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
