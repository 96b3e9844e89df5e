// The "verified against the JWKS" mark: the token's signature checked here, in the browser, with Web Crypto and
// the public key the server publishes at /.well-known/jwks.json, as any other service would check it.
/* global base64urlBytes, byId, session */
/* exported checkTokenSignature, signatureCheck */

const JWKS_PATH = '/.well-known/jwks.json';

// How Web Crypto imports and verifies each algorithm of our keys (RFC 7518 §3.3 and §3.4, RFC 8037). An ES256
// signature is r || s, 64 bytes (RFC 7518 §3.4), which is what Web Crypto's ECDSA takes (not DER).
const WEB_CRYPTO = {
  RS256: { importAs: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, verifyAs: { name: 'RSASSA-PKCS1-v1_5' } },
  ES256: { importAs: { name: 'ECDSA', namedCurve: 'P-256' }, verifyAs: { name: 'ECDSA', hash: 'SHA-256' } },
  EdDSA: { importAs: { name: 'Ed25519' }, verifyAs: { name: 'Ed25519' } },
};

const verified = (text) => ({ mark: 'verified', text: `✓ verified with key ${text}, from ${JWKS_PATH}, in this browser` });
const refused = (why) => ({ mark: 'refused', text: `✗ not verified: ${why}` });
const unchecked = (text) => ({ mark: 'unchecked', text });

/**
 * The JWKS's keys. A kid it does not hold reads it again past the browser's cache (once), as a JWKS client does:
 * the server may have started with a new key since.
 */
async function jwksKey(kid) {
  for (const cache of ['default', 'reload']) {
    const response = await fetch(JWKS_PATH, { cache, credentials: 'omit', headers: { Accept: 'application/json' } });
    if (!response.ok) throw new Error(`GET ${JWKS_PATH} answered ${response.status}`);
    const { keys } = await response.json();
    const key = Array.isArray(keys) ? keys.find((candidate) => candidate && candidate.kid === kid) : undefined;
    if (key) return key;
  }
  return undefined;
}

/** The public members of a JWK only: a key with a private member must still be imported as a public key. */
const publicMembers = ({ kty, n, e, crv, x, y }) => JSON.parse(JSON.stringify({ kty, n, e, crv, x, y }));

/** The key is the one the token's kid names, and its algorithm the key's own (the JWKS's), never the token's alone. */
async function signatureCheck(token, header) {
  // A kid on an HS256 token names one of our public keys: the algorithm confusion attack, refused below.
  if (header.alg === 'HS256' && header.kid === undefined) return unchecked('HS256: only the server can check a shared-secret signature');
  if (!globalThis.crypto || !crypto.subtle)
    return unchecked('not checked: this browser offers Web Crypto only on https:// or localhost pages, not on this address');
  if (typeof header.kid !== 'string') return refused('the token names no key (no kid)');
  const key = await jwksKey(header.kid);
  if (!key) return refused(`${JWKS_PATH} holds no key ${header.kid}`);
  const how = WEB_CRYPTO[key.alg];
  if (!how) return refused(`the key ${key.kid} is for ${key.alg}, which this page does not check`);
  if (header.alg !== key.alg) return refused(`the token says ${header.alg}, but the key ${key.kid} is for ${key.alg}`);
  let publicKey;
  try {
    publicKey = await crypto.subtle.importKey('jwk', publicMembers(key), how.importAs, false, ['verify']);
  } catch (error) {
    if (key.alg === 'EdDSA' && error.name === 'NotSupportedError') return unchecked('this browser cannot check EdDSA (Ed25519)');
    return refused(`the key ${key.kid} cannot be read (${error.message})`);
  }
  const [encodedHeader, encodedPayload, signature] = token.split('.');
  const signed = new TextEncoder().encode(`${encodedHeader}.${encodedPayload}`);
  const good = await crypto.subtle.verify(how.verifyAs, publicKey, base64urlBytes(signature), signed);
  return good ? verified(key.kid) : refused(`the signature does not match the key ${key.kid}`);
}

/** Checks the token the page holds now, and shows the mark unless another token came meanwhile. */
async function checkTokenSignature() {
  const { accessToken: token, header } = session;
  const mark = byId('token-verified');
  mark.className = 'unchecked';
  mark.textContent = `Checking the signature against ${JWKS_PATH}…`;
  let result;
  try {
    result = await signatureCheck(token, header);
  } catch (error) {
    result = refused(error instanceof Error ? error.message : String(error));
  }
  if (session.accessToken !== token) return;
  mark.className = result.mark;
  mark.textContent = result.text;
}
