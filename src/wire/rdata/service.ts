// Service location and certificate-association types: SRV (RFC 2782), NAPTR (RFC 3403), CAA (RFC 8659),
// SSHFP (RFC 4255), TLSA (RFC 6698), SMIMEA (RFC 8162), OPENPGPKEY (RFC 7929), ZONEMD (RFC 8976).
import type { Name } from '../name.ts';
import { RRType } from '../constants.ts';
import type { RdataCodec } from './codec.ts';
import { RdataReader, RdataWriter } from './wire.ts';
import {
  fail, ok, expectFields, parseUint, parseNameField, parseCharString, charStringToText, unescapeText, escapeBytes,
  parseHex, hexToText, parseBase64, base64ToText,
} from './text.ts';

// ---- SRV ----

export interface SrvRdata { priority: number; weight: number; port: number; target: Name }

export const srvCodec: RdataCodec<SrvRdata> = {
  type: RRType.SRV,
  canonicalLowercase: true,
  decode(rdata) {
    const r = new RdataReader(rdata);
    const priority = r.u16('priority'), weight = r.u16('weight'), port = r.u16('port');
    return r.finish({ priority, weight, port, target: r.name('target') });
  },
  encode(v) {
    return new RdataWriter().u16(v.priority).u16(v.weight).u16(v.port).name(v.target).finish();
  },
  toText(v) {
    return `${v.priority} ${v.weight} ${v.port} ${v.target}`;
  },
  fromText(fields, origin) {
    const e = expectFields(fields, 4, 'SRV');
    if (e) return fail(e);
    const nums: number[] = [];
    for (const [i, what] of ['priority', 'weight', 'port'].entries()) {
      const n = parseUint(fields[i], 0xffff, `SRV ${what}`);
      if (!n.ok) return n;
      nums.push(n.value);
    }
    const target = parseNameField(fields[3], origin, 'SRV target');
    if (!target.ok) return target;
    return ok({ priority: nums[0], weight: nums[1], port: nums[2], target: target.value });
  },
};

// ---- NAPTR ----

export interface NaptrRdata {
  order: number; preference: number; flags: Uint8Array; services: Uint8Array; regexp: Uint8Array; replacement: Name;
}

export const naptrCodec: RdataCodec<NaptrRdata> = {
  type: RRType.NAPTR,
  canonicalLowercase: true,
  decode(rdata) {
    const r = new RdataReader(rdata);
    const order = r.u16('order'), preference = r.u16('preference');
    const flags = r.charString('flags'), services = r.charString('services'), regexp = r.charString('regexp');
    return r.finish({ order, preference, flags, services, regexp, replacement: r.name('replacement') });
  },
  encode(v) {
    return new RdataWriter().u16(v.order).u16(v.preference).charString(v.flags).charString(v.services)
      .charString(v.regexp).name(v.replacement).finish();
  },
  toText(v) {
    return `${v.order} ${v.preference} ${charStringToText(v.flags)} ${charStringToText(v.services)} ` +
      `${charStringToText(v.regexp)} ${v.replacement}`;
  },
  fromText(fields, origin) {
    const e = expectFields(fields, 6, 'NAPTR');
    if (e) return fail(e);
    const order = parseUint(fields[0], 0xffff, 'NAPTR order');
    if (!order.ok) return order;
    const preference = parseUint(fields[1], 0xffff, 'NAPTR preference');
    if (!preference.ok) return preference;
    const flags = parseCharString(fields[2], 'NAPTR flags');
    if (!flags.ok) return flags;
    const services = parseCharString(fields[3], 'NAPTR services');
    if (!services.ok) return services;
    const regexp = parseCharString(fields[4], 'NAPTR regexp');
    if (!regexp.ok) return regexp;
    const replacement = parseNameField(fields[5], origin, 'NAPTR replacement');
    if (!replacement.ok) return replacement;
    return ok({
      order: order.value, preference: preference.value, flags: flags.value, services: services.value,
      regexp: regexp.value, replacement: replacement.value,
    });
  },
};

// ---- CAA ----

export interface CaaRdata { flags: number; tag: string; value: Uint8Array }

const CAA_TAG = /^[A-Za-z0-9]{1,255}$/;

export const caaCodec: RdataCodec<CaaRdata> = {
  type: RRType.CAA,
  canonicalLowercase: false,
  decode(rdata) {
    const r = new RdataReader(rdata);
    const flags = r.u8('flags');
    const tagBytes = r.charString('tag');
    const value = r.rest();
    if (r.error !== undefined) return fail(r.error);
    const tag = String.fromCharCode(...tagBytes);
    if (!CAA_TAG.test(tag)) return fail('CAA: tag must be 1-255 letters and digits');
    return ok({ flags, tag, value });
  },
  encode(v) {
    return new RdataWriter().u8(v.flags).charString(new TextEncoder().encode(v.tag)).bytes(v.value).finish();
  },
  toText(v) {
    return `${v.flags} ${v.tag} "${escapeBytes(v.value)}"`;
  },
  fromText(fields) {
    const e = expectFields(fields, 3, 'CAA');
    if (e) return fail(e);
    const flags = parseUint(fields[0], 0xff, 'CAA flags');
    if (!flags.ok) return flags;
    if (!CAA_TAG.test(fields[1].text)) return fail(`CAA: invalid tag "${fields[1].text}"`);
    // The value is not a <character-string>: it has no 255-octet limit (RFC 8659 §4.1.1).
    const value = unescapeText(fields[2].text);
    if (!value.ok) return fail(`CAA value: ${value.error}`);
    return ok({ flags: flags.value, tag: fields[1].text, value: value.value });
  },
};

