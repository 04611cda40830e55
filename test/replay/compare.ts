// Matching a message against an entry's MATCH keys, following testpkts' find_match rules:
// `ede=N` is checked first and the EDE option is then removed; `all` compares header flags, rcode,
// opcode, section counts and every record (owner names compared case-insensitively, TTLs zeroed
// unless `ttl` is given) and the EDNS record (presence and DO bit; `all_noedns` ignores EDNS).
//
// One deliberate relaxation: testbound's CHECK_ANSWER compares sections in Unbound's output order;
// here each section is compared as a multiset of records (testpkts' own `noloc` mode), because
// record order inside a section carries no meaning and our encoder need not mirror Unbound's.
// The message ID is not compared: both sides are built with ID 0.
import { EdnsOptionCode, rcodeToString, rrClassToString, rrTypeToString } from '../../src/wire/constants.ts';
import { canonicalRdata } from '../../src/wire/canonical.ts';
import { readEdes } from '../../src/wire/edns.ts';
import { rrToText } from '../../src/wire/print.ts';
import type { Message, Question, RR } from '../../src/wire/types.ts';
import type { MatchSpec } from './rpl-parser.ts';

export type CompareResult = { ok: true } | { ok: false; difference: string };

/** How to print one record in a difference report; the zone-file printer when available. */
export type RrPrinter = (rr: RR) => string;

function hex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

export const hexRrPrinter: RrPrinter = (rr) =>
  `${rr.name.toString()} ${rr.ttl} ${rrClassToString(rr.class)} ${rrTypeToString(rr.type)} \\# ${rr.rdata.length} ${hex(rr.rdata)}`;

/**
 * Identity of a record for comparison: lower-cased owner, class, type, TTL (or 0) and the RDATA with
 * its embedded names lower-cased (testpkts lower-cases every name in the packet before comparing).
 */
function rrKey(rr: RR, withTtl: boolean): string {
  return `${rr.name.key}|${rr.class}|${rr.type}|${withTtl ? rr.ttl : 0}|${hex(canonicalRdata(rr.type, rr.rdata))}`;
}

function questionText(q: Question | undefined): string {
  return q === undefined ? '(none)' : `${q.name.toString()} ${rrClassToString(q.class)} ${rrTypeToString(q.type)}`;
}

export function flagsText(m: Message): string {
  const f = m.flags;
  const words: string[] = [];
  if (f.qr) words.push('QR');
  if (f.aa) words.push('AA');
  if (f.tc) words.push('TC');
  if (f.rd) words.push('RD');
  if (f.ra) words.push('RA');
  if (f.ad) words.push('AD');
  if (f.cd) words.push('CD');
  if (f.z) words.push('Z');
  if (m.edns?.dnssecOk) words.push('DO');
  return words.join(' ') || '(none)';
}

/** Compares one section as multisets; reports what is missing and what is extra. */
export function compareSection(name: string, expected: readonly RR[], actual: readonly RR[], withTtl: boolean, print: RrPrinter): CompareResult {
  const remaining = new Map<string, number>();
  for (const rr of actual) {
    const k = rrKey(rr, withTtl);
    remaining.set(k, (remaining.get(k) ?? 0) + 1);
  }
  const missing: RR[] = [];
  for (const rr of expected) {
    const k = rrKey(rr, withTtl);
    const n = remaining.get(k) ?? 0;
    if (n === 0) missing.push(rr);
    else remaining.set(k, n - 1);
  }
  const extra = actual.filter((rr) => {
    const k = rrKey(rr, withTtl);
    const n = remaining.get(k) ?? 0;
    if (n === 0) return false;
    remaining.set(k, n - 1);
    return true;
  });
  if (missing.length === 0 && extra.length === 0) return { ok: true };
  const parts: string[] = [];
  if (missing.length > 0) parts.push(`missing ${missing.map(print).join(' | ')}`);
  if (extra.length > 0) parts.push(`unexpected ${extra.map(print).join(' | ')}`);
  return { ok: false, difference: `${name} section (${expected.length} expected, ${actual.length} got): ${parts.join('; ')}` };
}

function sameQuestion(a: Question | undefined, b: Question | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.type === b.type && a.class === b.class && a.name.equals(b.name);
}

/** Removes every EDE option, as testpkts' extract_ede snips the one it checked. */
function withoutEde(m: Message): Message {
  if (m.edns === undefined) return m;
  return { ...m, edns: { ...m.edns, options: m.edns.options.filter((o) => o.code !== EdnsOptionCode.EDE) } };
}

export interface CompareOptions {
  /** Defaults to the zone-file printer. */
  readonly print?: RrPrinter;
}

