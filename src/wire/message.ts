// DNS message codec (RFC 1035 §4, RFC 6891 EDNS). Decoding never throws: every read is bounds-checked
// and a malformed message yields { ok: false }. RDATA is kept uncompressed (see types.ts); names inside
// RDATA are decompressed only for the types where compression may legitimately appear on the wire.
//
// Deliberate choices:
// - Trailing octets after the last counted record are ignored: several servers and middleboxes pad
//   UDP payloads, and the counts, not the datagram size, delimit the message (as BIND and Unbound do).
// - TTLs are kept as the raw 32-bit value so a round trip is exact; clamping values with the top bit
//   set (RFC 2181 §8) is the cache's job.
// - The OPT record is always written last in the additional section (we never sign with TSIG/SIG(0),
//   which would have to follow it).
import { ByteWriter, readU16, readU32 } from './bytes.ts';
import { RRType } from './constants.ts';
import { MAX_LABEL_LENGTH, MAX_NAME_WIRE_LENGTH, Name } from './name.ts';
import type { Edns, EdnsOption, HeaderFlags, Message, Question, RR } from './types.ts';

export type DecodeResult =
  | { ok: true; message: Message }
  | {
      ok: false;
      error: string;
      /** present when the 12-byte header was readable, so a server can answer FORMERR echoing id/opcode/rd */
      header?: { id: number; opcode: number; flags: HeaderFlags };
    };

export interface EncodeOptions {
  /** Compress owner names, questions and RFC 1035 RDATA names (default true). */
  compress?: boolean;
}

const HEADER_LENGTH = 12;
const MIN_QUESTION_LENGTH = 5; // root name + type + class
const MIN_RR_LENGTH = 11; // root name + type + class + ttl + rdlength
const POINTER_MASK = 0xc0;
const POINTER_LIMIT = 0x4000; // a pointer holds a 14-bit offset
const OPT_DO_BIT = 0x8000;

const FLAG_QR = 0x8000;
const FLAG_AA = 0x0400;
const FLAG_TC = 0x0200;
const FLAG_RD = 0x0100;
const FLAG_RA = 0x0080;
const FLAG_Z = 0x0040;
const FLAG_AD = 0x0020;
const FLAG_CD = 0x0010;

// ---------------------------------------------------------------------------------------------
// RDATA layouts of the types that carry domain names we must decompress on read.
// A layout is a list of fields: NAME, STRING (<character-string>) or a fixed number of octets.

const NAME = -1;
const STRING = -2;
type Layout = readonly number[];

const oneName: Layout = [NAME];
const prefName: Layout = [2, NAME];
/** RFC 3597 §4 types plus those receivers commonly decompress (RFC 2163/2535/2782/2915/6672 era). */
const nameLayouts = new Map<number, Layout>([
  [RRType.NS, oneName],
  [3 /* MD */, oneName],
  [4 /* MF */, oneName],
  [RRType.CNAME, oneName],
  [RRType.SOA, [NAME, NAME, 20]],
  [7 /* MB */, oneName],
  [8 /* MG */, oneName],
  [9 /* MR */, oneName],
  [RRType.PTR, oneName],
  [14 /* MINFO */, [NAME, NAME]],
  [RRType.MX, prefName],
  [RRType.RP, [NAME, NAME]],
  [RRType.AFSDB, prefName],
  [21 /* RT */, prefName],
  [26 /* PX */, [2, NAME, NAME]],
  [RRType.KX, prefName],
  [RRType.SRV, [6, NAME]],
  [RRType.NAPTR, [4, STRING, STRING, STRING, NAME]],
  [RRType.DNAME, oneName],
]);

/** The RFC 1035 types whose RDATA names we compress when writing (RFC 3597 §4: only these may be). */
const compressOnWrite = new Set<number>([RRType.NS, 3, 4, RRType.CNAME, RRType.SOA, 7, 8, 9, RRType.PTR, 14, RRType.MX]);

// ---------------------------------------------------------------------------------------------
// Decoding

type NameRead = { ok: true; name: Name; next: number } | { ok: false; error: string };

