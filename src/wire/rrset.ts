// Grouping a section's records into RRsets (RFC 2181 §5) with their covering RRSIGs (RFC 4034 §3),
// and flattening them back.
import { RRType } from './constants.ts';
import type { RR, RRset } from './types.ts';

interface Building {
  readonly first: number; // index of the record that opened the set: output order
  readonly rr: RR;
  ttl: number;
  readonly rdata: Uint8Array[];
  readonly sigs: Uint8Array[];
}

/** Byte-for-byte equality of two RDATA (or any octet strings). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The same records (RDATA, or RRSIGs), in any order: an RRset is a set (RFC 2181 §5). */
export function sameRecords(a: readonly Uint8Array[], b: readonly Uint8Array[]): boolean {
  return a.length === b.length && a.every((x) => b.some((y) => sameBytes(x, y)));
}

/** Adds `rdata` unless an identical one is present: an RRset is a set (RFC 2181 §5). */
function addUnique(list: Uint8Array[], rdata: Uint8Array): void {
  for (const x of list) if (sameBytes(x, rdata)) return;
  list.push(rdata);
}

function setKey(rr: RR, type: number): string {
  return `${rr.name.key}/${type}/${rr.class}`;
}

/** The type an RRSIG covers: the first two octets of its RDATA; undefined when too short. */
export function typeCovered(rdata: Uint8Array): number | undefined {
  return rdata.length >= 2 ? (rdata[0] << 8) | rdata[1] : undefined;
}

/**
 * One RRset per (owner name, type, class), in order of first appearance. RRSIGs join the set whose
 * type they cover; an RRSIG whose set is absent (or too short to name one) becomes its own RRset of
 * type RRSIG with no sigs. The set TTL is the smallest TTL of its records (RFC 2181 §5.2 says they
 * must agree; the minimum is the safe reading when they do not). Byte-identical RDATA is kept once.
 */
export function groupRRsets(rrs: readonly RR[]): RRset[] {
  const sets = new Map<string, Building>();
  const orphans = new Map<string, Building>();
  // Pass 1 builds the data sets, so an RRSIG listed before its set still finds it in pass 2.
  for (let i = 0; i < rrs.length; i++) {
    const rr = rrs[i];
    if (rr.type === RRType.RRSIG) continue;
    const key = setKey(rr, rr.type);
    const s = sets.get(key);
    if (s === undefined) sets.set(key, { first: i, rr, ttl: rr.ttl, rdata: [rr.rdata], sigs: [] });
    else {
      if (rr.ttl < s.ttl) s.ttl = rr.ttl;
      addUnique(s.rdata, rr.rdata);
    }
  }
  for (let i = 0; i < rrs.length; i++) {
    const rr = rrs[i];
    if (rr.type !== RRType.RRSIG) continue;
    const covered = typeCovered(rr.rdata);
    const s = covered === undefined ? undefined : sets.get(setKey(rr, covered));
    if (s !== undefined) {
      addUnique(s.sigs, rr.rdata);
      continue;
    }
    const key = setKey(rr, RRType.RRSIG);
    const o = orphans.get(key);
    if (o === undefined) orphans.set(key, { first: i, rr, ttl: rr.ttl, rdata: [rr.rdata], sigs: [] });
    else {
      if (rr.ttl < o.ttl) o.ttl = rr.ttl;
      addUnique(o.rdata, rr.rdata);
    }
  }
  const all = [...sets.values(), ...orphans.values()];
  all.sort((a, b) => a.first - b.first);
  return all.map((s) => ({ name: s.rr.name, type: s.rr.type, class: s.rr.class, ttl: s.ttl, rdata: s.rdata, sigs: s.sigs }));
}

/** Whether two RRsets are the same set: owner, type and class (RFC 2181 §5), whatever their TTL. */
export function sameRRset(a: RRset, b: RRset): boolean {
  return a.type === b.type && a.class === b.class && a.name.equals(b.name);
}

/**
 * The records of a set, then (when `withSigs`) its RRSIGs as type RRSIG records; all carry the set
 * TTL. A set of type RRSIG (orphan signatures) yields its records whatever `withSigs` says: whether
 * to include those is the caller's decision (e.g. QTYPE=RRSIG versus DO=0).
 */
export function rrsetToRRs(set: RRset, withSigs: boolean): RR[] {
  const out: RR[] = [];
  for (const rdata of set.rdata) out.push({ name: set.name, type: set.type, class: set.class, ttl: set.ttl, rdata });
  if (withSigs) {
    for (const rdata of set.sigs) out.push({ name: set.name, type: RRType.RRSIG, class: set.class, ttl: set.ttl, rdata });
  }
  return out;
}

/**
 * RRSIGs a server put in another section than the RRset they cover (RFC 4035 §3.1.1 says they go
 * together; old servers and Unbound's corpus do not always) join that set, as Unbound's message
 * parser does; signatures that cover no set of any section stay orphans. Takes and returns the
 * sections' groupings (answer, authority, additional) in order.
 */
export function adoptStraySignatures(sections: readonly (readonly RRset[])[]): RRset[][] {
  const out: RRset[][] = sections.map((sets) => sets.map((s) => ({ ...s, sigs: [...s.sigs] })));
  const home = new Map<string, RRset>();
  for (const sets of out) for (const s of sets) if (s.type !== RRType.RRSIG) home.set(`${s.name.key}/${s.type}/${s.class}`, s);
  return out.map((sets) => {
    const kept: RRset[] = [];
    for (const s of sets) {
      if (s.type !== RRType.RRSIG) { kept.push(s); continue; }
      const left: Uint8Array[] = [];
      for (const sig of s.rdata) {
        const covered = typeCovered(sig);
        const target = covered === undefined ? undefined : home.get(`${s.name.key}/${covered}/${s.class}`);
        if (target !== undefined) addUnique(target.sigs as Uint8Array[], sig);
        else left.push(sig);
      }
      if (left.length > 0) kept.push({ ...s, rdata: left });
    }
    return kept;
  });
}
