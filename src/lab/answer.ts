// The authoritative answer to one question from one zone (RFC 1034 §4.3.2), with the DNSSEC
// additions of RFC 4035 §3.1 (NSEC) and RFC 5155 §7.2 (NSEC3): referrals with the parent-side DS
// or its denial, negative answers with their proofs, wildcard synthesis with the no-closer-match
// proof, CNAME following inside the zone and DNAME synthesis (RFC 6672).
import { Rcode, RRType } from '../wire/constants.ts';
import { Name } from '../wire/name.ts';
import type { RRset } from '../wire/types.ts';
import type { AuthZone } from './zone.ts';

export interface AuthAnswer {
  readonly rcode: number;
  /** False only for referrals. */
  readonly aa: boolean;
  readonly answer: RRset[];
  readonly authority: RRset[];
  readonly additional: RRset[];
}

/** CNAMEs followed inside one zone before giving up: enough for any sane chain, bounded for loops. */
const MAX_CNAME_HOPS = 8;

/** Builds the sections; a proof RRset is added once even when two proofs name the same record. */
class Sections {
  readonly answer: RRset[] = [];
  readonly authority: RRset[] = [];
  readonly additional: RRset[] = [];

  add(section: RRset[], set: RRset | undefined): void {
    if (set === undefined) return;
    if (section.some((s) => s.type === set.type && s.name.equals(set.name))) return;
    section.push(set);
  }
}

function renamed(set: RRset, name: Name): RRset {
  return { ...set, name };
}

function firstName(rdata: Uint8Array): Name | undefined {
  // Names in RDATA are stored uncompressed (types.ts), so they can be read label by label.
  const labels: Uint8Array[] = [];
  let o = 0;
  while (o < rdata.length) {
    const len = rdata[o];
    if (len === 0) return Name.fromLabelsUnchecked(labels);
    labels.push(rdata.subarray(o + 1, o + 1 + len));
    o += len + 1;
  }
  return undefined;
}

/** The name an NS, CNAME or DNAME record points to (the first field of its RDATA). */
function targetOf(rdata: Uint8Array): Name | undefined {
  return firstName(rdata);
}

/** The delegation (NS below the apex) or DNAME that `qname` falls under, searched from the apex down. */
function findCut(zone: AuthZone, qname: Name, qtype: number): { kind: 'referral' | 'dname'; at: Name } | undefined {
  for (let depth = zone.origin.labelCount + 1; depth <= qname.labelCount; depth++) {
    const at = qname.suffix(depth);
    const atQname = depth === qname.labelCount;
    // A DS query for the cut itself is answered from the parent side (RFC 4035 §3.1.4.1).
    if (zone.rrset(at, RRType.NS) !== undefined && !(atQname && qtype === RRType.DS)) return { kind: 'referral', at };
    if (!atQname && zone.rrset(at, RRType.DNAME) !== undefined) return { kind: 'dname', at };
  }
  // A DNAME at the apex redirects names below it too.
  if (qname.labelCount > zone.origin.labelCount && zone.rrset(zone.origin, RRType.DNAME) !== undefined) {
    return { kind: 'dname', at: zone.origin };
  }
  return undefined;
}

/**
 * RFC 5155 §7.2.1 closest (provable) encloser proof: the NSEC3 matching the closest encloser and the
 * one covering the next closer name. In an opt-out zone an existing name (an unsigned delegation)
 * may have no NSEC3, so the search climbs to the nearest ancestor that has one.
 */
function addClosestEncloserProof(zone: AuthZone, s: Sections, qname: Name): Name {
  let ce = zone.closestEncloser(qname);
  if (ce.equals(qname) && qname.labelCount > zone.origin.labelCount) ce = ce.parent();
  let match = zone.nsec3Matching(ce);
  while (match === undefined && ce.labelCount > zone.origin.labelCount) {
    ce = ce.parent();
    match = zone.nsec3Matching(ce);
  }
  s.add(s.authority, match);
  if (qname.labelCount > ce.labelCount) s.add(s.authority, zone.nsec3Covering(qname.suffix(ce.labelCount + 1)));
  return ce;
}

