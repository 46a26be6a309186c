// Commands that run without a session: setup, unlock, login and the checks that need no station.
// The api's handler map is proven to mark exactly these `public` (tests/unit/shared.test.ts); front
// ends use the list to tell "this window lost its session" from "this sign-in was refused".

export const PUBLIC_COMMANDS = [
  'station.status',
  'station.init',
  'station.unlock',
  'auth.login',
  'rules.catalogue',
  'package.verify',
  'witness.verifyProof',
  'replica.restore',
] as const;
export type PublicCommand = (typeof PUBLIC_COMMANDS)[number];

export function isPublicCommand(channel: string): channel is PublicCommand {
  return (PUBLIC_COMMANDS as readonly string[]).includes(channel);
}

/** What a user whose password an administrator chose may still do: set their own, or leave. */
export const FIRST_LOGIN_COMMANDS = ['auth.changePassword', 'auth.logout', 'auth.whoami'] as const;
