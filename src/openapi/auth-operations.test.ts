import { validateOpenApi } from '../../test/support/openapi';
import { authPaths, type AuthApiFeatures } from './auth-operations';
import { bearerScheme, ERROR_RESPONSES, ERROR_SCHEMAS, type JsonSchema, type Operation, type Paths } from './components';

const DEFAULTS: AuthApiFeatures = {
  cookieMode: false,
  loginField: 'email',
  allowClientTtl: false,
  passwordMinLength: 8,
  provider: true,
  allowReset: false,
  alg: 'RS256',
};

const COMBINATIONS: Array<[string, AuthApiFeatures]> = [
  ['the defaults', DEFAULTS],
  [
    '--cookie, --login-field username, --allow-client-ttl, --allow-reset',
    { ...DEFAULTS, cookieMode: true, loginField: 'username', allowClientTtl: true, allowReset: true },
  ],
  ['HS256 (no provider) and --require-verified-email', { ...DEFAULTS, provider: false, alg: 'HS256', requireVerifiedEmail: true, passwordMinLength: 12 }],
];

const PROVIDER_PATHS = ['/auth/authorize', '/auth/token', '/auth/userinfo', '/auth/end-session'];

function documentOf(features: AuthApiFeatures) {
  const { paths, schemas } = authPaths(features);
  return {
    openapi: '3.1.0',
    info: { title: 't', version: '1' },
    paths,
    components: { schemas: { ...ERROR_SCHEMAS, ...schemas }, responses: ERROR_RESPONSES, securitySchemes: { bearerAuth: bearerScheme(features.alg) } },
  };
}

const operationsOf = (paths: Paths): Operation[] => Object.values(paths).flatMap((methods) => Object.values(methods));

function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) => (key === '$ref' ? [String(child)] : refsIn(child)));
}

const schemaOf = (features: AuthApiFeatures, name: string) =>
  authPaths(features).schemas[name] as { required?: string[]; properties: Record<string, JsonSchema> };
const bodyTypes = (operation: Operation) => Object.keys((operation.requestBody as { content: object }).content);

describe.each(COMBINATIONS)('the auth API with %s', (_name, features) => {
  const document = documentOf(features);
  const operations = operationsOf(document.paths);

  test('every operation has a unique operationId, a tag, a summary and a security', () => {
    const ids = operations.map((operation) => operation.operationId);
    expect(ids.every((id) => typeof id === 'string' && /^[a-z][a-zA-Z]+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    for (const operation of operations) {
      expect(operation.tags).toEqual([expect.stringMatching(/^(auth|account|admin|openid|testing)$/)]);
      expect(typeof operation.summary).toBe('string');
      expect(Array.isArray(operation.security)).toBe(true);
    }
  });

  test('every $ref names a schema it returns or a shared component', () => {
    const refs = refsIn(document);
    expect(refs.length).toBeGreaterThan(30);
    for (const ref of refs) {
      const [, kind, name] = /^#\/components\/(schemas|responses)\/(\w+)$/.exec(ref) ?? [];
      const known = kind === 'schemas' ? document.components.schemas : kind === 'responses' ? document.components.responses : {};
      expect([ref, Object.hasOwn(known, name ?? '')]).toEqual([ref, true]);
    }
  });

  test('the document validates as OpenAPI 3.1', () => {
    expect(validateOpenApi([document])).toEqual(['valid']);
  });

  test('no example holds a password hash', () => {
    expect(JSON.stringify(document)).not.toMatch(/\$scrypt\$|\$2[aby]\$/);
  });
});

test('--cookie takes refreshToken out of AuthResult, and forms out of login, registration and refresh', () => {
  const inBody = schemaOf(DEFAULTS, 'AuthResult');
  expect(inBody.required).toContain('refreshToken');
  expect(inBody.properties).toHaveProperty('refreshToken');
  const cookie = { ...DEFAULTS, cookieMode: true };
  const inCookie = schemaOf(cookie, 'AuthResult');
  expect(inCookie.required).not.toContain('refreshToken');
  expect(inCookie.properties).not.toHaveProperty('refreshToken');
  const { paths } = authPaths(cookie);
  for (const path of ['/auth/login', '/auth/register', '/auth/refresh']) expect(bodyTypes(paths[path].post)).toEqual(['application/json']);
  expect(bodyTypes(authPaths(DEFAULTS).paths['/auth/login'].post)).toEqual(['application/json', 'application/x-www-form-urlencoded']);
  expect(paths['/auth/login'].post.responses).toHaveProperty('200.headers.Set-Cookie');
});

test('the provider flag adds and removes the OpenID provider’s paths, and what discovery must list', () => {
  const on = authPaths(DEFAULTS);
  const off = authPaths({ ...DEFAULTS, provider: false });
  for (const path of PROVIDER_PATHS) {
    expect(on.paths).toHaveProperty([path]);
    expect(off.paths).not.toHaveProperty([path]);
  }
  expect(on.schemas.OpenIdConfiguration.required).toContain('token_endpoint');
  expect(off.schemas.OpenIdConfiguration.required).not.toContain('token_endpoint');
  expect(off.schemas).not.toHaveProperty('OAuthTokenResponse');
  // The public documents are there either way.
  expect(off.paths).toHaveProperty(['/.well-known/jwks.json']);
});

test('--allow-reset adds POST /__reset and lets the outbox be read without a token', () => {
  const closed = authPaths(DEFAULTS).paths;
  const open = authPaths({ ...DEFAULTS, allowReset: true }).paths;
  expect(closed).not.toHaveProperty(['/__reset']);
  expect(open['/__reset'].post.security).toEqual([{ bearerAuth: [] }]);
  expect(closed['/__outbox'].get.security).toEqual([{ bearerAuth: [] }]);
  expect(open['/__outbox'].get.security).toEqual([{ bearerAuth: [] }, {}]);
});

test('the flags shape the login and registration bodies', () => {
  expect(schemaOf(DEFAULTS, 'LoginRequest').properties).not.toHaveProperty('expiresIn');
  expect(schemaOf({ ...DEFAULTS, allowClientTtl: true }, 'LoginRequest').properties).toHaveProperty('expiresIn');
  expect(schemaOf(DEFAULTS, 'RegisterRequest').required).toEqual(['email', 'password']);
  expect(schemaOf({ ...DEFAULTS, loginField: 'username' }, 'RegisterRequest').required).toEqual(['username', 'password']);
  expect(schemaOf({ ...DEFAULTS, loginField: 'username', requireVerifiedEmail: true }, 'RegisterRequest').required).toEqual(['username', 'email', 'password']);
  expect(schemaOf({ ...DEFAULTS, passwordMinLength: 12 }, 'RegisterRequest').properties.password).toMatchObject({ minLength: 12, maxLength: 1024 });
  const pending = authPaths({ ...DEFAULTS, requireVerifiedEmail: true }).paths['/auth/register'].post.responses as Record<string, unknown>;
  expect(refsIn(pending[201])).toEqual(['#/components/schemas/RegistrationPending']);
});
