// DNS-rebinding protection (Unbound's private-address / private-domain): addresses of the operator's
// own network must not come back from the public DNS, or a web page could make a browser talk to
// hosts inside it under a name the page controls. Upstream replies are scrubbed before anything in
// them is used or cached: A/AAAA records inside a configured netblock, and SVCB/HTTPS records whose
// ipv4hint/ipv6hint names such an address (RFC 9460 §7.3), are removed from every section (glue
// too, as Unbound's scrubber does); the rest of an RRset stays. Names at or below a private domain
// may hold private addresses. The reply is not turned into a failure (many zones legitimately hold
// RFC 1918 addresses; their users lose only those records), and a signed RRset that lost records
// fails validation, as Unbound documents.
import { BlockList, isIP } from 'node:net';
import { RRType } from '../wire/constants.ts';
import type { Name } from '../wire/name.ts';
import { SvcParamKey, readableSvcParams } from '../wire/rdata/svcb.ts';
import { ipv4ToText, ipv6ToText } from '../wire/rdata/text.ts';
import { typeCovered } from '../wire/rrset.ts';
import type { Message, RR } from '../wire/types.ts';
import { addressText } from './rdata-views.ts';

/** An address prefix, already validated: "10.0.0.0" with 8, family 4. */
export interface AddressPrefix {
  readonly network: string;
  readonly prefix: number;
  readonly family: 4 | 6;
}

const IPV4_OCTETS = 4;
const IPV6_OCTETS = 16;
const SERVICE_TYPES: ReadonlySet<number> = new Set([RRType.SVCB, RRType.HTTPS]);

export interface ScrubResult {
  readonly message: Message;
  /** Records removed (RRSIGs of wholly removed sets not counted). */
  readonly removed: number;
}

export class RebindingFilter {
  readonly #list = new BlockList();
  readonly #allowed: readonly Name[];
  readonly active: boolean;

  constructor(prefixes: readonly AddressPrefix[], allowedDomains: readonly Name[]) {
    for (const p of prefixes) this.#list.addSubnet(p.network, p.prefix, p.family === 4 ? 'ipv4' : 'ipv6');
    this.#allowed = allowedDomains;
    this.active = prefixes.length > 0;
  }

  /**
   * True when the address lies in a configured netblock. BlockList also checks an IPv4-mapped IPv6
   * address (::ffff:10.0.0.1) against the IPv4 prefixes, so that form does not slip through.
   */
  isPrivate(address: string): boolean {
    const f = isIP(address);
    return f !== 0 && this.#list.check(address, f === 4 ? 'ipv4' : 'ipv6');
  }

  #mayHoldPrivate(owner: Name): boolean {
    return this.#allowed.some((d) => owner.isSubdomainOf(d));
  }

  /** Does this record carry a private address the owner may not have? */
  #bad(rr: RR): boolean {
    if (rr.type !== RRType.A && rr.type !== RRType.AAAA && !SERVICE_TYPES.has(rr.type)) return false;
    if (this.#mayHoldPrivate(rr.name)) return false;
    if (!SERVICE_TYPES.has(rr.type)) {
      const a = addressText(rr.type, rr.rdata);
      return a !== undefined && this.isPrivate(a);
    }
    return serviceHints(rr).some((a) => this.isPrivate(a));
  }

  scrub(message: Message): ScrubResult {
    if (!this.active) return { message, removed: 0 };
    let removed = 0;
    const section = (rrs: readonly RR[]): readonly RR[] => {
      const bad = rrs.filter((rr) => this.#bad(rr));
      if (bad.length === 0) return rrs;
      removed += bad.length;
      const kept = rrs.filter((rr) => !bad.includes(rr));
      // An RRSIG over a set with no record left would only stand alone; it goes with its set.
      const remaining = new Set(kept.filter((rr) => rr.type !== RRType.RRSIG).map((rr) => `${rr.name.key}|${rr.type}`));
      const emptied = new Set(bad.map((rr) => `${rr.name.key}|${rr.type}`).filter((k) => !remaining.has(k)));
      return kept.filter((rr) => rr.type !== RRType.RRSIG || !emptied.has(`${rr.name.key}|${typeCovered(rr.rdata)}`));
    };
    const scrubbed = { ...message, answer: section(message.answer), authority: section(message.authority), additional: section(message.additional) };
    return removed === 0 ? { message, removed } : { message: scrubbed, removed };
  }
}

/**
 * The ipv4hint and ipv6hint addresses of SVCB/HTTPS RDATA, read leniently: RDATA that RFC 9460 §2.2
 * calls malformed (a repeated key, a value cut short) is relayed unchanged, so its readable hints
 * are checked too.
 */
function serviceHints(rr: RR): string[] {
  const out: string[] = [];
  for (const p of readableSvcParams(rr.rdata)) {
    if (p.key === SvcParamKey.IPV4HINT) {
      for (let i = 0; i + IPV4_OCTETS <= p.value.length; i += IPV4_OCTETS) out.push(ipv4ToText(p.value.subarray(i, i + IPV4_OCTETS)));
    } else if (p.key === SvcParamKey.IPV6HINT) {
      for (let i = 0; i + IPV6_OCTETS <= p.value.length; i += IPV6_OCTETS) out.push(ipv6ToText(p.value.subarray(i, i + IPV6_OCTETS)));
    }
  }
  return out;
}
