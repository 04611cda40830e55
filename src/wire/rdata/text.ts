// Presentation-format building blocks shared by the RDATA codecs: numbers, names, escaped
// character-strings, base64/base32hex/hex, and IP addresses (RFC 1035 §5.1, RFC 4648, RFC 5952).
import { Name } from '../name.ts';
import type { ParseResult, Token } from './codec.ts';

export function fail<T>(error: string): ParseResult<T> {
  return { ok: false, error };
}

export function ok<T>(value: T): ParseResult<T> {
  return { ok: true, value };
}

/** Checks the field count for a type whose fields are all fixed (no trailing free-form field). */
export function expectFields(fields: readonly Token[], n: number, typeName: string): string | undefined {
  if (fields.length < n) return `${typeName}: expected ${n} fields, got ${fields.length}`;
  if (fields.length > n) return `${typeName}: ${fields.length - n} extra field(s)`;
  return undefined;
}

/** Unsigned decimal integer no larger than `max`. */
export function parseUint(token: Token | undefined, max: number, what: string): ParseResult<number> {
  if (token === undefined) return fail(`missing ${what}`);
  if (!/^[0-9]+$/.test(token.text)) return fail(`${what}: not a number: "${token.text}"`);
  const v = Number(token.text);
  if (v > max) return fail(`${what}: ${token.text} is larger than ${max}`);
  return ok(v);
}

export function parseNameField(token: Token | undefined, origin: Name, what: string): ParseResult<Name> {
  if (token === undefined) return fail(`missing ${what}`);
  const r = Name.parse(token.text, origin);
  return r.ok ? ok(r.name) : fail(`${what}: ${r.error}`);
}

/** Resolves `\X` and `\DDD` escapes to octets; non-ASCII text is taken as UTF-8. */
export function unescapeText(text: string): ParseResult<Uint8Array> {
  const out: number[] = [];
  const enc = new TextEncoder();
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c) {
      const d = text.slice(i + 1, i + 4);
      if (/^[0-9]{3}$/.test(d)) {
        const v = Number(d);
        if (v > 255) return fail(`escape \\${d} out of range`);
        out.push(v);
        i += 3;
      } else if (i + 1 < text.length) {
        const cp = text.codePointAt(i + 1) ?? 0;
        const s = String.fromCodePoint(cp);
        out.push(...enc.encode(s));
        i += s.length;
      } else {
        return fail('dangling backslash');
      }
    } else if (c < 0x80) {
      out.push(c);
    } else {
      const cp = text.codePointAt(i) ?? 0;
      const s = String.fromCodePoint(cp);
      out.push(...enc.encode(s));
      i += s.length - 1;
    }
  }
  return ok(Uint8Array.from(out));
}

/** One <character-string>: at most 255 octets after unescaping. */
export function parseCharString(token: Token | undefined, what: string): ParseResult<Uint8Array> {
  if (token === undefined) return fail(`missing ${what}`);
  const r = unescapeText(token.text);
  if (!r.ok) return fail(`${what}: ${r.error}`);
  if (r.value.length > 255) return fail(`${what}: character-string longer than 255 octets`);
  return r;
}

/** Escaped text without the quotes: `"` and `\` escaped, non-printable octets as `\DDD` (as dig prints). */
export function escapeBytes(b: Uint8Array): string {
  let s = '';
  for (const c of b) {
    if (c === 0x22 || c === 0x5c) s += '\\' + String.fromCharCode(c);
    else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else s += '\\' + c.toString().padStart(3, '0');
  }
  return s;
}

export function charStringToText(b: Uint8Array): string {
  return `"${escapeBytes(b)}"`;
}

// ---- base64 (RFC 4648 §4) ----

export function parseBase64(tokens: readonly Token[], what: string): ParseResult<Uint8Array> {
  const s = tokens.map((t) => t.text).join('');
  if (s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*(={0,2})$/.test(s) || /=[^=]/.test(s)) return fail(`${what}: invalid base64`);
  return ok(new Uint8Array(Buffer.from(s, 'base64')));
}

export function base64ToText(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
}

// ---- hex (RFC 4648 §8) ----

