// The shapes every room shares: records, RRsets, questions, messages and EDNS.
// RDATA is always kept as its uncompressed wire bytes: byte-exact round trips, and the input that
// DNSSEC canonical form (RFC 4034 §6.2) starts from. Typed views come from src/wire/rdata/index.ts.
import type { Name } from './name.ts';

export interface RR {
  readonly name: Name;
  readonly type: number;
  readonly class: number;
  readonly ttl: number;
  /** Uncompressed RDATA (names inside decompressed on read). */
  readonly rdata: Uint8Array;
}

export interface Question {
  readonly name: Name;
  readonly type: number;
  readonly class: number;
}

/** Records of one owner, type and class, with the RRSIGs that cover them (RFC 4034 §3). */
export interface RRset {
  readonly name: Name;
  readonly type: number;
  readonly class: number;
  readonly ttl: number;
  readonly rdata: readonly Uint8Array[];
  /** RRSIG RDATA covering this set (type covered === this.type). */
  readonly sigs: readonly Uint8Array[];
}

export interface EdnsOption {
  readonly code: number;
  readonly data: Uint8Array;
}

/** The OPT pseudo-record, decoded (RFC 6891 §6). */
export interface Edns {
  readonly udpSize: number;
  readonly version: number;
  readonly dnssecOk: boolean;
  /** The remaining 15 flag bits (Z), kept so a round trip is exact. */
  readonly zFlags: number;
  readonly options: readonly EdnsOption[];
}

export interface HeaderFlags {
  readonly qr: boolean;
  readonly aa: boolean;
  readonly tc: boolean;
  readonly rd: boolean;
  readonly ra: boolean;
  /** The reserved Z bit (must be zero, kept for exactness). */
  readonly z: boolean;
  readonly ad: boolean;
  readonly cd: boolean;
}

export interface Message {
  readonly id: number;
  readonly opcode: number;
  readonly flags: HeaderFlags;
  /** Full RCODE: the header's 4 bits combined with the OPT record's upper 8 bits. */
  readonly rcode: number;
  readonly question: readonly Question[];
  readonly answer: readonly RR[];
  readonly authority: readonly RR[];
  /** Additional section without the OPT record (which is `edns`). */
  readonly additional: readonly RR[];
  readonly edns?: Edns;
}

export const NO_FLAGS: HeaderFlags = { qr: false, aa: false, tc: false, rd: false, ra: false, z: false, ad: false, cd: false };
