import { parseArgs } from 'node:util';
import { mkdirSync } from 'node:fs';
import { StationError } from '../core/errors.ts';
import { createCliI18n, pickLang } from '../cli/i18n.ts';
import { createWitnessKey, openWitnessKey } from './keyFile.ts';
import { CentralService } from './service.ts';
import { startServer } from './server.ts';
import { SupervisionPage, addCentralUser, type CentralRole } from './page.ts';
import { centralReport, centralReportCsv, centralReportRows, CENTRAL_REPORT_COLUMNS } from './report.ts';

// `station central …`: the witness and mirror service (README.md in this folder). It runs on
// a server of the platform, not on a station, and never opens a station's database.

const USAGE = 'central.usage';

function need(v: unknown, name: string): string {
  if (typeof v !== 'string' || v === '') throw new StationError('input', 'central.option_required', { option: name });
  return v;
}

export async function centralMain(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: false,
    options: {
      dir: { type: 'string' },
      db: { type: 'string' },
      name: { type: 'string' },
      listen: { type: 'string' },
      origin: { type: 'string' },
      'station-key': { type: 'string' },
      by: { type: 'string' },
      role: { type: 'string' },
      lang: { type: 'string' },
      month: { type: 'string' },
      'time-zone': { type: 'string' },
      'silent-hours': { type: 'string' },
      json: { type: 'boolean' },
      csv: { type: 'boolean' },
    },
  });
  const i18n = await createCliI18n(pickLang(typeof values.lang === 'string' ? values.lang : undefined, env));
  const t = i18n.t.bind(i18n);
  const out = (s: string) => process.stdout.write(`${s}\n`);
  try {
    const dir = (): string => need(values.dir ?? env.CENTRAL_DIR, '--dir');
    const db = () => need(values.db ?? env.CENTRAL_DATABASE_URL, '--db');
    const passphrase = () => need(env.CENTRAL_PASSPHRASE, 'CENTRAL_PASSPHRASE');
    switch (positionals[0]) {
      case 'init': {
        mkdirSync(dir(), { recursive: true });
        const { vkey } = await createWitnessKey(dir(), need(values.name, '--name'), passphrase());
        if (typeof values.db === 'string' || env.CENTRAL_DATABASE_URL) await CentralService.migrate(db());
        out(t('central.init_done', { vkey }));
        return 0;
      }
      case 'enrol': {
        const key = await openWitnessKey(dir(), passphrase());
        await CentralService.migrate(db());
        const service = new CentralService(db(), key);
        try {
          const { created } = await service.enrol(need(values.origin, '--origin'), need(values['station-key'], '--station-key'), typeof values.by === 'string' ? values.by : 'operator');
          out(t(created ? 'central.enrolled' : 'central.already_enrolled', { origin: values.origin, vkey: key.vkey }));
        } finally {
          await service.close();
        }
        return 0;
      }
      case 'serve': {
        const key = await openWitnessKey(dir(), passphrase());
        await CentralService.migrate(db());
        const service = new CentralService(db(), key);
        const [host, port] = (typeof values.listen === 'string' ? values.listen : '127.0.0.1:0').split(':');
        const { server, url } = await startServer(service, host || '127.0.0.1', Number(port ?? 0), new SupervisionPage(service.pool, db(), t));
        out(t('central.serving', { url, vkey: key.vkey }));
        await new Promise<void>((resolve) => {
          const stop = () => server.close(() => resolve());
          process.once('SIGTERM', stop);
          process.once('SIGINT', stop);
        });
        await service.close();
        return 0;
      }
      case 'user': {
        // `station central user add NAME --role auditor|admin`, password from CENTRAL_NEW_PASSWORD.
        if (positionals[1] !== 'add' || !positionals[2]) throw new StationError('input', 'central.option_required', { option: 'user add NAME' });
        await CentralService.migrate(db());
        await addCentralUser(db(), positionals[2], need(values.role, '--role') as CentralRole, need(env.CENTRAL_NEW_PASSWORD, 'CENTRAL_NEW_PASSWORD'), typeof values.by === 'string' ? values.by : 'operator');
        out(t('central.user_added', { username: positionals[2], role: values.role }));
        return 0;
      }
      case 'report': {
        const month = need(values.month, '--month');
        if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new StationError('input', 'central.option_required', { option: '--month YYYY-MM' });
        const silentHours = Number(values['silent-hours'] ?? 24);
        const timeZone = typeof values['time-zone'] === 'string' ? values['time-zone'] : 'Asia/Shanghai';
        // Reading needs no witness key: the report is built from what PostgreSQL holds.
        const r = await centralReport(db(), { month, timeZone, silentHours: Number.isFinite(silentHours) && silentHours > 0 ? silentHours : 24, now: new Date() });
        const headers = CENTRAL_REPORT_COLUMNS.map((c) => t(`central.col.${c}`));
        if (values.json === true) out(JSON.stringify(r, null, 2));
        else if (values.csv === true) process.stdout.write(centralReportCsv(r, headers));
        else out([t('central.report_title', { month, timeZone, silentHours: r.silentHours }), headers.join('\t'), ...centralReportRows(r).map((row) => row.join('\t'))].join('\n'));
        return 0;
      }
      default:
        process.stderr.write(`${t(USAGE)}\n`);
        return 2;
    }
  } catch (e) {
    const err = e instanceof StationError ? e : new StationError('io', 'central.failed', { detail: (e as Error).message });
    process.stderr.write(`${t('error_prefix')}${t(`errors:${err.code}`, { ...err.params, defaultValue: err.code })}\n`);
    return err.kind === 'input' || err.kind === 'state' ? 2 : 1;
  }
}