/** Proof that `name` has no RRset of the asked type (NODATA), for a name that exists or is an empty non-terminal. */
function addNoDataProof(zone: AuthZone, s: Sections, name: Name): void {
  if (zone.nsec3Params !== undefined) {
    const match = zone.nsec3Matching(name);
    // An opt-out zone may have no NSEC3 for the name (RFC 5155 §7.2.4 for DS): prove the closest encloser instead.
    if (match !== undefined) s.add(s.authority, match);
    else addClosestEncloserProof(zone, s, name);
    return;
  }
  // For an empty non-terminal no NSEC has the name as owner: the covering NSEC proves it (RFC 4035 §3.1.3.2).
  s.add(s.authority, zone.rrset(name, RRType.NSEC) ?? zone.nsecCovering(name));
}

function addReferral(zone: AuthZone, s: Sections, cut: Name, dnssec: boolean): void {
  const ns = zone.rrset(cut, RRType.NS);
  s.add(s.authority, ns);
  if (dnssec) {
    const ds = zone.rrset(cut, RRType.DS);
    if (ds !== undefined) s.add(s.authority, ds);
    else if (zone.signed) addNoDataProof(zone, s, cut);
  }
  if (ns !== undefined) addAddresses(zone, s, ns);
}

/**
 * A and AAAA of in-zone name server names: glue for referrals, and for NS answers (a priming query
 * for ". NS" needs the root servers' addresses, which are glue in the root zone; RFC 8109 §3.2).
 * Other types get no additional data, as with NSD's minimal responses.
 */
function addAddresses(zone: AuthZone, s: Sections, set: RRset): void {
  if (set.type !== RRType.NS) return;
  for (const rdata of set.rdata) {
    const target = targetOf(rdata);
    if (target === undefined || !target.isSubdomainOf(zone.origin)) continue;
    s.add(s.additional, zone.rrset(target, RRType.A));
    s.add(s.additional, zone.rrset(target, RRType.AAAA));
  }
}

function addNegativeSoa(zone: AuthZone, s: Sections): void {
  const soa = zone.soa;
  // RFC 2308 §3: the negative TTL is the smaller of the SOA TTL and its MINIMUM field.
  if (soa !== undefined) {
    const r = soa.rdata[0];
    const minimum = ((r[r.length - 4] << 24) | (r[r.length - 3] << 16) | (r[r.length - 2] << 8) | r[r.length - 1]) >>> 0;
    s.add(s.authority, { ...soa, ttl: Math.min(soa.ttl, minimum) });
  }
}

/**
 * Answers `qname`/`qtype` from `zone`. `qname` must be at or below the zone's origin (the caller
 * picks the zone). `dnssec` is the query's DO bit: it adds the denial proofs; the caller strips
 * RRSIGs from the sets when DO is clear.
 */
