import type { CliCommand } from './types.ts';

/**
 * `station password`: the signed-in user sets their own password. An account an administrator
 * created or reset can do nothing else until this has run (the admin knows the password it has).
 */
export const accountCommands: CliCommand[] = [
  {
    words: ['password'],
    synopsis: '',
    positionals: [],
    options: {},
    login: true,
    unlock: 'never',
    async run({ client, t, print, secret, env }) {
      const oldPassword = await secret('STATION_PASSWORD', 'prompt.password');
      const newPassword = await secret('STATION_NEW_PASSWORD', 'account.prompt_new');
      // A prompt typed twice; from the environment it was written once, deliberately.
      if (!env.STATION_NEW_PASSWORD) {
        const again = await secret('STATION_NEW_PASSWORD_AGAIN', 'account.prompt_again');
        if (again !== newPassword) {
          print(t('account.mismatch'), { ok: false });
          return 2;
        }
      }
      const { user } = await client.invoke('auth.changePassword', { oldPassword, newPassword });
      print(t('account.changed', { username: user.username }), { ok: true, username: user.username });
    },
  },
];