/** Per-message decoder state: the input and the names already read, by offset, for pointer reuse. */
interface Decoder {
  readonly b: Uint8Array;
  readonly names: Map<number, Name>;
}

/**
 * Reads a possibly compressed name at `start`. Each pointer must point strictly before the start of
 * the segment that contains it; offsets therefore decrease strictly, which rules out loops and
 * forward pointers in one comparison.
 */
function readName(d: Decoder, start: number): NameRead {
  const b = d.b;
  const labels: Uint8Array[] = [];
  const jumps: number[] = []; // [target, labelIndex] pairs to memoise suffixes afterwards
  let p = start;
  let segmentStart = start;
  let next = -1; // where the caller continues: after the first pointer, or after the root label
  let wireLength = 1;
  let suffix: Name | undefined;
  for (;;) {
    if (p >= b.length) return { ok: false, error: `name at ${start} runs past the end of the message` };
    const len = b[p];
    const kind = len & POINTER_MASK;
    if (kind === 0) {
      if (len === 0) {
        if (next < 0) next = p + 1;
        break;
      }
      if (p + 1 + len > b.length) return { ok: false, error: `label at ${p} runs past the end of the message` };
      wireLength += len + 1;
      if (wireLength > MAX_NAME_WIRE_LENGTH) return { ok: false, error: `name at ${start} longer than ${MAX_NAME_WIRE_LENGTH} octets` };
      labels.push(b.slice(p + 1, p + 1 + len));
      p += 1 + len;
    } else if (kind === POINTER_MASK) {
      if (p + 1 >= b.length) return { ok: false, error: `compression pointer at ${p} runs past the end of the message` };
      const target = ((len & 0x3f) << 8) | b[p + 1];
      if (target >= segmentStart) return { ok: false, error: `compression pointer at ${p} does not point backwards (to ${target})` };
      if (next < 0) next = p + 2;
      const known = d.names.get(target);
      if (known !== undefined) {
        suffix = known;
        break;
      }
      jumps.push(target, labels.length);
      segmentStart = target;
      p = target;
    } else {
      return { ok: false, error: `label type 0x${len.toString(16)} at ${p} is not supported` };
    }
  }
  let all: readonly Uint8Array[] = labels;
  if (suffix !== undefined && suffix.labels.length > 0) {
    if (wireLength - 1 + suffix.wireLength > MAX_NAME_WIRE_LENGTH) {
      return { ok: false, error: `name at ${start} longer than ${MAX_NAME_WIRE_LENGTH} octets` };
    }
    all = labels.length === 0 ? suffix.labels : labels.concat(suffix.labels);
  }
  const name = labels.length === 0 && suffix !== undefined ? suffix : Name.fromLabelsUnchecked(all);
  d.names.set(start, name);
  for (let i = 0; i < jumps.length; i += 2) {
    if (!d.names.has(jumps[i])) d.names.set(jumps[i], Name.fromLabelsUnchecked(all.slice(jumps[i + 1])));
  }
  return { ok: true, name, next };
}

function appendName(out: ByteWriter, name: Name): void {
  for (const l of name.labels) {
    out.u8(l.length);
    out.bytes(l);
  }
  out.u8(0);
}

type RdataRead = { ok: true; rdata: Uint8Array } | { ok: false; error: string };

/** Rebuilds name-bearing RDATA uncompressed; the fields must consume exactly rdlength octets. */
function readStructuredRdata(d: Decoder, layout: Layout, start: number, end: number, scratch: ByteWriter): RdataRead {
  const b = d.b;
  scratch.length = 0;
  let p = start;
  for (const field of layout) {
    if (field === NAME) {
      const r = readName(d, p);
      if (!r.ok) return r;
      if (r.next > end) return { ok: false, error: `name in RDATA at ${p} runs past RDLENGTH` };
      appendName(scratch, r.name);
      p = r.next;
    } else if (field === STRING) {
      if (p >= end) return { ok: false, error: `character-string in RDATA at ${p} runs past RDLENGTH` };
      const n = 1 + b[p];
      if (p + n > end) return { ok: false, error: `character-string in RDATA at ${p} runs past RDLENGTH` };
      scratch.bytes(b.subarray(p, p + n));
      p += n;
    } else {
      if (p + field > end) return { ok: false, error: `RDATA at ${start} shorter than its fixed fields` };
      scratch.bytes(b.subarray(p, p + field));
      p += field;
    }
  }
  if (p !== end) return { ok: false, error: `RDATA at ${start} has ${end - p} octets after its last field` };
  return { ok: true, rdata: scratch.finish() };
}

