// The app of test/e2e/authjs.test.ts, written as a backend developer would with Auth.js (@auth/core, ESM-only, so in
// a process of its own): a Node http server that hands every /auth/* request to Auth(), with fake-jwt-api as its
// OpenID provider, and a home page that shows who is signed in. It listens on 127.0.0.1 and is opened as
// http://localhost:<port>, the origin of its registered redirect URI.
// Usage: node authjs-app.mjs <port> <issuer> <client id> <client secret> → prints "listening" when it is ready.
import { createServer } from 'node:http';
import { Auth } from '@auth/core';

const [port, issuer, clientId, clientSecret] = process.argv.slice(2);
const origin = `http://localhost:${port}`;

const config = {
  providers: [{ id: 'fake-jwt-api', name: 'fake-jwt-api', type: 'oidc', issuer, clientId, clientSecret }],
  secret: 'a test secret for the cookies Auth.js encrypts',
  // Behind no proxy, on a host the test chose: Auth.js may take the URL from the request's Host.
  trustHost: true,
};

/** A Node request as the Web Request that Auth() takes. */
async function toWebRequest(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  const body = ['GET', 'HEAD'].includes(req.method) ? undefined : Buffer.concat(chunks);
  return new Request(new URL(req.url, origin), { method: req.method, headers, body });
}

/** Auth()'s Web Response written to Node's; each Set-Cookie stays a header of its own. */
async function sendWebResponse(response, res) {
  for (const [name, value] of response.headers) if (name !== 'set-cookie') res.setHeader(name, value);
  res.setHeader('set-cookie', response.headers.getSetCookie());
  res.writeHead(response.status).end(Buffer.from(await response.arrayBuffer()));
}

/** The home page: who is signed in, as Auth.js's session endpoint says, or a link to its sign-in page. */
async function homePage(req, res) {
  const session = await (await Auth(new Request(`${origin}/auth/session`, { headers: { cookie: req.headers.cookie ?? '' } }), config)).json();
  const escape = (text) => String(text).replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
  const body = session?.user
    ? `<p id="who">Signed in as ${escape(session.user.name)} (${escape(session.user.email)})</p>`
    : `<p id="who">Not signed in</p><a href="/auth/signin?callbackUrl=%2F">Sign in</a>`;
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><title>Auth.js app</title>${body}`);
}

const server = createServer((req, res) => {
  const handle = req.url.startsWith('/auth/') ? async () => sendWebResponse(await Auth(await toWebRequest(req), config), res) : () => homePage(req, res);
  handle().catch((error) => {
    console.error(error);
    res.writeHead(500).end(String(error));
  });
});
server.listen(Number(port), '127.0.0.1', () => console.log('listening'));