/**
 * Does `actual` match `expected` under `match`? `expected` is the entry's first packet. Used both
 * for CHECK_ANSWER (actual = our reply) and, by the replay transport, for range entries (actual =
 * the query the resolver sent).
 */
export function matchMessage(match: MatchSpec, expected: Message, actual: Message, options: CompareOptions = {}): CompareResult {
  const print = options.print ?? rrToText;
  const keys = match.keys;
  let got = actual;
  if (match.ede !== undefined) {
    const edes = readEdes(actual.edns);
    if (edes.length === 0) return { ok: false, difference: `EDE: expected ${match.ede}, got none` };
    if (match.ede !== 'any' && edes[0].ede !== match.ede) {
      return { ok: false, difference: `EDE: expected ${match.ede}, got ${edes.map((e) => `${e.ede} (${e.text})`).join(', ')}` };
    }
    got = withoutEde(actual);
  }
  if (keys.has('opcode') && got.opcode !== expected.opcode) return { ok: false, difference: `opcode: expected ${expected.opcode}, got ${got.opcode}` };
  const eq = expected.question[0];
  const gq = got.question[0];
  if (keys.has('qtype') && eq?.type !== gq?.type) {
    return { ok: false, difference: `qtype: expected ${eq ? rrTypeToString(eq.type) : '(none)'}, got ${gq ? rrTypeToString(gq.type) : '(none)'}` };
  }
  if (keys.has('qname') && (eq === undefined || gq === undefined || !eq.name.equals(gq.name))) {
    return { ok: false, difference: `qname: expected ${questionText(eq)}, got ${questionText(gq)}` };
  }
  if (keys.has('subdomain') && (eq === undefined || gq === undefined || !gq.name.isSubdomainOf(eq.name))) {
    return { ok: false, difference: `subdomain: ${questionText(gq)} is not under ${questionText(eq)}` };
  }
  if (keys.has('rcode') && got.rcode !== expected.rcode) {
    return { ok: false, difference: `rcode: expected ${rcodeToString(expected.rcode)}, got ${rcodeToString(got.rcode)}` };
  }
  const withTtl = keys.has('ttl');
  if (keys.has('question')) {
    if (expected.question.length !== got.question.length || expected.question.some((q, i) => !sameQuestion(q, got.question[i]))) {
      return { ok: false, difference: `question: expected ${expected.question.map(questionText).join(', ')}, got ${got.question.map(questionText).join(', ')}` };
    }
  }
  if (keys.has('answer')) {
    const r = compareSection('answer', expected.answer, got.answer, withTtl, print);
    if (!r.ok) return r;
  }
  if (keys.has('DO') && !got.edns?.dnssecOk) return { ok: false, difference: 'DO: expected the DO bit, it is clear' };
  if (keys.has('noedns') && got.edns !== undefined) return { ok: false, difference: 'noedns: an OPT record is present' };
  if (keys.has('ednsdata')) {
    const a = expected.edns?.options ?? [];
    const b = got.edns?.options ?? [];
    const same = a.length === b.length && a.every((o, i) => o.code === b[i].code && hex(o.data) === hex(b[i].data));
    if (!same) return { ok: false, difference: 'ednsdata: EDNS options differ' };
  }
  const all = keys.has('all');
  if (all || keys.has('all_noedns')) {
    if (got.opcode !== expected.opcode) return { ok: false, difference: `opcode: expected ${expected.opcode}, got ${got.opcode}` };
    if (got.rcode !== expected.rcode) return { ok: false, difference: `rcode: expected ${rcodeToString(expected.rcode)}, got ${rcodeToString(got.rcode)}` };
    const ef = flagsText(all ? expected : { ...expected, edns: undefined });
    const gf = flagsText(all ? got : { ...got, edns: undefined });
    if (ef !== gf) return { ok: false, difference: `flags: expected ${ef}, got ${gf}` };
    if (all && (expected.edns === undefined) !== (got.edns === undefined)) {
      return { ok: false, difference: `EDNS: expected ${expected.edns ? 'an OPT record' : 'none'}, got ${got.edns ? 'an OPT record' : 'none'}` };
    }
    if (expected.question.length !== got.question.length || expected.question.some((q, i) => !sameQuestion(q, got.question[i]))) {
      return { ok: false, difference: `question: expected ${expected.question.map(questionText).join(', ')}, got ${got.question.map(questionText).join(', ')}` };
    }
    for (const [name, e, g] of [
      ['answer', expected.answer, got.answer],
      ['authority', expected.authority, got.authority],
      ['additional', expected.additional, got.additional],
    ] as const) {
      const r = compareSection(name, e, g, withTtl, print);
      if (!r.ok) return r;
    }
  }
  return { ok: true };
}
