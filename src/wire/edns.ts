// Typed views of the EDNS options we produce or read (RFC 6891 §6.1.2). Options travel as raw bytes
// in `Edns.options` so unknown ones survive byte-exact; these helpers build and read the known ones.
import { EdnsOptionCode } from './constants.ts';
import type { Reason } from './ede.ts';
import { encodeMessage } from './message.ts';
import type { Edns, EdnsOption, Message } from './types.ts';

const utf8Decoder = new TextDecoder('utf-8'); // non-fatal: a bad byte becomes U+FFFD, not an error
const utf8Encoder = new TextEncoder();

/** All options with `code`, in message order (an option may legitimately repeat). */
export function findOptions(edns: Edns | undefined, code: number): EdnsOption[] {
  if (edns === undefined) return [];
  return edns.options.filter((o) => o.code === code);
}

/** Returns `edns` with every option of `option.code` replaced by `option` (appended at the end). */
export function withOption(edns: Edns, option: EdnsOption): Edns {
  return { ...edns, options: [...edns.options.filter((o) => o.code !== option.code), option] };
}

// --- Extended DNS Errors (RFC 8914) -----------------------------------------------------------

/** INFO-CODE (16 bits) followed by EXTRA-TEXT in UTF-8, without a terminating NUL (RFC 8914 §2). */
export function makeEdeOption(r: Reason): EdnsOption {
  const text = utf8Encoder.encode(r.text);
  const data = new Uint8Array(2 + text.length);
  data[0] = (r.ede >>> 8) & 0xff;
  data[1] = r.ede & 0xff;
  data.set(text, 2);
  return { code: EdnsOptionCode.EDE, data };
}

/** Reads an EDE option; undefined when it is not one or is shorter than its INFO-CODE. */
export function readEdeOption(o: EdnsOption): Reason | undefined {
  if (o.code !== EdnsOptionCode.EDE || o.data.length < 2) return undefined;
  let end = o.data.length;
  // Some implementations NUL-terminate EXTRA-TEXT though RFC 8914 §2 says not to.
  if (end > 2 && o.data[end - 1] === 0) end--;
  return { ede: (o.data[0] << 8) | o.data[1], text: utf8Decoder.decode(o.data.subarray(2, end)) };
}

/** Every EDE in the message, in order. */
export function readEdes(edns: Edns | undefined): Reason[] {
  const out: Reason[] = [];
  for (const o of findOptions(edns, EdnsOptionCode.EDE)) {
    const r = readEdeOption(o);
    if (r !== undefined) out.push(r);
  }
  return out;
}

// --- DNS Cookies (RFC 7873 §4) -----------------------------------------------------------------

export const CLIENT_COOKIE_LENGTH = 8;
export const MIN_SERVER_COOKIE_LENGTH = 8;
export const MAX_SERVER_COOKIE_LENGTH = 32;

export interface Cookie {
  readonly client: Uint8Array;
  /** Absent in a client's first query. */
  readonly server?: Uint8Array;
}

/** Throws RangeError on lengths RFC 7873 forbids: that is a programming error, not input. */
export function makeCookieOption(c: Cookie): EdnsOption {
  if (c.client.length !== CLIENT_COOKIE_LENGTH) throw new RangeError('client cookie must be 8 octets');
  const s = c.server;
  if (s !== undefined && (s.length < MIN_SERVER_COOKIE_LENGTH || s.length > MAX_SERVER_COOKIE_LENGTH)) {
    throw new RangeError('server cookie must be 8 to 32 octets');
  }
  const data = new Uint8Array(CLIENT_COOKIE_LENGTH + (s?.length ?? 0));
  data.set(c.client, 0);
  if (s !== undefined) data.set(s, CLIENT_COOKIE_LENGTH);
  return { code: EdnsOptionCode.COOKIE, data };
}

/** Undefined when the option is not a cookie or has an illegal length (→ FORMERR per RFC 7873 §5.2.2). */
export function readCookieOption(o: EdnsOption): Cookie | undefined {
  if (o.code !== EdnsOptionCode.COOKIE) return undefined;
  const n = o.data.length;
  if (n === CLIENT_COOKIE_LENGTH) return { client: o.data.slice(0, CLIENT_COOKIE_LENGTH) };
  if (n < CLIENT_COOKIE_LENGTH + MIN_SERVER_COOKIE_LENGTH || n > CLIENT_COOKIE_LENGTH + MAX_SERVER_COOKIE_LENGTH) return undefined;
  return { client: o.data.slice(0, CLIENT_COOKIE_LENGTH), server: o.data.slice(CLIENT_COOKIE_LENGTH) };
}

