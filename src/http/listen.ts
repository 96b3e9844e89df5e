import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { RequestListener, ServerResponse } from 'node:http';
import { RuntimeError } from '../errors';

export interface Listening {
  /** An https.Server (a tls.Server) with `tls`: its certificate is set once known (listen-first.ts). */
  server: http.Server | https.Server;
  port: number;
  url: string;
  /**
   * Stops taking connections and resolves once the requests in flight are answered (3 s at most). Idle keep-alive
   * connections close at once, and the others as soon as their answer is sent.
   */
  stop(): Promise<void>;
}

/**
 * fetch, browsers and supertest agents keep every connection open after its answer, and server.close() waits for
 * all of them. Returns what stop() calls: from then on each answer closes its connection once sent, the answers
 * in flight included.
 */
function closeConnectionsWhenAnswered(server: http.Server | https.Server): () => void {
  const inFlight = new Set<ServerResponse>();
  let stopping = false;
  const closeAfter = (res: ServerResponse) => {
    if (!res.headersSent) res.setHeader('Connection', 'close');
    // Already sent as keep-alive: the connection is idle once the answer is written.
    else res.once('finish', () => setImmediate(() => server.closeIdleConnections()));
  };
  server.on('request', (_req, res: ServerResponse) => {
    if (stopping) return closeAfter(res);
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
  });
  return () => {
    stopping = true;
    for (const res of inFlight) closeAfter(res);
    server.closeIdleConnections();
  };
}

/**
 * Listens with `handler` on host:port (0: a free port); a port in use is a RuntimeError with what to do. With
 * `tls` it is an HTTPS server, still without a certificate: the caller sets one (server.setSecureContext).
 */
export function listen(handler: RequestListener, port: number, host: string, tls = false): Promise<Listening> {
  const server = tls ? https.createServer(handler) : http.createServer(handler);
  const closeWhenAnswered = closeConnectionsWhenAnswered(server);
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE')
        reject(new RuntimeError('ERR_PORT_IN_USE', `port ${port} on ${host} is already in use; stop the other server or pass --port ${port + 1}`));
      else if (error.code === 'EACCES') reject(new RuntimeError('ERR_LISTEN', `port ${port} needs privileges this user does not have; pass --port 3000`));
      else reject(new RuntimeError('ERR_LISTEN', `cannot listen on ${host}:${port} (${error.message})`));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const actual = (server.address() as AddressInfo).port;
      resolve({
        server,
        port: actual,
        url: `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${actual}`,
        stop: () =>
          new Promise<void>((done) => {
            // A request still unanswered after 3 s (a client still sending, a long --delay) must not hold the shutdown forever.
            const force = setTimeout(() => server.closeAllConnections(), 3000);
            server.close(() => {
              clearTimeout(force);
              done();
            });
            closeWhenAnswered();
          }),
      });
    });
  });
}
