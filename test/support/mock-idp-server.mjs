/**
 * An identity provider for the --trust tests: the OIDC issuer, service and token endpoint of oauth2-mock-server, an
 * implementation that owes nothing to ours. It is ESM only and jest runs CommonJS here, so test/support/mock-idp.ts
 * runs this file as a child process: `node mock-idp-server.mjs '<options as JSON>'`. It prints one JSON line,
 * `{ url, issuer, jwksUri }`, once it listens on 127.0.0.1, and exits when its stdin closes (the test runner gone).
 *
 * Options: `port` (0: any free one), `keys` (the algorithms of its signing keys, default ['RS256']), `issuer` (the
 * `iss` it claims, default its own URL: a rogue provider claims another's), `discovery` (false: no metadata documents,
 * as a provider known only by its JWKS URL).
 *
 * POST /token (grant_type=client_credentials, basic auth of any client) takes three extra form fields:
 *   claims  JSON merged into the payload (null deletes a claim: {"exp": null}); `sub` defaults to the client id
 *   header  JSON merged into the JOSE header (null deletes: {"typ": null}) — kid, typ, jku, jwk, x5u, crit tricks
 *   alg     re-sign the issued token with the same private key under another algorithm (oauth2-mock-server always
 *           signs with the key's own alg; a provider that signs otherwise is what the test needs); a `crit` in
 *           `header`, which jose will not sign, is set the same way
 * And, apart from the provider, for the tests only (not counted): GET /__mock/requests lists the paths requested so
 * far; POST /__mock/keys?alg=RS256 adds a signing key (a rotation) and answers its kid.
 */
import { constants, createPrivateKey, sign } from 'node:crypto';
import { createServer } from 'node:http';
import { OAuth2Issuer, OAuth2Service } from 'oauth2-mock-server';

const options = { port: 0, keys: ['RS256'], discovery: true, ...JSON.parse(process.argv[2] ?? '{}') };
const issuer = new OAuth2Issuer();
const service = new OAuth2Service(issuer);
for (const alg of options.keys) await issuer.keys.generate(alg);

/** Object.assign where null means "leave this member out". */
function merge(target, changes) {
  for (const [name, value] of Object.entries(changes ?? {})) {
    if (value === null) target[name] = undefined;
    else target[name] = value;
  }
}

const parsedField = (req, name) => (typeof req.body?.[name] === 'string' ? JSON.parse(req.body[name]) : undefined);

/** The client id of the request's basic auth: a client-credentials token's subject, as real providers make it. */
function clientIdOf(req) {
  const [scheme, encoded] = (req.headers.authorization ?? '').split(' ');
  if (scheme?.toLowerCase() !== 'basic' || !encoded) return undefined;
  return decodeURIComponent(Buffer.from(encoded, 'base64').toString('utf8').split(':')[0]);
}

// jose, which oauth2-mock-server signs with, refuses a `crit` it does not understand: that one is set on re-signing.
const SET_WHEN_RESIGNING = ['crit'];

service.on('beforeTokenSigning', (token, req) => {
  const sub = clientIdOf(req);
  if (sub !== undefined && token.payload.sub === undefined) token.payload.sub = sub;
  merge(token.payload, parsedField(req, 'claims'));
  const header = { ...parsedField(req, 'header') };
  for (const name of SET_WHEN_RESIGNING) delete header[name];
  merge(token.header, header);
});

/** The JWS signature of `input` under `alg` with a private JWK, by node:crypto alone (RFC 7518 §3). */
function signatureOf(alg, jwk, input) {
  const key = createPrivateKey({ key: jwk, format: 'jwk' });
  const hash = `sha${alg.slice(2)}`;
  if (alg.startsWith('RS')) return sign(hash, input, key);
  if (alg.startsWith('PS')) return sign(hash, input, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST });
  if (alg.startsWith('ES')) return sign(hash, input, { key, dsaEncoding: 'ieee-p1363' });
  throw new Error(`mock-idp: cannot re-sign with ${alg}`);
}

service.on('beforeResponse', (response, req) => {
  const changes = parsedField(req, 'header') ?? {};
  const alg = req.body?.alg;
  const late = SET_WHEN_RESIGNING.filter((name) => Object.hasOwn(changes, name));
  if ((typeof alg !== 'string' && late.length === 0) || typeof response.body.access_token !== 'string') return;
  const [headerPart, payloadPart] = response.body.access_token.split('.');
  const header = JSON.parse(Buffer.from(headerPart, 'base64url').toString('utf8'));
  merge(header, Object.fromEntries(late.map((name) => [name, changes[name]])));
  if (typeof alg === 'string') header.alg = alg;
  const privateKeys = issuer.keys.toJSON(true);
  const jwk = privateKeys.find((key) => key.kid === header.kid) ?? privateKeys[0];
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${payloadPart}`;
  response.body.access_token = `${input}.${signatureOf(header.alg, jwk, input).toString('base64url')}`;
});

const requested = [];

async function control(req, res, url) {
  if (req.method === 'GET' && url.pathname === '/__mock/requests') return res.end(JSON.stringify(requested));
  if (req.method === 'POST' && url.pathname === '/__mock/keys') {
    const { kid } = await issuer.keys.generate(url.searchParams.get('alg') ?? 'RS256');
    return res.end(JSON.stringify({ kid }));
  }
  res.statusCode = 404;
  res.end();
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://mock-idp');
  if (url.pathname.startsWith('/__mock/')) return void control(req, res, url);
  requested.push(url.pathname);
  if (!options.discovery && url.pathname.startsWith('/.well-known/')) {
    res.statusCode = 404;
    return res.end();
  }
  service.requestHandler(req, res);
});

server.listen(options.port, '127.0.0.1', () => {
  const url = `http://127.0.0.1:${server.address().port}`;
  issuer.url = options.issuer ?? url;
  process.stdout.write(`${JSON.stringify({ url, issuer: issuer.url, jwksUri: `${url}/jwks` })}\n`);
});
server.on('error', (error) => {
  process.stderr.write(`mock-idp: ${error.message}\n`);
  process.exit(1);
});

// The test's side of the pipe: when it closes (stop(), or the runner died), so does this provider.
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
