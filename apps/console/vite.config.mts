// Builds the console into dist/console (served by the API under /console; see apps/api/src/console/console.ts).
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const lib = (path: string) => fileURLToPath(new URL(`../../libs/${path}`, import.meta.url));

export default defineConfig({
  root: here,
  base: '/console/',
  publicDir: false,
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  // The verifier's algorithms come from the service's libraries through their browser-safe entries only (no
  // node:crypto, no driver): @app/audit/pure, and the event store's hash-content that it builds on.
  resolve: {
    alias: [
      { find: /^@app\/audit\/pure$/, replacement: lib('audit/src/pure/index.ts') },
      { find: /^@app\/event-store\/hash-content$/, replacement: lib('event-store/src/hash-content.ts') },
    ],
  },
  build: {
    outDir: fileURLToPath(new URL('../../dist/console', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: true,
    // No inline script may be emitted: the console's Content-Security-Policy forbids it.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 600,
    // Plugin timing notes are noise on a loaded CI machine.
    rolldownOptions: { checks: { pluginTimings: false } },
  },
});
