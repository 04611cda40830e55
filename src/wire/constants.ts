// Named DNS constants. Outside src/wire/ the code uses these names, never bare numbers.

/** Resource record types (IANA "Resource Record (RR) TYPEs"). */
export const RRType = {
  A: 1, NS: 2, CNAME: 5, SOA: 6, NULL: 10, PTR: 12, HINFO: 13, MX: 15, TXT: 16, RP: 17, AFSDB: 18,
  PX: 26, AAAA: 28, LOC: 29, SRV: 33, NAPTR: 35, KX: 36, CERT: 37, DNAME: 39, OPT: 41, APL: 42, DS: 43,
  SSHFP: 44, IPSECKEY: 45, RRSIG: 46, NSEC: 47, DNSKEY: 48, DHCID: 49, NSEC3: 50, NSEC3PARAM: 51,
  TLSA: 52, SMIMEA: 53, HIP: 55, CDS: 59, CDNSKEY: 60, OPENPGPKEY: 61, CSYNC: 62, ZONEMD: 63,
  SVCB: 64, HTTPS: 65, SPF: 99, NID: 104, L32: 105, L64: 106, LP: 107, EUI48: 108, EUI64: 109,
  URI: 256, CAA: 257,
  // meta and question-only types
  TKEY: 249, TSIG: 250, IXFR: 251, AXFR: 252, MAILB: 253, MAILA: 254, ANY: 255,
} as const;
export type RRTypeName = keyof typeof RRType;

const typeNames = new Map<number, string>(Object.entries(RRType).map(([k, v]) => [v, k]));

/** Mnemonic for a type, or the RFC 3597 generic form TYPEnnn. */
export function rrTypeToString(type: number): string {
  return typeNames.get(type) ?? `TYPE${type}`;
}

/** Parses a type mnemonic or TYPEnnn; undefined when unknown. */
export function rrTypeFromString(text: string): number | undefined {
  const upper = text.toUpperCase();
  const known = (RRType as Record<string, number>)[upper];
  if (known !== undefined) return known;
  const m = /^TYPE([0-9]{1,5})$/.exec(upper);
  if (m) {
    const v = Number(m[1]);
    if (v <= 0xffff) return v;
  }
  return undefined;
}

/** Types that only appear in questions or are transaction-level; never cached or validated. */
export function isMetaType(type: number): boolean {
  return type === RRType.OPT || (type >= 128 && type <= 255);
}

export const RRClass = { IN: 1, CH: 3, HS: 4, NONE: 254, ANY: 255 } as const;

const classNames = new Map<number, string>(Object.entries(RRClass).map(([k, v]) => [v, k]));

export function rrClassToString(cls: number): string {
  return classNames.get(cls) ?? `CLASS${cls}`;
}

export function rrClassFromString(text: string): number | undefined {
  const upper = text.toUpperCase();
  const known = (RRClass as Record<string, number>)[upper];
  if (known !== undefined) return known;
  const m = /^CLASS([0-9]{1,5})$/.exec(upper);
  if (m) {
    const v = Number(m[1]);
    if (v <= 0xffff) return v;
  }
  return undefined;
}

/** Response codes, including the EDNS extended ones (RFC 6891 §6.1.3). */
export const Rcode = {
  NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5, YXDOMAIN: 6, YXRRSET: 7,
  NXRRSET: 8, NOTAUTH: 9, NOTZONE: 10, BADVERS: 16, BADCOOKIE: 23,
} as const;
export type RcodeValue = (typeof Rcode)[keyof typeof Rcode] | number;

const rcodeNames = new Map<number, string>(Object.entries(Rcode).map(([k, v]) => [v, k]));
export function rcodeToString(rcode: number): string {
  return rcodeNames.get(rcode) ?? `RCODE${rcode}`;
}

export const Opcode = { QUERY: 0, IQUERY: 1, STATUS: 2, NOTIFY: 4, UPDATE: 5, DSO: 6 } as const;

/** EDNS option codes (IANA "DNS EDNS0 Option Codes"). */
export const EdnsOptionCode = {
  NSID: 3, CLIENT_SUBNET: 8, EXPIRE: 9, COOKIE: 10, TCP_KEEPALIVE: 11, PADDING: 12, CHAIN: 13,
  KEY_TAG: 14, EDE: 15,
} as const;

/** DNSSEC algorithm numbers (IANA "DNS Security Algorithm Numbers"). */
export const DnssecAlgorithm = {
  RSAMD5: 1, DH: 2, DSA: 3, RSASHA1: 5, DSA_NSEC3_SHA1: 6, RSASHA1_NSEC3_SHA1: 7, RSASHA256: 8,
  RSASHA512: 10, ECC_GOST: 12, ECDSAP256SHA256: 13, ECDSAP384SHA384: 14, ED25519: 15, ED448: 16,
  INDIRECT: 252, PRIVATEDNS: 253, PRIVATEOID: 254,
} as const;

/** DS digest types (IANA "Delegation Signer (DS) Resource Record (RR) Type Digest Algorithms"). */
export const DigestType = { SHA1: 1, SHA256: 2, GOST: 3, SHA384: 4 } as const;
