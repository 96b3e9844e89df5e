import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestListener } from 'node:http';
import { RuntimeError } from '../errors';

export interface Listening {
  server: http.Server;
  port: number;
  url: string;
  /** Stops taking connections and resolves once the requests in flight are answered (3 s at most). */
  stop(): Promise<void>;
}

/** Listens with `handler` on host:port (0: a free port); a port in use is a RuntimeError with what to do. */
export function listen(handler: RequestListener, port: number, host: string): Promise<Listening> {
  const server = http.createServer(handler);
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') reject(new RuntimeError(`port ${port} on ${host} is already in use; stop the other server or pass --port ${port + 1}`));
      else if (error.code === 'EACCES') reject(new RuntimeError(`port ${port} needs privileges this user does not have; pass --port 3000`));
      else reject(new RuntimeError(`cannot listen on ${host}:${port} (${error.message})`));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const actual = (server.address() as AddressInfo).port;
      resolve({
        server,
        port: actual,
        url: `http://${host.includes(':') ? `[${host}]` : host}:${actual}`,
        stop: () =>
          new Promise<void>((done) => {
            // A client that holds a keep-alive connection open must not hold the shutdown forever.
            const force = setTimeout(() => server.closeAllConnections(), 3000);
            server.close(() => {
              clearTimeout(force);
              done();
            });
            server.closeIdleConnections();
          }),
      });
    });
  });
}
