import { readFileSync } from 'node:fs';
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
    words: ['witness', 'proof'],
    synopsis: 'RECORDING --out FILE',
    positionals: ['RECORDING'],
    options: { out: { type: 'string' } },
    login: true,
    unlock: 'never',
    async run({ client, t, positionals, args, print, writeFile }) {
      const r = await client.invoke('witness.proof', { recording: positionals[0] ?? '' });
      const out = str(args.out);
      if (out) writeFile(out, r.proof);
      print(out ? t('witness_cli.proof_written', { file: out, seq: r.seq, size: r.size }) : r.proof.trimEnd(), r);
    },
  },
  {
    words: ['proof', 'verify'],
    synopsis: 'FILE --policy POLICY',
    positionals: ['FILE'],
    options: { policy: { type: 'string' } },
    login: false,
    unlock: 'never',
    async run({ client, t, positionals, args, print }) {
      const read = (path: string) => readFileSync(path, 'utf8');
      const v = await client.invoke('witness.verifyProof', { proof: read(positionals[0] ?? ''), policy: read(str(args.policy) ?? '') });
      const what = v.entry ? `${String(v.entry.action)} ${String(v.entry.subject)} (${String(v.entry.time)})` : '';
      print(
        [t('witness_cli.proof_ok', { origin: v.origin, index: v.index, size: v.size, what }), v.cosigners.length ? t('witness_cli.proof_cosigners', { names: v.cosigners.join(', ') }) : t('witness_cli.proof_no_cosigners'), t(v.quorumMet ? 'witness_cli.quorum_met' : 'witness_cli.quorum_not_met')].join('\n'),
        v,
      );
      return v.quorumMet ? 0 : 1;
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
