// DNSKEY fixed fields read straight from wire RDATA (RFC 4034 §2.1), for the hot paths (key tag
// matching, key import) that would otherwise decode the full record each time.

/** Flags bit 7 (0x0100): the key is a zone key and may verify RRSIGs (RFC 4034 §2.1.1). */
export const DNSKEY_FLAG_ZONE = 0x0100;
/** Flags bit 8 (0x0080): the key is revoked (RFC 5011 §2.1). */
export const DNSKEY_FLAG_REVOKE = 0x0080;
/** Flags bit 15 (0x0001): Secure Entry Point, a hint only (RFC 4034 §2.1.1). */
export const DNSKEY_FLAG_SEP = 0x0001;
/** The protocol field MUST be 3 (RFC 4034 §2.1.2). */
export const DNSKEY_PROTOCOL = 3;

/** Octets before the public key: flags (2), protocol (1), algorithm (1). */
const FIXED_LENGTH = 4;

export interface DnskeyFields {
  readonly flags: number;
  readonly protocol: number;
  readonly algorithm: number;
  readonly publicKey: Uint8Array;
}

/** The fixed fields and key of DNSKEY RDATA; undefined when too short to hold them. */
export function dnskeyFields(rdata: Uint8Array): DnskeyFields | undefined {
  if (rdata.length < FIXED_LENGTH) return undefined;
  return { flags: (rdata[0] << 8) | rdata[1], protocol: rdata[2], algorithm: rdata[3], publicKey: rdata.subarray(FIXED_LENGTH) };
}

export function isZoneKey(flags: number): boolean {
  return (flags & DNSKEY_FLAG_ZONE) !== 0;
}

export function isRevoked(flags: number): boolean {
  return (flags & DNSKEY_FLAG_REVOKE) !== 0;
}