// ---- small integers followed by a hex blob: SSHFP, TLSA, SMIMEA, ZONEMD ----

export interface SshfpRdata { algorithm: number; fingerprintType: number; fingerprint: Uint8Array }

export const sshfpCodec: RdataCodec<SshfpRdata> = {
  type: RRType.SSHFP,
  canonicalLowercase: false,
  decode(rdata) {
    const r = new RdataReader(rdata);
    const algorithm = r.u8('algorithm'), fingerprintType = r.u8('fingerprint type');
    return r.finish({ algorithm, fingerprintType, fingerprint: r.rest() });
  },
  encode(v) {
    return new RdataWriter().u8(v.algorithm).u8(v.fingerprintType).bytes(v.fingerprint).finish();
  },
  toText(v) {
    return `${v.algorithm} ${v.fingerprintType} ${hexToText(v.fingerprint)}`;
  },
  fromText(fields) {
    if (fields.length < 3) return fail('SSHFP: expected algorithm, type and fingerprint');
    const algorithm = parseUint(fields[0], 0xff, 'SSHFP algorithm');
    if (!algorithm.ok) return algorithm;
    const fingerprintType = parseUint(fields[1], 0xff, 'SSHFP fingerprint type');
    if (!fingerprintType.ok) return fingerprintType;
    const fp = parseHex(fields.slice(2), 'SSHFP fingerprint');
    if (!fp.ok) return fp;
    return ok({ algorithm: algorithm.value, fingerprintType: fingerprintType.value, fingerprint: fp.value });
  },
};

export interface TlsaRdata { usage: number; selector: number; matchingType: number; data: Uint8Array }

function makeTlsaCodec(type: number, typeName: string): RdataCodec<TlsaRdata> {
  return {
    type,
    canonicalLowercase: false,
    decode(rdata) {
      const r = new RdataReader(rdata);
      const usage = r.u8('usage'), selector = r.u8('selector'), matchingType = r.u8('matching type');
      return r.finish({ usage, selector, matchingType, data: r.rest() });
    },
    encode(v) {
      return new RdataWriter().u8(v.usage).u8(v.selector).u8(v.matchingType).bytes(v.data).finish();
    },
    toText(v) {
      return `${v.usage} ${v.selector} ${v.matchingType} ${hexToText(v.data)}`;
    },
    fromText(fields) {
      if (fields.length < 4) return fail(`${typeName}: expected usage, selector, matching type and data`);
      const nums: number[] = [];
      for (const [i, what] of ['usage', 'selector', 'matching type'].entries()) {
        const n = parseUint(fields[i], 0xff, `${typeName} ${what}`);
        if (!n.ok) return n;
        nums.push(n.value);
      }
      const data = parseHex(fields.slice(3), `${typeName} data`);
      if (!data.ok) return data;
      return ok({ usage: nums[0], selector: nums[1], matchingType: nums[2], data: data.value });
    },
  };
}

export const tlsaCodec = makeTlsaCodec(RRType.TLSA, 'TLSA');
export const smimeaCodec = makeTlsaCodec(RRType.SMIMEA, 'SMIMEA');

export interface ZonemdRdata { serial: number; scheme: number; hashAlgorithm: number; digest: Uint8Array }

export const zonemdCodec: RdataCodec<ZonemdRdata> = {
  type: RRType.ZONEMD,
  canonicalLowercase: false,
  decode(rdata) {
    const r = new RdataReader(rdata);
    const serial = r.u32('serial'), scheme = r.u8('scheme'), hashAlgorithm = r.u8('hash algorithm');
    return r.finish({ serial, scheme, hashAlgorithm, digest: r.rest() });
  },
  encode(v) {
    return new RdataWriter().u32(v.serial).u8(v.scheme).u8(v.hashAlgorithm).bytes(v.digest).finish();
  },
  toText(v) {
    return `${v.serial} ${v.scheme} ${v.hashAlgorithm} ${hexToText(v.digest)}`;
  },
  fromText(fields) {
    if (fields.length < 4) return fail('ZONEMD: expected serial, scheme, hash algorithm and digest');
    const serial = parseUint(fields[0], 0xffffffff, 'ZONEMD serial');
    if (!serial.ok) return serial;
    const scheme = parseUint(fields[1], 0xff, 'ZONEMD scheme');
    if (!scheme.ok) return scheme;
    const hashAlgorithm = parseUint(fields[2], 0xff, 'ZONEMD hash algorithm');
    if (!hashAlgorithm.ok) return hashAlgorithm;
    const digest = parseHex(fields.slice(3), 'ZONEMD digest');
    if (!digest.ok) return digest;
    return ok({ serial: serial.value, scheme: scheme.value, hashAlgorithm: hashAlgorithm.value, digest: digest.value });
  },
};

// ---- OPENPGPKEY: the whole RDATA is the key, base64 in presentation ----

export interface OpenpgpkeyRdata { key: Uint8Array }

export const openpgpkeyCodec: RdataCodec<OpenpgpkeyRdata> = {
  type: RRType.OPENPGPKEY,
  canonicalLowercase: false,
  decode(rdata) {
    return ok({ key: rdata.slice() });
  },
  encode(v) {
    return v.key.slice();
  },
  toText(v) {
    return base64ToText(v.key);
  },
  fromText(fields) {
    if (fields.length === 0) return fail('OPENPGPKEY: missing key');
    const key = parseBase64(fields, 'OPENPGPKEY key');
    return key.ok ? ok({ key: key.value }) : key;
  },
};
