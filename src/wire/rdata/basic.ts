// The RFC 1035-era types and their close relatives: addresses, single names, SOA, preference+name,
// name pairs, and character-string lists (TXT, SPF, HINFO).
import type { Name } from '../name.ts';
import { RRType } from '../constants.ts';
import type { ParseResult, RdataCodec, Token } from './codec.ts';
import { RdataReader, RdataWriter } from './wire.ts';
import {
  fail, ok, expectFields, parseUint, parseNameField, parseCharString, charStringToText, parseIPv4, ipv4ToText,
  parseIPv6, ipv6ToText,
} from './text.ts';

// Obsolete types that still matter for canonical form (RFC 4034 §6.2); not in the shared RRType table.
export const MD = 3, MF = 4, MB = 7, MG = 8, MR = 9, MINFO = 14, RT = 21;

// ---- A / AAAA ----

export interface AddressRdata { address: Uint8Array }

function makeAddressCodec(type: number, typeName: string, size: number, parse: (s: string) => Uint8Array | undefined,
  print: (b: Uint8Array) => string): RdataCodec<AddressRdata> {
  return {
    type,
    canonicalLowercase: false,
    decode(rdata) {
      const r = new RdataReader(rdata);
      return r.finish({ address: r.bytes(size, 'address') });
    },
    encode(v) {
      return v.address.slice();
    },
    toText(v) {
      return print(v.address);
    },
    fromText(fields) {
      const e = expectFields(fields, 1, typeName);
      if (e) return fail(e);
      const a = parse(fields[0].text);
      return a ? ok({ address: a }) : fail(`${typeName}: invalid address "${fields[0].text}"`);
    },
  };
}

export const aCodec = makeAddressCodec(RRType.A, 'A', 4, parseIPv4, ipv4ToText);
export const aaaaCodec = makeAddressCodec(RRType.AAAA, 'AAAA', 16, parseIPv6, ipv6ToText);

// ---- a single domain name: NS, CNAME, DNAME, PTR, MD, MF, MB, MG, MR ----

export interface NameRdata { name: Name }

function makeNameCodec(type: number, typeName: string, canonicalLowercase: boolean): RdataCodec<NameRdata> {
  return {
    type,
    canonicalLowercase,
    decode(rdata) {
      const r = new RdataReader(rdata);
      return r.finish({ name: r.name() });
    },
    encode(v) {
      return v.name.toWire();
    },
    toText(v) {
      return v.name.toString();
    },
    fromText(fields, origin) {
      const e = expectFields(fields, 1, typeName);
      if (e) return fail(e);
      const n = parseNameField(fields[0], origin, typeName);
      return n.ok ? ok({ name: n.value }) : n;
    },
  };
}

export const nsCodec = makeNameCodec(RRType.NS, 'NS', true);
export const cnameCodec = makeNameCodec(RRType.CNAME, 'CNAME', true);
export const dnameCodec = makeNameCodec(RRType.DNAME, 'DNAME', true);
export const ptrCodec = makeNameCodec(RRType.PTR, 'PTR', true);
export const mdCodec = makeNameCodec(MD, 'MD', true);
export const mfCodec = makeNameCodec(MF, 'MF', true);
export const mbCodec = makeNameCodec(MB, 'MB', true);
export const mgCodec = makeNameCodec(MG, 'MG', true);
export const mrCodec = makeNameCodec(MR, 'MR', true);

// ---- SOA (RFC 1035 §3.3.13) ----

export interface SoaRdata {
  mname: Name; rname: Name; serial: number; refresh: number; retry: number; expire: number; minimum: number;
}

/** SOA timers accept TTL-style units (1h30m) as BIND and NSD do. */
export function parseTtlText(text: string): number | undefined {
  if (/^[0-9]+$/.test(text)) {
    const v = Number(text);
    return v <= 0xffffffff ? v : undefined;
  }
  const re = /([0-9]+)([smhdwSMHDW])/y;
  const mult: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
  let total = 0;
  let pos = 0;
  while (pos < text.length) {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) return undefined;
    total += Number(m[1]) * mult[m[2].toLowerCase()];
    pos = re.lastIndex;
  }
  return pos > 0 && total <= 0xffffffff ? total : undefined;
}

function parseTimer(token: Token, what: string): ParseResult<number> {
  const v = parseTtlText(token.text);
  return v === undefined ? fail(`SOA ${what}: invalid value "${token.text}"`) : ok(v);
}

