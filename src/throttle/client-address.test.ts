import { clientAddressKey } from './client-address';

describe('clientAddressKey', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['127.0.0.1', '127.0.0.1'],
    ['::ffff:127.0.0.2', '127.0.0.2'],
    ['::FFFF:203.0.113.7', '203.0.113.7'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['2001:db8:0:1::1', '2001:db8:0:1::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    [undefined, 'not-an-address'],
    ['', 'not-an-address'],
    ['garbage', 'not-an-address'], // a forwarded header's made-up text: one bucket, not a fresh address per guess
    ['::ffff:7f00:2', '127.0.0.2'], // IPv4-mapped, written in hex
    ['0:0:0:0:0:ffff:7f00:2', '127.0.0.2'],
  ])('%j counts as %j', (address, key) => {
    expect(clientAddressKey(address)).toBe(key);
  });

  it('groups an IPv6 /64 under one key, however its addresses are written', () => {
    const sameMachine = [
      '2001:db8::1',
      '2001:db8::2',
      '2001:db8::ffff:ffff:ffff:ffff',
      '2001:DB8::1',
      '2001:0db8:0000:0000::1',
      '2001:db8:0:0:1:2:3:4',
      '2001:db8::1%eth0',
    ];
    expect(new Set(sameMachine.map(clientAddressKey))).toEqual(new Set(['2001:db8:0:0::/64']));
  });

  it('keeps apart the /64s next to each other, and an IPv4 address from its IPv6 neighbours', () => {
    const keys = ['2001:db8::1', '2001:db8:0:1::1', '2001:db8:1::1', '2001:db9::1', '::1', '127.0.0.1'].map(clientAddressKey);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
