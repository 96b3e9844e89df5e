import { isAllowedHost } from './host-check';
import { isLoopbackHostname } from './origins';

describe('isLoopbackHostname', () => {
  it.each(['localhost', 'LOCALHOST', 'localhost.', 'app.localhost', '127.0.0.1', '127.255.0.9', '[::1]', '::1'])('%s is this machine', (name) => {
    expect(isLoopbackHostname(name)).toBe(true);
  });

  it.each(['localhost.evil.example', 'evil-localhost', '127.0.0.1.nip.io', '128.0.0.1', '0.0.0.0', '[::2]', '127.1'])('%s is not', (name) => {
    expect(isLoopbackHostname(name)).toBe(false);
  });
});

describe('isAllowedHost', () => {
  it.each([
    ['localhost:3000', []],
    ['10.0.0.7:3000', []],
    ['[2001:db8::1]:3000', []],
    ['myapp.test', ['myapp.test']],
    ['MyApp.Test.:80', ['myapp.test']],
    ['example.com', ['.example.com']],
    ['a.b.example.com:8443', ['.example.com']],
    ['anything.example', 'all'],
  ] as const)('answers %s with %p', (host, allowed) => {
    expect(isAllowedHost(host, allowed)).toBe(true);
  });

  it.each([
    ['evil.example', []],
    ['sub.myapp.test', ['myapp.test']],
    ['badexample.com', ['.example.com']],
    ['[not-an-address]:3000', []],
    ['10.0.0.7.evil.example', []],
  ] as const)('refuses %s with %p', (host, allowed) => {
    expect(isAllowedHost(host, allowed)).toBe(false);
  });
});