export function answerFromZone(zone: AuthZone, qname: Name, qtype: number, dnssec: boolean): AuthAnswer {
  const s = new Sections();
  let name = qname;
  let rcode: number = Rcode.NOERROR;
  let aa = true;

  for (let hop = 0; hop <= MAX_CNAME_HOPS; hop++) {
    const cut = findCut(zone, name, qtype);
    if (cut?.kind === 'referral') {
      // After a CNAME the answer stays authoritative; the referral part only tells where to go next.
      if (hop === 0) aa = false;
      addReferral(zone, s, cut.at, dnssec);
      break;
    }
    if (cut?.kind === 'dname') {
      const dname = zone.rrset(cut.at, RRType.DNAME)!;
      s.add(s.answer, dname);
      const target = targetOf(dname.rdata[0])!;
      const prefix = name.labels.slice(0, name.labelCount - cut.at.labelCount);
      const synthesized = Name.fromLabels([...prefix, ...target.labels]);
      if (!synthesized.ok) { rcode = Rcode.YXDOMAIN; break; }
      // RFC 6672 §3.3: the synthesised CNAME carries the DNAME's TTL and is not signed.
      const cnameRdata = synthesized.name.toWire();
      s.answer.push({ name, type: RRType.CNAME, class: dname.class, ttl: dname.ttl, rdata: [cnameRdata], sigs: [] });
      if (!synthesized.name.isSubdomainOf(zone.origin)) break;
      name = synthesized.name;
      continue;
    }

    const sets = zone.rrsets(name);
    if (sets.length > 0) {
      const exact = qtype === RRType.ANY ? sets : sets.filter((x) => x.type === qtype);
      if (exact.length > 0) {
        for (const x of exact) { s.add(s.answer, x); addAddresses(zone, s, x); }
        break;
      }
      const cname = zone.rrset(name, RRType.CNAME);
      if (cname !== undefined && qtype !== RRType.CNAME) {
        s.add(s.answer, cname);
        const target = targetOf(cname.rdata[0]);
        if (target === undefined || !target.isSubdomainOf(zone.origin)) break;
        name = target;
        continue;
      }
      addNegativeSoa(zone, s);
      if (dnssec) addNoDataProof(zone, s, name);
      break;
    }
    if (zone.exists(name)) {
      // Empty non-terminal: NODATA.
      addNegativeSoa(zone, s);
      if (dnssec) addNoDataProof(zone, s, name);
      break;
    }

    // The name does not exist: a wildcard at the closest encloser may synthesise it (RFC 4592).
    const ce = zone.closestEncloser(name);
    const wildcard = ce.child('*');
    const wildSets = wildcard.ok ? zone.rrsets(wildcard.name) : [];
    if (wildcard.ok && wildSets.length > 0) {
      const exact = qtype === RRType.ANY ? wildSets : wildSets.filter((x) => x.type === qtype);
      const cname = wildSets.find((x) => x.type === RRType.CNAME);
      if (exact.length > 0 || (cname !== undefined && qtype !== RRType.CNAME)) {
        for (const x of exact.length > 0 ? exact : [cname!]) s.add(s.answer, renamed(x, name));
        // Proof that no closer name exists: NSEC covering the qname, or NSEC3 covering the next closer name.
        if (dnssec) {
          if (zone.nsec3Params !== undefined) s.add(s.authority, zone.nsec3Covering(name.suffix(ce.labelCount + 1)));
          else s.add(s.authority, zone.nsecCovering(name));
        }
        if (exact.length === 0 && cname !== undefined) {
          const target = targetOf(cname.rdata[0]);
          if (target === undefined || !target.isSubdomainOf(zone.origin)) break;
          name = target;
          continue;
        }
        break;
      }
      // Wildcard NODATA (RFC 4035 §3.1.3.4, RFC 5155 §7.2.5).
      addNegativeSoa(zone, s);
      if (dnssec) {
        if (zone.nsec3Params !== undefined) {
          addClosestEncloserProof(zone, s, name);
          s.add(s.authority, zone.nsec3Matching(wildcard.name));
        } else {
          s.add(s.authority, zone.nsecCovering(name));
          s.add(s.authority, zone.rrset(wildcard.name, RRType.NSEC));
        }
      }
      break;
    }

    // NXDOMAIN (RFC 4035 §3.1.3.2, RFC 5155 §7.2.2).
    rcode = Rcode.NXDOMAIN;
    addNegativeSoa(zone, s);
    if (dnssec) {
      if (zone.nsec3Params !== undefined) {
        addClosestEncloserProof(zone, s, name);
        if (wildcard.ok) s.add(s.authority, zone.nsec3Covering(wildcard.name));
      } else {
        s.add(s.authority, zone.nsecCovering(name));
        if (wildcard.ok) s.add(s.authority, zone.nsecCovering(wildcard.name));
      }
    }
    break;
  }
  return { rcode, aa, answer: s.answer, authority: s.authority, additional: s.additional };
}
