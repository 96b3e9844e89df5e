import { isIP } from 'node:net';
import type { RequestHandler } from 'express';
import { forbidden } from '../errors';
import { isLoopbackHostname } from './origins';

/** Host names answered besides the loopback names and IP addresses; `.example.com` is it and its subdomains. */
export type AllowedHosts = readonly string[] | 'all';

/** `Host: [::1]:3000` → `[::1]`, `Host: App.Test.:80` → `app.test`. */
export function hostnameOf(host: string): string {
  const value = host.trim().toLowerCase();
  if (value.startsWith('[')) return value.slice(0, value.indexOf(']') + 1);
  return value.replace(/:\d*$/, '').replace(/\.$/, '');
}

/**
 * DNS rebinding: a page on evil.example whose name is pointed at 127.0.0.1 reaches this server as its own origin,
 * and the browser sends `Host: evil.example`. So only names that cannot be rebound are answered: loopback names,
 * IP addresses (a page's origin is then that address itself), and the names the user allowed. Vite and
 * webpack-dev-server draw the same line.
 */
export function isAllowedHost(host: string, allowed: AllowedHosts): boolean {
  if (allowed === 'all') return true;
  const hostname = hostnameOf(host);
  if (isLoopbackHostname(hostname)) return true;
  if (isIP(hostname) === 4) return true;
  if (hostname.startsWith('[') && isIP(hostname.slice(1, -1)) === 6) return true;
  return isListedHost(hostname, allowed);
}

/** Whether --allowed-host names `hostname`: exactly, or as a `.domain` entry (the domain and every name under it). */
export function isListedHost(hostname: string, allowed: readonly string[]): boolean {
  return allowed.some((name) => name === hostname || (name.startsWith('.') && (hostname.endsWith(name) || hostname === name.slice(1))));
}

export function makeHostCheck(allowed: AllowedHosts): RequestHandler {
  return function hostCheck(req, _res, next) {
    const host = req.headers.host;
    // Without a Host (HTTP/1.0) the request did not come from a browser, which is what rebinding needs.
    if (host === undefined || isAllowedHost(host, allowed)) return next();
    const name = hostnameOf(host);
    next(
      forbidden(
        `This server does not answer requests for the host "${name}", so that a site whose name points to this machine cannot use it (DNS rebinding); start the server with --allowed-host ${name} to allow it.`,
      ),
    );
  };
}
