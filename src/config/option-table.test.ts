import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { normalizeArgs } from '../cli/argv';
import { applyConfigFile, configFileKeys } from '../cli/config-file';
import { buildProgram, serveFlagsOf } from '../cli/program';
import { serverOptionsFromFlags } from './flags-to-options';
import { OPTION_NAMES, isServerOption, isSwitch, specOf, type OptionName, type ServeFlags } from './option-table';
import { resolveOptions, type ResolvedOptions } from './options';

const folder = mkdtempSync(path.join(os.tmpdir(), 'option-table-'));
const MIDDLEWARE = path.join(folder, 'stamp.js');
writeFileSync(MIDDLEWARE, 'module.exports = (req, res, next) => next()');
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** The serve command's flags from a command line, read as main() reads it (aliases, then the config file). */
function flagsOf(args: string[], config: Record<string, unknown> = {}): ServeFlags {
  const file = path.join(folder, `config-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(config));
  const program = buildProgram('0.0.0').exitOverride();
  program.parse(normalizeArgs([...args, '--config', file]), { from: 'user' });
  applyConfigFile(program);
  return serveFlagsOf(program);
}

const resolvedFrom = (flags: ServeFlags): ResolvedOptions => resolveOptions({ ...serverOptionsFromFlags(flags), db: {} });

/**
 * One example per option: the value given (none for a switch), and what it sets — the resolved server option,
 * or for the command line's own options the flag. A new option of the table needs its row here.
 */
const EXAMPLES: Record<OptionName, { value?: string; resolved?: Partial<ResolvedOptions>; flags?: Partial<ServeFlags> }> = {
  port: { value: '4000', flags: { port: 4000 } },
  host: { value: '0.0.0.0', flags: { host: '0.0.0.0' } },
  watch: { flags: { watch: true } },
  https: { flags: { https: true } },
  cert: { value: 'cert.pem', flags: { cert: 'cert.pem' } },
  key: { value: 'key.pem', flags: { key: 'key.pem' } },
  routes: { value: 'access.json', resolved: { routes: 'access.json' } },
  middlewares: { value: MIDDLEWARE, resolved: { middlewares: [expect.any(Function)] } },
  static: { value: 'site', resolved: { static: path.resolve('site') } },
  readOnly: { resolved: { readOnly: true } },
  cors: { resolved: { cors: false } },
  gzip: { resolved: { gzip: false } },
  snapshots: { value: 'snaps', flags: { snapshots: 'snaps' } },
  delay: { value: '250', resolved: { delay: 250 } },
  id: { value: '_id', resolved: { id: '_id' } },
  foreignKeySuffix: { value: '_id', resolved: { foreignKeySuffix: '_id' } },
  quiet: { flags: { quiet: true } },
  config: {},
  users: { value: 'accounts.json', resolved: { users: path.resolve('accounts.json') } },
  stateDir: { value: 'state', resolved: { stateDir: path.resolve('state') } },
  secret: { value: 's'.repeat(32), resolved: { secret: 's'.repeat(32) } },
  accessTtl: { value: '15m', resolved: { accessTtlSeconds: 900 } },
  allowClientTtl: { resolved: { allowClientTtl: true } },
  refreshTtl: { value: '1d', resolved: { refreshTtlSeconds: 86400 } },
  sessionTtl: { value: '2w', resolved: { sessionTtlSeconds: 1209600 } },
  refreshReuseInterval: { value: '0', resolved: { refreshReuseIntervalMs: 0 } },
  singleSession: { resolved: { singleSession: true } },
  cookie: { resolved: { cookie: true } },
  cookieSecure: { resolved: { cookieSecure: true } },
  cookieSameSite: { value: 'Strict', resolved: { cookieSameSite: 'Strict' } },
  corsOrigins: { value: 'https://a.example,https://b.example', resolved: { corsOrigins: ['https://a.example', 'https://b.example'] } },
  allowedHosts: { value: 'mybox.local', resolved: { allowedHosts: ['mybox.local'] } },
  alg: { value: 'ES256', resolved: { alg: 'ES256' } },
  issuer: { value: 'shop', resolved: { issuer: 'shop' } },
  audience: { value: 'shop-app', resolved: { audience: 'shop-app' } },
  claims: { value: 'name,department', resolved: { claims: ['name', 'department'] } },
  redirectUris: { value: 'https://app.example/callback', resolved: { redirectUris: ['https://app.example/callback'] } },
  providerPaths: { value: 'auth0', resolved: { providerPaths: 'auth0' } },
  rateLimit: { value: 'off', resolved: { throttle: {} } },
  trustProxy: { value: 'loopback', resolved: { trustProxy: ['loopback'] } },
  loginField: { value: 'username', resolved: { loginField: 'username' } },
  requireVerifiedEmail: { resolved: { requireVerifiedEmail: true } },
  resetUrl: { value: 'http://localhost:5173/reset?token={token}', resolved: { resetUrl: 'http://localhost:5173/reset?token={token}' } },
  smtp: { value: '[::1]:1025', resolved: { smtp: { host: '::1', port: 1025 } } },
  trust: { value: 'https://idp.example/', resolved: { trust: { issuers: [{ issuer: 'https://idp.example/' }], emailClaim: 'email', roleClaim: 'role' } } },
  trustJwks: { value: 'https://idp.example/jwks', flags: { trustJwks: ['https://idp.example/jwks'] } },
  trustAudience: { value: 'api,other', flags: { trustAudience: ['api', 'other'] } },
  trustEmailClaim: { value: 'upn', flags: { trustEmailClaim: 'upn' } },
  roleClaim: { value: 'realm_access.roles', flags: { roleClaim: 'realm_access.roles' } },
  defaultAccess: { value: 'public', resolved: { defaultAccess: 'public' } },
  passwordMinLength: { value: '12', resolved: { passwordMinLength: 12 } },
  defaultRole: { value: 'customer', resolved: { defaultRole: 'customer' } },
  allowReset: { resolved: { allowReset: true } },
  publicEmails: { resolved: { publicEmails: true } },
};

const camelCase = (name: string) => name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
const byName = OPTION_NAMES.map((name) => [name] as const);
const examples = OPTION_NAMES.filter((name) => name !== 'config').map((name) => [name, EXAMPLES[name]] as const);

describe('the option table', () => {
  it('has an example for every option, and none for an option it lacks', () => {
    expect(Object.keys(EXAMPLES).sort()).toEqual([...OPTION_NAMES].sort());
  });

  it.each(byName)('%s is an option of the serve command, with its short form, env var, choices and default', (name) => {
    const spec = specOf(name);
    const option = buildProgram('0.0.0').options.find((each) => each.long === spec.flag);
    expect(option).toBeDefined();
    expect(option?.short).toBe(spec.short);
    expect(option?.envVar).toBe(spec.env);
    expect(option?.argChoices).toEqual(spec.choices);
    expect(option?.defaultValue).toBe(spec.default);
    expect(option?.description).toContain(spec.help);
  });

  it.each(byName.filter(([name]) => name !== 'config'))('%s is a config-file key, as the flag and in camelCase', (name) => {
    const long = specOf(name).flag.replace(/^--/, '');
    expect(configFileKeys().get(long)?.name).toBe(name);
    expect(configFileKeys().get(camelCase(long))?.name).toBe(name);
  });

  it('--config is no config-file key: a config file does not name another', () => {
    expect([...configFileKeys().values()].map((key) => key.name)).not.toContain('config');
  });

  it.each(OPTION_NAMES.flatMap((name) => (specOf(name).aliases ?? []).map((alias) => [alias, specOf(name).flag])))(
    'the alias %s normalizes to %s',
    (alias, flag) => {
      const spec = specOf(OPTION_NAMES.find((name) => specOf(name).flag === flag) as OptionName);
      if (isSwitch(spec)) expect(normalizeArgs([alias, 'true'])).toEqual([flag]);
      else expect(normalizeArgs([alias, 'x', `${alias}=y`])).toEqual([flag, 'x', `${flag}=y`]);
    },
  );

  it.each(byName.filter(([name]) => isSwitch(specOf(name))))('%s takes yargs-style true and false', (name) => {
    const { flag, short } = specOf(name);
    for (const spelling of [flag, ...(short ? [short] : [])]) {
      expect(normalizeArgs([spelling, 'false', 'db.json'])).toEqual(['db.json']);
      expect(normalizeArgs([`${spelling}=true`])).toEqual(spelling.startsWith('--') ? [spelling] : [`${spelling}=true`]);
    }
  });

  it("sets the ServerOptions key of each name that is not the command line's own", () => {
    expect(Object.keys(serverOptionsFromFlags(flagsOf([])))).toEqual(OPTION_NAMES.filter(isServerOption));
  });

  it('gives, with no flags, the defaults the library has', () => {
    expect(resolvedFrom(flagsOf([]))).toEqual(resolveOptions({ db: {} }));
  });

  it.each(examples)('%s on the command line sets what its example says', (name, example) => {
    const flags = flagsOf([specOf(name).flag, ...(example.value === undefined ? [] : [example.value])]);
    if (example.flags) expect(flags).toMatchObject(example.flags);
    if (example.resolved) expect(resolvedFrom(flags)).toMatchObject(example.resolved);
  });

  it.each(examples)('%s in the config file (in camelCase) sets the same', (name, example) => {
    const key = camelCase(specOf(name).flag.replace(/^--/, ''));
    const flags = flagsOf([], { [key]: example.value ?? true });
    if (example.flags) expect(flags).toMatchObject(example.flags);
    if (example.resolved) expect(resolvedFrom(flags)).toMatchObject(example.resolved);
  });
});
