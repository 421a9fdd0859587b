#!/usr/bin/env node
// Installs dependencies on a fresh clone (npm ci when a lockfile exists), so `npm start` and `npm test`
// work with nothing but Node and npm. Does nothing when node_modules is present and up to date.
const { execSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const marker = path.join(root, 'node_modules', '.package-lock.json');
const lock = path.join(root, 'package-lock.json');
const stale = !fs.existsSync(marker) || (fs.existsSync(lock) && fs.statSync(lock).mtimeMs > fs.statSync(marker).mtimeMs + 1000);
if (stale) {
  console.error('[setup] installing dependencies (first run)…');
  // npm install (not npm ci): with this npm, lockfiles lack the optional platform builds of some native
  // packages (e.g. @swc/core for other OSes), which npm ci refuses; npm install keeps the locked versions.
  execSync('npm install --no-audit --no-fund', { cwd: root, stdio: 'inherit' });
}
module.exports = { root };
