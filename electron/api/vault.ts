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
};
