// Turns a parsed entry packet (REPLY flags, rcode, SECTION text, HEX data) into a wire Message, the
// way testpkts builds its reply packets: ID 0, the header from REPLY, one record per line, and an
// OPT record (UDP size 1232, DO set) when REPLY says DO. RR text is converted by an injected parser
// so this module does not depend on which zone-file parser is in use.
import { Opcode, Rcode, RRClass, rrClassFromString, rrTypeFromString } from '../../src/wire/constants.ts';
import { decodeMessage } from '../../src/wire/message.ts';
import { Name } from '../../src/wire/name.ts';
import type { Edns, EdnsOption, HeaderFlags, Message, Question, RR } from '../../src/wire/types.ts';
import type { PacketSpec, RrLine } from './rpl-parser.ts';

export type RrTextResult = { ok: true; rr: RR } | { ok: false; error: string };
/** Parses one RR in presentation format; `origin` completes relative names. */
export type RrTextParser = (text: string, origin: Name, defaultTtl: number) => RrTextResult;

export type BuildResult = { ok: true; message: Message } | { ok: false; error: string; line: number };

/** The payload size testpkts' add_edns writes (1232, the DNS flag day 2020 value; older testpkts wrote 4096). */
export const RPL_EDNS_UDP_SIZE = 1232;

const RCODE_ALIASES: Record<string, number> = { NOTIMPL: Rcode.NOTIMP };

export function rcodeFromMnemonic(word: string | undefined): number {
  if (word === undefined) return Rcode.NOERROR;
  return RCODE_ALIASES[word] ?? (Rcode as Record<string, number>)[word] ?? Rcode.NOERROR;
}

export function opcodeFromMnemonic(word: string | undefined): number {
  if (word === undefined) return Opcode.QUERY;
  return (Opcode as Record<string, number>)[word] ?? Opcode.QUERY;
}

function originOf(line: RrLine): Name {
  if (line.origin === undefined) return Name.root;
  const r = Name.parse(line.origin.endsWith('.') ? line.origin : line.origin + '.');
  return r.ok ? r.name : Name.root;
}

/** `name [class] type` (testpkts also tolerates a TTL there; it is ignored). */
export function parseQuestionLine(line: RrLine): { ok: true; question: Question } | { ok: false; error: string } {
  const words = line.text.replace(/;.*$/, '').trim().split(/\s+/).filter(Boolean);
  if (words.length < 2) return { ok: false, error: `bad question "${line.text}"` };
  const name = Name.parse(words[0], originOf(line));
  if (!name.ok) return { ok: false, error: `bad question name: ${name.error}` };
  // The last word is the type (ANY is both a class and a type mnemonic, so position decides).
  const rest = words.slice(1).filter((w) => !/^[0-9]+$/.test(w)); // a TTL, ignored
  const type = rrTypeFromString(rest[rest.length - 1] ?? '');
  if (type === undefined) return { ok: false, error: `unknown or missing type in question "${line.text}"` };
  let cls: number = RRClass.IN;
  if (rest.length >= 2) {
    const c = rrClassFromString(rest[rest.length - 2]);
    if (c === undefined) return { ok: false, error: `bad class in question "${line.text}"` };
    cls = c;
  }
  return { ok: true, question: { name: name.name, type, class: cls } };
}

/**
 * `owner [ttl] [class] TYPE \\# len hex…` taken as raw bytes even when they are not valid RDATA for
 * the type: the scrubbing scenarios serve deliberately malformed records, which a zone-file parser
 * rightly refuses but the harness must still put on the wire.
 */