function decodeFlags(f: number): HeaderFlags {
  return {
    qr: (f & FLAG_QR) !== 0,
    aa: (f & FLAG_AA) !== 0,
    tc: (f & FLAG_TC) !== 0,
    rd: (f & FLAG_RD) !== 0,
    ra: (f & FLAG_RA) !== 0,
    z: (f & FLAG_Z) !== 0,
    ad: (f & FLAG_AD) !== 0,
    cd: (f & FLAG_CD) !== 0,
  };
}

type OptionsRead = { ok: true; options: EdnsOption[] } | { ok: false; error: string };

function readOptions(b: Uint8Array, start: number, end: number): OptionsRead {
  const options: EdnsOption[] = [];
  let p = start;
  while (p < end) {
    if (p + 4 > end) return { ok: false, error: `EDNS option header at ${p} runs past the OPT RDATA` };
    const code = readU16(b, p);
    const len = readU16(b, p + 2);
    if (p + 4 + len > end) return { ok: false, error: `EDNS option ${code} at ${p} runs past the OPT RDATA` };
    options.push({ code, data: b.slice(p + 4, p + 4 + len) });
    p += 4 + len;
  }
  return { ok: true, options };
}

const sectionNames = ['answer', 'authority', 'additional'];
/** Names a record in an error; called only on failure so the hot path builds no strings. */
function recordLabel(section: number, index: number): string {
  return `${sectionNames[section]} record ${index}`;
}

function fail(header: { id: number; opcode: number; flags: HeaderFlags }, error: string): DecodeResult {
  return { ok: false, error, header };
}

/** RDATA rebuild buffer, shared: decoding is synchronous and finish() copies out. */
const decodeScratch = new ByteWriter(1024);

