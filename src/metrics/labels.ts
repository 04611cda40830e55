// Label values come only from small fixed sets: a label that could carry a query name (or any
// client-chosen value) would let one client create unbounded time series in Prometheus.
import { RRType, Rcode } from '../wire/constants.ts';

export const OTHER = 'other';

// Every mnemonic we know (about fifty) is a bounded set; anything else a client sends is "other".
const qtypeNames = new Map<number, string>(Object.entries(RRType).map(([name, value]) => [value, name]));
const rcodeNames = new Map<number, string>(Object.entries(Rcode).map(([name, value]) => [value, name]));

// RFC 8914 info-codes assigned at the time of writing; later ones are grouped until we name them.
const EDE_LABEL_MAX = 30;

/** "A", "AAAA", … for known types; "other" for unknown ones; "none" when the query had no single question. */
export function qtypeLabel(qtype: number | undefined): string {
  if (qtype === undefined) return 'none';
  return qtypeNames.get(qtype) ?? OTHER;
}

/** "NOERROR", "SERVFAIL", … or "other". */
export function rcodeLabel(rcode: number): string {
  return rcodeNames.get(rcode) ?? OTHER;
}

/** The info-code as a decimal string ("0" … "30"), or "other". */
export function edeLabel(code: number): string {
  return Number.isInteger(code) && code >= 0 && code <= EDE_LABEL_MAX ? String(code) : OTHER;
}

/** A member of `allowed`, or "other": for labels whose set is fixed at run time (policy zone names from config). */
export function boundedLabel(value: string, allowed: ReadonlySet<string>): string {
  return allowed.has(value) ? value : OTHER;
}