export function parseHex(tokens: readonly Token[], what: string): ParseResult<Uint8Array> {
  const s = tokens.map((t) => t.text).join('');
  if (s.length % 2 !== 0 || !/^[0-9A-Fa-f]*$/.test(s)) return fail(`${what}: invalid hex`);
  return ok(new Uint8Array(Buffer.from(s, 'hex')));
}

export function hexToText(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex').toUpperCase();
}

// ---- base32hex without padding (RFC 4648 §7, as NSEC3 uses it: RFC 5155 §3.3) ----

const B32 = '0123456789ABCDEFGHIJKLMNOPQRSTUV';

export function base32hexToText(b: Uint8Array): string {
  let s = '';
  let acc = 0, bits = 0;
  for (const c of b) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 5) {
      s += B32[(acc >>> (bits - 5)) & 31];
      bits -= 5;
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) s += B32[(acc << (5 - bits)) & 31];
  return s;
}

export function parseBase32hex(text: string, what: string): ParseResult<Uint8Array> {
  const s = text.toUpperCase();
  // Lengths 1, 3 and 6 mod 8 cannot come from whole octets.
  if ([1, 3, 6].includes(s.length % 8)) return fail(`${what}: invalid base32hex length`);
  const out: number[] = [];
  let acc = 0, bits = 0;
  for (const ch of s) {
    const v = B32.indexOf(ch);
    if (v < 0) return fail(`${what}: invalid base32hex character "${ch}"`);
    acc = (acc << 5) | v;
    bits += 5;
    if (bits >= 8) {
      out.push((acc >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
    acc &= (1 << bits) - 1;
  }
  if (acc !== 0) return fail(`${what}: non-zero padding bits in base32hex`);
  return ok(Uint8Array.from(out));
}

// ---- IP addresses ----

export function parseIPv4(text: string): Uint8Array | undefined {
  const m = /^([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})$/.exec(text);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return Uint8Array.from(parts);
}

export function ipv4ToText(b: Uint8Array): string {
  return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
}

export function parseIPv6(text: string): Uint8Array | undefined {
  let s = text;
  // An embedded IPv4 tail (::ffff:192.0.2.1) is rewritten as its two hex groups.
  const lastColon = s.lastIndexOf(':');
  if (lastColon >= 0 && s.slice(lastColon + 1).includes('.')) {
    const v4 = parseIPv4(s.slice(lastColon + 1));
    if (!v4) return undefined;
    s = s.slice(0, lastColon + 1) + (((v4[0] << 8) | v4[1]).toString(16)) + ':' + (((v4[2] << 8) | v4[3]).toString(16));
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const group = (h: string): number[] | undefined => {
    if (h === '') return [];
    const out: number[] = [];
    for (const g of h.split(':')) {
      if (!/^[0-9A-Fa-f]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = group(halves[0]);
  if (!head) return undefined;
  let words: number[];
  if (halves.length === 2) {
    const back = group(halves[1]);
    if (!back) return undefined;
    const fill = 8 - head.length - back.length;
    if (fill < 1) return undefined;
    words = [...head, ...new Array<number>(fill).fill(0), ...back];
  } else {
    words = head;
  }
  if (words.length !== 8) return undefined;
  const out = new Uint8Array(16);
  words.forEach((w, i) => {
    out[2 * i] = w >> 8;
    out[2 * i + 1] = w & 0xff;
  });
  return out;
}

/** RFC 5952 text, with the IPv4-compatible/mapped forms written the way BIND's dig does. */
export function ipv6ToText(b: Uint8Array): string {
  const words: number[] = [];
  for (let i = 0; i < 8; i++) words.push((b[2 * i] << 8) | b[2 * i + 1]);
  let bestBase = -1, bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) { bestBase = i; bestLen = j - i; }
    i = j;
  }
  if (bestLen < 2) bestBase = -1;
  let s = '';
  for (let i = 0; i < 8; i++) {
    if (bestBase >= 0 && i >= bestBase && i < bestBase + bestLen) {
      if (i === bestBase) s += ':';
      continue;
    }
    if (i !== 0) s += ':';
    if (i === 6 && bestBase === 0 && (bestLen === 6 || (bestLen === 5 && words[5] === 0xffff))) {
      s += `${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
      break;
    }
    s += words[i].toString(16);
  }
  if (bestBase >= 0 && bestBase + bestLen === 8) s += ':';
  return s;
}
