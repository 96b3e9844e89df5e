import { bodyParameters, checkAuthorizationRequest, queryParameters } from './authorization-request';

const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
const VALID = {
  response_type: 'code',
  client_id: 'spa',
  redirect_uri: 'http://localhost:5173/callback',
  scope: 'openid profile email offline_access',
  state: 'st',
  nonce: 'n',
  code_challenge: CHALLENGE,
  code_challenge_method: 'S256',
};

const check = (parameters: Record<string, string | undefined>) => {
  const query = new URLSearchParams(Object.entries(parameters).filter((entry): entry is [string, string] => entry[1] !== undefined));
  return checkAuthorizationRequest(queryParameters(`/auth/authorize?${query}`));
};

describe('checkAuthorizationRequest', () => {
  it('reads a valid request', () => {
    const checked = check({ ...VALID, scope: 'openid email weird', prompt: 'login consent', max_age: '300', login_hint: 'a@b.c' });
    expect(checked).toMatchObject({
      outcome: 'valid',
      request: {
        clientId: 'spa',
        redirectUri: VALID.redirect_uri,
        scopes: ['openid', 'email'],
        state: 'st',
        nonce: 'n',
        codeChallenge: CHALLENGE,
        prompt: 'login',
        maxAge: 300,
        loginHint: 'a@b.c',
      },
    });
  });

  it('never redirects when the client or the redirect URI is not valid', () => {
    expect(check({ ...VALID, client_id: undefined })).toMatchObject({ outcome: 'refused' });
    expect(check({ ...VALID, redirect_uri: 'https://evil.example/cb' })).toMatchObject({ outcome: 'refused' });
    expect(checkAuthorizationRequest(queryParameters(`/auth/authorize?client_id=a&client_id=b&redirect_uri=${VALID.redirect_uri}`))).toMatchObject({
      outcome: 'refused',
    });
  });

  it.each([
    ['no response_type', { response_type: undefined }, 'invalid_request'],
    ['response_type=token', { response_type: 'token' }, 'unsupported_response_type'],
    ['response_type=code id_token', { response_type: 'code id_token' }, 'unsupported_response_type'],
    ['no scope', { scope: undefined }, 'invalid_scope'],
    ['no openid scope', { scope: 'profile email' }, 'invalid_scope'],
    ['no code_challenge', { code_challenge: undefined }, 'invalid_request'],
    ['a short code_challenge', { code_challenge: 'abc' }, 'invalid_request'],
    ['no code_challenge_method (plain)', { code_challenge_method: undefined }, 'invalid_request'],
    ['code_challenge_method=plain', { code_challenge_method: 'plain' }, 'invalid_request'],
    ['prompt=none with login', { prompt: 'none login' }, 'invalid_request'],
    ['a negative max_age', { max_age: '-1' }, 'invalid_request'],
    ['response_mode=fragment', { response_mode: 'fragment' }, 'invalid_request'],
    ['a request object', { request: 'eyJ...' }, 'request_not_supported'],
    ['a request_uri', { request_uri: 'https://x' }, 'request_uri_not_supported'],
  ])('sends %s back to the client as an error, with the state', (_name, change, error) => {
    expect(check({ ...VALID, ...change })).toEqual({
      outcome: 'redirect-error',
      redirectUrl: new URL(VALID.redirect_uri),
      responseMode: 'query',
      error,
      description: expect.stringMatching(/^[\x20\x21\x23-\x5b\x5d-\x7e]+$/), // RFC 6749 §4.1.2.1's character set
      state: 'st',
    });
  });

  it('refuses a parameter given twice, and then echoes no state it cannot tell', () => {
    const query = new URLSearchParams({ ...VALID });
    query.append('state', 'other');
    expect(checkAuthorizationRequest(queryParameters(`/x?${query}`))).toMatchObject({ outcome: 'redirect-error', error: 'invalid_request', state: undefined });
  });

  it('sends an error back the way the request asked: response_mode=web_message, or a redirect for any other', () => {
    const withoutPkce = { ...VALID, code_challenge_method: 'plain' };
    expect(check({ ...withoutPkce, response_mode: 'web_message' })).toMatchObject({ outcome: 'redirect-error', responseMode: 'web_message' });
    expect(check({ ...withoutPkce, response_mode: 'form_post' })).toMatchObject({ outcome: 'redirect-error', responseMode: 'query' });
    expect(check({ ...VALID, response_mode: 'web_message' })).toMatchObject({ outcome: 'valid', request: { responseMode: 'web_message' } });
    expect(check({ ...VALID })).toMatchObject({ outcome: 'valid', request: { responseMode: 'query' } });
  });

  it('reads a form body the same way', () => {
    expect(checkAuthorizationRequest(bodyParameters({ ...VALID }))).toMatchObject({ outcome: 'valid', request: { clientId: 'spa' } });
    expect(checkAuthorizationRequest(bodyParameters(undefined))).toMatchObject({ outcome: 'refused' });
    expect(checkAuthorizationRequest(bodyParameters({ ...VALID, nonce: ['a', 'b'] }))).toMatchObject({ outcome: 'redirect-error', error: 'invalid_request' });
  });
});
