// Burning at the command line: `station burn REQUEST --target iso:FILE|drive:DEV|dir:PATH`, the
// optical drives, and the printable label and note of a burned disc.
import { createInterface } from 'node:readline';
import type { i18n } from 'i18next';
import type { BurnJob, BurnProgress, BurnTarget, InsertMedium, MediaId, OpticalDrive } from '../../api/index.ts';
import { provideDiscPorts } from '../../api/runtime/discs.ts';
import { StationError } from '../../api/server.ts';
import { createDiscPorts } from '../../../native/discs/index.ts';
import type { CliCommand, CliContext } from './types.ts';
import { str, table } from './format.ts';

type T = i18n['t'];

const MEDIA = ['cd', 'dvd', 'dvd-dl', 'bd25', 'bd50', 'usb'];

export function parseTarget(spec: string | undefined): BurnTarget {
  const m = /^(iso|drive|dir):(.+)$/.exec(spec ?? '');
  if (!m) throw new StationError('input', 'cli.bad_target', { target: spec ?? '' });
  return m[1] === 'drive' ? { kind: 'drive', device: m[2]! } : { kind: m[1] as 'iso' | 'dir', path: m[2]! };
}

function gib(bytes: number | null): string {
  return bytes === null ? '—' : `${(bytes / 1e9).toFixed(2)} GB`;
}

function progressLine(t: T, p: BurnProgress): string {
  const pct = p.totalBytes ? Math.min(100, Math.floor((p.bytes / p.totalBytes) * 100)) : 100;
  return t(`burn.phase.${p.phase}`, { disc: p.disc, discs: p.discs, copy: p.copy, copies: p.copies, pct });
}

function mediaLines(t: T, job: BurnJob): string {
  return job.discs
    .flatMap((d) =>
      d.media.map((m) =>
        m.state === 'verified'
          ? t('burn.medium_ok', { disc: d.index, discs: job.discCount, copy: m.copy, copies: job.copies, location: m.location, mediaId: m.mediaId, files: m.verification?.sha256 && 'files' in m.verification.sha256 ? m.verification.sha256.files : 0 })
          : t('burn.medium_failed', {
              disc: d.index,
              discs: job.discCount,
              copy: m.copy,
              copies: job.copies,
              location: m.location,
              reason: m.error ? t(`errors:${m.error.code}`, { ...m.error.params, defaultValue: m.error.code }) : m.state,
            }),
      ),
    )
    .join('\n');
}

/** Waits for Enter on the terminal (the operator has put the next blank disc in). */
function waitForEnter(prompt: string): Promise<void> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    rl.question(prompt, () => {
      rl.close();
      resolve();
    });
  });
}

async function runBurn(ctx: CliContext): Promise<number> {
  const { client, args, t, print, json, positionals } = ctx;
  provideDiscPorts(ctx.server, createDiscPorts());
  const media = str(args.media);
  if (media !== undefined && !MEDIA.includes(media)) throw new StationError('input', 'cli.bad_media', { media });
  const copies = str(args.copies) === undefined ? 1 : Number(str(args.copies));
  let jobId: string | null = null;
  let shown = '';
  const off = client.on((event, payload) => {
    if (event === 'burn.progress' && !json && process.stderr.isTTY) {
      const line = progressLine(t, payload as BurnProgress);
      if (line !== shown) {
        shown = line;
        process.stderr.write(`\r${line}\u001b[K`);
      }
    } else if (event === 'burn.insert') {
      const p = payload as InsertMedium;
      if (p.jobId !== jobId) return;
      const msg = t(`burn.insert.${p.reason}`, { device: p.device, disc: p.disc, discs: p.discs, copy: p.copy, copies: p.copies });
      void waitForEnter(`\n${msg} `).then(() => client.invoke('burn.continue', { jobId: p.jobId }).catch(() => undefined));
    }
  });
  const retry = str(args.retry);
  // Exactly one of: a request to start burning, or a job to continue.
  if ((retry === undefined) === (positionals[0] === undefined)) throw new StationError('input', 'cli.burn_request_or_retry', {});
  if (retry !== undefined) {
    // A job this start's recovery has just finished (its last image was on disk but unrecorded when the
    // burn was killed) needs nothing more: say so, as a finished burn would, rather than refuse.
    const existing = await client.invoke('burn.job', { jobId: retry });
    if (existing.state === 'completed') {
      print(`${mediaLines(t, existing)}\n${t('burn.done', { job: existing.id, media: existing.verified })}`, existing);
      return 0;
    }
  }
  const label = str(args.label);
  if (!retry && label) {
    // Said before anything is burned: the typed label goes on the papers and into the disc's files as typed, the volume id cannot hold all of it.
    const plan = await client.invoke('burn.plan', { requestId: positionals[0] ?? '', target: parseTarget(str(args.target)), ...(media ? { media: media as MediaId } : {}), copies, volumeLabel: label });
    if (!plan.labelFitsVolumeId) process.stderr.write(`${t('papers.label_not_volume_id', { label, volumeIds: plan.discs.map((d) => d.volumeId).join(', ') })}\n`);
  }
  try {
    const started = retry
      ? // Continues that job: only the copies it still lacks, never more than its approval.
        await client.invoke('burn.retry', { jobId: retry, ...(str(args.target) ? { target: parseTarget(str(args.target)) } : {}) })
      : await client.invoke('burn.start', {
          requestId: positionals[0] ?? '',
          target: parseTarget(str(args.target)),
          ...(media ? { media: media as MediaId } : {}),
          copies,
          ...(str(args.label) ? { volumeLabel: str(args.label) } : {}),
          ...(str(args.place) ? { place: str(args.place) } : {}),
          ...(str(args.remarks) ? { remarks: str(args.remarks) } : {}),
        });
    jobId = started.id;
    if (!json) {
      const missing = started.discs.reduce((n, d) => n + started.copies - new Set(d.media.filter((m) => m.state === 'verified').map((m) => m.copy)).size, 0);
      process.stderr.write(
        `${retry ? t('burn.retrying', { job: started.id, missing, planned: started.discCount * started.copies }) : t('burn.started', { job: started.id, discs: started.discCount, copies: started.copies, media: started.media })}\n`,
      );
    }
    const job = await client.invoke('burn.wait', { jobId: started.id });
    if (shown) process.stderr.write('\n');
    if (job.state === 'completed') {
      print(`${mediaLines(t, job)}\n${t('burn.done', { job: job.id, media: job.verified })}`, job);
      return 0;
    }
    if (json) print('', job);
    else process.stdout.write(`${mediaLines(t, job)}\n`);
    // The job's error, translated and with its exit code, like any other failure.
    const e = job.error ?? { code: 'disc.interrupted', params: { jobId: job.id } };
    throw new StationError(e.code === 'disc.verify_failed' ? 'verify' : 'io', e.code, e.params);
  } finally {
    off();
  }
}

