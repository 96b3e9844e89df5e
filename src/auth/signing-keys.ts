import { statSync, type Stats } from 'node:fs';
import type { JsonWebKey, KeyObject } from 'node:crypto';
import { readKeyPairs, stillVerifies, type KeyPair, type SigningAlgorithm } from './key-pairs';

/** The key a token is signed with: the algorithm is the key's, and the header names the key by `kid`. */
export interface Signer {
  key: KeyObject;
  alg: SigningAlgorithm;
  /** None for the HS256 secret: its tokens keep the 0.1 header, `{ alg, typ }`. */
  kid?: string;
}

/** A public key as the JWKS publishes it (RFC 7517 §4): never a private member, never a symmetric key. */
export type PublicJwk = JsonWebKey & { kid: string; alg: SigningAlgorithm; use: 'sig' };

/**
 * The server's own keys: the one that signs, and the ones that verify. A token's key is found by its `kid` among
 * these only, and checked with the algorithm stored with that key; never from the token's `alg` alone, nor from
 * a key or URL the token carries (`jwk`, `jku`, `x5u`, `x5c`).
 */
export interface SigningKeys {
  signer(): Signer;
  /** The key and algorithm for a token's `kid`; undefined when it names none of ours. */
  verifierFor(kid: unknown): { key: KeyObject; alg: SigningAlgorithm } | undefined;
  /** The JWKS's keys: the public half of every key pair that still verifies. Empty with the HS256 secret. */
  publicJwks(): PublicJwk[];
  /** The algorithms our tokens may be signed with, for discovery. */
  algorithms(): SigningAlgorithm[];
}

/** The HS256 secret (--secret, JWT_SECRET, or the state folder's): one key, no kid, nothing to publish. */
export function secretKeys(secret: KeyObject): SigningKeys {
  const signer: Signer = { key: secret, alg: 'HS256' };
  return {
    signer: () => signer,
    // A kid on an HS256 token names nothing of ours: only a token without one is checked with the secret.
    verifierFor: (kid) => (kid === undefined ? signer : undefined),
    publicJwks: () => [],
    algorithms: () => ['HS256'],
  };
}

const sameFile = (a: Stats | undefined, b: Stats | undefined) => a?.mtimeMs === b?.mtimeMs && a?.size === b?.size && a?.ino === b?.ino;

function statOf(file: string): Stats | undefined {
  try {
    return statSync(file);
  } catch {
    return undefined;
  }
}

function toPublicJwk(pair: KeyPair): PublicJwk {
  // export() of a public KeyObject holds only public members (n, e; crv, x, y): no d, p, q, dp, dq, qi.
  const { kty, n, e, crv, x, y } = pair.publicKey.export({ format: 'jwk' });
  const members = Object.fromEntries(Object.entries({ kty, n, e, crv, x, y }).filter(([, value]) => value !== undefined));
  return { ...members, kid: pair.kid, alg: pair.alg, use: 'sig' };
}

/**
 * The key pairs of keys.json, as a start prepared them (key-pairs.ts prepareSigningKey): the first signs. The
 * server notices `keys rotate` and a `token` command's key when a token names a kid it does not know, or the
 * JWKS is asked for, and keys.json changed since it was read: it then reads the file again. The signing key stays
 * until the next start, so every token it signs is one this server verifies and publishes.
 */
export function keyPairRing(file: string, prepared: readonly KeyPair[], now: () => number): SigningKeys {
  const signing = prepared[0];
  let known = [...prepared];
  let seen = statOf(file);
  const byKid = () => new Map(known.filter((pair) => stillVerifies(pair, now())).map((pair) => [pair.kid, pair]));
  let index = byKid();

  function readAgainIfChanged(): void {
    const current = statOf(file);
    if (sameFile(current, seen)) return;
    seen = current;
    try {
      const fromFile = readKeyPairs(file);
      known = [signing, ...fromFile.filter((pair) => pair.kid !== signing.kid)];
    } catch (error) {
      console.error(`fake-jwt-api: could not read the keys file: ${(error as Error).message}`);
    }
    index = byKid();
  }

  function verifierFor(kid: unknown) {
    if (typeof kid !== 'string') return undefined;
    if (!index.has(kid)) readAgainIfChanged();
    const pair = index.get(kid);
    if (!pair || !stillVerifies(pair, now())) return undefined;
    return { key: pair.publicKey, alg: pair.alg };
  }

  function verifying(): KeyPair[] {
    readAgainIfChanged();
    return known.filter((pair) => stillVerifies(pair, now()));
  }

  return {
    signer: () => ({ key: signing.privateKey, alg: signing.alg, kid: signing.kid }),
    verifierFor,
    publicJwks: () => verifying().map(toPublicJwk),
    algorithms: () => [...new Set(verifying().map((pair) => pair.alg))],
  };
}
