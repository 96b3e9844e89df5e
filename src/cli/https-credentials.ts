import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../errors';
import type { ServeFlags } from '../config/option-table';
import type { ServerCertificate } from '../http/listen-first';
import { certificateNames, checkedCredentials, selfSignedCertificate } from '../state/certificate';

/** How the serve command gets its certificate, and, once it has it, the banner's lines about it. */
export interface HttpsPlan {
  credentials(): Promise<ServerCertificate>;
  bannerLines(): string[];
}

type HttpsFlags = Pick<ServeFlags, 'https' | 'cert' | 'key' | 'host' | 'allowedHosts'>;

const day = (date: Date) => date.toISOString().slice(0, 10);
const relative = (file: string) => path.relative(process.cwd(), file) || file;

// A PEM certificate chain or key is a few KiB: a bigger file is not one, and a FIFO or device would never end.
const MAX_PEM_BYTES = 1024 * 1024;

async function readPem(flag: '--cert' | '--key', file: string): Promise<string> {
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new ConfigError('ERR_OPTION', `${flag}: ${file} is not a regular file`);
    if (info.size > MAX_PEM_BYTES) throw new ConfigError('ERR_OPTION', `${flag}: ${file} is over 1 MiB, which no PEM certificate or key is`);
    return await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError('ERR_OPTION', `${flag}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

/** --cert and --key: the user's own certificate (mkcert's, a company CA's), read and checked after the port is taken. */
function ownCertificate(certFlag: string, keyFlag: string): HttpsPlan {
  const files = { cert: path.resolve(certFlag), key: path.resolve(keyFlag) };
  let validTo: Date | undefined;
  return {
    async credentials() {
      const pems = { cert: await readPem('--cert', files.cert), key: await readPem('--key', files.key) };
      const checked = checkedCredentials(pems, { cert: `--cert ${certFlag}`, key: `--key ${keyFlag}` });
      validTo = checked.validTo;
      return checked;
    },
    bannerLines: () => [`  HTTPS      certificate ${relative(files.cert)}, valid until ${validTo ? day(validTo) : '?'}`],
  };
}

/** --https alone: the self-signed certificate of the state folder, for localhost, this machine's addresses and --host / --allowed-host. */
function selfSigned(flags: HttpsFlags, stateDir: string): HttpsPlan {
  const hosts = [flags.host, ...(flags.allowedHosts ?? [])];
  let made: Awaited<ReturnType<typeof selfSignedCertificate>> | undefined;
  return {
    async credentials() {
      made = await selfSignedCertificate(stateDir, certificateNames(hosts));
      return made;
    },
    bannerLines() {
      if (!made) return [];
      const file = relative(made.certFile);
      return [
        `  HTTPS      self-signed certificate ${file} (${made.created ? 'made now' : 'kept from an earlier start'}, valid until ${day(made.validTo)})`,
        `             SHA-256 ${made.fingerprint256}`,
        `             A browser warns until you accept it (compare the fingerprint) or trust the file; curl: --cacert ${file}`,
      ];
    },
  };
}

/** A private key inside the static folder would be served to anyone who asks for it by name. */
function refuseServedKey(keyFlag: string, staticDir: string | undefined): void {
  if (staticDir === undefined) return;
  const inside = path.relative(path.resolve(staticDir), path.resolve(keyFlag));
  if (!inside.startsWith('..') && !path.isAbsolute(inside))
    throw new ConfigError(
      'ERR_OPTION',
      `--key: ${keyFlag} is inside the static folder ${staticDir}, which serves every file in it: keep the private key elsewhere`,
    );
}

/**
 * --https, or --cert with --key (either implies HTTPS): undefined for plain HTTP. The flags are checked now, before
 * the port is taken; the files are read (or the certificate made) when credentials() is called, after it.
 */
export function httpsPlanOf(flags: HttpsFlags, stateDir: () => string, staticDir: () => string | undefined): HttpsPlan | undefined {
  if ((flags.cert === undefined) !== (flags.key === undefined)) {
    const [given, missing] = flags.cert === undefined ? ['--key', '--cert'] : ['--cert', '--key'];
    throw new ConfigError(
      'ERR_OPTION',
      `${given} needs ${missing}: pass both (your own certificate and its key), or neither and --https for a self-signed one`,
    );
  }
  if (flags.key !== undefined) refuseServedKey(flags.key, staticDir());
  if (flags.cert !== undefined && flags.key !== undefined) return ownCertificate(flags.cert, flags.key);
  return flags.https ? selfSigned(flags, stateDir()) : undefined;
}
