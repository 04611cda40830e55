// Socket addresses and prefixes as written in the config: "127.0.0.1:53", "[::1]:53", "192.0.2.1@5353",
// "10.0.0.0/8". Parsed with node:net (isIP, BlockList) so there is one notion of a valid address.
import { BlockList, isIP } from 'node:net';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

export interface SocketAddress {
  /** A literal IPv4 or IPv6 address (no brackets). */
  readonly host: string;
  readonly port: number;
  readonly family: 4 | 6;
}

const MAX_PORT = 65535;

function parsePort(text: string): number | undefined {
  if (!/^[0-9]{1,5}$/.test(text)) return undefined;
  const n = Number(text);
  return n <= MAX_PORT ? n : undefined;
}

function familyOf(host: string): 4 | 6 | undefined {
  const f = isIP(host);
  return f === 4 || f === 6 ? f : undefined;
}

/** "a.b.c.d:port" or "[v6]:port". Port 0 means "any free port" (tests). Names are not accepted: no DNS before DNS. */
export function parseHostPort(text: string): Parsed<SocketAddress> {
  let host: string;
  let portText: string;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0 || text[close + 1] !== ':') return { ok: false, error: 'IPv6 addresses are written [addr]:port' };
    host = text.slice(1, close);
    portText = text.slice(close + 2);
  } else {
    const colon = text.lastIndexOf(':');
    if (colon < 0) return { ok: false, error: 'missing ":port"' };
    host = text.slice(0, colon);
    portText = text.slice(colon + 1);
    if (host.includes(':')) return { ok: false, error: 'IPv6 addresses are written [addr]:port' };
  }
  const family = familyOf(host);
  if (family === undefined) return { ok: false, error: `"${host}" is not an IP address` };
  const port = parsePort(portText);
  if (port === undefined) return { ok: false, error: `"${portText}" is not a port number` };
  return { ok: true, value: { host, port, family } };
}

/** "ip" or "ip@port" (the Unbound/Knot forwarder notation); the port defaults to `defaultPort`. */
export function parseServerAddress(text: string, defaultPort: number): Parsed<SocketAddress> {
  const at = text.indexOf('@');
  const host = at < 0 ? text : text.slice(0, at);
  const family = familyOf(host);
  if (family === undefined) return { ok: false, error: `"${host}" is not an IP address` };
  if (at < 0) return { ok: true, value: { host, port: defaultPort, family } };
  const port = parsePort(text.slice(at + 1));
  if (port === undefined || port === 0) return { ok: false, error: `"${text.slice(at + 1)}" is not a port number` };
  return { ok: true, value: { host, port, family } };
}

/** Brackets IPv6 for display and URLs. */
export function formatHostPort(a: { readonly host: string; readonly port: number }): string {
  return a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}

export interface Cidr {
  readonly network: string;
  readonly prefix: number;
  readonly family: 4 | 6;
}

/** "net/len"; a bare address is the single-host prefix (/32 or /128). */
export function parseCidr(text: string): Parsed<Cidr> {
  const slash = text.indexOf('/');
  const network = slash < 0 ? text : text.slice(0, slash);
  const family = familyOf(network);
  if (family === undefined) return { ok: false, error: `"${network}" is not an IP address` };
  const maxPrefix = family === 4 ? 32 : 128;
  if (slash < 0) return { ok: true, value: { network, prefix: maxPrefix, family } };
  const prefixText = text.slice(slash + 1);
  const prefix = /^[0-9]{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!(prefix >= 0 && prefix <= maxPrefix)) return { ok: false, error: `prefix length must be 0..${maxPrefix}` };
  return { ok: true, value: { network, prefix, family } };
}

/**
 * A node:net BlockList holding the prefixes (already validated). Its check() also matches
 * IPv4-mapped IPv6 clients ("::ffff:10.0.0.1") against IPv4 rules, as a dual-stack socket reports them.
 */
export function toBlockList(cidrs: readonly Cidr[]): BlockList {
  const list = new BlockList();
  for (const c of cidrs) list.addSubnet(c.network, c.prefix, c.family === 4 ? 'ipv4' : 'ipv6');
  return list;
}
