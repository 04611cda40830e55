// DNSKEY key tags (RFC 4034 Appendix B): the 16-bit hint that RRSIG and DS records carry so a
// validator can pick candidate keys without trying every one. Not unique: collisions are legal, so
// callers must still try every key whose tag matches.
import { DnssecAlgorithm } from '../wire/constants.ts';

/** Offset of the algorithm octet in DNSKEY RDATA (flags: 2 octets, protocol: 1). */
const ALGORITHM_OFFSET = 3;

/**
 * The key tag of a DNSKEY given its wire RDATA. For algorithm 1 (RSA/MD5) the tag is instead the
 * 16 bits just above the least significant octet of the modulus (RFC 4034 Appendix B.1), i.e. the
 * third- and second-to-last octets of the RDATA.
 */
export function keyTag(dnskeyRdata: Uint8Array): number {
  const n = dnskeyRdata.length;
  if (dnskeyRdata[ALGORITHM_OFFSET] === DnssecAlgorithm.RSAMD5 && n >= 3) {
    return (dnskeyRdata[n - 3] << 8) | dnskeyRdata[n - 2];
  }
  // Ones'-complement-style sum of 16-bit words, then the carry folded in once (Appendix B).
  let acc = 0;
  for (let i = 0; i < n; i++) acc += i & 1 ? dnskeyRdata[i] : dnskeyRdata[i] << 8;
  acc += (acc >>> 16) & 0xffff;
  return acc & 0xffff;
}
