import type { Request } from 'express';
import { readCookie } from '../auth/cookies';
import { csrfTokenFor, csrfTokensMatch } from './csrf';

const withCookie = (cookie?: string) => ({ headers: { cookie } }) as unknown as Request;
const TOKEN = 'a'.repeat(43);

describe('the CSRF double submit', () => {
  it('matches only two equal, well-formed tokens', () => {
    expect(csrfTokensMatch(TOKEN, TOKEN)).toBe(true);
    expect(csrfTokensMatch(TOKEN, 'b'.repeat(43))).toBe(false);
    expect(csrfTokensMatch(undefined, TOKEN)).toBe(false);
    expect(csrfTokensMatch(TOKEN, undefined)).toBe(false);
    expect(csrfTokensMatch('', '')).toBe(false);
    expect(csrfTokensMatch('short', 'short')).toBe(false);
    expect(csrfTokensMatch(TOKEN, [TOKEN])).toBe(false);
  });

  it("keeps the browser's token when it has a well-formed one, so that two tabs both work", () => {
    expect(csrfTokenFor(withCookie(`other=1; fake_jwt_api_csrf=${TOKEN}`))).toBe(TOKEN);
    const fresh = csrfTokenFor(withCookie('fake_jwt_api_csrf=not-one'));
    expect(fresh).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(csrfTokenFor(withCookie())).not.toBe(fresh);
  });

  it('reads a cookie by its exact name', () => {
    expect(readCookie(withCookie('a=1; ab=2; b=x=y'), 'b')).toBe('x=y');
    expect(readCookie(withCookie('ab=2'), 'a')).toBeUndefined();
  });
});