export const soaCodec: RdataCodec<SoaRdata> = {
  type: RRType.SOA,
  canonicalLowercase: true,
  decode(rdata) {
    const r = new RdataReader(rdata);
    const mname = r.name('MNAME'), rname = r.name('RNAME');
    const serial = r.u32('serial'), refresh = r.u32('refresh'), retry = r.u32('retry');
    const expire = r.u32('expire'), minimum = r.u32('minimum');
    return r.finish({ mname, rname, serial, refresh, retry, expire, minimum });
  },
  encode(v) {
    return new RdataWriter().name(v.mname).name(v.rname).u32(v.serial).u32(v.refresh).u32(v.retry)
      .u32(v.expire).u32(v.minimum).finish();
  },
  toText(v) {
    return `${v.mname} ${v.rname} ${v.serial} ${v.refresh} ${v.retry} ${v.expire} ${v.minimum}`;
  },
  fromText(fields, origin) {
    const e = expectFields(fields, 7, 'SOA');
    if (e) return fail(e);
    const mname = parseNameField(fields[0], origin, 'SOA MNAME');
    if (!mname.ok) return mname;
    const rname = parseNameField(fields[1], origin, 'SOA RNAME');
    if (!rname.ok) return rname;
    const serial = parseUint(fields[2], 0xffffffff, 'SOA serial');
    if (!serial.ok) return serial;
    const timers: number[] = [];
    for (const [i, what] of ['refresh', 'retry', 'expire', 'minimum'].entries()) {
      const t = parseTimer(fields[3 + i], what);
      if (!t.ok) return t;
      timers.push(t.value);
    }
    const [refresh, retry, expire, minimum] = timers;
    return ok({ mname: mname.value, rname: rname.value, serial: serial.value, refresh, retry, expire, minimum });
  },
};

// ---- preference + name: MX, AFSDB (subtype), RT, KX ----

export interface PrefNameRdata { preference: number; name: Name }

function makePrefNameCodec(type: number, typeName: string): RdataCodec<PrefNameRdata> {
  return {
    type,
    canonicalLowercase: true,
    decode(rdata) {
      const r = new RdataReader(rdata);
      const preference = r.u16('preference');
      return r.finish({ preference, name: r.name() });
    },
    encode(v) {
      return new RdataWriter().u16(v.preference).name(v.name).finish();
    },
    toText(v) {
      return `${v.preference} ${v.name}`;
    },
    fromText(fields, origin) {
      const e = expectFields(fields, 2, typeName);
      if (e) return fail(e);
      const p = parseUint(fields[0], 0xffff, `${typeName} preference`);
      if (!p.ok) return p;
      const n = parseNameField(fields[1], origin, typeName);
      return n.ok ? ok({ preference: p.value, name: n.value }) : n;
    },
  };
}

export const mxCodec = makePrefNameCodec(RRType.MX, 'MX');
export const afsdbCodec = makePrefNameCodec(RRType.AFSDB, 'AFSDB');
export const rtCodec = makePrefNameCodec(RT, 'RT');
export const kxCodec = makePrefNameCodec(RRType.KX, 'KX');

// ---- two names: RP (mbox, txt), MINFO (rmailbx, emailbx) ----

export interface NamePairRdata { first: Name; second: Name }

function makeNamePairCodec(type: number, typeName: string): RdataCodec<NamePairRdata> {
  return {
    type,
    canonicalLowercase: true,
    decode(rdata) {
      const r = new RdataReader(rdata);
      const first = r.name();
      return r.finish({ first, second: r.name() });
    },
    encode(v) {
      return new RdataWriter().name(v.first).name(v.second).finish();
    },
    toText(v) {
      return `${v.first} ${v.second}`;
    },
    fromText(fields, origin) {
      const e = expectFields(fields, 2, typeName);
      if (e) return fail(e);
      const a = parseNameField(fields[0], origin, typeName);
      if (!a.ok) return a;
      const b = parseNameField(fields[1], origin, typeName);
      return b.ok ? ok({ first: a.value, second: b.value }) : b;
    },
  };
}

export const rpCodec = makeNamePairCodec(RRType.RP, 'RP');
export const minfoCodec = makeNamePairCodec(MINFO, 'MINFO');

// ---- character-string lists: TXT, SPF (one or more), HINFO (exactly two) ----

export interface StringsRdata { strings: Uint8Array[] }

function makeStringsCodec(type: number, typeName: string, exact?: number): RdataCodec<StringsRdata> {
  return {
    type,
    canonicalLowercase: false,
    decode(rdata) {
      const r = new RdataReader(rdata);
      const strings: Uint8Array[] = [];
      while (!r.atEnd && r.error === undefined) strings.push(r.charString());
      if (r.error === undefined && strings.length === 0) return fail(`${typeName}: empty RDATA`);
      if (r.error === undefined && exact !== undefined && strings.length !== exact) {
        return fail(`${typeName}: expected ${exact} character-strings, got ${strings.length}`);
      }
      return r.finish({ strings });
    },
    encode(v) {
      const w = new RdataWriter();
      for (const s of v.strings) w.charString(s);
      return w.finish();
    },
    toText(v) {
      return v.strings.map(charStringToText).join(' ');
    },
    fromText(fields) {
      if (exact !== undefined) {
        const e = expectFields(fields, exact, typeName);
        if (e) return fail(e);
      } else if (fields.length === 0) {
        return fail(`${typeName}: no character-strings`);
      }
      const strings: Uint8Array[] = [];
      for (const f of fields) {
        const s = parseCharString(f, typeName);
        if (!s.ok) return s;
        strings.push(s.value);
      }
      return ok({ strings });
    },
  };
}

export const txtCodec = makeStringsCodec(RRType.TXT, 'TXT');
export const spfCodec = makeStringsCodec(RRType.SPF, 'SPF');
export const hinfoCodec = makeStringsCodec(RRType.HINFO, 'HINFO', 2);
