import { checkAuthorizationRequest, queryParameters, type AuthorizationRequest } from './authorization-request';
import { renderErrorPage } from '../http/server-pages';
import { renderLoginPage } from './login-page';

const HOSTILE = '"><script>alert(1)</script>';

function requestWith(extra: Record<string, string>): AuthorizationRequest {
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: `app${HOSTILE}`,
    redirect_uri: 'http://localhost:5173/cb',
    scope: 'openid',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
    ...extra,
  });
  const checked = checkAuthorizationRequest(queryParameters(`/auth/authorize?${query}`));
  if (checked.outcome !== 'valid') throw new Error(`not valid: ${JSON.stringify(checked)}`);
  return checked.request;
}

describe('the login page', () => {
  const request = requestWith({ state: HOSTILE, login_hint: HOSTILE });
  const html = renderLoginPage(
    {
      request,
      csrfToken: 'T'.repeat(43),
      loginField: 'email',
      typed: request.loginHint,
      demoAccounts: [{ email: `x${HOSTILE}@e.com`, role: 'admin', password: HOSTILE }],
    },
    'NONCE',
  );

  it('escapes every value it shows or carries', () => {
    expect(html).not.toContain('<script>');
    expect(html).toContain('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('carries the request in hidden fields, with the CSRF token, in every form', () => {
    const forms = html.match(/<form [^]*?<\/form>/g)!;
    expect(forms).toHaveLength(2); // the login form and one demo account
    for (const form of forms) {
      expect(form).toContain('name="csrf_token" value="' + 'T'.repeat(43) + '"');
      expect(form).toContain('name="redirect_uri" value="http://localhost:5173/cb"');
      expect(form).toContain('name="code_challenge_method" value="S256"');
      expect(form).toContain('method="post" action="/auth/authorize"');
    }
  });

  it('has the fields a password manager expects, and shows the client and where the answer goes', () => {
    expect(html).toMatch(/<input name="email" type="email" autocomplete="username"/);
    expect(html).toMatch(/<input name="password" type="password" autocomplete="current-password"/);
    expect(html).toContain('<code>http://localhost:5173</code>');
    expect(html).toContain('<style nonce="NONCE">');
  });

  it('shows an error when given one, and no demo section without demo accounts', () => {
    const failed = renderLoginPage(
      { request, csrfToken: 'T'.repeat(43), loginField: 'email', typed: 'a@b.c', error: 'The email or password is incorrect.', demoAccounts: [] },
      'N',
    );
    expect(failed).toContain('role="alert">The email or password is incorrect.');
    expect(failed).not.toContain('Demo accounts');
  });

  it('asks for the username under --login-field username, and a demo account without an email signs in by its username', () => {
    const byName = renderLoginPage(
      { request, csrfToken: 'T'.repeat(43), loginField: 'username', demoAccounts: [{ username: 'bob_2', role: 'user', password: 'bob12345' }] },
      'N',
    );
    expect(byName).toMatch(/<label>Username <input name="username" type="text"[^>]* autocomplete="username" required autofocus>/);
    expect(byName).not.toContain('name="email"');
    expect(byName).toContain('<input type="hidden" name="username" value="bob_2">');
    expect(byName).toContain('bob_2 <span class="muted">(user)</span>');
  });

  it('escapes the error page too', () => {
    expect(renderErrorPage('Bad', HOSTILE, 'N')).not.toContain('<script>');
  });
});
