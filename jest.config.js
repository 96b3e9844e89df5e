/**
 * Three lanes, one config (README "Development"): `npm run test:unit`, `test:integration`, `test:e2e`; `jest` alone
 * runs all three.
 *
 * Every lane is transpile-only: ts-jest compiles each file on its own (isolatedModules) and reports no type errors,
 * because `npm test` type-checks the whole tree once with `tsc --noEmit` before jest; checking again per file would
 * cost seconds in each lane. ts-jest rather than @swc/jest: it is already a dependency, needs no native binary, and
 * emits what `tsc` emits for the build (the same CommonJS, the same esModuleInterop), so a test runs the code it ships.
 */
const transpileOnly = {
  transform: { '^.+\\.tsx?$': ['ts-jest', { diagnostics: false, tsconfig: { isolatedModules: true } }] },
  testEnvironment: 'node',
};

/** @type {import('jest').Config} */
module.exports = {
  // A global option: jest reads no testTimeout from inside a project. Spawned CLIs and scrypt logins on a 2-core machine.
  testTimeout: 60000,
  projects: [
    // Pure modules, tests beside them: no build, no server on a port, seconds.
    { ...transpileOnly, displayName: 'unit', roots: ['<rootDir>/src'], testMatch: ['**/*.test.ts'] },
    // The app in-process (createServer, start(), supertest): the HTTP behaviour.
    { ...transpileOnly, displayName: 'integration', roots: ['<rootDir>/test/integration'], testMatch: ['**/*.test.ts'] },
    // What a user runs: the built CLI spawned (dist/, so `npm run build` first), npm pack + npx, Chromium, signals.
    { ...transpileOnly, displayName: 'e2e', roots: ['<rootDir>/test/e2e'], testMatch: ['**/*.test.ts'] },
  ],
};