function driveRows(t: T, drives: OpticalDrive[]): string {
  const rows = [[t('drives.device'), t('drives.model'), t('drives.medium'), t('drives.state'), t('drives.capacity'), t('drives.free')]];
  for (const d of drives) {
    rows.push([d.device, [d.vendor, d.model].filter(Boolean).join(' ') || '—', d.medium?.kind ?? '—', t(`drives.medium_state.${d.medium?.state ?? 'none'}`), gib(d.medium?.capacityBytes ?? null), gib(d.medium?.freeBytes ?? null)]);
  }
  return table(rows);
}

export const discCommands: CliCommand[] = [
  {
    words: ['burn'],
    synopsis: 'REQUEST --target iso:FILE|drive:DEV|dir:PATH [--media cd|dvd|dvd-dl|bd25|bd50|usb] [--copies N] [--label TEXT] [--place TEXT] [--remarks TEXT] | --retry JOB [--target …]',
    positionals: ['[REQUEST]'],
    options: { target: { type: 'string' }, media: { type: 'string' }, copies: { type: 'string' }, label: { type: 'string' }, place: { type: 'string' }, remarks: { type: 'string' }, retry: { type: 'string' } },
    login: true,
    unlock: 'required',
    run: runBurn,
  },
  {
    words: ['drives'],
    synopsis: '',
    positionals: [],
    options: {},
    login: true,
    unlock: 'never',
    async run({ server, client, t, print }) {
      provideDiscPorts(server, createDiscPorts());
      const r = await client.invoke('drives.list', {});
      if (!r.available) print(t('drives.unavailable'), r);
      else print(r.drives.length ? `${driveRows(t, r.drives)}${r.exercised ? '' : `\n${t('drives.not_exercised')}`}` : t('drives.none'), r);
    },
  },
  {
    words: ['burn', 'label'],
    synopsis: 'JOB --disc N [--copy K] --out FILE.html',
    positionals: ['JOB'],
    options: { disc: { type: 'string' }, copy: { type: 'string' }, out: { type: 'string' } },
    login: true,
    unlock: 'never',
    async run({ client, positionals, args, t, print, writeFile }) {
      const r = await client.invoke('burn.label', { jobId: positionals[0] ?? '', disc: Number(str(args.disc) ?? '1'), copy: Number(str(args.copy) ?? '1') });
      const out = str(args.out);
      if (out) writeFile(out, r.html);
      print(out ? t('burn.written', { path: out }) : r.html, { path: out ?? null });
    },
  },
  {
    words: ['burn', 'note'],
    synopsis: 'JOB --disc N --out FILE.html',
    positionals: ['JOB'],
    options: { disc: { type: 'string' }, out: { type: 'string' } },
    login: true,
    unlock: 'never',
    async run({ client, positionals, args, t, print, writeFile }) {
      const r = await client.invoke('burn.note', { jobId: positionals[0] ?? '', disc: Number(str(args.disc) ?? '1') });
      const out = str(args.out);
      if (out) writeFile(out, r.html);
      print(out ? t('burn.written', { path: out }) : r.html, { path: out ?? null });
    },
  },
];
