// SVCB (64) and HTTPS (65), RFC 9460: priority, target, then SvcParams in strictly increasing key
// order. Values are kept as wire bytes (exact round trips); the known keys get their RFC 9460 §7
// presentation, everything else is `keyNNNNN="escaped"`.
import type { Name } from '../name.ts';
import { RRType } from '../constants.ts';
import type { ParseResult, RdataCodec } from './codec.ts';
import { RdataReader, RdataWriter } from './wire.ts';
import {
  fail, ok, parseUint, parseNameField, unescapeText, escapeBytes, parseIPv4, ipv4ToText, parseIPv6, ipv6ToText,
  base64ToText,
} from './text.ts';

export const SvcParamKey = {
  MANDATORY: 0, ALPN: 1, NO_DEFAULT_ALPN: 2, PORT: 3, IPV4HINT: 4, ECH: 5, IPV6HINT: 6, DOHPATH: 7,
} as const;

const keyNames: readonly string[] = ['mandatory', 'alpn', 'no-default-alpn', 'port', 'ipv4hint', 'ech', 'ipv6hint', 'dohpath'];

export interface SvcParam { key: number; value: Uint8Array }
export interface SvcbRdata { priority: number; target: Name; params: SvcParam[] }

export function svcParamKeyToText(key: number): string {
  return keyNames[key] ?? `key${key}`;
}

export function svcParamKeyFromText(text: string): number | undefined {
  const lower = text.toLowerCase();
  const i = keyNames.indexOf(lower);
  if (i >= 0) return i;
  const m = /^key([0-9]{1,5})$/.exec(lower);
  if (m && Number(m[1]) <= 0xffff) return Number(m[1]);
  return undefined;
}

// ---- wire validation of the known values ----

function checkValue(key: number, v: Uint8Array): string | undefined {
  switch (key) {
    case SvcParamKey.MANDATORY: {
      if (v.length === 0 || v.length % 2 !== 0) return 'mandatory: bad length';
      let last = -1;
      for (let i = 0; i < v.length; i += 2) {
        const k = (v[i] << 8) | v[i + 1];
        if (k === SvcParamKey.MANDATORY) return 'mandatory: lists itself';
        if (k <= last) return 'mandatory: keys not in increasing order';
        last = k;
      }
      return undefined;
    }
    case SvcParamKey.ALPN: {
      if (v.length === 0) return 'alpn: empty';
      for (let p = 0; p < v.length; ) {
        const n = v[p];
        if (n === 0 || p + 1 + n > v.length) return 'alpn: bad alpn-id';
        p += 1 + n;
      }
      return undefined;
    }
    case SvcParamKey.NO_DEFAULT_ALPN:
      return v.length === 0 ? undefined : 'no-default-alpn: must be empty';
    case SvcParamKey.PORT:
      return v.length === 2 ? undefined : 'port: must be 2 octets';
    case SvcParamKey.IPV4HINT:
      return v.length > 0 && v.length % 4 === 0 ? undefined : 'ipv4hint: bad length';
    case SvcParamKey.IPV6HINT:
      return v.length > 0 && v.length % 16 === 0 ? undefined : 'ipv6hint: bad length';
    default:
      return undefined;
  }
}

// ---- value presentation ----

/** Second-level escaping of a comma-separated value list (RFC 9460 Appendix A.1). */
function listItemEscape(b: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (const c of b) {
    if (c === 0x2c || c === 0x5c) out.push(0x5c);
    out.push(c);
  }
  return Uint8Array.from(out);
}

