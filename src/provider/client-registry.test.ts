import { parseDuration } from '../config/duration';
import { makeClientRegistry, parseClients, secretMatches, type RegisteredClient } from './client-registry';

const parse = (value: unknown) => parseClients(value, parseDuration);

describe('parseClients', () => {
  it('fills in the defaults: both grants, no secret, loopback redirects', () => {
    expect(parse([{ id: 'my-spa' }])).toEqual({
      ok: true,
      clients: [expect.objectContaining({ id: 'my-spa', grants: ['authorization_code', 'refresh_token'] })],
    });
    const [client] = (parse([{ id: 'my-spa' }]) as { clients: RegisteredClient[] }).clients;
    expect(client.secret).toBeUndefined();
    expect(client.redirectUris).toBeUndefined();
    expect(client.claims).toBeUndefined();
  });

  it('reads every field, accessTtl as seconds', () => {
    const entry = {
      id: 'backend',
      name: 'The Backend',
      secret: 's3cret',
      redirectUris: ['https://app.test/cb'],
      postLogoutRedirectUris: ['https://app.test/'],
      grants: ['authorization_code'],
      accessTtl: '15m',
      claims: ['name'],
    };
    const { accessTtl: _written, ...rest } = entry;
    expect(parse([entry])).toEqual({ ok: true, clients: [{ ...rest, accessTtlSeconds: 900 }] });
  });

  it('takes no list at all as an empty one', () => {
    expect(parse(undefined)).toEqual({ ok: true, clients: [] });
  });

  it.each([
    ['not a list', { id: 'a' }, /list of clients/],
    ['an entry that is no object', ['a'], /clients\[0\]: must be an object/],
    ['no id', [{ name: 'x' }], /clients\[0\]: "id" is required/],
    ['an id that is no VSCHAR', [{ id: 'é' }], /"id" is required/],
    ['a duplicate id', [{ id: 'a' }, { id: 'a' }], /clients\[1\] \("a"\): "id": another client has the id "a"/],
    ['an unknown field', [{ id: 'a', redirect_uris: [] }], /"redirect_uris" is not a client field/],
    ['an empty name', [{ id: 'a', name: '' }], /"name" must be a non-empty string/],
    ['a secret that is a number', [{ id: 'a', secret: 42 }], /"secret" must be a non-empty string/],
    ['a redirect URI that is relative', [{ id: 'a', redirectUris: ['/cb'] }], /"redirectUris": "\/cb" is not an http\(s\) URL/],
    ['a redirect URI with a fragment', [{ id: 'a', redirectUris: ['http://localhost/cb#x'] }], /without a fragment/],
    ['redirect URIs as one string', [{ id: 'a', redirectUris: 'http://localhost/cb' }], /"redirectUris" must be a list of strings/],
    ['a post-logout URI of javascript:', [{ id: 'a', postLogoutRedirectUris: ['javascript:alert(1)'] }], /"postLogoutRedirectUris"/],
    ['an unknown grant', [{ id: 'a', grants: ['password'] }], /"grants": "password" is not one of/],
    [
      'client_credentials without a secret',
      [{ id: 'a', grants: ['client_credentials'] }],
      /client_credentials is for a confidential client: give it a "secret"/,
    ],
    ['grants without authorization_code', [{ id: 'a', grants: ['refresh_token'] }], /must include authorization_code/],
    ['refresh_token beside client_credentials only', [{ id: 'a', secret: 's', grants: ['client_credentials', 'refresh_token'] }], /refresh_token needs/],
    ['a role that is a number', [{ id: 'a', secret: 's', grants: ['client_credentials'], role: 7 }], /"role" must be a role name, like "service"/],
    ['a role that is a keyword', [{ id: 'a', secret: 's', grants: ['client_credentials'], role: 'owner' }], /"role" must be a role name/],
    ['a role without client_credentials', [{ id: 'a', secret: 's', role: 'service' }], /"role" is the role of the client's client_credentials tokens/],
    ['a bad accessTtl', [{ id: 'a', accessTtl: '15 minutes' }], /"accessTtl" must be seconds/],
    ['an accessTtl of true', [{ id: 'a', accessTtl: true }], /"accessTtl" must be seconds/],
    ['claims as one string', [{ id: 'a', claims: 'name' }], /"claims" must be a list of strings/],
  ])('refuses %s, naming the entry and the field', (_case, value, problem) => {
    const parsed = parse(value);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.problem).toMatch(problem);
  });
});

describe('client_credentials', () => {
  it('is allowed alone or beside the code flow, for a client with a secret, with a role', () => {
    const parsed = parse([
      { id: 'svc', secret: 's', grants: ['client_credentials'], role: 'reporter' },
      { id: 'both', secret: 's', grants: ['authorization_code', 'client_credentials'] },
    ]);
    expect(parsed).toEqual({ ok: true, clients: [expect.objectContaining({ id: 'svc', role: 'reporter' }), expect.objectContaining({ id: 'both' })] });
  });

  it("gives each client with the grant its role, else the registry's default, and no role to any other id", () => {
    const { clients } = parse([
      { id: 'svc', secret: 's', grants: ['client_credentials'], role: 'reporter' },
      { id: 'both', secret: 's', grants: ['authorization_code', 'client_credentials'] },
      { id: 'bff', secret: 's' },
    ]) as { clients: RegisteredClient[] };
    const registry = makeClientRegistry(clients, 'customer');
    expect(['svc', 'both', 'bff', 'stranger'].map((id) => registry.serviceRoleOf(id))).toEqual(['reporter', 'customer', undefined, undefined]);
    expect(makeClientRegistry(clients).serviceRoleOf('both')).toBe('user');
    expect(registry.hasClientCredentials).toBe(true);
    expect(makeClientRegistry([clients[2]]).hasClientCredentials).toBe(false);
  });
});

describe('makeClientRegistry', () => {
  const [spa, backend] = (parse([{ id: 'spa' }, { id: 'backend', secret: 'x' }]) as { clients: RegisteredClient[] }).clients;

  it('finds a client by id, and nothing for another id or none', () => {
    const registry = makeClientRegistry([spa, backend]);
    expect(registry.find('spa')).toBe(spa);
    expect(registry.find('other')).toBeUndefined();
    expect(registry.find(undefined)).toBeUndefined();
  });

  it('says whether some client is confidential', () => {
    expect(makeClientRegistry([spa]).hasConfidential).toBe(false);
    expect(makeClientRegistry([spa, backend]).hasConfidential).toBe(true);
    expect(makeClientRegistry().hasConfidential).toBe(false);
  });
});

describe('secretMatches', () => {
  const client: RegisteredClient = { id: 'backend', secret: 'correct horse', grants: ['authorization_code'] };

  it('accepts the secret exactly, and nothing else', () => {
    expect(secretMatches(client, 'correct horse')).toBe(true);
    for (const wrong of ['correct hors', 'correct horse ', 'Correct horse', '', undefined]) expect(secretMatches(client, wrong)).toBe(false);
  });

  it('matches nothing for a public client', () => {
    expect(secretMatches({ id: 'spa', grants: ['authorization_code'] }, '')).toBe(false);
  });
});