function decodeUnguarded(input: Uint8Array): DecodeResult {
  // A Node Buffer's slice() is a view, not a copy; decoded labels and RDATA must not alias a
  // datagram buffer the caller may reuse, so read through a plain Uint8Array view.
  const b = Object.getPrototypeOf(input) === Uint8Array.prototype ? input : new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  if (b.length < HEADER_LENGTH) return { ok: false, error: `message shorter than the ${HEADER_LENGTH}-octet header` };
  const id = readU16(b, 0);
  const rawFlags = readU16(b, 2);
  const opcode = (rawFlags >>> 11) & 0xf;
  const flags = decodeFlags(rawFlags);
  const header = { id, opcode, flags };

  const qdcount = readU16(b, 4);
  const ancount = readU16(b, 6);
  const nscount = readU16(b, 8);
  const arcount = readU16(b, 10);
  // Cheap early rejection of absurd counts before allocating anything.
  if (HEADER_LENGTH + qdcount * MIN_QUESTION_LENGTH + (ancount + nscount + arcount) * MIN_RR_LENGTH > b.length) {
    return fail(header, 'section counts exceed the message length');
  }

  const d: Decoder = { b, names: new Map() };
  let p = HEADER_LENGTH;
  const question: Question[] = [];
  for (let i = 0; i < qdcount; i++) {
    const r = readName(d, p);
    if (!r.ok) return fail(header, `question ${i}: ${r.error}`);
    p = r.next;
    if (p + 4 > b.length) return fail(header, `question ${i}: type and class run past the end of the message`);
    question.push({ name: r.name, type: readU16(b, p), class: readU16(b, p + 2) });
    p += 4;
  }

  const scratch = decodeScratch;
  const sections: RR[][] = [[], [], []];
  const counts = [ancount, nscount, arcount];
  let edns: Edns | undefined;
  let extendedRcode = 0;
  for (let s = 0; s < 3; s++) {
    const out = sections[s];
    for (let i = 0; i < counts[s]; i++) {
      const r = readName(d, p);
      if (!r.ok) return fail(header, `${recordLabel(s, i)}: ${r.error}`);
      p = r.next;
      if (p + 10 > b.length) return fail(header, `${recordLabel(s, i)}: fixed fields run past the end of the message`);
      const type = readU16(b, p);
      const cls = readU16(b, p + 2);
      const ttl = readU32(b, p + 4);
      const rdlength = readU16(b, p + 8);
      p += 10;
      const end = p + rdlength;
      if (end > b.length) return fail(header, `${recordLabel(s, i)}: RDLENGTH ${rdlength} runs past the end of the message`);
      if (type === RRType.OPT) {
        if (s !== 2) return fail(header, `${recordLabel(s, i)}: OPT record outside the additional section`);
        if (edns !== undefined) return fail(header, `${recordLabel(s, i)}: more than one OPT record`);
        if (!r.name.isRoot) return fail(header, `${recordLabel(s, i)}: OPT record owner is not the root`);
        const opts = readOptions(b, p, end);
        if (!opts.ok) return fail(header, `${recordLabel(s, i)}: ${opts.error}`);
        extendedRcode = ttl >>> 24;
        edns = {
          udpSize: cls,
          version: (ttl >>> 16) & 0xff,
          dnssecOk: (ttl & OPT_DO_BIT) !== 0,
          zFlags: ttl & 0x7fff,
          options: opts.options,
        };
        p = end;
        continue;
      }
      const layout = nameLayouts.get(type);
      let rdata: Uint8Array;
      if (layout === undefined) {
        rdata = b.slice(p, end);
      } else {
        const rd = readStructuredRdata(d, layout, p, end, scratch);
        if (!rd.ok) return fail(header, `${recordLabel(s, i)}: ${rd.error}`);
        rdata = rd.rdata;
      }
      out.push({ name: r.name, type, class: cls, ttl, rdata });
      p = end;
    }
  }
  // Octets after the last record are ignored on purpose (see the header comment).
  const message: Message = {
    id,
    opcode,
    flags,
    rcode: (rawFlags & 0xf) | (extendedRcode << 4),
    question,
    answer: sections[0],
    authority: sections[1],
    additional: sections[2],
    ...(edns !== undefined ? { edns } : {}),
  };
  return { ok: true, message };
}

export function decodeMessage(bytes: Uint8Array): DecodeResult {
  // Defence in depth only: the decoder bounds-checks every read, and the fuzz test asserts this
  // guard never fires (its error text is recognisable).
  try {
    return decodeUnguarded(bytes);
  } catch (e) {
    return { ok: false, error: `internal decoder error: ${e instanceof Error ? e.message : String(e)}` };
  }
}

// ---------------------------------------------------------------------------------------------
// Encoding

/**
 * Compression targets keyed by the exact label bytes of a suffix. Matching on exact bytes (not
 * case-folded) means a pointer always reproduces the very octets of the name being written, so the
 * case the caller chose (0x20 randomisation, the client's spelling) survives compression.
 */
type CompressionTable = Map<string, number>;

const suffixKeyCache = new WeakMap<Name, string[]>();

function labelKey(l: Uint8Array): string {
  return String.fromCharCode(l.length) + String.fromCharCode.apply(null, l as unknown as number[]);
}

/** keys[i] identifies the suffix starting at label i (exact octets). Cached per Name object. */
function suffixKeys(name: Name): string[] {
  let keys = suffixKeyCache.get(name);
  if (keys !== undefined) return keys;
  const labels = name.labels;
  keys = new Array<string>(labels.length);
  let acc = '';
  for (let i = labels.length - 1; i >= 0; i--) {
    acc = labelKey(labels[i]) + acc;
    keys[i] = acc;
  }
  suffixKeyCache.set(name, keys);
  return keys;
}

