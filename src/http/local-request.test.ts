import type { IncomingHttpHeaders } from 'node:http';
import { hasForwardingHeader, isFromThisMachine, isLoopbackAddress } from './local-request';

describe('isLoopbackAddress', () => {
  it.each(['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1', '::FFFF:127.0.0.1'])('%s is loopback', (address) => {
    expect(isLoopbackAddress(address)).toBe(true);
  });

  it.each(['192.168.1.20', '::ffff:10.0.0.2', 'fe80::1', '0.0.0.0', '::', '128.0.0.1', '', undefined])('%s is not', (address) => {
    expect(isLoopbackAddress(address)).toBe(false);
  });
});

describe('hasForwardingHeader', () => {
  // Node gives header names in lower case, whatever the client sent.
  it.each([
    'forwarded',
    'via',
    'x-forwarded-for',
    'x-forwarded-host',
    'x-forwarded-proto',
    'x-forwarded-port',
    'x-forwarded-server',
    'x-real-ip',
    'cf-connecting-ip',
    'true-client-ip',
    'x-client-ip',
    'x-cluster-client-ip',
    'fastly-client-ip',
    'x-original-forwarded-for',
    'x-envoy-external-address',
  ])('%s is one, whatever its value', (name) => {
    expect(hasForwardingHeader({ host: 'localhost', [name]: '' })).toBe(true);
    expect(hasForwardingHeader({ host: 'localhost', [name]: '127.0.0.1' })).toBe(true);
  });

  it.each(['host', 'origin', 'referer', 'x-forwarded', 'forwarded-for', 'x-requested-with', 'user-agent'])('%s is not', (name) => {
    expect(hasForwardingHeader({ [name]: 'x' })).toBe(false);
  });
});

describe('isFromThisMachine', () => {
  const LOCAL = { socket: '127.0.0.1', ip: '127.0.0.1', headers: { host: 'localhost:3000' } as IncomingHttpHeaders };
  const judge = ({ socket, ip, headers }: { socket?: string; ip?: string; headers: IncomingHttpHeaders }) =>
    isFromThisMachine({ socket: { remoteAddress: socket }, ip, headers });

  it.each<[string, Partial<typeof LOCAL>, boolean]>([
    ['a browser on localhost', {}, true],
    ['127.0.0.1 by address', { headers: { host: '127.0.0.1:3000' } }, true],
    ['[::1] over IPv6', { socket: '::1', ip: '::1', headers: { host: '[::1]:3000' } }, true],
    ['an IPv4 client of a dual-stack socket', { socket: '::ffff:127.0.0.1', ip: '::ffff:127.0.0.1' }, true],
    ['a *.localhost name', { headers: { host: 'app.localhost:3000' } }, true],
    ['LOCALHOST with a trailing dot, no port', { headers: { host: 'LOCALHOST.' } }, true],
    ['another machine', { socket: '192.0.2.7', ip: '192.0.2.7' }, false],
    ['another machine claiming loopback', { socket: '192.0.2.7', ip: '192.0.2.7', headers: { host: 'localhost', 'x-forwarded-for': '127.0.0.1' } }, false],
    ['a proxy on this machine (X-Forwarded-For)', { headers: { host: 'localhost:3000', 'x-forwarded-for': '203.0.113.9' } }, false],
    ['a proxy forwarding for loopback', { headers: { host: 'localhost:3000', 'x-forwarded-for': '127.0.0.1' } }, false],
    ['a proxy on this machine (Forwarded)', { headers: { host: 'localhost:3000', forwarded: 'for=203.0.113.9' } }, false],
    ['a proxy on this machine (Via)', { headers: { host: 'localhost:3000', via: '1.1 nginx' } }, false],
    ['cloudflared', { headers: { host: 'localhost:3000', 'cf-connecting-ip': '203.0.113.9' } }, false],
    ['trust proxy made req.ip another machine', { ip: '203.0.113.9' }, false],
    ['no req.ip (the socket is gone)', { ip: undefined }, false],
    ['a tunnel keeping its own Host', { headers: { host: 'abc.ngrok.app' } }, false],
    ['a LAN address as Host', { headers: { host: '192.168.1.5:3000' } }, false],
    ['a local alias (/etc/hosts)', { headers: { host: 'myapp.test:3000' } }, false],
    ['a name ending in localhost that is not one', { headers: { host: 'localhost.evil.example' } }, false],
    ['no Host (HTTP/1.0)', { headers: {} }, false],
  ])('%s → %s', (_case, changes, expected) => {
    expect(judge({ ...LOCAL, ...changes })).toBe(expected);
  });
});