// --- edns-tcp-keepalive (RFC 7828) -------------------------------------------------------------

const KEEPALIVE_UNIT_MS = 100;

/** Without a timeout: the client form (empty). With one: the server form, rounded down to 100 ms units. */
export function makeTcpKeepaliveOption(timeoutMs?: number): EdnsOption {
  if (timeoutMs === undefined) return { code: EdnsOptionCode.TCP_KEEPALIVE, data: new Uint8Array(0) };
  const units = Math.min(0xffff, Math.max(0, Math.floor(timeoutMs / KEEPALIVE_UNIT_MS)));
  return { code: EdnsOptionCode.TCP_KEEPALIVE, data: Uint8Array.of(units >>> 8, units & 0xff) };
}

/** `{}` for the empty client form, `{ timeoutMs }` for the server form; undefined when malformed. */
export function readTcpKeepaliveOption(o: EdnsOption): { timeoutMs?: number } | undefined {
  if (o.code !== EdnsOptionCode.TCP_KEEPALIVE) return undefined;
  if (o.data.length === 0) return {};
  if (o.data.length !== 2) return undefined;
  return { timeoutMs: ((o.data[0] << 8) | o.data[1]) * KEEPALIVE_UNIT_MS };
}

// --- Padding (RFC 7830, policy RFC 8467) -------------------------------------------------------

/** RFC 8467 §4.1 recommended block sizes. */
export const QUERY_PADDING_BLOCK = 128;
export const RESPONSE_PADDING_BLOCK = 468;
const OPTION_HEADER_LENGTH = 4;

/** A padding option of `length` zero octets (RFC 7830 §4: the content SHOULD be zeros). */
export function makePaddingOption(length: number): EdnsOption {
  return { code: EdnsOptionCode.PADDING, data: new Uint8Array(length) };
}

/**
 * Octets of padding content that bring a message of `unpaddedLength` (encoded, without a padding
 * option) to a multiple of `blockSize` once the 4-octet option header is added. When the padded
 * size would exceed `maxSize`, pads only up to `maxSize` (never below zero).
 */
export function paddingLengthFor(unpaddedLength: number, blockSize: number, maxSize = 0xffff): number {
  const withHeader = unpaddedLength + OPTION_HEADER_LENGTH;
  let pad = (blockSize - (withHeader % blockSize)) % blockSize;
  if (withHeader + pad > maxSize) pad = Math.max(0, maxSize - withHeader);
  return pad;
}

/**
 * Returns `msg` with a padding option sized per RFC 8467 block-length padding (any earlier padding
 * option replaced). A message without EDNS is returned unchanged: padding needs an OPT record, and
 * a client that sent none cannot parse one.
 */
export function padMessage(msg: Message, blockSize: number = RESPONSE_PADDING_BLOCK, maxSize?: number): Message {
  if (msg.edns === undefined) return msg;
  const unpadded: Message = { ...msg, edns: { ...msg.edns, options: msg.edns.options.filter((o) => o.code !== EdnsOptionCode.PADDING) } };
  const length = encodeMessage(unpadded).length;
  if (maxSize !== undefined && length + OPTION_HEADER_LENGTH > maxSize) return unpadded;
  const pad = paddingLengthFor(length, blockSize, maxSize);
  return { ...unpadded, edns: withOption(unpadded.edns as Edns, makePaddingOption(pad)) };
}

// --- NSID (RFC 5001) ---------------------------------------------------------------------------

/** Empty in a query (a request for the server's id); the id itself in a response. */
export function makeNsidOption(id?: Uint8Array | string): EdnsOption {
  const data = id === undefined ? new Uint8Array(0) : typeof id === 'string' ? utf8Encoder.encode(id) : id;
  return { code: EdnsOptionCode.NSID, data };
}

/** The NSID payload (possibly empty), or undefined when the option is not NSID. */
export function readNsidOption(o: EdnsOption): Uint8Array | undefined {
  return o.code === EdnsOptionCode.NSID ? o.data : undefined;
}
