/**
 * start({ https }) and the listening underneath it: the certificate is asked for once the port is taken, and a
 * connection that arrives before it is set waits for it instead of failing its handshake.
 */
import { readFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { listenFirst } from '../../src/http/listen-first';
import { selfSignedCertificate, type TlsCredentials } from '../../src/state/certificate';
import { useServer } from '../support';

const { project, listen } = useServer();

/** GET over HTTPS trusting only `ca`: the status and the fingerprint of the certificate the server presented. */
function get(url: string, ca: string): Promise<{ status: number; body: string; served: string }> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca }, (res) => {
        const served = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, body, served }));
      })
      .on('error', reject);
  });
}

it('start({ https: true }) serves the self-signed certificate of the state folder', async () => {
  const server = await listen({ https: true });
  expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  const cert = readFileSync(path.join(project.dir, '.fake-jwt-api', 'https-cert.pem'), 'utf8');
  const answer = await get(`${server.url}/.well-known/openid-configuration`, cert);
  expect(answer.status).toBe(200);
  expect(JSON.parse(answer.body).issuer).toBe(server.url);
});

it('start({ https: { cert, key } }) serves the certificate given', async () => {
  const own = await selfSignedCertificate(path.join(project.dir, 'own'), ['127.0.0.1']);
  const server = await listen({ https: { cert: own.cert, key: own.key } });
  expect((await get(`${server.url}/posts`, own.cert)).served).toBe(own.fingerprint256);
});

it('holds a connection made before the certificate is ready, and answers it once it is', async () => {
  const own = await selfSignedCertificate(path.join(project.dir, 'own'), ['127.0.0.1']);
  let giveCertificate!: (credentials: TlsCredentials) => void;
  const certificate = new Promise<TlsCredentials>((resolve) => (giveCertificate = resolve));
  let portTaken!: (port: number) => void;
  const port = new Promise<number>((resolve) => (portTaken = resolve));
  // The port is known only once listenFirst resolves, after the certificate: find it from the server's listening.
  const { createServer } = https;
  const spy = jest.spyOn(https, 'createServer').mockImplementation((...args: Parameters<typeof createServer>) => {
    const server = createServer(...args);
    server.once('listening', () => portTaken((server.address() as import('node:net').AddressInfo).port));
    return server;
  });
  const listening = listenFirst(
    0,
    '127.0.0.1',
    (_req, res) => res.end('answered'),
    async () => undefined,
    () => certificate,
  );
  try {
    const early = get(`https://127.0.0.1:${await port}/`, own.cert);
    await new Promise((resolve) => setTimeout(resolve, 200));
    giveCertificate(own);
    expect(await early).toMatchObject({ status: 200, body: 'answered', served: own.fingerprint256 });
  } finally {
    spy.mockRestore();
    await (await listening).stop();
  }
});