export function parseGenericRr(line: RrLine): RR | undefined {
  const m = /^(\S+)\s+(?:([0-9]+)\s+)?(?:([A-Za-z][A-Za-z0-9]*)\s+)?([A-Za-z][A-Za-z0-9]*)\s+\\#\s+([0-9]+)\s*([0-9a-fA-F\s]*)$/.exec(line.text.replace(/;.*$/, '').trim());
  if (!m) return undefined;
  const name = Name.parse(m[1], originOf(line));
  const cls = m[3] === undefined ? RRClass.IN : rrClassFromString(m[3]);
  const type = rrTypeFromString(m[4]);
  const hexDigits = m[6].replace(/\s+/g, '');
  if (!name.ok || cls === undefined || type === undefined || hexDigits.length !== Number(m[5]) * 2) return undefined;
  const rdata = new Uint8Array(hexDigits.length / 2);
  for (let i = 0; i < rdata.length; i++) rdata[i] = parseInt(hexDigits.slice(2 * i, 2 * i + 2), 16);
  return { name: name.name, type, class: cls, ttl: m[2] === undefined ? line.defaultTtl : Number(m[2]), rdata };
}

/** Splits OPT RDATA (HEX_EDNSDATA) into options; malformed trailing bytes become one opaque option. */
export function parseEdnsData(bytes: Uint8Array): EdnsOption[] {
  const out: EdnsOption[] = [];
  let p = 0;
  while (p + 4 <= bytes.length) {
    const code = (bytes[p] << 8) | bytes[p + 1];
    const len = (bytes[p + 2] << 8) | bytes[p + 3];
    if (p + 4 + len > bytes.length) break;
    out.push({ code, data: bytes.slice(p + 4, p + 4 + len) });
    p += 4 + len;
  }
  return out;
}

export function headerFlagsOf(flags: ReadonlySet<string>): HeaderFlags {
  return {
    qr: flags.has('QR'), aa: flags.has('AA'), tc: flags.has('TC'), rd: flags.has('RD'),
    ra: flags.has('RA'), z: false, ad: flags.has('AD'), cd: flags.has('CD'),
  };
}

/** Builds the message an entry packet describes. */
export function buildPacket(spec: PacketSpec, parseRr: RrTextParser): BuildResult {
  if (spec.hexAnswer !== undefined) {
    const d = decodeMessage(spec.hexAnswer);
    if (!d.ok) return { ok: false, error: `HEX_ANSWER does not decode: ${d.error}`, line: 0 };
    return { ok: true, message: d.message };
  }
  const question: Question[] = [];
  for (const l of spec.sections.question) {
    const q = parseQuestionLine(l);
    if (!q.ok) return { ok: false, error: q.error, line: l.line };
    question.push(q.question);
  }
  const rrs = (lines: readonly RrLine[]): RR[] | { error: string; line: number } => {
    const out: RR[] = [];
    for (const l of lines) {
      const r = parseRr(l.text, originOf(l), l.defaultTtl);
      if (r.ok) { out.push(r.rr); continue; }
      const g = parseGenericRr(l);
      if (g === undefined) return { error: `${r.error} in "${l.text}"`, line: l.line };
      out.push(g);
    }
    return out;
  };
  const answer = rrs(spec.sections.answer);
  if (!Array.isArray(answer)) return { ok: false, ...answer };
  const authority = rrs(spec.sections.authority);
  if (!Array.isArray(authority)) return { ok: false, ...authority };
  const additional = rrs(spec.sections.additional);
  if (!Array.isArray(additional)) return { ok: false, ...additional };
  const rcode = rcodeFromMnemonic(spec.rcode);
  const wantsEdns = spec.flags.has('DO') || spec.hexEdnsData !== undefined || rcode > 0xf;
  const edns: Edns | undefined = wantsEdns
    ? {
        udpSize: RPL_EDNS_UDP_SIZE, version: 0, dnssecOk: spec.flags.has('DO'), zFlags: 0,
        options: spec.hexEdnsData !== undefined ? parseEdnsData(spec.hexEdnsData) : [],
      }
    : undefined;
  const message: Message = {
    id: 0,
    opcode: opcodeFromMnemonic(spec.opcode),
    flags: headerFlagsOf(spec.flags),
    rcode,
    question,
    answer,
    authority,
    additional,
    ...(edns !== undefined ? { edns } : {}),
  };
  return { ok: true, message };
}
