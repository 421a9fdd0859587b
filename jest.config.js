/** Jest: two projects. `unit` = pure/unit and adapter tests next to the code (libs, apps);
 *  `e2e` = HTTP end-to-end tests under test/. Both compile TypeScript with SWC. */
const fs = require('fs');
const swc = JSON.parse(fs.readFileSync(__dirname + '/.swcrc', 'utf8'));
const common = {
  // .js too: the console's verifier imports the ESM-only @noble libraries, compiled to CommonJS for jest.
  transform: { '^.+\\.[tj]s$': ['@swc/jest', { ...swc, swcrc: false }] },
  transformIgnorePatterns: ['/node_modules/(?!@noble/|content-disposition/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  testEnvironment: 'node',
  moduleNameMapper: {
    '^@app/(event-store|domain|projections|audit|client|config|service)(/.*)?$': '<rootDir>/libs/$1/src$2',
  },
};
module.exports = {
  testTimeout: 120_000,
  projects: [
    { ...common, displayName: 'unit', rootDir: __dirname, testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'e2e',
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
    },
  ],
};
