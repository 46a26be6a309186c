import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import { copyMigrations, cspMetaTag, preloadAllowListDefine } from './electron/main/buildPlugins.ts';

// One build for the three Electron parts. The renderer section is also what the e2e suite serves
// to Chromium, so the tested UI is byte-for-byte the shipped one.
export default defineConfig({
  main: {
    // Dependencies stay external (electron-vite's default): better-sqlite3, @node-rs/argon2 and
    // usb are native and must be loaded from node_modules (asarUnpack in electron-builder.yml).
    plugins: [copyMigrations(resolve(import.meta.dirname, 'electron/core/db/migrations'))],
    build: {
      outDir: 'out/main',
      // rolldownOptions is Vite 8's name; rollupOptions survives only as a deprecated alias.
      // verifyRange gets a file of its own: the ledger verifier's worker threads import it by its URL
      // (electron/core/ledger/parallelVerify.ts), which inside index.js would be the whole app.
      rolldownOptions: {
        input: { index: resolve(import.meta.dirname, 'electron/main/index.ts'), verifyRange: resolve(import.meta.dirname, 'electron/core/ledger/verifyRange.ts') },
      },
    },
  },
  preload: {
    define: preloadAllowListDefine(),
    build: {
      outDir: 'out/preload',
      // A sandboxed preload is one classic script with only 'electron' to require: bundle
      // everything in, as CommonJS, named .cjs so "type": "module" cannot make it an ES module.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(import.meta.dirname, 'electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(import.meta.dirname, 'renderer'),
    // cspMetaTag: main's CSP (electron/main/security.ts) written into the built page for file:// loads.
    plugins: [react(), cspMetaTag()],
    build: {
      outDir: resolve(import.meta.dirname, 'out/renderer'),
      rolldownOptions: { input: { index: resolve(import.meta.dirname, 'renderer/index.html') } },
    },
  },
});
