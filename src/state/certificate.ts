import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import path from 'node:path';
import { ConfigError } from '../errors';
import { writeTextAtomic } from '../files/atomic';
import { ensureStateDir } from './state-dir';

/** A certificate and its private key as PEM text, as https.createServer and tls.createSecureContext take them. */
export interface TlsCredentials {
  cert: string;
  key: string;
}

/** The certificate --https made, kept in the state folder. */
export interface SelfSignedCertificate extends TlsCredentials {
  /** Where the certificate is, for a browser or a client to be told to trust it. */
  certFile: string;
  /** Whether this start made it: the first --https, or the one kept had expired or lacked a name. */
  created: boolean;
  validTo: Date;
  /** SHA-256, as browsers show it: the same across starts while the certificate is kept. */
  fingerprint256: string;
  /** Writes a certificate made now to the state folder (nothing for one kept): once the start has succeeded. */
  keep(): Promise<void>;
}

/** The certificate is public; the key is a secret of this machine (mode 0600, as keys.json). */
export function certificateFiles(stateDir: string): { cert: string; key: string } {
  return { cert: path.join(stateDir, 'https-cert.pem'), key: path.join(stateDir, 'https-key.pem') };
}

const VALID_DAYS = 365;
/** One this close to its end is renewed at start, so that it does not expire in the middle of a class. */
const RENEW_WITHIN_MS = 7 * 86_400_000;

/** `.example.com` (an --allowed-host entry: the domain and its subdomains) → example.com and *.example.com. */
function namesOfHost(host: string): string[] {
  const name = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  // Every interface, or any host: no name of its own (the interfaces' addresses are added anyway).
  if (['', '0.0.0.0', '::', 'all'].includes(name)) return [];
  if (name.startsWith('.')) return [name.slice(1), `*${name}`];
  return [name];
}

/**
 * The names a self-signed certificate is for: localhost and the loopback addresses, this machine's addresses (a
 * classroom reaches a teacher's server by its LAN address), and `hosts`: --host and the --allowed-host names.
 */
export function certificateNames(hosts: readonly string[]): string[] {
  const ownAddresses = Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .map(({ address }) => address);
  return [...new Set(['localhost', '127.0.0.1', '::1', ...ownAddresses, ...hosts.flatMap(namesOfHost)])];
}

function covers(certificate: X509Certificate, name: string): boolean {
  if (isIP(name)) return certificate.checkIP(name) !== undefined;
  // checkHost takes a name, not a pattern: *.example.com is covered when a name under it is.
  return certificate.checkHost(name.replace(/^\*\./, 'x.')) !== undefined;
}

/**
 * The kept certificate, when it can serve this start: its key matches, it is valid for another week, and it names
 * every name this start wants. A name it has and this start lacks (a network left) is no reason to renew: a
 * certificate someone trusted stays trusted as long as it can.
 */
async function keptCertificate(files: { cert: string; key: string }, names: readonly string[], now: number): Promise<SelfSignedCertificate | undefined> {
  try {
    const [cert, key] = await Promise.all([readFile(files.cert, 'utf8'), readFile(files.key, 'utf8')]);
    const certificate = new X509Certificate(cert);
    if (!certificate.checkPrivateKey(createPrivateKey(key))) return undefined;
    const validTo = new Date(certificate.validTo);
    if (validTo.getTime() - now < RENEW_WITHIN_MS || new Date(certificate.validFrom).getTime() > now) return undefined;
    if (!names.every((name) => covers(certificate, name))) return undefined;
    return { cert, key, certFile: files.cert, created: false, validTo, fingerprint256: certificate.fingerprint256, keep: async () => undefined };
  } catch {
    return undefined; // missing, half-written or not PEM: made anew
  }
}

/**
 * An ECDSA P-256 certificate, SHA-256 signed, for `names` (DNS names and IP addresses). Made by the `selfsigned`
 * package (node:crypto signs but cannot build a certificate), loaded only here: --https is the one user of it.
 */
async function generateCertificate(names: readonly string[], now: number): Promise<TlsCredentials> {
  const { generate } = await import('selfsigned');
  const notAfterDate = new Date(now + VALID_DAYS * 86_400_000);
  const pems = await generate([{ name: 'commonName', value: 'fake-jwt-api (localhost)' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    // A minute back: a client whose clock is a little behind still sees it as valid.
    notBeforeDate: new Date(now - 60_000),
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: names.map((name) => (isIP(name) ? { type: 7, ip: name } : { type: 2, value: name })) },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

/**
 * --https: the certificate kept in the state folder, or a new one (first use, expired, or a name missing) that
 * keep() writes there, the key with mode 0600. Kept across starts so that a browser told to trust it once keeps
 * trusting it. Written by keep(), not here: a start that fails writes nothing (README "What is written where").
 */
export async function selfSignedCertificate(stateDir: string, names: readonly string[], now = Date.now()): Promise<SelfSignedCertificate> {
  const files = certificateFiles(stateDir);
  const kept = await keptCertificate(files, names, now);
  if (kept) return kept;
  const { cert, key } = await generateCertificate(names, now);
  const certificate = new X509Certificate(cert);
  async function keep(): Promise<void> {
    await ensureStateDir(stateDir);
    // The key first: a crash between the two leaves a pair that does not match, which the next start makes anew.
    await writeTextAtomic(files.key, key, 0o600);
    await writeTextAtomic(files.cert, cert, 0o644);
  }
  return { cert, key, certFile: files.cert, created: true, validTo: new Date(certificate.validTo), fingerprint256: certificate.fingerprint256, keep };
}

/**
 * --cert and --key (or start()'s `https: { cert, key }`), checked before use: a wrong file is then an error that says
 * which, rather than a handshake that fails in the browser. `names` says what to call each in that error.
 */
export function checkedCredentials(credentials: TlsCredentials, names: { cert: string; key: string }): TlsCredentials & { validTo: Date } {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(credentials.cert);
  } catch {
    throw new ConfigError('ERR_OPTION', `${names.cert} is not a certificate in PEM (-----BEGIN CERTIFICATE-----)`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(credentials.key);
  } catch (error) {
    throw new ConfigError('ERR_OPTION', `${names.key} is not a private key in PEM without a passphrase (${(error as Error).message})`);
  }
  if (!certificate.checkPrivateKey(key)) throw new ConfigError('ERR_OPTION', `${names.key} is not the private key of the certificate in ${names.cert}`);
  return { ...credentials, validTo: new Date(certificate.validTo) };
}