function valueToText(key: number, v: Uint8Array): string | undefined {
  switch (key) {
    case SvcParamKey.MANDATORY: {
      const keys: string[] = [];
      for (let i = 0; i < v.length; i += 2) keys.push(svcParamKeyToText((v[i] << 8) | v[i + 1]));
      return keys.join(',');
    }
    case SvcParamKey.ALPN: {
      const items: Uint8Array[] = [];
      for (let p = 0; p < v.length; p += 1 + v[p]) items.push(listItemEscape(v.subarray(p + 1, p + 1 + v[p])));
      const joined: number[] = [];
      items.forEach((it, i) => {
        if (i > 0) joined.push(0x2c);
        joined.push(...it);
      });
      return `"${escapeBytes(Uint8Array.from(joined))}"`;
    }
    case SvcParamKey.NO_DEFAULT_ALPN:
      return undefined;
    case SvcParamKey.PORT:
      return String((v[0] << 8) | v[1]);
    case SvcParamKey.IPV4HINT: {
      const a: string[] = [];
      for (let i = 0; i < v.length; i += 4) a.push(ipv4ToText(v.subarray(i, i + 4)));
      return a.join(',');
    }
    case SvcParamKey.IPV6HINT: {
      const a: string[] = [];
      for (let i = 0; i < v.length; i += 16) a.push(ipv6ToText(v.subarray(i, i + 16)));
      return a.join(',');
    }
    case SvcParamKey.ECH:
      return base64ToText(v);
    default:
      return `"${escapeBytes(v)}"`;
  }
}

/** Splits unescaped value bytes on unescaped commas, removing the list-level `\` escapes. */
function splitValueList(b: Uint8Array): Uint8Array[] {
  const items: Uint8Array[] = [];
  let cur: number[] = [];
  for (let i = 0; i < b.length; i++) {
    if (b[i] === 0x5c && i + 1 < b.length) {
      cur.push(b[++i]);
    } else if (b[i] === 0x2c) {
      items.push(Uint8Array.from(cur));
      cur = [];
    } else {
      cur.push(b[i]);
    }
  }
  items.push(Uint8Array.from(cur));
  return items;
}

function valueFromText(key: number, raw: string | undefined): ParseResult<Uint8Array> {
  const name = svcParamKeyToText(key);
  if (key === SvcParamKey.NO_DEFAULT_ALPN) {
    return raw === undefined || raw === '' ? ok(new Uint8Array(0)) : fail('no-default-alpn takes no value');
  }
  if (raw === undefined) {
    // Only unknown keys may appear bare; their value is then empty (RFC 9460 §2.1).
    return key > SvcParamKey.DOHPATH ? ok(new Uint8Array(0)) : fail(`${name}: missing value`);
  }
  const un = unescapeText(raw);
  if (!un.ok) return fail(`${name}: ${un.error}`);
  const text = new TextDecoder().decode(un.value);
  const w = new RdataWriter();
  switch (key) {
    case SvcParamKey.MANDATORY: {
      const keys: number[] = [];
      for (const k of text.split(',')) {
        const n = svcParamKeyFromText(k);
        if (n === undefined) return fail(`mandatory: unknown key "${k}"`);
        if (keys.includes(n)) return fail(`mandatory: key "${k}" repeated`);
        keys.push(n);
      }
      keys.sort((a, b) => a - b);
      for (const k of keys) w.u16(k);
      break;
    }
    case SvcParamKey.ALPN:
      for (const item of splitValueList(un.value)) {
        if (item.length === 0 || item.length > 255) return fail('alpn: empty or over-long alpn-id');
        w.charString(item);
      }
      break;
    case SvcParamKey.PORT: {
      const p = parseUint({ text, quoted: false }, 0xffff, 'port');
      if (!p.ok) return p;
      w.u16(p.value);
      break;
    }
    case SvcParamKey.IPV4HINT:
    case SvcParamKey.IPV6HINT:
      for (const a of text.split(',')) {
        const b = key === SvcParamKey.IPV4HINT ? parseIPv4(a) : parseIPv6(a);
        if (!b) return fail(`${name}: invalid address "${a}"`);
        w.bytes(b);
      }
      break;
    case SvcParamKey.ECH:
      if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return fail('ech: invalid base64');
      w.bytes(new Uint8Array(Buffer.from(text, 'base64')));
      break;
    default:
      w.bytes(un.value);
  }
  const v = w.finish();
  const bad = checkValue(key, v);
  return bad ? fail(bad) : ok(v);
}

