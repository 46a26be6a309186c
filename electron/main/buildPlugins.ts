// Build-time helpers for the main and preload sections of electron.vite.config.ts. They run in
// Node while electron-vite loads its config, never inside Electron.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Plugin } from 'vite';
import { channels, events } from '../api/index.ts';
import { CSP, CSP_META_TAG } from './security.ts';

const MIGRATION_FILE = /^\d{4}-[a-z0-9-]+\.sql$/;
const CSP_META = /<meta\s+http-equiv=["']Content-Security-Policy["']\s+content="([^"]*)"/i;
const READS_MIGRATIONS = /["'`]\.\/migrations\/["'`]/;

/**
 * electron/core/db/migrate.ts reads its SQL at run time from `new URL('./migrations/',
 * import.meta.url)`. Bundled, import.meta.url is the main chunk, so the files must sit in
 * out/main/migrations/; this plugin puts them there and fails the build if the code that reads
 * them ended up in a chunk somewhere else (where ./migrations/ would point at nothing).
 */
export function copyMigrations(dir: string): Plugin {
  const files = () => readdirSync(dir).filter((f) => MIGRATION_FILE.test(f)).sort();
  return {
    name: 'station:copy-migrations',
    apply: 'build',
    buildStart() {
      for (const file of files()) this.addWatchFile(join(dir, file));
    },
    generateBundle(_options, bundle) {
      const list = files();
      if (list.length === 0) this.error(`no migrations found in ${dir}`);
      for (const file of list) {
        this.emitFile({ type: 'asset', fileName: `migrations/${file}`, source: readFileSync(join(dir, file), 'utf8') });
      }
      for (const chunk of Object.values(bundle)) {
        if (chunk.type === 'chunk' && READS_MIGRATIONS.test(chunk.code) && chunk.fileName.includes('/')) {
          this.error(`migrations are read from ${chunk.fileName}, which is not next to out/main/migrations/`);
        }
      }
    },
  };
}

/**
 * The preload's allow-lists, baked in as constants: the preload cannot import electron/api (it
 * would drag zod and electron/core into a sandboxed script) but must still be derived from it,
 * so that adding a command needs no edit in the preload.
 */
export function preloadAllowListDefine(): Record<string, string> {
  return {
    __STATION_CHANNELS__: JSON.stringify([...channels].sort()),
    __STATION_EVENTS__: JSON.stringify([...events].sort()),
  };
}

export const CSP_META_PLUGIN = 'station:csp-meta';

/**
 * For the renderer section: writes main's CSP into the built index.html as a <meta> tag, so the
 * policy has one source (electron/main/security.ts) and still applies to file:// pages, which
 * Electron's webRequest (and so the header main sets) never sees. Build only: pages from a dev
 * server get the policy as a header from main.
 */
export function cspMetaTag(): Plugin {
  return {
    name: CSP_META_PLUGIN,
    apply: 'build',
    transformIndexHtml: {
      order: 'pre',
      handler(html) {
        const existing = CSP_META.exec(html);
        if (existing) {
          if (existing[1] === CSP) return html;
          throw new Error('renderer/index.html carries a different CSP <meta>; the policy lives in electron/main/security.ts');
        }
        // After <meta charset> when there is one: the charset must come first in the head.
        const charset = /<meta\s+charset=[^>]*>/i.exec(html);
        if (charset) return html.replace(charset[0], `${charset[0]}\n    ${CSP_META_TAG}`);
        return html.replace(/<head>/i, `<head>\n    ${CSP_META_TAG}`);
      },
    },
  };
}
