// An independent verifier, in its own process: jose (ESM-only) fetches our JWKS as any client would, and
// verifies a token with it. Usage: node jose-verify.mjs <server url> <token> → the verified claims as JSON.
import { createRemoteJWKSet, jwtVerify } from 'jose';

const [url, token] = process.argv.slice(2);
const jwks = createRemoteJWKSet(new URL('/.well-known/jwks.json', url));
const discovery = await (await fetch(new URL('/.well-known/openid-configuration', url))).json();
const { payload, protectedHeader } = await jwtVerify(token, jwks, { issuer: discovery.issuer, typ: 'at+jwt' });
process.stdout.write(JSON.stringify({ payload, protectedHeader }));
