// The few RDATA fields the iterator reads, through the shared codecs (never our own parsing).
import { RRType } from '../wire/constants.ts';
import type { Name } from '../wire/name.ts';
import { rdataCodecFor } from '../wire/rdata/index.ts';
import type { NameRdata, SoaRdata, AddressRdata } from '../wire/rdata/basic.ts';
import { ipv4ToText, ipv6ToText } from '../wire/rdata/text.ts';

/** The single name in NS, CNAME or DNAME RDATA; undefined when it does not decode. */
export function rdataName(type: number, rdata: Uint8Array): Name | undefined {
  const codec = rdataCodecFor(type);
  if (codec === undefined) return undefined;
  const v = codec.decode(rdata);
  return v.ok ? (v.value as NameRdata).name : undefined;
}

export function soaRdata(rdata: Uint8Array): SoaRdata | undefined {
  const codec = rdataCodecFor(RRType.SOA);
  const v = codec?.decode(rdata);
  return v !== undefined && v.ok ? (v.value as SoaRdata) : undefined;
}

/** A or AAAA RDATA as an address literal. */
export function addressText(type: number, rdata: Uint8Array): string | undefined {
  const codec = rdataCodecFor(type);
  const v = codec?.decode(rdata);
  if (v === undefined || !v.ok) return undefined;
  const a = (v.value as AddressRdata).address;
  return type === RRType.A ? ipv4ToText(a) : ipv6ToText(a);
}
