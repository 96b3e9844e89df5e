import { renderConfirmationPage, renderSignedOutPage } from './end-session-page';

const HOSTILE = '"><script>alert(1)</script>';

describe('the end-session pages', () => {
  const html = renderConfirmationPage(
    {
      server: `http://localhost:3000${HOSTILE}`,
      request: { postLogoutRedirectUri: `http://localhost:5173/?a=${HOSTILE}`, state: HOSTILE, clientId: HOSTILE },
      csrfToken: 'T'.repeat(43),
    },
    'NONCE',
  );

  it('escape every value they show or carry', () => {
    expect(html).not.toContain('<script>');
    expect(html.match(/&quot;&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;/g)).toHaveLength(5); // server, client shown; uri, state, client carried
  });

  it('are in the login page frame, the style under the nonce', () => {
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<style nonce="NONCE">');
    expect(html).toMatch(/<main>\n<section aria-labelledby="end-title">[\s\S]*<\/section>\n<\/main>/);
    expect(renderSignedOutPage('N2')).toMatch(/<style nonce="N2">[\s\S]*<h2 id="out-title">You are signed out<\/h2>/);
  });

  it('carry only the fields that were given', () => {
    const bare = renderConfirmationPage({ server: 'http://localhost:3000', request: {}, csrfToken: 'T'.repeat(43) }, 'N');
    expect([...bare.matchAll(/<input[^>]*name="([^"]+)"/g)].map(([, name]) => name)).toEqual(['csrf_token', 'confirm']);
  });
});
