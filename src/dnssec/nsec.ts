// NSEC denial-of-existence proofs (RFC 4035 §3.1.3, §5.4; RFC 4034 §4; RFC 6840 §4.1). Pure
// functions over NSEC records whose signatures the caller has already verified: each answers one
// question ("does this prove NODATA?") with a value the validator can turn into an EDE reason.
import { compareNamesCanonical, type Name } from '../wire/name.ts';
import { RRType } from '../wire/constants.ts';
import type { NsecRdata } from '../wire/rdata/dnssec.ts';

/** One NSEC record: its owner and decoded RDATA. */
export interface NsecRecord {
  readonly owner: Name;
  readonly nsec: NsecRdata;
}

export type NsecProofKind = 'nodata' | 'empty-non-terminal' | 'wildcard-nodata' | 'nxdomain' | 'wildcard-answer';

export type NsecFailure =
  | 'type-exists' // the matching NSEC lists the queried type
  | 'cname-exists' // the name has a CNAME: the answer should have followed it
  | 'delegation-nsec' // parent-side NSEC at a zone cut: proves only DS absence (RFC 6840 §4.1)
  | 'child-side-nsec' // the child's apex NSEC cannot deny a DS, which lives in the parent
  | 'name-exists' // an NSEC owned by the query name: no NXDOMAIN
  | 'empty-non-terminal' // the query name exists as an empty non-terminal: no NXDOMAIN
  | 'wildcard-exists' // the wildcard at the closest encloser exists: the answer should have used it
  | 'wildcard-not-covered' // no NSEC denies the wildcard at the closest encloser
  | 'wrong-closest-encloser' // wildcard answer whose source is not the closest encloser
  | 'out-of-zone' // query name not inside the zone
  | 'no-proof'; // no NSEC matches or covers the name

export type NsecProof =
  | {
    proven: true;
    kind: NsecProofKind;
    /** For nxdomain, wildcard-nodata and wildcard-answer: the closest encloser. */
    closestEncloser?: Name;
    /** For wildcard-nodata: the wildcard name whose NSEC lacks the type. */
    wildcard?: Name;
    /** The NSEC that matched the query name (nodata): callers read its NS bit for DS proofs. */
    matched?: NsecRecord;
  }
  | { proven: false; why: NsecFailure; detail: string };

function has(nsec: NsecRdata, type: number): boolean {
  return nsec.types.includes(type);
}

function fail(why: NsecFailure, detail: string): NsecProof {
  return { proven: false, why, detail };
}

/**
 * True when `name` falls strictly between the NSEC's owner and next name in canonical order. The
 * last NSEC of a zone points back at the apex (next ≤ owner): it covers every name after the owner
 * that is still inside the zone.
 */
export function nsecCovers(owner: Name, nsec: NsecRdata, name: Name): boolean {
  if (compareNamesCanonical(owner, name) >= 0) return false;
  if (compareNamesCanonical(owner, nsec.next) < 0) return compareNamesCanonical(name, nsec.next) < 0;
  return name.isSubdomainOf(nsec.next);
}

/**
 * An NSEC owned by a proper ancestor of `name` that marks a zone cut (NS without SOA) or a DNAME
 * says nothing about names below it: those live in another zone or are redirected (RFC 6840 §4.1).
 * Using it would let a parent deny names in its child.
 */
export function isAncestorCut(rec: NsecRecord, name: Name): boolean {
  if (!name.isSubdomainOf(rec.owner) || name.equals(rec.owner)) return false;
  return (has(rec.nsec, RRType.NS) && !has(rec.nsec, RRType.SOA)) || has(rec.nsec, RRType.DNAME);
}

/** The NSEC that covers `name` and may speak for it, if any. */
function findCover(nsecs: readonly NsecRecord[], name: Name): NsecRecord | undefined {
  return nsecs.find((r) => nsecCovers(r.owner, r.nsec, name) && !isAncestorCut(r, name));
}

function findMatch(nsecs: readonly NsecRecord[], name: Name): NsecRecord | undefined {
  return nsecs.find((r) => r.owner.equals(name));
}

/**
 * The closest encloser implied by an NSEC covering `qname` (RFC 4035 §5.4): the longest ancestor
 * of qname that the owner or the next name shares — both exist, so their common ancestors do.
 */
export function nsecClosestEncloser(rec: NsecRecord, qname: Name): Name {
  return qname.suffix(Math.max(qname.commonLabelCount(rec.owner), qname.commonLabelCount(rec.nsec.next)));
}

function wildcardAt(ce: Name): Name | undefined {
  const w = ce.child('*');
  return w.ok ? w.name : undefined;
}

