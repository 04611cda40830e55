// dig-style presentation of records: `owner.<TAB>TTL<TAB>CLASS<TAB>TYPE<TAB>RDATA`, one per line.
import { RRType, rrClassToString, rrTypeToString } from './constants.ts';
import type { RR, RRset } from './types.ts';
import type { Name } from './name.ts';
import { rdataToText } from './rdata/index.ts';

function line(name: Name, ttl: number, cls: number, type: number, rdata: Uint8Array): string {
  return `${name.toString()}\t${ttl}\t${rrClassToString(cls)}\t${rrTypeToString(type)}\t${rdataToText(type, rdata)}`;
}

export function rrToText(rr: RR): string {
  return line(rr.name, rr.ttl, rr.class, rr.type, rr.rdata);
}

/** The set's records, then the RRSIGs that cover it, one line each. */
export function rrsetToText(set: RRset): string {
  const lines = set.rdata.map((rd) => line(set.name, set.ttl, set.class, set.type, rd));
  for (const sig of set.sigs) lines.push(line(set.name, set.ttl, set.class, RRType.RRSIG, sig));
  return lines.join('\n');
}
