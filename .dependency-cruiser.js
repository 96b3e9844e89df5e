/**
 * The one-way dependency rule of src/ (README "Development"): each folder may import only the folders below it.
 *
 *   cli → app → {provider, config → access, openapi → access} → {auth, json-server} → http → {sessions → accounts} → state → files → errors.ts
 *   and throttle/ (login throttling, nothing but errors.ts) and mail/ (the outbox: state, files) under auth, provider and http
 *
 * `npm run deps` checks it (so does .ci/run); a violating import fails with the rule's name and the import.
 * index.ts is the public API and re-exports from anywhere; tests are not checked.
 */
const LAYERS = {
  cli: ['openapi', 'throttle', 'app', 'provider', 'config', 'access', 'auth', 'json-server', 'http', 'sessions', 'accounts', 'state', 'files', 'mail'],
  app: ['openapi', 'throttle', 'provider', 'config', 'access', 'auth', 'json-server', 'http', 'sessions', 'accounts', 'state', 'files', 'mail'],
  openapi: ['access', 'auth', 'json-server', 'http', 'sessions', 'accounts', 'state', 'files'],
  provider: ['throttle', 'auth', 'http', 'sessions', 'accounts', 'state', 'files', 'mail'],
  config: ['throttle', 'access', 'auth', 'json-server', 'http', 'sessions', 'accounts', 'state', 'files', 'mail'],
  access: ['auth', 'json-server', 'http', 'sessions', 'accounts', 'state', 'files'],
  auth: ['throttle', 'http', 'sessions', 'accounts', 'state', 'files', 'mail'],
  'json-server': ['http', 'sessions', 'accounts', 'state', 'files'],
  http: ['throttle', 'sessions', 'accounts', 'state', 'files', 'mail'],
  sessions: ['accounts', 'state', 'files'],
  accounts: ['state', 'files'],
  state: ['files'],
  files: [],
  throttle: [],
  mail: ['state', 'files'],
};

const forbidden = Object.entries(LAYERS).map(([folder, below]) => ({
  name: `${folder}-imports-only-below`,
  comment: `src/${folder}/ may import only ${below.length > 0 ? below.map((name) => `src/${name}/`).join(', ') + ' and ' : ''}src/errors.ts`,
  severity: 'error',
  from: { path: `^src/${folder}/`, pathNot: '\\.test\\.ts$' },
  to: { path: '^src/', pathNot: [`^src/(${[folder, ...below].join('|')})/`, '^src/errors\\.ts$'] },
}));

forbidden.push(
  {
    name: 'nothing-imports-the-public-api',
    comment: 'src/index.ts is for users of the library; code inside src/ imports the module it needs',
    severity: 'error',
    from: { path: '^src/', pathNot: '\\.test\\.ts$' },
    to: { path: '^src/index\\.ts$' },
  },
  {
    name: 'errors-imports-nothing',
    comment: 'src/errors.ts is the bottom of every folder',
    severity: 'error',
    from: { path: '^src/errors\\.ts$' },
    to: { path: '^src/' },
  },
  {
    name: 'no-circular',
    comment: 'a cycle between modules makes both hard to change alone',
    severity: 'error',
    from: { path: '^src/' },
    to: { circular: true },
  },
);

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden,
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