/** Type checks on the NSEC owned by the name in question (RFC 4035 §3.1.3.1, RFC 6840 §4.1-4.3). */
function checkMatchedTypes(rec: NsecRecord, qname: Name, qtype: number): NsecProof | undefined {
  const n = rec.nsec;
  if (has(n, qtype)) return fail('type-exists', `NSEC at ${rec.owner.toString()} lists type ${qtype}`);
  if (qtype !== RRType.CNAME && has(n, RRType.CNAME)) return fail('cname-exists', `NSEC at ${rec.owner.toString()} lists CNAME`);
  if (qtype === RRType.DS) {
    if (has(n, RRType.SOA) && !qname.isRoot) {
      return fail('child-side-nsec', `NSEC at ${rec.owner.toString()} is the child zone's apex NSEC; DS absence needs the parent's`);
    }
  } else if (has(n, RRType.NS) && !has(n, RRType.SOA)) {
    return fail('delegation-nsec', `NSEC at ${rec.owner.toString()} is from the parent side of a delegation`);
  }
  return undefined;
}

/**
 * NODATA for (qname, qtype): an NSEC owned by qname without the type (and without CNAME), or an
 * NSEC covering qname whose next name lies below qname (qname is an empty non-terminal, RFC 4035
 * §3.1.3.2), or qname denied plus the wildcard at the closest encloser lacking the type (§3.1.3.4).
 * A DS query is answered by the parent-side NSEC at the delegation: NS set, SOA clear.
 */
export function nsecProvesNoData(nsecs: readonly NsecRecord[], qname: Name, qtype: number): NsecProof {
  const match = findMatch(nsecs, qname);
  if (match !== undefined) {
    const bad = checkMatchedTypes(match, qname, qtype);
    return bad ?? { proven: true, kind: 'nodata', matched: match };
  }
  const cover = findCover(nsecs, qname);
  if (cover === undefined) return fail('no-proof', `no NSEC matches or covers ${qname.toString()}`);
  if (cover.nsec.next.isSubdomainOf(qname)) return { proven: true, kind: 'empty-non-terminal' };
  const ce = nsecClosestEncloser(cover, qname);
  const wildcard = wildcardAt(ce);
  const wmatch = wildcard === undefined ? undefined : findMatch(nsecs, wildcard);
  if (wildcard === undefined || wmatch === undefined) {
    return fail('no-proof', `${qname.toString()} is covered but no NSEC shows the wildcard at ${ce.toString()} without type ${qtype}`);
  }
  const bad = checkMatchedTypes(wmatch, wildcard, qtype);
  return bad ?? { proven: true, kind: 'wildcard-nodata', closestEncloser: ce, wildcard };
}

/**
 * NXDOMAIN for qname in `zone` (RFC 4035 §5.4): an NSEC covers qname, qname is not an empty
 * non-terminal, and an NSEC covers the wildcard at the closest encloser (so no wildcard could
 * have synthesised an answer).
 */
export function nsecProvesNxdomain(nsecs: readonly NsecRecord[], qname: Name, zone: Name): NsecProof {
  if (!qname.isSubdomainOf(zone)) return fail('out-of-zone', `${qname.toString()} is not in ${zone.toString()}`);
  if (findMatch(nsecs, qname) !== undefined) return fail('name-exists', `an NSEC is owned by ${qname.toString()}`);
  const cover = findCover(nsecs, qname);
  if (cover === undefined) return fail('no-proof', `no NSEC covers ${qname.toString()}`);
  if (cover.nsec.next.isSubdomainOf(qname)) {
    return fail('empty-non-terminal', `${cover.nsec.next.toString()} exists below ${qname.toString()}`);
  }
  const ce = nsecClosestEncloser(cover, qname);
  const ceMatch = findMatch(nsecs, ce);
  if (ceMatch !== undefined && isAncestorCut(ceMatch, qname)) {
    return fail('no-proof', `closest encloser ${ce.toString()} is a zone cut or DNAME`);
  }
  const wildcard = wildcardAt(ce);
  if (wildcard === undefined) return fail('no-proof', `no room for a wildcard below ${ce.toString()}`);
  if (findMatch(nsecs, wildcard) !== undefined) return fail('wildcard-exists', `${wildcard.toString()} exists`);
  if (findCover(nsecs, wildcard) === undefined) return fail('wildcard-not-covered', `no NSEC covers ${wildcard.toString()}`);
  return { proven: true, kind: 'nxdomain', closestEncloser: ce };
}

/**
 * A positive answer synthesised from `wildcard` (the owner rebuilt from the RRSIG labels field) is
 * only valid when qname itself does not exist and the wildcard's parent is qname's closest
 * encloser (RFC 4035 §5.3.4): an NSEC must cover qname, and imply exactly that encloser.
 */
export function nsecProvesWildcardExpansion(nsecs: readonly NsecRecord[], qname: Name, wildcard: Name): NsecProof {
  const source = wildcard.parent();
  const cover = findCover(nsecs, qname);
  if (cover === undefined) return fail('no-proof', `no NSEC covers ${qname.toString()}`);
  const ce = nsecClosestEncloser(cover, qname);
  if (!ce.equals(source)) {
    return fail('wrong-closest-encloser', `closest encloser is ${ce.toString()}, but the answer came from ${wildcard.toString()}`);
  }
  return { proven: true, kind: 'wildcard-answer', closestEncloser: ce };
}
