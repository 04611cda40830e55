// Whether a non-recursive (RD=0) answer assembled from the cache can be judged without recursion.
//
// The validator judges cached data by the verdicts the cache already holds; data stored without one
// (an NS server's address the iterator looked up, say) would need the zone's keys, possibly fetched.
// An RD=0 query must never cause an upstream query, and validating with keys that are simply not
// cached would end in a false bogus verdict that the validator then caches for everyone. So an RD=0
// answer is given only when every RRset and denial in it already carries a verdict; otherwise the
// resolver says it cannot answer without recursion (REFUSED + EDE 20). Unbound instead hands such
// a query to its validator, which may fetch keys: a query upstream that RD=0 never causes here.
import type { RRset } from '../wire/types.ts';
import type { RRsetCache } from './cache.ts';
import type { AnswerStep, Resolution } from './resolution.ts';

function judged(security: string | undefined): boolean {
  return security !== undefined && security !== 'indeterminate';
}

function isSynthesized(set: RRset, step: AnswerStep): boolean {
  return step.synthesized.includes(set);
}

/**
 * True when every step of a cache-only resolution holds data the validator has already judged. A
 * denial from the RFC 8198 store (AnswerStep.denialSynthesised) is: its NSEC records were proven
 * secure when stored, and the store answers only while the zone's validated keys are held.
 */
export function verdictsKnown(cache: RRsetCache, res: Resolution): boolean {
  for (const step of res.steps) {
    switch (step.kind) {
      case 'answer':
      case 'alias':
        // CNAMEs synthesized from a DNAME are judged from the DNAME, with no key of their own.
        for (const set of step.answer) {
          if (isSynthesized(set, step)) continue;
          if (!judged(cache.peekRRset(set.name, set.type, set.class)?.security)) return false;
        }
        break;
      case 'nxdomain':
      case 'nodata': {
        if (step.denialSynthesised === true) break;
        const q = step.question;
        // The denial the cache served, wherever it is stored (an NXDOMAIN may be an ancestor's, RFC 8020).
        if (!judged(cache.peekDenial(q.name, q.type, q.class)?.security)) return false;
        break;
      }
      case 'referral':
        break;
    }
  }
  return true;
}
