import type { IncomingHttpHeaders } from 'node:http';
import { hostnameOf } from './host-check';
import { isLoopbackHostname } from './origins';

/**
 * Headers a proxy or tunnel adds to say whom it forwards for (RFC 7239 Forwarded, Via of RFC 9110 §7.6.3, the
 * X-Forwarded-* family, nginx's X-Real-IP, Cloudflare's, Akamai's, Fastly's, Envoy's). A client on this machine talks
 * to the server directly and never needs one; a proxy on this machine (ngrok, cloudflared, nginx) connects from
 * loopback whoever its client is, and one of these is often all that gives it away.
 */
const FORWARDING_HEADERS = [
  'forwarded',
  'via',
  'x-real-ip',
  'cf-connecting-ip',
  'true-client-ip',
  'x-client-ip',
  'x-cluster-client-ip',
  'fastly-client-ip',
  'x-original-forwarded-for',
  'x-envoy-external-address',
];

/** Any of FORWARDING_HEADERS, or any X-Forwarded-* (For, Host, Proto, Port, Server, Prefix…). */
export function hasForwardingHeader(headers: IncomingHttpHeaders): boolean {
  return Object.keys(headers).some((name) => name.startsWith('x-forwarded-') || FORWARDING_HEADERS.includes(name));
}

/** A loopback address as a socket gives it: 127.x.x.x, ::1, or either as an IPv4 client of a dual-stack socket (::ffff:127.0.0.1). */
export function isLoopbackAddress(address: string | undefined): boolean {
  return address !== undefined && isLoopbackHostname(address.replace(/^::ffff:/i, ''));
}

/** What of a request the judgement reads: an Express Request has it all. */
export interface LocalRequestSigns {
  socket: { remoteAddress?: string };
  /** Express's req.ip: the socket's address, or under `trust proxy` the client X-Forwarded-For names. */
  ip?: string;
  headers: IncomingHttpHeaders;
}

/**
 * Whether a request comes from a person at this machine's keyboard: the one judgement behind everything this machine
 * gets that others do not (the outbox without a token under --allow-reset, the demo accounts on the playground and
 * on the provider's login page). Each sign below must hold; a missing one means another machine:
 *
 * - the connection comes from a loopback address, and so does req.ip (the same address unless --trust-proxy lets
 *   X-Forwarded-For name another; checked anyway, so that no trust setting can make a remote client local);
 * - no forwarding header at all, whatever it says: a proxy on this machine connects from loopback for everyone, and
 *   `X-Forwarded-For: 127.0.0.1` from a remote client must not pass either;
 * - the Host is a loopback name (localhost, 127.x.x.x, [::1]). The Host check (host-check.ts) lets through only
 *   loopback names, IP addresses and --allowed-host names; a foreign name means the request was addressed to this
 *   server from outside: a tunnel's own name (abc.ngrok.app, which needs --allowed-host), a LAN address, a proxy that
 *   keeps the client's Host. Someone at the keyboard opens localhost. The price: a local alias (myapp.test in
 *   /etc/hosts) gets what another machine gets, an admin's token still opens the outbox. A request without a Host
 *   (HTTP/1.0) names no host of this machine, so it is not one.
 *
 * A proxy on this machine that adds no header and rewrites the Host to localhost (nginx's bare proxy_pass, a Vite
 * proxy with changeOrigin) is indistinguishable from a local client: README "The outbox" says not to expose an
 * --allow-reset server that way.
 */
export function isFromThisMachine(req: LocalRequestSigns): boolean {
  const host = req.headers.host;
  return (
    isLoopbackAddress(req.socket.remoteAddress) &&
    isLoopbackAddress(req.ip) &&
    !hasForwardingHeader(req.headers) &&
    host !== undefined &&
    isLoopbackHostname(hostnameOf(host))
  );
}
