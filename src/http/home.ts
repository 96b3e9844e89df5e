import type { RequestHandler } from 'express';
import type { ApiDescription } from '../describe';

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? char);

/** The page at GET /: what this server serves and how to log in. Public, so it names no account. */
export function renderHomePage(description: ApiDescription, origin: string): string {
  const rows = description.resources
    .map(({ name, read, write }) => `<tr><td><a href="/${encodeURIComponent(name)}">/${escapeHtml(name)}</a></td><td>${escapeHtml(read)}</td><td>${escapeHtml(write)}</td></tr>`)
    .join('\n');
  const login = `curl -X POST ${origin}/auth/login -H 'Content-Type: application/json' -d '{"email":"…","password":"…"}'`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>fake-jwt-api</title>
<style>
body { font: 16px/1.5 system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
table { border-collapse: collapse; } td, th { padding: .25rem 1rem .25rem 0; text-align: left; }
code, pre { background: #f4f4f4; padding: .1rem .3rem; border-radius: 3px; } pre { padding: .6rem; overflow-x: auto; }
</style>
</head>
<body>
<h1>fake-jwt-api</h1>
<p>json-server's REST API behind JWT authentication. Resources need <code>Authorization: Bearer &lt;token&gt;</code> unless their rule says otherwise.</p>
<h2>Resources</h2>
<table><thead><tr><th>path</th><th>read</th><th>write</th></tr></thead><tbody>
${rows}
</tbody></table>
<h2>Auth</h2>
<ul>
<li><code>POST /auth/register</code> <code>{ "email", "password", ...profile }</code></li>
<li><code>POST /auth/login</code> <code>{ "email", "password" }</code> → <code>{ accessToken, refreshToken, tokenType, expiresIn, user }</code></li>
<li><code>GET /auth/me</code> with the token</li>
<li><code>POST /auth/refresh</code> <code>{ "refreshToken" }</code> → a new pair; <code>POST /auth/logout</code>, <code>POST /auth/logout-all</code></li>
</ul>
<pre>${escapeHtml(login)}</pre>
<p>The accounts are listed in the server's console, not here: this page is public.</p>
</body>
</html>
`;
}

export function makeHomePage(describe: () => ApiDescription): RequestHandler {
  return function homePage(req, res) {
    res.type('html').send(renderHomePage(describe(), `${req.protocol}://${req.get('host') ?? 'localhost'}`));
  };
}