function writeName(w: ByteWriter, name: Name, table: CompressionTable | undefined): void {
  const labels = name.labels;
  if (table === undefined || labels.length === 0) {
    appendName(w, name);
    return;
  }
  const keys = suffixKeys(name);
  let match = labels.length;
  let pointer = -1;
  for (let i = 0; i < labels.length; i++) {
    const t = table.get(keys[i]);
    if (t !== undefined) {
      match = i;
      pointer = t;
      break;
    }
  }
  for (let i = 0; i < match; i++) {
    // Only the first occurrence of a suffix is kept as a target, and only where a pointer can reach.
    if (w.length < POINTER_LIMIT) table.set(keys[i], w.length);
    const l = labels[i];
    w.u8(l.length);
    w.bytes(l);
  }
  if (pointer >= 0) w.u16(0xc000 | pointer);
  else w.u8(0);
}

type RdataParts = readonly (Name | Uint8Array)[];

/**
 * Split RDATA by its array identity. RDATA is immutable by contract (types.ts) and the same arrays
 * are encoded again and again from the cache, so the split — and the Name objects whose suffix
 * keys are cached — is done once per RDATA, not once per response.
 */
const splitCache = new WeakMap<Uint8Array, RdataParts | null>();

function splitRdataCached(rdata: Uint8Array, layout: Layout): RdataParts | null {
  let parts = splitCache.get(rdata);
  if (parts === undefined) {
    const r = splitRdata(rdata, layout);
    parts = r.ok ? r.parts : null;
    splitCache.set(rdata, parts);
  }
  return parts;
}

type WireNamesRead = { ok: true; parts: (Name | Uint8Array)[] } | { ok: false };

/** Splits stored (uncompressed) RDATA into names and opaque runs following `layout`. */
function splitRdata(rdata: Uint8Array, layout: Layout): WireNamesRead {
  const parts: (Name | Uint8Array)[] = [];
  let p = 0;
  for (const field of layout) {
    if (field === NAME) {
      const labels: Uint8Array[] = [];
      for (;;) {
        if (p >= rdata.length) return { ok: false };
        const len = rdata[p];
        if (len === 0) { p++; break; }
        if (len > MAX_LABEL_LENGTH || p + 1 + len > rdata.length) return { ok: false };
        labels.push(rdata.subarray(p + 1, p + 1 + len));
        p += 1 + len;
      }
      const n = Name.fromLabels(labels);
      if (!n.ok) return { ok: false };
      parts.push(n.name);
    } else {
      const n = field === STRING ? (p < rdata.length ? 1 + rdata[p] : 1) : field;
      if (p + n > rdata.length) return { ok: false };
      parts.push(rdata.subarray(p, p + n));
      p += n;
    }
  }
  if (p !== rdata.length) return { ok: false };
  return { ok: true, parts };
}

function writeRR(w: ByteWriter, rr: RR, table: CompressionTable | undefined): void {
  writeName(w, rr.name, table);
  w.u16(rr.type);
  w.u16(rr.class);
  w.u32(rr.ttl);
  const lengthAt = w.length;
  w.u16(0);
  if (table !== undefined && compressOnWrite.has(rr.type)) {
    const parts = splitRdataCached(rr.rdata, nameLayouts.get(rr.type) as Layout);
    if (parts !== null) {
      for (const part of parts) {
        if (part instanceof Name) writeName(w, part, table);
        else w.bytes(part);
      }
      w.setU16(lengthAt, w.length - lengthAt - 2);
      return;
    }
    // Malformed stored RDATA: write it as given rather than guess at its names.
  }
  if (rr.rdata.length > 0xffff) throw new RangeError(`RDATA of ${rr.rdata.length} octets does not fit RDLENGTH`);
  w.bytes(rr.rdata);
  w.setU16(lengthAt, rr.rdata.length);
}

function encodeFlags(msg: Message): number {
  const f = msg.flags;
  return (
    (f.qr ? FLAG_QR : 0) |
    ((msg.opcode & 0xf) << 11) |
    (f.aa ? FLAG_AA : 0) |
    (f.tc ? FLAG_TC : 0) |
    (f.rd ? FLAG_RD : 0) |
    (f.ra ? FLAG_RA : 0) |
    (f.z ? FLAG_Z : 0) |
    (f.ad ? FLAG_AD : 0) |
    (f.cd ? FLAG_CD : 0) |
    (msg.rcode & 0xf)
  );
}

