// Upstream scrub of signatures: an RRset keeps at most MAX_RRSIGS_PER_RRSET of the RRSIGs that
// cover it, the first ones in reply order. A zone signs a set once per active key and algorithm
// (RFC 6781 §4.1: a double-signature roll or an algorithm roll means two or three); dozens are an
// attack (KeyTrap, CVE-2023-50387) or junk, and would otherwise be cached and passed on to clients
// whole. The validator's budgets (src/dnssec/budget.ts) still bound the work on what is kept; this
// bounds what is stored and relayed. Unbound's scrubber does the same (its iter-scrub-rrsig
// option, 8 by default): RRSIGs join the set of their owner, class and type covered wherever the
// reply put them, and those past the limit are removed in reply order.
import { RRType } from '../wire/constants.ts';
import type { Name } from '../wire/name.ts';
import { sameBytes, typeCovered } from '../wire/rrset.ts';
import type { Message, RR } from '../wire/types.ts';

/** RRSIGs kept per RRset (Unbound's iter-scrub-rrsig default). */
export const MAX_RRSIGS_PER_RRSET = 8;

export interface SigScrubResult {
  readonly message: Message;
  /** RRSIG records removed. */
  readonly removed: number;
}

function setKey(name: Name, type: number, cls: number): string {
  return `${name.key}/${type}/${cls}`;
}

/**
 * Removes the RRSIGs past `max` (distinct RDATA, counted across the answer, authority and
 * additional sections in that order) for every RRset of the reply. An RRSIG whose covered set is
 * not in the reply (an answer to QTYPE=RRSIG) is data, not a set's signature, and is left alone.
 * A byte-identical repeat of a kept RRSIG is not counted: the RRset grouping keeps it once anyway.
 */
export function capSignatures(message: Message, max: number = MAX_RRSIGS_PER_RRSET): SigScrubResult {
  const sections = [message.answer, message.authority, message.additional];
  // The usual reply has a handful of RRSIGs in all: no set can then have more than `max`, and the
  // per-set bookkeeping below is skipped (it runs on every upstream reply).
  let sigCount = 0;
  for (const rrs of sections) for (const rr of rrs) if (rr.type === RRType.RRSIG) sigCount++;
  if (sigCount <= max) return { message, removed: 0 };
  const sets = new Set<string>();
  for (const rrs of sections) for (const rr of rrs) if (rr.type !== RRType.RRSIG) sets.add(setKey(rr.name, rr.type, rr.class));
  const kept = new Map<string, Uint8Array[]>();
  let removed = 0;
  const tooMany = (rr: RR): boolean => {
    if (rr.type !== RRType.RRSIG) return false;
    const covered = typeCovered(rr.rdata);
    if (covered === undefined) return false;
    const key = setKey(rr.name, covered, rr.class);
    if (!sets.has(key)) return false;
    let list = kept.get(key);
    if (list === undefined) kept.set(key, (list = []));
    // The list never grows past `max`, so this scan is bounded too.
    if (list.some((k) => sameBytes(k, rr.rdata))) return false;
    if (list.length >= max) return true;
    list.push(rr.rdata);
    return false;
  };
  const section = (rrs: readonly RR[]): readonly RR[] => {
    let out: RR[] | undefined;
    for (let i = 0; i < rrs.length; i++) {
      const rr = rrs[i];
      if (!tooMany(rr)) {
        out?.push(rr);
        continue;
      }
      removed++;
      out ??= rrs.slice(0, i);
    }
    return out ?? rrs;
  };
  const [answer, authority, additional] = sections.map(section);
  if (removed === 0) return { message, removed };
  return { message: { ...message, answer, authority, additional }, removed };
}
