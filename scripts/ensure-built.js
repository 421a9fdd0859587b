#!/usr/bin/env node
// Used by `npm start` (prestart) and the CLI: installs on a fresh clone, then builds when any source
// file is newer than the last build, or when a part of the build is missing (the service's dist, or the
// console's dist/console that `vite build apps/console` writes).
const { execSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { root } = require('./ensure-installed');

const stamp = path.join(root, 'dist', '.build-stamp');
// TypeScript of the service, and the console's sources (TSX, CSS, its index.html and Vite config).
const SOURCE = /\.(ts|tsx|mts|css|html)$/;
const outputs = [path.join(root, 'dist', 'apps', 'api', 'src', 'main.js'), path.join(root, 'dist', 'apps', 'worker', 'src', 'main.js'), path.join(root, 'dist', 'console', 'index.html')];
function newestSource(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (SOURCE.test(entry.name)) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}
const sources = ['apps', 'libs', 'bench'].map((d) => path.join(root, d)).filter((d) => fs.existsSync(d));
const newest = Math.max(...sources.map(newestSource), fs.statSync(path.join(root, 'tsconfig.json')).mtimeMs, fs.statSync(path.join(root, 'package.json')).mtimeMs);
if (!fs.existsSync(stamp) || fs.statSync(stamp).mtimeMs < newest || outputs.some((f) => !fs.existsSync(f))) {
  console.error('[setup] building…');
  execSync('npm run build --silent', { cwd: root, stdio: 'inherit' });
  fs.mkdirSync(path.dirname(stamp), { recursive: true });
  fs.writeFileSync(stamp, new Date().toISOString());
}
