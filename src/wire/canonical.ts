// DNSSEC canonical form (RFC 4034 §6.2): owner names lower-cased, and names embedded in RDATA
// lower-cased for exactly the types listed there as amended by RFC 6840 §5.1 (NSEC left out: its
// next-name keeps its case). Every other type's RDATA is used as is.

import type { Name } from './name.ts';

/** One step of an RDATA layout: fixed octets, a domain name, a <character-string>, or A6's prefix. */
type Step = number | 'name' | 'cs' | 'a6';

// Layouts up to the last embedded name; whatever follows is copied untouched.
const layouts = new Map<number, readonly Step[]>([
  [2, ['name']], // NS
  [3, ['name']], // MD
  [4, ['name']], // MF
  [5, ['name']], // CNAME
  [6, ['name', 'name']], // SOA
  [7, ['name']], // MB
  [8, ['name']], // MG
  [9, ['name']], // MR
  [12, ['name']], // PTR
  [14, ['name', 'name']], // MINFO
  [15, [2, 'name']], // MX
  [17, ['name', 'name']], // RP
  [18, [2, 'name']], // AFSDB
  [21, [2, 'name']], // RT
  [24, [18, 'name']], // SIG
  [26, [2, 'name', 'name']], // PX
  [30, ['name']], // NXT
  [33, [6, 'name']], // SRV
  [35, [4, 'cs', 'cs', 'cs', 'name']], // NAPTR
  [36, [2, 'name']], // KX
  [38, ['a6']], // A6
  [39, ['name']], // DNAME
  [46, [18, 'name']], // RRSIG
]);

/** True for the types whose embedded names RFC 4034 §6.2 / RFC 6840 §5.1 lower-case. */
export function hasCanonicalNames(type: number): boolean {
  return layouts.has(type);
}

/**
 * RDATA in canonical form. Malformed RDATA is returned unchanged (a copy): it cannot verify anyway,
 * and the codecs are where malformation is reported.
 */
export function canonicalRdata(type: number, rdata: Uint8Array): Uint8Array {
  const out = rdata.slice();
  const layout = layouts.get(type);
  if (!layout) return out;
  let p = 0;
  const lowerName = (): boolean => {
    for (;;) {
      if (p >= out.length) return false;
      const len = out[p++];
      if (len === 0) return true;
      if (len > 63 || p + len > out.length) return false;
      for (let j = p; j < p + len; j++) if (out[j] >= 0x41 && out[j] <= 0x5a) out[j] |= 0x20;
      p += len;
    }
  };
  for (const step of layout) {
    if (typeof step === 'number') {
      p += step;
      if (p > out.length) return rdata.slice();
    } else if (step === 'cs') {
      if (p >= out.length) return rdata.slice();
      p += 1 + out[p];
      if (p > out.length) return rdata.slice();
    } else if (step === 'name') {
      if (!lowerName()) return rdata.slice();
    } else {
      // A6 (RFC 2874 §3.1): prefix length, the address suffix, then a prefix name when the length > 0.
      if (p >= out.length) return rdata.slice();
      const prefixLen = out[p++];
      if (prefixLen > 128) return rdata.slice();
      p += Math.ceil((128 - prefixLen) / 8);
      if (p > out.length) return rdata.slice();
      if (prefixLen > 0 && !lowerName()) return rdata.slice();
    }
  }
  return out;
}

/** The owner name in canonical form: uncompressed wire, lower-cased (RFC 4034 §6.2 items 1-3). */
export function canonicalOwner(name: Name): Uint8Array {
  return name.toWire(true);
}
