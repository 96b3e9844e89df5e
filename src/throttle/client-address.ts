import { isIP, isIPv6 } from 'node:net';

/**
 * The address a failure is counted against. IPv4 as it is (an IPv4-mapped IPv6 address too: `::ffff:127.0.0.2` is
 * 127.0.0.2); IPv6 by its /64, the block one machine is usually given, so that a guesser cannot step through
 * 2^64 addresses of its own. Express's req.ip: the socket's address, or X-Forwarded-For's under --trust-proxy.
 */
export function clientAddressKey(address: string | undefined): string {
  // Not an address (a forwarded header under --trust-proxy true can say anything): one bucket for all such, so that
  // made-up text is no fresh address per guess.
  if (address === undefined || isIP(address.split('%')[0]) === 0) return 'not-an-address';
  if (!isIPv6(address)) return address.split('%')[0]; // an IPv4 zone suffix means nothing: one address
  const groups = expandIPv6(address);
  // IPv4-mapped, dotted (::ffff:127.0.0.2) or in hex (::ffff:7f00:2): the IPv4 address it is.
  if (groups.slice(0, 5).every((group) => group === '0') && groups[5] === 'ffff') return ipv4Of(groups);
  return `${groups.slice(0, 4).join(':')}::/64`;
}

function ipv4Of(groups: string[]): string {
  const [high, low] = [parseInt(groups[6], 16), parseInt(groups[7], 16)];
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/** The eight groups of an IPv6 address, `::` filled with zeros (a zone index dropped). */
function expandIPv6(address: string): string[] {
  // A dotted IPv4 tail (::ffff:127.0.0.2) is the last two groups.
  const hexOnly = address
    .split('%')[0]
    .toLowerCase()
    .replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_all, a, b, c, d) => `${((+a << 8) | +b).toString(16)}:${((+c << 8) | +d).toString(16)}`);
  const [head, tail] = hexOnly.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((group) => group.replace(/^0+(?=.)/, ''));
}
