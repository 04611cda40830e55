// DNSSEC RDATA: DNSKEY/CDNSKEY, RRSIG, DS/CDS, NSEC (RFC 4034, RFC 7344), NSEC3 and NSEC3PARAM
// (RFC 5155), with the NSEC type bitmap (RFC 4034 §4.1.2) shared by NSEC and NSEC3.
import type { Name } from '../name.ts';
import { RRType, DnssecAlgorithm, rrTypeToString, rrTypeFromString } from '../constants.ts';
import type { ParseResult, RdataCodec, Token } from './codec.ts';
import { RdataReader, RdataWriter } from './wire.ts';
import {
  fail, ok, expectFields, parseUint, parseNameField, parseBase64, base64ToText, parseHex, hexToText,
  base32hexToText, parseBase32hex,
} from './text.ts';

export interface DnskeyRdata { flags: number; protocol: number; algorithm: number; publicKey: Uint8Array }
export interface RrsigRdata {
  typeCovered: number; algorithm: number; labels: number; originalTtl: number;
  /** Seconds since the epoch, modulo 2^32 (RFC 4034 §3.1.5). */
  expiration: number;
  inception: number; keyTag: number; signerName: Name; signature: Uint8Array;
}
export interface DsRdata { keyTag: number; algorithm: number; digestType: number; digest: Uint8Array }
/** `types` sorted ascending. */
export interface NsecRdata { next: Name; types: number[] }
export interface Nsec3Rdata {
  hashAlgorithm: number; flags: number; iterations: number; salt: Uint8Array; nextHashed: Uint8Array; types: number[];
}
export interface Nsec3ParamRdata { hashAlgorithm: number; flags: number; iterations: number; salt: Uint8Array }

// ---- type bitmap ----

const MAX_WINDOW_BYTES = 32;

/** Window blocks (RFC 4034 §4.1.2): one per 256-type window in use, trailing zero octets dropped. */
export function encodeTypeBitmap(types: readonly number[]): Uint8Array {
  const sorted = [...new Set(types)].filter((t) => t >= 0 && t <= 0xffff).sort((a, b) => a - b);
  const w = new RdataWriter();
  let i = 0;
  while (i < sorted.length) {
    const window = sorted[i] >> 8;
    const bits = new Uint8Array(MAX_WINDOW_BYTES);
    let used = 0;
    while (i < sorted.length && sorted[i] >> 8 === window) {
      const low = sorted[i] & 0xff;
      bits[low >> 3] |= 0x80 >> (low & 7);
      used = (low >> 3) + 1;
      i++;
    }
    w.u8(window).u8(used).bytes(bits.subarray(0, used));
  }
  return w.finish();
}

/** Rejects what RFC 4034 §4.1.2 forbids, so an accepted bitmap re-encodes to the same bytes. */
export function decodeTypeBitmap(b: Uint8Array): ParseResult<number[]> {
  const types: number[] = [];
  let lastWindow = -1;
  let p = 0;
  while (p < b.length) {
    if (b.length - p < 2) return fail('type bitmap: truncated window header');
    const window = b[p], len = b[p + 1];
    p += 2;
    if (window <= lastWindow) return fail('type bitmap: windows out of order or repeated');
    if (len < 1 || len > MAX_WINDOW_BYTES) return fail(`type bitmap: bad window length ${len}`);
    if (b.length - p < len) return fail('type bitmap: window runs past the end');
    if (b[p + len - 1] === 0) return fail('type bitmap: trailing zero octet in window');
    for (let i = 0; i < len; i++) {
      const octet = b[p + i];
      for (let bit = 0; bit < 8; bit++) if (octet & (0x80 >> bit)) types.push((window << 8) | (i * 8 + bit));
    }
    p += len;
    lastWindow = window;
  }
  return ok(types);
}

function typesToText(types: readonly number[]): string {
  return types.map(rrTypeToString).join(' ');
}

function parseTypeList(fields: readonly Token[]): ParseResult<number[]> {
  const out: number[] = [];
  for (const f of fields) {
    const t = rrTypeFromString(f.text);
    if (t === undefined) return fail(`unknown type "${f.text}" in type list`);
    out.push(t);
  }
  return ok([...new Set(out)].sort((a, b) => a - b));
}

// ---- shared field parsers ----

/** Algorithm numbers; mnemonics (RSASHA256, ECDSAP256SHA256, ...) are accepted too (RFC 4034 §A.1). */
function parseAlgorithm(token: Token | undefined): ParseResult<number> {
  if (token !== undefined && !/^[0-9]+$/.test(token.text)) {
    const v = (DnssecAlgorithm as Record<string, number>)[token.text.toUpperCase().replace(/-/g, '_')];
    if (v !== undefined) return ok(v);
  }
  return parseUint(token, 0xff, 'algorithm');
}

