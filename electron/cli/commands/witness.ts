import type { CliCommand } from './types.ts';
import { str } from './format.ts';
import { witnessLines } from './foundation.ts';

// `station witness …`: enrolment with the central witness and submission (core/witness/README.md).
export const witnessCommands: CliCommand[] = [
  {
    words: ['witness', 'enrol'],
    synopsis: '--url URL --witness-key VKEY [--trusted-network]',
    positionals: [],
    options: { url: { type: 'string' }, 'witness-key': { type: 'string' }, 'trusted-network': { type: 'boolean', default: false } },
    login: true,
    unlock: 'if-available',
    async run({ client, t, args, print }) {
      const cfg = await client.invoke('witness.enrol', { url: str(args.url) ?? '', witnessKey: str(args['witness-key']) ?? '', trustedNetwork: args['trusted-network'] === true });
      const s = await client.invoke('station.status', {});
      print(t('witness_cli.enrolled', { url: cfg.url, witnessKey: cfg.vkey, origin: s.verifierKey }), cfg);
    },
  },
  {
    words: ['witness', 'sync'],
    synopsis: '',
    positionals: [],
    options: {},
    login: true,
    unlock: 'if-available',
    async run({ client, t, print }) {
      const r = await client.invoke('witness.sync', {});
      const human =
        r.state === 'cosigned'
          ? t('witness_cli.cosigned', { size: r.size, mirrored: r.mirrored })
          : r.state === 'offline'
            ? t('witness_cli.offline', { detail: r.detail })
            : r.state === 'alarm'
              ? t('witness_cli.alarm', { kind: r.kind, witnessSize: r.witnessSize ?? '-' })
              : t(`witness_cli.${r.state}`);
      print(human, r);
      return r.state === 'alarm' || r.state === 'offline' ? 1 : 0;
    },
  },
  {
    words: ['witness', 'status'],
    synopsis: '',
    positionals: [],
    options: {},
    login: true,
    unlock: 'never',
    async run({ client, t, print }) {
      const w = await client.invoke('witness.status', {});
      print(w ? witnessLines(w, t).join('\n') : t('witness_cli.not_enrolled'), w);
    },
  },
];
