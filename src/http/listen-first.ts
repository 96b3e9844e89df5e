import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import type { TlsCredentials } from '../state/certificate';
import { listen, type Listening } from './listen';

/** A certificate for the server, and what writes it once the start succeeded (a self-signed one made now). */
export type ServerCertificate = TlsCredentials & { keep?(): Promise<void> };

/**
 * Sets the certificate of an HTTPS server once `credentials` gives it. Until then a handshake would fail, so new
 * connections wait, unread, and then reach the TLS layer as if they had just arrived. `ready` resolves once the
 * certificate is set; `drop` closes the connections that wait (the start failed).
 */
function secureWhenReady(server: HttpsServer, credentials: () => Promise<ServerCertificate>): { ready: Promise<ServerCertificate>; drop(): void } {
  const tlsListeners = server.listeners('connection') as Array<(socket: Socket) => void>;
  const held: Socket[] = [];
  const hold = (socket: Socket) => held.push(socket.pause());
  server.removeAllListeners('connection');
  server.on('connection', hold);
  const ready = credentials().then((certificate) => {
    server.setSecureContext({ cert: certificate.cert, key: certificate.key });
    server.off('connection', hold);
    for (const listener of tlsListeners) server.on('connection', listener);
    for (const socket of held.splice(0)) for (const listener of tlsListeners) listener.call(server, socket);
    return certificate;
  });
  return { ready, drop: () => held.splice(0).forEach((socket) => socket.destroy()) };
}

/**
 * Listens on host:port first, then runs `prepare` (reading the files, building the app) and only then hands
 * requests to `handler`: a port in use fails before any file is read or written, so a start that fails leaves the
 * project as it was. Requests that arrive while `prepare` runs wait for it; if it fails, they are dropped and
 * the port is let go before the error is passed on. With `credentials` the server speaks HTTPS: they are asked
 * for after the port is taken and before `prepare`, connections wait for them too, and a certificate made now is
 * kept (written) only once `prepare` succeeded.
 */
export async function listenFirst(
  port: number,
  host: string,
  handler: RequestListener,
  prepare: () => Promise<void>,
  credentials?: () => Promise<ServerCertificate>,
): Promise<Listening> {
  let ready = false;
  const waiting: Array<[IncomingMessage, ServerResponse]> = [];
  const listening = await listen(
    (req, res) => {
      if (ready) handler(req, res);
      else waiting.push([req, res]);
    },
    port,
    host,
    credentials !== undefined,
  );
  const secured = credentials && secureWhenReady(listening.server as HttpsServer, credentials);
  try {
    const certificate = await secured?.ready;
    await prepare();
    await certificate?.keep?.();
  } catch (error) {
    secured?.drop();
    for (const [req] of waiting) req.socket.destroy();
    await listening.stop();
    throw error;
  }
  ready = true;
  for (const [req, res] of waiting.splice(0)) handler(req, res);
  return listening;
}