function writeOpt(w: ByteWriter, edns: Edns, rcode: number): void {
  w.u8(0); // owner: the root
  w.u16(RRType.OPT);
  w.u16(edns.udpSize);
  // TTL field: extended RCODE (upper 8 of 12 bits), version, DO, Z (RFC 6891 §6.1.3).
  w.u32((((rcode >>> 4) & 0xff) << 24) | ((edns.version & 0xff) << 16) | (edns.dnssecOk ? OPT_DO_BIT : 0) | (edns.zFlags & 0x7fff));
  const lengthAt = w.length;
  w.u16(0);
  for (const o of edns.options) {
    w.u16(o.code);
    w.u16(o.data.length);
    w.bytes(o.data);
  }
  w.setU16(lengthAt, w.length - lengthAt - 2);
}

const INITIAL_WRITER_CAPACITY = 4096;
/** A huge (TCP, AXFR-sized) message may grow the shared buffer; do not keep more than this. */
const MAX_KEPT_WRITER_CAPACITY = 65536;
let sharedWriter = new ByteWriter(INITIAL_WRITER_CAPACITY);

/**
 * Encodes a message. Throws RangeError only on programming errors the types cannot express: an
 * RCODE above 15 without EDNS (it would be silently cut to its low 4 bits), an RCODE above 4095, or
 * RDATA longer than 65535 octets.
 */
export function encodeMessage(msg: Message, options?: EncodeOptions): Uint8Array {
  if (msg.rcode < 0 || msg.rcode > 0xfff) throw new RangeError(`RCODE ${msg.rcode} out of range`);
  if (msg.rcode > 0xf && msg.edns === undefined) throw new RangeError(`RCODE ${msg.rcode} needs an OPT record`);
  const table: CompressionTable | undefined = options?.compress === false ? undefined : new Map();
  // One module-level writer: encoding is synchronous and never re-entered, so reusing the buffer
  // saves an allocation and the growth copies per message; finish() hands out an exact copy.
  if (sharedWriter.capacity > MAX_KEPT_WRITER_CAPACITY) sharedWriter = new ByteWriter(INITIAL_WRITER_CAPACITY);
  const w = sharedWriter;
  w.reset();
  w.u16(msg.id);
  w.u16(encodeFlags(msg));
  w.u16(msg.question.length);
  w.u16(msg.answer.length);
  w.u16(msg.authority.length);
  w.u16(msg.additional.length + (msg.edns !== undefined ? 1 : 0));
  for (const q of msg.question) {
    writeName(w, q.name, table);
    w.u16(q.type);
    w.u16(q.class);
  }
  for (const rr of msg.answer) writeRR(w, rr, table);
  for (const rr of msg.authority) writeRR(w, rr, table);
  for (const rr of msg.additional) writeRR(w, rr, table);
  if (msg.edns !== undefined) writeOpt(w, msg.edns, msg.rcode);
  return w.finish();
}

/**
 * Fits the message into maxSize octets. When the whole message does not fit, returns TC=1 with the
 * question and the OPT record (with all its options, e.g. EDE) kept and answer/authority/additional
 * emptied. Should even that not fit (an absurd maxSize or huge options), options are dropped —
 * padding first, then the rest — and as a last resort the header and question are returned anyway.
 */
export function encodeWithLimit(msg: Message, maxSize: number): { bytes: Uint8Array; truncated: boolean } {
  const full = encodeMessage(msg);
  if (full.length <= maxSize) return { bytes: full, truncated: false };
  const base: Message = { ...msg, flags: { ...msg.flags, tc: true }, answer: [], authority: [], additional: [] };
  let bytes = encodeMessage(base);
  if (bytes.length > maxSize && msg.edns !== undefined) {
    const PADDING = 12; // EdnsOptionCode.PADDING; padding is the one option whose loss costs nothing
    const noPadding: Message = { ...base, edns: { ...msg.edns, options: msg.edns.options.filter((o) => o.code !== PADDING) } };
    bytes = encodeMessage(noPadding);
    if (bytes.length > maxSize) bytes = encodeMessage({ ...base, edns: { ...msg.edns, options: [] } });
  }
  return { bytes, truncated: true };
}
