import { listenFirst, type ServerCertificate } from '../http/listen-first';
import type { ServerOptions } from '../config/options';
import { resolvePlaces } from '../config/resolve-places';
import { certificateNames, checkedCredentials, selfSignedCertificate, type TlsCredentials } from '../state/certificate';
import { createServer, type FakeJwtApi } from './create-server';

export interface StartOptions extends ServerOptions {
  /** Default 0: a free port, told back in `port` and `url`. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /**
   * Serve over HTTPS: `true` for the self-signed certificate made once and kept in the state folder (as --https),
   * or your own `{ cert, key }` in PEM.
   */
  https?: boolean | TlsCredentials;
}

/** What gives the certificate for `https`, if any: asked for once the port is taken (http/listen-first.ts). */
function credentialsOf(https: StartOptions['https'], options: ServerOptions, hosts: readonly string[]): (() => Promise<ServerCertificate>) | undefined {
  if (https === undefined || https === false) return undefined;
  if (https === true) return () => selfSignedCertificate(resolvePlaces(options).stateDir, certificateNames(hosts));
  return async () => checkedCredentials(https, { cert: 'https.cert', key: 'https.key' });
}

export interface StartedServer {
  url: string;
  port: number;
  api: FakeJwtApi;
  /** The mails the server sent (README "The outbox"): `await server.outbox.latest('alice@example.com')`. */
  outbox: FakeJwtApi['outbox'];
  /** Data and accounts back to how they were at start, every session ended. */
  reset(): Promise<void>;
  /** Stops listening, lets requests in flight finish, saves everything, and leaves no handle open. */
  close(): Promise<void>;
}

/**
 * Starts a server for a test suite: `const server = await start({ db: 'db.json' })`, then `server.url`,
 * `server.reset()` between tests, `server.close()` at the end. The request log is off unless `logger: true`.
 */
export async function start(options: StartOptions): Promise<StartedServer> {
  const { port = 0, host = '127.0.0.1', https, ...serverOptions } = options;
  // The name it listens on is one it answers to (see http/host-check.ts); 'all' stays all.
  const allowedHosts = Array.isArray(serverOptions.allowedHosts) ? [...serverOptions.allowedHosts, host] : (serverOptions.allowedHosts ?? [host]);
  let api!: FakeJwtApi;
  // The port first: a port in use fails before any file is read or written.
  const listening = await listenFirst(
    port,
    host,
    (req, res) => api.app(req, res),
    async () => {
      api = await createServer({ logger: false, ...serverOptions, allowedHosts });
    },
    credentialsOf(https, serverOptions, Array.isArray(allowedHosts) ? allowedHosts : [host]),
  );
  return {
    url: listening.url,
    port: listening.port,
    api,
    outbox: api.outbox,
    reset: () => api.reset(),
    close: async () => {
      await listening.stop();
      await api.close();
    },
  };
}
