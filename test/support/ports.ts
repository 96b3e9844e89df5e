/**
 * Ports on 127.0.0.1 for tests and for bench/run.ts. No test-runner imports here: the bench loads this file with tsx.
 */
import { createServer, type AddressInfo } from 'node:net';

/** A port free right now, for a process that must be told its port before it starts (a spawned CLI, a bench server). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A port held by another listener until `close()`: for what must happen when the port is taken. */
export function portInUse(): Promise<{ port: number; close(): Promise<void> }> {
  const blocker = createServer();
  return new Promise((resolve, reject) => {
    blocker.once('error', reject);
    blocker.listen(0, '127.0.0.1', () =>
      resolve({
        port: (blocker.address() as AddressInfo).port,
        close: () => new Promise<void>((closed) => blocker.close(() => closed())),
      }),
    );
  });
}
