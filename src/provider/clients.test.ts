import { checkClient, checkRedirectUri, redirectWith } from './clients';

describe('checkRedirectUri', () => {
  it.each([
    'http://localhost/callback',
    'http://localhost:5173/auth/callback?tab=1',
    'https://127.0.0.1:8443/cb',
    'http://[::1]:3000/',
    'http://LOCALHOST:3000/cb',
    'http://127.0.0.2:5173/cb',
    'http://127.255.255.254/cb',
  ])('accepts the loopback URL %s', (uri) => {
    expect(checkRedirectUri(uri)).toMatchObject({ ok: true });
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['given twice', ['http://localhost/a', 'http://localhost/b']],
    ['relative', '/callback'],
    ['javascript:', 'javascript:alert(1)'],
    ['data:', 'data:text/html,<script>alert(1)</script>'],
    ['ftp:', 'ftp://localhost/cb'],
    ['with a fragment', 'http://localhost:3000/cb#x'],
    ['with an empty fragment', 'http://localhost:3000/cb#'],
    ['with userinfo', 'http://user:pass@localhost:3000/cb'],
    ['with an empty user name', 'http://@localhost:3000/cb'],
    ['a loopback name as userinfo', 'http://localhost@evil.example/cb'],
    ['a name under localhost. of another domain', 'http://localhost.evil.com/cb'],
    ['a wildcard DNS name for 127.0.0.1', 'http://127.0.0.1.nip.io/cb'],
    ['a name that only starts like 127/8', 'http://127.0.0.1.evil.example/cb'],
    ['an address outside 127/8', 'http://128.0.0.1/cb'],
    ['a subdomain of localhost', 'http://app.localhost/cb'],
    ['a foreign host', 'https://evil.example/cb'],
    ['a backslash', 'http://localhost\\@evil.example/cb'],
    ['a tab', 'http://local\thost/cb'],
    ['a space', 'http://localhost/c b'],
  ])('refuses a redirect_uri %s', (_name, uri) => {
    expect(checkRedirectUri(uri)).toMatchObject({ ok: false, problem: expect.any(String) });
  });
});

describe('checkClient', () => {
  it('accepts any printable client_id up to 200 characters', () => {
    expect(checkClient('my app <1>', 'http://localhost/cb')).toMatchObject({ ok: true });
    expect(checkClient('x'.repeat(200), 'http://localhost/cb')).toMatchObject({ ok: true });
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['too long', 'x'.repeat(201)],
    ['with a control character', 'app\n'],
    ['not ASCII', 'appé'],
    ['given twice', ['a', 'b']],
  ])('refuses a client_id %s', (_name, clientId) => {
    expect(checkClient(clientId, 'http://localhost/cb')).toMatchObject({ ok: false });
  });
});

describe('redirectWith', () => {
  it('adds the parameters to the query, keeping the one the URI has', () => {
    expect(redirectWith(new URL('http://localhost:3000/cb?tab=a%20b'), { code: 'c', state: 'x y&z' })).toBe(
      'http://localhost:3000/cb?tab=a%20b&code=c&state=x+y%26z',
    );
    expect(redirectWith(new URL('http://localhost:3000/cb'), { code: 'c', state: undefined })).toBe('http://localhost:3000/cb?code=c');
    expect(redirectWith(new URL('http://localhost:3000/cb?'), { code: 'c' })).toBe('http://localhost:3000/cb?code=c');
  });
});

describe('registered redirect URIs', () => {
  const registered = ['https://app.example/cb', 'http://localhost:5173/cb'];

  it('accept exactly the registered ones', () => {
    for (const uri of registered) expect(checkRedirectUri(uri, { registered })).toMatchObject({ ok: true });
  });

  it.each(['http://localhost:5173/other', 'https://app.example/cb/', 'https://app.example/cb?x=1', 'HTTPS://app.example/cb'])(
    'refuse %s, loopback or an --redirect-uri URL included',
    (uri) => {
      expect(checkRedirectUri(uri, { registered, allowed: [uri] })).toMatchObject({ ok: false, problem: expect.stringContaining('registered') });
    },
  );

  it('still refuse what no redirect URI may be, even when registered', () => {
    expect(checkRedirectUri('http://localhost:5173/cb#x', { registered: ['http://localhost:5173/cb#x'] })).toMatchObject({ ok: false });
  });
});
