/**
 * The boundaries between the apps and the libraries, checked in CI (`npm run lint:deps`; README: Boundaries).
 *
 *   - libs/domain imports only itself and a few pure packages (no Nest, no I/O, no node: modules);
 *   - a library never imports an app;
 *   - an app never imports another app; bench/ and test/ use apps/api only through its entry (src/index.ts);
 *   - a library is used through its index (`@app/x`), never `@app/x/…` or a relative path into its src,
 *     apart from the few entries declared below (PUBLIC_ENTRIES) and, in tests, the libraries' test support;
 *   - production code never imports test support;
 *   - no cycles between the folders of libs/service (the service's modules, composed by apps/api and apps/worker);
 *   - libs/service/src/platform imports nothing of libs/service outside platform/ (no feature folder).
 */
const fs = require('node:fs');
const path = require('node:path');

const LIBS = fs.readdirSync(path.join(__dirname, 'libs')).filter((d) => fs.existsSync(path.join(__dirname, 'libs', d, 'src', 'index.ts')));

/** Pure packages the domain may use (dates and zones; property-based testing in its specs). */
const DOMAIN_PACKAGES = ['luxon', '@types/luxon', 'fast-check'];

/** Entries of a library besides its index, with the reason each is public. */
const PUBLIC_ENTRIES = {
  // The per-event hash chain without any database driver (hashing: node:crypto; hash-content: the hashed fields
  // and canonical form, browser-safe): the verifiers import these so they never load pg, PGlite or EventStoreDB.
  'event-store': ['^libs/event-store/src/hashing\\.ts$', '^libs/event-store/src/hash-content\\.ts$'],
  // The browser-safe verification (pure functions of a given SHA-256 and Ed25519), used by the console.
  audit: ['^libs/audit/src/pure/index\\.ts$'],
};

/** Test support of the libraries (not built, not shipped): fixtures, harnesses and contract suites. */
const TEST_SUPPORT = ['/test-support/', '/testing\\.ts$', '/test-fixtures\\.ts$', '^libs/event-store/src/contract/'];
/** Files that are tests or test support themselves. */
const TEST_FILES = ['\\.spec\\.ts$', '\\.e2e-spec\\.ts$', '\\.test\\.ts$', '^test/', ...TEST_SUPPORT];

const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'libs/domain imports only itself and the pure packages of DOMAIN_PACKAGES: no framework, no I/O, no node: modules.',
      from: { path: '^libs/domain/src/' },
      to: { pathNot: ['^libs/domain/src/', ...DOMAIN_PACKAGES.map((p) => `^node_modules/${esc(p)}/`)] },
    },
    {
      name: 'lib-not-to-app',
      severity: 'error',
      comment: 'A library never imports an app (apps depend on libraries, not the other way round).',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'app-not-to-other-app',
      severity: 'error',
      comment: "An app never imports another app's files (shared code belongs in a library, e.g. @app/config).",
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'tools-through-api-entry',
      severity: 'error',
      comment: "bench/ and test/ use apps/api only through its entry apps/api/src/index.ts, never its internals; other apps not at all.",
      from: { path: '^(bench|test)/' },
      to: { path: '^apps/', pathNot: '^apps/api/src/index\\.ts$' },
    },
    ...LIBS.map((lib) => ({
      name: 'lib-through-index',
      severity: 'error',
      comment: `@app/${lib} is used through its index (libs/${lib}/src/index.ts): not @app/${lib}/… nor a relative path into libs/${lib}/src.`,
      from: { pathNot: [`^libs/${lib}/`, ...TEST_FILES] },
      to: { path: `^libs/${lib}/src/`, pathNot: [`^libs/${lib}/src/index\\.ts$`, ...(PUBLIC_ENTRIES[lib] ?? [])] },
    })),
    ...LIBS.map((lib) => ({
      name: 'lib-through-index-in-tests',
      severity: 'error',
      comment: `Tests use @app/${lib} through its index too; only its test support (test-support/, testing.ts, contract/) is theirs to import directly.`,
      from: { path: TEST_FILES, pathNot: `^libs/${lib}/` },
      to: { path: `^libs/${lib}/src/`, pathNot: [`^libs/${lib}/src/index\\.ts$`, ...(PUBLIC_ENTRIES[lib] ?? []), ...TEST_SUPPORT] },
    })),
    {
      name: 'no-test-support-in-production',
      severity: 'error',
      comment: 'Test support is not built or shipped: only tests and other test support may import it.',
      from: { pathNot: TEST_FILES },
      to: { path: TEST_SUPPORT },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No runtime import cycles between modules of the libraries (a cycle makes load order fragile); cycles through type-only imports vanish at compile time and are allowed.',
      from: { path: '^libs/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'service-no-folder-cycles',
      severity: 'error',
      comment: 'The folders of libs/service do not import each other in a cycle (features depend on the platform, not the reverse).',
      scope: 'folder',
      from: { path: '^libs/service/src/' },
      to: { path: '^libs/service/src/', circular: true },
    },
    {
      name: 'platform-imports-no-feature',
      severity: 'error',
      comment:
        'libs/service/src/platform/ is what every feature stands on: it imports nothing of libs/service outside platform/ (no feature folder, ' +
        'not the composition root). What it needs of a feature is a port it declares and the feature provides (e.g. PROJECTION_STATUS). ' +
        'Its specs may start the whole application.',
      from: { path: '^libs/service/src/platform/', pathNot: TEST_FILES },
      to: { path: '^libs/service/src/', pathNot: '^libs/service/src/platform/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'Every import resolves (a typo in a path alias would otherwise hide a dependency from these rules).',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // A worktree may link node_modules from elsewhere: keep packages under node_modules/ in the paths.
    preserveSymlinks: true,
    exclude: { path: ['^dist/', '^apps/console/vite\\.config\\.mts$'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      // As tsc resolves with module commonjs (node10): package.json "exports" is not consulted.
      exportsFields: [],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json', '.d.ts'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
