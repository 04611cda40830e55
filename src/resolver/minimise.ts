// QNAME minimisation (RFC 9156 §3): how many labels of the query name to reveal next. The first
// MINIMISE_ONE_LAB steps add one label each; after that the remaining labels are spread over the
// steps left up to MAX_MINIMISE_COUNT, so a name with very many labels costs a bounded number
// of queries (the RFC's defence against long-name amplification).
import { RRType } from '../wire/constants.ts';

export const MAX_MINIMISE_COUNT = 10;
export const MINIMISE_ONE_LAB = 4;

/** RFC 9156 §3 and Unbound use A for the hidden queries: NS trips broken servers more often. */
export const MINIMISED_QTYPE = RRType.A;

/**
 * The label count of the next minimised name, given the query name's label count, the labels
 * already known (the zone cut, or a name that turned out not to be a cut) and the number of
 * minimised queries already sent. A result ≥ `target` means "ask the full name now".
 */
export function nextMinimisedLabelCount(target: number, known: number, minimiseCount: number): number {
  if (known >= target) return target;
  if (minimiseCount < MINIMISE_ONE_LAB) return known + 1;
  const stepsLeft = MAX_MINIMISE_COUNT - minimiseCount;
  if (stepsLeft <= 0) return target;
  return known + Math.max(1, Math.floor((target - known) / stepsLeft));
}
