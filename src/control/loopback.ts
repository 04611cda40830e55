// Which addresses count as loopback for the control endpoint. Only these may be bound: the endpoint
// can flush the cache and reload policy, and a bearer token over plain HTTP is only as private as
// the path it travels.
import { BlockList, isIP } from 'node:net';

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/** 127.0.0.0/8, ::1, and IPv4-mapped 127/8 (::ffff:127.0.0.1). Names and wildcards are not loopback. */
export function isLoopbackAddress(host: string): boolean {
  const family = isIP(host);
  if (family === 4) return loopback.check(host, 'ipv4');
  if (family === 6) return loopback.check(host, 'ipv6');
  return false;
}