function makeSvcbCodec(type: number, typeName: string): RdataCodec<SvcbRdata> {
  return {
    type,
    canonicalLowercase: false,
    decode(rdata) {
      const r = new RdataReader(rdata);
      const priority = r.u16('priority');
      const target = r.name('target');
      const params: SvcParam[] = [];
      let last = -1;
      while (!r.atEnd && r.error === undefined) {
        const key = r.u16('SvcParamKey');
        const len = r.u16('SvcParam length');
        const value = r.bytes(len, `SvcParam ${svcParamKeyToText(key)}`);
        if (r.error !== undefined) break;
        if (key <= last) return fail(`${typeName}: SvcParamKeys not in strictly increasing order`);
        const bad = checkValue(key, value);
        if (bad) return fail(`${typeName}: ${bad}`);
        params.push({ key, value });
        last = key;
      }
      return r.finish({ priority, target, params });
    },
    encode(v) {
      const w = new RdataWriter().u16(v.priority).name(v.target);
      for (const p of v.params) w.u16(p.key).u16(p.value.length).bytes(p.value);
      return w.finish();
    },
    toText(v) {
      const parts = [String(v.priority), v.target.toString()];
      for (const p of v.params) {
        const t = valueToText(p.key, p.value);
        parts.push(t === undefined ? svcParamKeyToText(p.key) : `${svcParamKeyToText(p.key)}=${t}`);
      }
      return parts.join(' ');
    },
    fromText(fields, origin) {
      if (fields.length < 2) return fail(`${typeName}: expected priority and target`);
      const priority = parseUint(fields[0], 0xffff, `${typeName} priority`);
      if (!priority.ok) return priority;
      const target = parseNameField(fields[1], origin, `${typeName} target`);
      if (!target.ok) return target;
      const params: SvcParam[] = [];
      for (const f of fields.slice(2)) {
        const eq = f.text.indexOf('=');
        const keyText = eq < 0 ? f.text : f.text.slice(0, eq);
        const key = svcParamKeyFromText(keyText);
        if (key === undefined) return fail(`${typeName}: unknown SvcParamKey "${keyText}"`);
        if (params.some((p) => p.key === key)) return fail(`${typeName}: SvcParamKey "${keyText}" repeated`);
        const value = valueFromText(key, eq < 0 ? undefined : f.text.slice(eq + 1));
        if (!value.ok) return fail(`${typeName}: ${value.error}`);
        params.push({ key, value: value.value });
      }
      params.sort((a, b) => a.key - b.key);
      // Every key named in mandatory must be present (RFC 9460 §8).
      const mandatory = params.find((p) => p.key === SvcParamKey.MANDATORY);
      if (mandatory) {
        for (let i = 0; i < mandatory.value.length; i += 2) {
          const k = (mandatory.value[i] << 8) | mandatory.value[i + 1];
          if (!params.some((p) => p.key === k)) return fail(`${typeName}: mandatory key ${svcParamKeyToText(k)} missing`);
        }
      }
      return ok({ priority: priority.value, target: target.value, params });
    },
  };
}

/**
 * The SvcParams of SVCB/HTTPS RDATA as far as they can be read, malformed or not: repeated and
 * out-of-order keys and values the codec rejects are all kept, and reading stops at the first
 * parameter cut short. A resolver relays such RDATA unchanged, and a lenient client may still use
 * what it can read, so a filter of hint addresses (DNS-rebinding protection) must see all of it.
 */
export function readableSvcParams(rdata: Uint8Array): SvcParam[] {
  const r = new RdataReader(rdata);
  r.u16('priority');
  r.name('target');
  const params: SvcParam[] = [];
  // Each pass consumes at least the 4-octet key and length, so the loop ends within RDLENGTH / 4.
  while (!r.atEnd && r.error === undefined) {
    const key = r.u16('SvcParamKey');
    const len = r.u16('SvcParam length');
    const value = r.bytes(len, 'SvcParam value');
    if (r.error !== undefined) break;
    params.push({ key, value });
  }
  return params;
}

export const svcbCodec = makeSvcbCodec(RRType.SVCB, 'SVCB');
export const httpsCodec = makeSvcbCodec(RRType.HTTPS, 'HTTPS');
