// Turns one upstream response into what it means for the question asked of zone `zone`: an answer
// (possibly through CNAME/DNAME links), a referral to a zone cut below, or lameness. Bailiwick
// first: any record whose owner is not at or below the zone the server was asked as is dropped,
// whatever section it is in, so no later step (or the cache) ever sees it.
import { Rcode, RRType, rcodeToString } from '../wire/constants.ts';
import { Name } from '../wire/name.ts';
import { rdataCodecFor } from '../wire/rdata/index.ts';
import { adoptStraySignatures, groupRRsets } from '../wire/rrset.ts';
import type { Message, Question, RR, RRset } from '../wire/types.ts';
import { rdataName } from './rdata-views.ts';

export interface AliasLink {
  readonly from: Name;
  readonly to: Name;
  /** The CNAME RRset, or the DNAME RRset. */
  readonly set: RRset;
  /** The CNAME synthesized from a DNAME (RFC 6672 §3.1); absent for plain CNAME links. */
  readonly synthesized?: RRset;
}

export type AnswerEnd =
  /**
   * `rrsets` is empty when the answer is the CNAME synthesized from a DNAME for QTYPE=CNAME (the
   * last link carries both); `name` is then that CNAME's owner.
   */
  | { readonly kind: 'data'; readonly name: Name; readonly rrsets: readonly RRset[] }
  | { readonly kind: 'nxdomain'; readonly name: Name; readonly authority: readonly RRset[] }
  | { readonly kind: 'nodata'; readonly name: Name; readonly authority: readonly RRset[] }
  /** The chain leads to a name this response does not answer: resolve it next. */
  | { readonly kind: 'continue'; readonly name: Name }
  /** RFC 6672 §2.2: the DNAME `dname` would make `name` longer than 255 octets (RCODE YXDOMAIN). */
  | { readonly kind: 'yxdomain'; readonly name: Name; readonly dname: RRset };

export interface AnswerShape {
  readonly links: readonly AliasLink[];
  readonly end: AnswerEnd;
  /**
   * NSEC/NSEC3 sets (with RRSIGs) from the authority section of a positive or alias answer: the
   * proof that a wildcard expansion was right (RFC 4035 §3.1.3.3, RFC 5155 §7.2.6). The validator
   * needs them; the answer passes them on.
   */
  readonly proofs?: readonly RRset[];
}

export type Classified =
  | { readonly kind: 'answer'; readonly authoritative: boolean; readonly answer: AnswerShape; readonly dropped: number }
  | {
      readonly kind: 'referral';
      readonly child: Name;
      readonly ns: RRset;
      readonly glue: readonly RRset[];
      readonly ds: RRset | undefined;
      /** NSEC/NSEC3 (with RRSIGs) of the referral: the proof that there is no DS. */
      readonly proofs: readonly RRset[];
      readonly dropped: number;
    }
  /**
   * `rcode` is set when the server answered with an error RCODE (relaxed minimisation retries those).
   * `fallback` is what the reply would mean if taken at face value (a recursion-lame answer, an
   * empty NOERROR): the caller asks the other servers first and uses it only if none does better.
   */
  | { readonly kind: 'lame'; readonly why: string; readonly rcode?: number; readonly fallback?: Usable };

/** A classification the iterator can act on. */
export type Usable = Exclude<Classified, { kind: 'lame' }>;

export interface ClassifyOptions {
  /** The zone the server was asked as: the bailiwick. */
  readonly zone: Name;
  readonly question: Question;
  /** Forwarders answer recursively: no AA, no referrals. */
  readonly forwarding: boolean;
  /** Alias links followed inside one response before giving up (the caller enforces the real limit). */
  readonly maxLinks: number;
}

const NEGATIVE_PROOF_TYPES: ReadonlySet<number> = new Set([RRType.SOA, RRType.NSEC, RRType.NSEC3]);

/**
 * The types whose RDATA the resolver itself reads to resolve or validate: delegations, aliases,
 * glue addresses, negative TTLs and the DNSSEC chain. A record of one of these whose RDATA does not
 * decode for its type is scrubbed. Every other type is only transported: its RDATA is relayed as the
 * authority sent it, decodable or not (RFC 3597 §§3–4 handles RDATA opaquely; a stub is the one to
 * judge, e.g., an HTTPS record that RFC 9460 §2.2 calls malformed), as Unbound relays it. Its
 * framing was already checked by the message decoder (RDLENGTH within the message), and its DNSSEC
 * canonical form is its wire form (no names that RFC 4034 §6.2 lower-cases), so validation holds.
 */
