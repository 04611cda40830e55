// Access control: which client addresses may query at all. An open resolver is an amplification tool,
// so clients outside the configured prefixes are refused before any work is done for them.
import { BlockList, isIP } from 'node:net';
import { Rcode } from '../wire/constants.ts';
import { EdeCode, reason } from '../wire/ede.ts';
import type { Outcome } from '../wire/outcome.ts';

export interface Acl {
  /** True when `address` (an IPv4, IPv6 or IPv4-mapped IPv6 literal) is inside an allowed prefix. */
  isAllowed(address: string): boolean;
}

export type AclResult = { ok: true; acl: Acl } | { ok: false; error: string };

// Mapped addresses (::ffff:192.0.2.1, as a dual-stack socket reports IPv4 clients) are compared as the
// IPv4 address they carry, so "10.0.0.0/8" covers them whichever form the listener hands over.
const MAPPED_DOTTED = /^::ffff:([0-9]+\.[0-9]+\.[0-9]+\.[0-9]+)$/i;
const MAPPED_HEX = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i;
const BYTE = 0xff;
const BITS_PER_BYTE = 8;
const V4_BITS = 32;
const V6_BITS = 128;
// Verdicts remembered per address string: BlockList.check builds a SocketAddress per call, a cost
// paid on every query otherwise. Clients are few in practice; the bound keeps a spoofed-source flood
// from growing the map without limit (when full it is simply emptied: cheaper than tracking age).
const VERDICT_CACHE_MAX = 1024;

/** The address as the family it really is: mapped IPv6 becomes IPv4; scope ids (%eth0) are dropped. */
function normalize(address: string): { address: string; family: 'ipv4' | 'ipv6' } | undefined {
  const bare = address.includes('%') ? address.slice(0, address.indexOf('%')) : address;
  const dotted = MAPPED_DOTTED.exec(bare);
  if (dotted !== null && isIP(dotted[1]) === 4) return { address: dotted[1], family: 'ipv4' };
  const hex = MAPPED_HEX.exec(bare);
  if (hex !== null) {
    const hi = parseInt(hex[1], 16), lo = parseInt(hex[2], 16);
    const octets = [hi >> BITS_PER_BYTE, hi & BYTE, lo >> BITS_PER_BYTE, lo & BYTE];
    return { address: octets.join('.'), family: 'ipv4' };
  }
  const f = isIP(bare);
  if (f === 4) return { address: bare, family: 'ipv4' };
  if (f === 6) return { address: bare, family: 'ipv6' };
  return undefined;
}

/**
 * Builds the allow list from CIDR strings ("10.0.0.0/8", "::1/128", or a bare address for one host).
 * A malformed entry rejects the whole list: silently dropping it would refuse or admit the wrong clients.
 * `key` names the config key in errors.
 */
export function createAcl(prefixes: readonly string[], key = 'allow'): AclResult {
  const list = new BlockList();
  for (const text of prefixes) {
    const slash = text.indexOf('/');
    const written = slash < 0 ? text : text.slice(0, slash);
    const net = normalize(written);
    if (net === undefined) return { ok: false, error: `${key}: "${text}" is not an IP prefix` };
    const mappedV4 = net.family === 'ipv4' && isIP(written) === 6;
    const max = net.family === 'ipv4' ? V4_BITS : V6_BITS;
    let prefix = max;
    if (slash >= 0) {
      const lenText = text.slice(slash + 1);
      if (!/^[0-9]{1,3}$/.test(lenText)) return { ok: false, error: `${key}: "${text}" has an invalid prefix length` };
      prefix = Number(lenText);
      // A mapped prefix (::ffff:10.0.0.0/104) counts its length over 128 bits; rebase it onto IPv4.
      if (mappedV4) prefix -= V6_BITS - V4_BITS;
      if (prefix < 0 || prefix > max) return { ok: false, error: `${key}: "${text}" has an invalid prefix length` };
    }
    list.addSubnet(net.address, prefix, net.family);
  }
  // One cache per list: a reload builds a new Acl, so old verdicts go with the old list.
  const verdicts = new Map<string, boolean>();
  return {
    ok: true,
    acl: {
      isAllowed(address: string): boolean {
        const known = verdicts.get(address);
        if (known !== undefined) return known;
        const a = normalize(address);
        const allowed = a !== undefined && list.check(a.address, a.family);
        if (verdicts.size >= VERDICT_CACHE_MAX) verdicts.clear();
        verdicts.set(address, allowed);
        return allowed;
      },
    },
  };
}

/** The answer for a client outside the allow list: REFUSED with EDE 18 naming the address it came from. */
export function refusedOutcome(address: string): Outcome {
  return {
    rcode: Rcode.REFUSED,
    answer: [], authority: [], additional: [],
    security: 'indeterminate',
    reasons: [reason(EdeCode.PROHIBITED, `queries from ${address} are not allowed by this resolver`)],
    synthesized: true,
  };
}

/**
 * The answer to a non-recursive (RD=0) query from a client that may query but not look into the
 * cache: REFUSED with EDE 20. Answering such queries from cache would let anyone allowed to query
 * learn which names other clients resolved, and when (cache snooping); Unbound's plain `allow`,
 * Knot Resolver's refuse_nord and PowerDNS's allow-no-rd=no refuse them the same way.
 */
export function nonRecursiveRefusedOutcome(address: string): Outcome {
  return {
    rcode: Rcode.REFUSED,
    answer: [], authority: [], additional: [],
    security: 'indeterminate',
    reasons: [reason(EdeCode.NOT_AUTHORITATIVE, `recursion not desired (RD=0), and ${address} may not query the cache without recursion (not in allowSnoop)`)],
    synthesized: true,
  };
}
