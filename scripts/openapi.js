#!/usr/bin/env node
// Writes the service's OpenAPI document (what /docs-json serves) to a file without running a server:
// builds the Nest application on a throw-away embedded store (no listener, no background work), renders
// the document in strict mode (an incomplete operation fails: see libs/service/src/platform/openapi/openapi.ts), exits.
// usage: node scripts/openapi.js [out.json]   (default: dist/openapi.json). Run `npm run build` first.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const out = path.resolve(process.argv[2] ?? path.join(root, 'dist', 'openapi.json'));
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'openapi-'));

async function main() {
  Object.assign(process.env, { EVENT_STORE: 'embedded', DATA_DIR: dataDir, RUN_BACKGROUND: 'false', LOG_LEVEL: 'error', PORT: '0' });
  require('reflect-metadata');
  const { loadConfig } = require(path.join(root, 'dist/libs/config/src'));
  const { createApp } = require(path.join(root, 'dist/apps/api/src'));
  const { buildOpenApiDocument } = require(path.join(root, 'dist/apps/api/src'));
  const { app } = await createApp(loadConfig());
  try {
    const doc = buildOpenApiDocument(app);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, JSON.stringify(doc, null, 2) + '\n');
    const ops = Object.values(doc.paths).reduce((n, item) => n + Object.keys(item).filter((k) => k !== 'parameters').length, 0);
    console.log(`wrote ${path.relative(process.cwd(), out)}: ${Object.keys(doc.paths).length} paths, ${ops} operations`);
  } finally {
    await app.close();
  }
}

main()
  .then(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  })
  .catch((e) => {
    fs.rmSync(dataDir, { recursive: true, force: true });
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