const INTERPRETED_TYPES: ReadonlySet<number> = new Set([
  RRType.A, RRType.AAAA, RRType.NS, RRType.CNAME, RRType.DNAME, RRType.SOA,
  RRType.DS, RRType.DNSKEY, RRType.RRSIG, RRType.NSEC, RRType.NSEC3, RRType.NSEC3PARAM,
]);

/** RDATA the resolver would read but cannot: a 5-octet A, an NS whose name runs past its RDATA. */
function unusableRdata(rr: RR): boolean {
  return INTERPRETED_TYPES.has(rr.type) && rdataCodecFor(rr.type)?.decode(rr.rdata).ok === false;
}

function sameQuestion(a: Question, b: Question): boolean {
  return a.type === b.type && a.class === b.class && a.name.equals(b.name);
}

function find(sets: readonly RRset[], name: Name, type: number): RRset | undefined {
  return sets.find((s) => s.type === type && s.name.equals(name));
}

/** The RFC 6672 §2.2 substitution: `name` with the DNAME owner suffix replaced by its target. */
export function substituteDname(name: Name, owner: Name, target: Name): Name | undefined {
  const keep = name.labels.slice(0, name.labelCount - owner.labelCount);
  const r = Name.fromLabels([...keep, ...target.labels]);
  return r.ok ? r.name : undefined;
}

function aliasTarget(set: RRset): Name | undefined {
  const first = set.rdata[0];
  return first === undefined ? undefined : rdataName(set.type, first);
}

type Walk =
  /** `answered`: the last link's synthesized CNAME is the answer (QTYPE=CNAME), not followed. */
  /** `restart`: the walk stopped at a DNAME's target, which is asked afresh (not taken from here). */
  | { ok: true; links: AliasLink[]; name: Name; data: RRset[]; answered?: boolean; restart?: boolean }
  /** `overflow`: the substitution of this DNAME made the name too long, after `links`. */
  | { ok: false; why: string; overflow?: { dname: RRset; links: AliasLink[]; name: Name } };

/** Follows CNAME and DNAME links from the question name through the answer section. */
function walkAnswer(sets: readonly RRset[], question: Question, maxLinks: number): Walk {
  const links: AliasLink[] = [];
  const seen = new Set<string>([question.name.key]);
  let name = question.name;
  for (;;) {
    let next: AliasLink | undefined;
    // A DNAME above the name is looked at before any data at the name: nothing exists below a
    // DNAME owner (RFC 6672 §2.4), so a record there is the server's synthesized CNAME (which,
    // for QTYPE=CNAME, would otherwise be taken as the unsigned answer) or junk. We synthesize
    // our own, check theirs against it (checkSynthesis), and keep the signed DNAME (§3.1).
    // QTYPE=DNAME too: a DNAME at the name itself is data (it is not strictly above the name);
    // one above it still redirects the name (RFC 6672 §2.2).
    {
      const current = name;
      const dname = sets.find((s) => s.type === RRType.DNAME && current.labelCount > s.name.labelCount && current.isSubdomainOf(s.name));
      if (dname !== undefined) {
        const target = aliasTarget(dname);
        if (target === undefined) return { ok: false, why: `undecodable DNAME at ${dname.name}` };
        const to = substituteDname(name, dname.name, target);
        if (to === undefined) return { ok: false, why: `DNAME at ${dname.name} makes ${name} too long`, overflow: { dname, links, name } };
        const synthesized: RRset = {
          name, type: RRType.CNAME, class: dname.class, ttl: dname.ttl, rdata: [to.toWire()], sigs: [],
        };
        next = { from: name, to, set: dname, synthesized };
      }
    }
    if (next === undefined) {
      if (question.type === RRType.ANY) {
        const all = sets.filter((s) => s.name.equals(name) && s.type !== RRType.RRSIG);
        if (all.length > 0) return { ok: true, links, name, data: all };
      }
      const data = find(sets, name, question.type);
      if (data !== undefined) return { ok: true, links, name, data: [data] };
    }
    if (links.length >= maxLinks) break;
    const cname = next !== undefined || question.type === RRType.CNAME ? undefined : find(sets, name, RRType.CNAME);
    if (cname !== undefined) {
      const to = aliasTarget(cname);
      if (to === undefined) return { ok: false, why: `undecodable CNAME at ${name}` };
      next = { from: name, to, set: cname };
    }
    if (next === undefined) break;
    links.push(next);
    // QTYPE=CNAME: the CNAME synthesized from the DNAME answers the question (RFC 6672 §3.1
    // step 3.B. applies to other types only); its target is not chased.
    if (next.synthesized !== undefined && question.type === RRType.CNAME) return { ok: true, links, name: next.from, data: [], answered: true };
    // After a DNAME the rest of the chain is asked of the target's own servers (RFC 6672 §3.1
    // step 3.C. restarts at the new name): what follows it here may be data of another zone the
    // server is not the authority for, and unsigned data there would send the validator hunting
    // for a zone cut. Unbound's scrubber cuts the answer after the first DNAME's CNAME likewise.
    if (next.synthesized !== undefined) return { ok: true, links, name: next.to, data: [], restart: true };
    name = next.to;
    if (seen.has(name.key)) break; // a loop: the caller reports it with the name
    seen.add(name.key);
  }
  return { ok: true, links, name, data: [] };
}