/** YYYYMMDDHHmmSS in UTC (RFC 4034 §3.2). */
export function rrsigTimeToText(seconds: number): string {
  const d = new Date(seconds * 1000);
  const p = (n: number, w = 2) => n.toString().padStart(w, '0');
  return `${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

/** Accepts YYYYMMDDHHmmSS or plain seconds since the epoch (RFC 4034 §3.2). */
export function parseRrsigTime(token: Token | undefined, what: string): ParseResult<number> {
  if (token === undefined) return fail(`missing ${what}`);
  const m = /^([0-9]{4})([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})$/.exec(token.text);
  if (m) {
    const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return fail(`${what}: invalid date ${token.text}`);
    const ms = Date.UTC(y, mo - 1, d, h, mi, s);
    const check = new Date(ms);
    if (check.getUTCDate() !== d) return fail(`${what}: invalid date ${token.text}`);
    // Times past 2106 wrap, as serial-number arithmetic on the field expects (RFC 4034 §3.1.5).
    return ok(((ms / 1000) % 2 ** 32 + 2 ** 32) % 2 ** 32);
  }
  if (/^[0-9]{1,10}$/.test(token.text)) return parseUint(token, 0xffffffff, what);
  return fail(`${what}: expected YYYYMMDDHHmmSS or seconds, got "${token.text}"`);
}

// ---- DNSKEY / CDNSKEY (RFC 4034 §2, RFC 7344 §3.2) ----

function makeDnskeyCodec(type: number, typeName: string): RdataCodec<DnskeyRdata> {
  return {
    type,
    canonicalLowercase: false,
    decode(rdata) {
      const r = new RdataReader(rdata);
      const flags = r.u16('flags'), protocol = r.u8('protocol'), algorithm = r.u8('algorithm');
      return r.finish({ flags, protocol, algorithm, publicKey: r.rest() });
    },
    encode(v) {
      return new RdataWriter().u16(v.flags).u8(v.protocol).u8(v.algorithm).bytes(v.publicKey).finish();
    },
    toText(v) {
      return `${v.flags} ${v.protocol} ${v.algorithm} ${base64ToText(v.publicKey)}`;
    },
    fromText(fields) {
      if (fields.length < 4) return fail(`${typeName}: expected flags, protocol, algorithm and key`);
      const flags = parseUint(fields[0], 0xffff, 'flags');
      if (!flags.ok) return flags;
      const protocol = parseUint(fields[1], 0xff, 'protocol');
      if (!protocol.ok) return protocol;
      const algorithm = parseAlgorithm(fields[2]);
      if (!algorithm.ok) return algorithm;
      const key = parseBase64(fields.slice(3), 'public key');
      if (!key.ok) return key;
      return ok({ flags: flags.value, protocol: protocol.value, algorithm: algorithm.value, publicKey: key.value });
    },
  };
}

export const dnskeyCodec: RdataCodec<DnskeyRdata> = makeDnskeyCodec(RRType.DNSKEY, 'DNSKEY');
export const cdnskeyCodec: RdataCodec<DnskeyRdata> = makeDnskeyCodec(RRType.CDNSKEY, 'CDNSKEY');

// ---- RRSIG (RFC 4034 §3) ----

function writeRrsigFixed(w: RdataWriter, v: RrsigRdata): RdataWriter {
  return w.u16(v.typeCovered).u8(v.algorithm).u8(v.labels).u32(v.originalTtl).u32(v.expiration).u32(v.inception).u16(v.keyTag);
}

export const rrsigCodec: RdataCodec<RrsigRdata> = {
  type: RRType.RRSIG,
  canonicalLowercase: true,
  decode(rdata) {
    const r = new RdataReader(rdata);
    const typeCovered = r.u16('type covered'), algorithm = r.u8('algorithm'), labels = r.u8('labels');
    const originalTtl = r.u32('original TTL'), expiration = r.u32('expiration'), inception = r.u32('inception');
    const keyTag = r.u16('key tag');
    const signerName = r.name('signer name');
    const signature = r.rest();
    return r.finish({ typeCovered, algorithm, labels, originalTtl, expiration, inception, keyTag, signerName, signature });
  },
  encode(v) {
    return writeRrsigFixed(new RdataWriter(), v).name(v.signerName).bytes(v.signature).finish();
  },
  toText(v) {
    return `${rrTypeToString(v.typeCovered)} ${v.algorithm} ${v.labels} ${v.originalTtl} ${rrsigTimeToText(v.expiration)} ` +
      `${rrsigTimeToText(v.inception)} ${v.keyTag} ${v.signerName.toString()} ${base64ToText(v.signature)}`;
  },
  fromText(fields, origin) {
    if (fields.length < 9) return fail(`RRSIG: expected 9 fields, got ${fields.length}`);
    const typeCovered = rrTypeFromString(fields[0].text);
    if (typeCovered === undefined) return fail(`RRSIG: unknown type covered "${fields[0].text}"`);
    const algorithm = parseAlgorithm(fields[1]);
    if (!algorithm.ok) return algorithm;
    const labels = parseUint(fields[2], 0xff, 'labels');
    if (!labels.ok) return labels;
    const originalTtl = parseUint(fields[3], 0xffffffff, 'original TTL');
    if (!originalTtl.ok) return originalTtl;
    const expiration = parseRrsigTime(fields[4], 'expiration');
    if (!expiration.ok) return expiration;
    const inception = parseRrsigTime(fields[5], 'inception');
    if (!inception.ok) return inception;
    const keyTag = parseUint(fields[6], 0xffff, 'key tag');
    if (!keyTag.ok) return keyTag;
    const signer = parseNameField(fields[7], origin, 'signer name');
    if (!signer.ok) return signer;
    const signature = parseBase64(fields.slice(8), 'signature');
    if (!signature.ok) return signature;
    return ok({
      typeCovered, algorithm: algorithm.value, labels: labels.value, originalTtl: originalTtl.value,
      expiration: expiration.value, inception: inception.value, keyTag: keyTag.value, signerName: signer.value,
      signature: signature.value,
    });
  },
};

/** The RRSIG_RDATA prefix of the signed data (RFC 4034 §3.1.8.1): no signature, signer name lower-cased. */
export function rrsigSignedData(r: RrsigRdata): Uint8Array {
  return writeRrsigFixed(new RdataWriter(), r).name(r.signerName, true).finish();
}

// ---- DS / CDS (RFC 4034 §5, RFC 7344 §3.1) ----

function makeDsCodec(type: number, typeName: string): RdataCodec<DsRdata> {
  return {
    type,
    canonicalLowercase: false,
    decode(rdata) {
      const r = new RdataReader(rdata);
      const keyTag = r.u16('key tag'), algorithm = r.u8('algorithm'), digestType = r.u8('digest type');
      return r.finish({ keyTag, algorithm, digestType, digest: r.rest() });
    },
    encode(v) {
      return new RdataWriter().u16(v.keyTag).u8(v.algorithm).u8(v.digestType).bytes(v.digest).finish();
    },
    toText(v) {
      return `${v.keyTag} ${v.algorithm} ${v.digestType} ${hexToText(v.digest)}`;
    },
    fromText(fields) {
      if (fields.length < 4) return fail(`${typeName}: expected key tag, algorithm, digest type and digest`);
      const keyTag = parseUint(fields[0], 0xffff, 'key tag');
      if (!keyTag.ok) return keyTag;
      const algorithm = parseAlgorithm(fields[1]);
      if (!algorithm.ok) return algorithm;
      const digestType = parseUint(fields[2], 0xff, 'digest type');
      if (!digestType.ok) return digestType;
      const digest = parseHex(fields.slice(3), 'digest');
      if (!digest.ok) return digest;
      return ok({ keyTag: keyTag.value, algorithm: algorithm.value, digestType: digestType.value, digest: digest.value });
    },
  };
}

export const dsCodec: RdataCodec<DsRdata> = makeDsCodec(RRType.DS, 'DS');
export const cdsCodec: RdataCodec<DsRdata> = makeDsCodec(RRType.CDS, 'CDS');

// ---- NSEC (RFC 4034 §4) ----

export const nsecCodec: RdataCodec<NsecRdata> = {
  type: RRType.NSEC,
  // RFC 6840 §5.1: the next domain name in NSEC is not lower-cased in canonical form.
  canonicalLowercase: false,
  decode(rdata) {
    const r = new RdataReader(rdata);
    const next = r.name('next domain name');
    const bitmap = r.rest();
    if (r.error !== undefined) return fail(r.error);
    const types = decodeTypeBitmap(bitmap);
    if (!types.ok) return types;
    return ok({ next, types: types.value });
  },
  encode(v) {
    return new RdataWriter().name(v.next).bytes(encodeTypeBitmap(v.types)).finish();
  },
  toText(v) {
    const t = typesToText(v.types);
    return t === '' ? v.next.toString() : `${v.next.toString()} ${t}`;
  },
  fromText(fields, origin) {
    const next = parseNameField(fields[0], origin, 'next domain name');
    if (!next.ok) return next;
    const types = parseTypeList(fields.slice(1));
    if (!types.ok) return types;
    return ok({ next: next.value, types: types.value });
  },
};

// ---- NSEC3 / NSEC3PARAM (RFC 5155 §3, §4) ----

function saltToText(salt: Uint8Array): string {
  return salt.length === 0 ? '-' : hexToText(salt);
}

function parseSalt(token: Token | undefined): ParseResult<Uint8Array> {
  if (token === undefined) return fail('missing salt');
  if (token.text === '-') return ok(new Uint8Array(0));
  const r = parseHex([token], 'salt');
  if (r.ok && r.value.length > 255) return fail('salt longer than 255 octets');
  return r;
}

interface Nsec3Head { hashAlgorithm: number; flags: number; iterations: number; salt: Uint8Array }

function parseNsec3Head(fields: readonly Token[]): ParseResult<Nsec3Head> {
  const hashAlgorithm = parseUint(fields[0], 0xff, 'hash algorithm');
  if (!hashAlgorithm.ok) return hashAlgorithm;
  const flags = parseUint(fields[1], 0xff, 'flags');
  if (!flags.ok) return flags;
  const iterations = parseUint(fields[2], 0xffff, 'iterations');
  if (!iterations.ok) return iterations;
  const salt = parseSalt(fields[3]);
  if (!salt.ok) return salt;
  return ok({ hashAlgorithm: hashAlgorithm.value, flags: flags.value, iterations: iterations.value, salt: salt.value });
}

export const nsec3Codec: RdataCodec<Nsec3Rdata> = {
  type: RRType.NSEC3,
  canonicalLowercase: false,
  decode(rdata) {
    const r = new RdataReader(rdata);
    const hashAlgorithm = r.u8('hash algorithm'), flags = r.u8('flags'), iterations = r.u16('iterations');
    const salt = r.charString('salt');
    const nextHashed = r.charString('next hashed owner name');
    const bitmap = r.rest();
    if (r.error !== undefined) return fail(r.error);
    if (nextHashed.length === 0) return fail('NSEC3: empty next hashed owner name');
    const types = decodeTypeBitmap(bitmap);
    if (!types.ok) return types;
    return ok({ hashAlgorithm, flags, iterations, salt, nextHashed, types: types.value });
  },
  encode(v) {
    return new RdataWriter().u8(v.hashAlgorithm).u8(v.flags).u16(v.iterations).charString(v.salt)
      .charString(v.nextHashed).bytes(encodeTypeBitmap(v.types)).finish();
  },
  toText(v) {
    const t = typesToText(v.types);
    const head = `${v.hashAlgorithm} ${v.flags} ${v.iterations} ${saltToText(v.salt)} ${base32hexToText(v.nextHashed)}`;
    return t === '' ? head : `${head} ${t}`;
  },
  fromText(fields) {
    if (fields.length < 5) return fail(`NSEC3: expected at least 5 fields, got ${fields.length}`);
    const head = parseNsec3Head(fields);
    if (!head.ok) return head;
    const next = parseBase32hex(fields[4].text, 'next hashed owner name');
    if (!next.ok) return next;
    if (next.value.length === 0 || next.value.length > 255) return fail('NSEC3: bad next hashed owner name length');
    const types = parseTypeList(fields.slice(5));
    if (!types.ok) return types;
    return ok({ ...head.value, nextHashed: next.value, types: types.value });
  },
};

export const nsec3paramCodec: RdataCodec<Nsec3ParamRdata> = {
  type: RRType.NSEC3PARAM,
  canonicalLowercase: false,
  decode(rdata) {
    const r = new RdataReader(rdata);
    const hashAlgorithm = r.u8('hash algorithm'), flags = r.u8('flags'), iterations = r.u16('iterations');
    const salt = r.charString('salt');
    return r.finish({ hashAlgorithm, flags, iterations, salt });
  },
  encode(v) {
    return new RdataWriter().u8(v.hashAlgorithm).u8(v.flags).u16(v.iterations).charString(v.salt).finish();
  },
  toText(v) {
    return `${v.hashAlgorithm} ${v.flags} ${v.iterations} ${saltToText(v.salt)}`;
  },
  fromText(fields) {
    const e = expectFields(fields, 4, 'NSEC3PARAM');
    if (e) return fail(e);
    return parseNsec3Head(fields);
  },
};