/** A supplied CNAME must agree with what the DNAME says (RFC 6672 §3.1 lets us check). */
function checkSynthesis(sets: readonly RRset[], links: readonly AliasLink[]): string | undefined {
  for (const l of links) {
    if (l.synthesized === undefined) continue;
    const supplied = find(sets, l.from, RRType.CNAME);
    if (supplied === undefined) continue;
    const t = aliasTarget(supplied);
    if (t === undefined || !t.equals(l.to)) return `CNAME at ${l.from} does not match DNAME ${l.set.name} (expected ${l.to}, got ${t ?? 'nothing'})`;
  }
  return undefined;
}

export function classifyResponse(msg: Message, o: ClassifyOptions): Classified {
  const q0 = msg.question[0];
  if (msg.question.length !== 1 || q0 === undefined || !sameQuestion(q0, o.question)) return { kind: 'lame', why: 'question mismatch' };
  if (msg.rcode !== Rcode.NOERROR && msg.rcode !== Rcode.NXDOMAIN && msg.rcode !== Rcode.YXDOMAIN) {
    return { kind: 'lame', why: rcodeToString(msg.rcode).toLowerCase(), rcode: msg.rcode };
  }
  // RDATA of an interpreted type that does not decode for it (a 5-octet A) is scrubbed record by
  // record, as Unbound does, so the well-formed records of the set still answer. When nothing
  // well-formed is left in the answer section the server's answer is unusable: scrubbing alone
  // would leave an empty NODATA with no reason at all.
  const broken = msg.answer.find(unusableRdata);
  if (broken !== undefined && msg.answer.every(unusableRdata)) {
    return { kind: 'lame', why: `malformed RDATA in the answer (${broken.name} type ${broken.type}, ${broken.rdata.length} octets)` };
  }
  let dropped = 0;
  // Out of bailiwick, of another class than the question (a CH NS set beside the IN one), or RDATA
  // the resolver would read that does not decode for its type (a 3-octet A): scrubbed.
  const inZone = (rr: RR): boolean => {
    if (rr.class === o.question.class && rr.name.isSubdomainOf(o.zone) && !unusableRdata(rr)) return true;
    dropped++;
    return false;
  };
  const [answerSets, authSets, additionalSets] = adoptStraySignatures([
    groupRRsets(msg.answer.filter(inZone)), groupRRsets(msg.authority.filter(inZone)), groupRRsets(msg.additional.filter(inZone)),
  ]);
  const authoritative = msg.flags.aa || o.forwarding;
  const negativeAuthority = authSets.filter((s) => NEGATIVE_PROOF_TYPES.has(s.type));
  const hasSoa = authSets.some((s) => s.type === RRType.SOA);
  // A denial without SOA and without NS (RFC 2308 §2.2 type 3) that carries NSEC/NSEC3 proofs is
  // still a denial from the zone: the validator judges the proofs, as Unbound takes such replies.
  // With an NS set it is a referral (or a lame one), never this.
  const hasDenial = hasSoa || (!authSets.some((s) => s.type === RRType.NS) && authSets.some((s) => s.type === RRType.NSEC || s.type === RRType.NSEC3));

  const walk = walkAnswer(answerSets, o.question, o.maxLinks);
  if (msg.rcode === Rcode.YXDOMAIN) {
    // Passed on only with the DNAME that explains it; any other YXDOMAIN is an error reply.
    if (walk.ok || walk.overflow === undefined) return { kind: 'lame', why: 'yxdomain', rcode: msg.rcode };
    const { dname, links, name } = walk.overflow;
    return { kind: 'answer', authoritative: msg.flags.aa, answer: { links, end: { kind: 'yxdomain', name, dname } }, dropped };
  }
  if (!walk.ok) return { kind: 'lame', why: walk.why };
  const mismatch = checkSynthesis(answerSets, walk.links);
  if (mismatch !== undefined) return { kind: 'lame', why: mismatch };

  // RA=1 without AA: a recursive resolver answered in the authority's place (lame delegation).
  const recursiveLame = !authoritative && msg.flags.ra;
  if (walk.data.length > 0 || walk.links.length > 0) {
    // Without AA the data is still the server's answer, as Unbound takes it, but it is cached at
    // a lower trust rank (Trust.ANSWER) than authoritative data.
    const name = walk.name;
    let end: AnswerEnd;
    if (walk.data.length > 0 || walk.answered === true) end = { kind: 'data', name, rrsets: walk.data };
    else if (walk.restart === true) end = { kind: 'continue', name };
    else if (!name.isSubdomainOf(o.zone)) end = { kind: 'continue', name };
    else if (msg.rcode === Rcode.NXDOMAIN) end = { kind: 'nxdomain', name, authority: negativeAuthority };
    else if (hasSoa) end = { kind: 'nodata', name, authority: negativeAuthority };
    else end = { kind: 'continue', name };
    const proofs = end.kind === 'data' || end.kind === 'continue' ? authSets.filter((s) => s.type === RRType.NSEC || s.type === RRType.NSEC3) : [];
    const shape: AnswerShape = proofs.length > 0 ? { links: walk.links, end, proofs } : { links: walk.links, end };
    const answer: Usable = { kind: 'answer', authoritative: msg.flags.aa, answer: shape, dropped };
    if (recursiveLame) return { kind: 'lame', why: 'non-authoritative answer', fallback: answer };
    return answer;
  }

  const qname = o.question.name;
  if (msg.rcode === Rcode.NXDOMAIN) {
    if (!authoritative && (!hasDenial || recursiveLame)) return { kind: 'lame', why: 'non-authoritative NXDOMAIN' };
    return { kind: 'answer', authoritative: msg.flags.aa, answer: { links: [], end: { kind: 'nxdomain', name: qname, authority: negativeAuthority } }, dropped };
  }

  const nsSets = authSets.filter((s) => s.type === RRType.NS);
  if (!o.forwarding) {
    // A referral must go down: below the zone asked, and toward the name asked.
    const down = nsSets.find((s) => s.name.labelCount > o.zone.labelCount && qname.isSubdomainOf(s.name));
    if (down !== undefined && !(msg.flags.aa && hasSoa)) {
      const targets = new Set<string>();
      for (const r of down.rdata) {
        const n = rdataName(RRType.NS, r);
        if (n !== undefined) targets.add(n.key);
      }
      const glue = additionalSets.filter((s) => (s.type === RRType.A || s.type === RRType.AAAA) && targets.has(s.name.key));
      const ds = authSets.find((s) => s.type === RRType.DS && s.name.equals(down.name));
      const proofs = authSets.filter((s) => s.type === RRType.NSEC || s.type === RRType.NSEC3);
      return { kind: 'referral', child: down.name, ns: down, glue, ds, proofs, dropped };
    }
  }
  // NS records for an ancestor of the zone and no SOA: an upward referral ("ask the root"), which
  // is lameness whatever the AA bit says (RFC 1034 §5.3.3 step 4: only referrals closer count).
  // Checked on the unscrubbed section: the scrubber has already removed those out-of-zone NS.
  const upward = msg.authority.some((rr) => rr.type === RRType.NS && !rr.name.equals(o.zone) && o.zone.isSubdomainOf(rr.name));
  if (upward && !hasSoa) return { kind: 'lame', why: 'upward referral' };
  if (authoritative || (hasDenial && !recursiveLame)) {
    const nodata: Usable = { kind: 'answer', authoritative: msg.flags.aa, answer: { links: [], end: { kind: 'nodata', name: qname, authority: negativeAuthority } }, dropped };
    // Nothing at all in the reply: more likely a broken server than a NODATA (which carries an
    // SOA, RFC 2308 §2.2); other servers are asked first.
    if (msg.answer.length === 0 && msg.authority.length === 0) return { kind: 'lame', why: 'empty answer', fallback: nodata };
    return nodata;
  }
  if (recursiveLame && nsSets.every((s) => s.name.equals(o.zone))) {
    // A recursive resolver in the authority's place saying "no data": usable as a last resort, as
    // its positive answers are (cached only with an SOA, RFC 2308 §5), never held as lameness.
    const nodata: Usable = { kind: 'answer', authoritative: false, answer: { links: [], end: { kind: 'nodata', name: qname, authority: negativeAuthority } }, dropped };
    return { kind: 'lame', why: 'non-authoritative NODATA', fallback: nodata };
  }
  if (nsSets.length > 0) return { kind: 'lame', why: `referral that does not go down (to ${nsSets[0].name})` };
  return { kind: 'lame', why: 'non-authoritative answer without referral' };
}
