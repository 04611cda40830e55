// Parser for Unbound's replay scenario format (.rpl, testcode/replay.h + testcode/testpkts.h).
// It produces a typed Scenario and keeps RR lines as text: turning them into wire records is a
// separate step (./packet.ts), so every file can be parsed and counted even where an RR is odd.
// Step kinds and keys this harness does not act on are kept as data ('unsupported'), never dropped,
// so the runner can skip a scenario with a precise reason.

export type SectionName = 'question' | 'answer' | 'authority' | 'additional';
export const SECTION_NAMES: readonly SectionName[] = ['question', 'answer', 'authority', 'additional'];

/** One RR (or question) line, with the $ORIGIN / $TTL in force where it was read. */
export interface RrLine {
  readonly text: string;
  readonly line: number;
  readonly origin: string | undefined;
  readonly defaultTtl: number;
}

/** One packet of an entry (an entry has more than one only with EXTRA_PACKET, for TCP streams). */
export interface PacketSpec {
  /** REPLY words that are header flags: QR AA TC RD CD RA AD, plus DO (EDNS DO bit, adds an OPT). */
  readonly flags: ReadonlySet<string>;
  /** REPLY rcode mnemonic (NOERROR, SERVFAIL, …); undefined means NOERROR. */
  readonly rcode: string | undefined;
  /** REPLY opcode mnemonic (QUERY, NOTIFY, …); undefined means QUERY. */
  readonly opcode: string | undefined;
  readonly sections: { readonly [K in SectionName]: readonly RrLine[] };
  /** HEX_ANSWER_BEGIN … HEX_ANSWER_END: raw reply bytes replacing the SECTION data. */
  readonly hexAnswer: Uint8Array | undefined;
  /** HEX_EDNSDATA_BEGIN … END: raw EDNS option bytes (OPT RDATA). */
  readonly hexEdnsData: Uint8Array | undefined;
}

export interface MatchSpec {
  /** Plain MATCH keywords: opcode qtype qname subdomain all all_noedns ttl DO noedns rcode question answer ednsdata … */
  readonly keys: ReadonlySet<string>;
  /** `ede=N` / `ede=any`. */
  readonly ede: number | 'any' | undefined;
  readonly transport: 'udp' | 'tcp' | undefined;
  readonly serial: number | undefined;
}

export interface Entry {
  readonly line: number;
  readonly match: MatchSpec;
  /** ADJUST keywords (copy_id, copy_query, sleep=N, …). */
  readonly adjust: ReadonlySet<string>;
  readonly packets: readonly PacketSpec[];
}

export interface Range {
  readonly line: number;
  readonly start: number;
  readonly end: number;
  /** ADDRESS lines (may carry @port); empty means the range answers for every address. */
  readonly addresses: readonly string[];
  readonly entries: readonly Entry[];
}

export type Step =
  | { readonly kind: 'QUERY'; readonly n: number; readonly line: number; readonly entry: Entry; readonly address: string | undefined }
  | { readonly kind: 'CHECK_ANSWER'; readonly n: number; readonly line: number; readonly entry: Entry }
  | { readonly kind: 'TIME_PASSES'; readonly n: number; readonly line: number; readonly seconds: number | undefined; readonly expression: string }
  | { readonly kind: 'NOTHING' | 'TRAFFIC'; readonly n: number; readonly line: number }
  /**
   * Steps that script the upstream side (testbound's fake network): CHECK_OUT_QUERY checks a query
   * the resolver has sent; REPLY answers, TIMEOUT times out, ERROR fails the newest pending query.
   */
  | { readonly kind: 'CHECK_OUT_QUERY' | 'REPLY'; readonly n: number; readonly line: number; readonly entry: Entry }
  | { readonly kind: 'TIMEOUT' | 'ERROR'; readonly n: number; readonly line: number }
  /** Unbound-internal kinds: ASSIGN, CHECK_AUTOTRUST, CHECK_TEMPFILE, INFRA_RTT, … */
  | { readonly kind: 'unsupported'; readonly name: string; readonly n: number; readonly line: number; readonly args: string; readonly entry: Entry | undefined };

export interface ConfigBlock {
  /** `server`, `stub-zone`, `forward-zone`, `auth-zone`, `rpz`, `view`, … */
  readonly kind: string;
  readonly line: number;
  /** key/value pairs in file order, quotes removed; keys may repeat (trust-anchor, local-data, …). */
  readonly options: readonly (readonly [string, string])[];
}

/** AUTOTRUST_FILE / TEMPFILE blocks in the config section (file contents Unbound writes to disk). */
export interface ConfigFile {
  readonly kind: 'AUTOTRUST_FILE' | 'TEMPFILE';
  readonly name: string;
  readonly lines: readonly string[];
}

export interface RplConfig {
  readonly blocks: readonly ConfigBlock[];
  readonly files: readonly ConfigFile[];
}

export interface Scenario {
  readonly fileName: string;
  readonly title: string;
  readonly config: RplConfig;
  readonly ranges: readonly Range[];
  readonly steps: readonly Step[];
  /** Tolerated oddities (e.g. a stray RANGE_END), reported but not fatal. */
  readonly warnings: readonly string[];
}

export type ParseRplResult = { ok: true; scenario: Scenario } | { ok: false; error: string; line: number };

/** Every value of `key` in the `server:` blocks, in file order. */
export function serverOptions(config: RplConfig, key: string): string[] {
  const out: string[] = [];
  for (const b of config.blocks) if (b.kind === 'server') for (const [k, v] of b.options) if (k === key) out.push(v);
  return out;
}

/** The last value of a `server:` option (Unbound lets a later line override an earlier one). */
export function serverOption(config: RplConfig, key: string): string | undefined {
  const all = serverOptions(config, key);
  return all.length > 0 ? all[all.length - 1] : undefined;
}

export function blockOptions(block: ConfigBlock, key: string): string[] {
  return block.options.filter(([k]) => k === key).map(([, v]) => v);
}

class RplError {
  constructor(readonly message: string, readonly line: number) {}
}

/** Removes a trailing comment (`;` or `#`) that is outside double quotes. */
function stripComment(text: string, markers: string): string {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') { i++; continue; }
    if (c === '"') quoted = !quoted;
    else if (!quoted && markers.includes(c)) return text.slice(0, i);
  }
  return text;
}

function unquote(v: string): string {
  const t = v.trim();
  if (t.length < 2) return t;
  const q = t[0];
  return (q === '"' || q === "'") && t.endsWith(q) ? t.slice(1, -1) : t;
}

/** Hex digits anywhere on the lines, `;` comments ignored (testpkts' hex_buffer2wire). */
function hexToBytes(lines: readonly string[], line: number): Uint8Array {
  let digits = '';
  for (const l of lines) digits += stripComment(l, ';').replace(/[^0-9a-fA-F]/g, '');
  if (digits.length % 2 !== 0) throw new RplError('odd number of hex digits', line);
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  return out;
}

const OPCODE_WORDS = new Set(['QUERY', 'IQUERY', 'STATUS', 'NOTIFY', 'UPDATE']);
const FLAG_WORDS = new Set(['QR', 'AA', 'TC', 'RD', 'CD', 'RA', 'AD', 'DO']);
const RCODE_WORDS = new Set([
  'NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMPL', 'NOTIMP', 'REFUSED', 'YXDOMAIN', 'YXRRSET', 'NXRRSET',
  'NOTAUTH', 'NOTZONE', 'BADVERS', 'BADCOOKIE',
]);
/** Step kinds followed by an ENTRY_BEGIN … ENTRY_END block (replay.c). */
const STEPS_WITH_ENTRY = new Set(['QUERY', 'CHECK_ANSWER', 'CHECK_OUT_QUERY', 'REPLY']);
/** Step kinds followed by FILE_BEGIN … FILE_END. */
const STEPS_WITH_FILE = new Set(['CHECK_AUTOTRUST', 'CHECK_TEMPFILE']);

interface MutablePacket {
  flags: Set<string>;
  rcode: string | undefined;
  opcode: string | undefined;
  sections: Record<SectionName, RrLine[]>;
  hexAnswer: Uint8Array | undefined;
  hexEdnsData: Uint8Array | undefined;
}

function newPacket(): MutablePacket {
  return { flags: new Set(), rcode: undefined, opcode: undefined, sections: { question: [], answer: [], authority: [], additional: [] }, hexAnswer: undefined, hexEdnsData: undefined };
}

/** Evaluates the arithmetic of `TIME_PASSES EVAL ${1*24*3600}`; undefined when it names variables. */
export function evalTimeExpression(expr: string): number | undefined {
  const m = /^\$\{(.*)\}$/.exec(expr.trim());
  const body = (m ? m[1] : expr).trim();
  if (!/^[0-9+\-*/ ().]+$/.test(body)) return undefined;
  // Tiny recursive-descent evaluator; only digits and + - * / ( ) reach here.
  let pos = 0;
  const s = body.replace(/\s+/g, '');
  const num = (): number => {
    if (s[pos] === '(') { pos++; const v = sum(); pos++; return v; }
    if (s[pos] === '-') { pos++; return -num(); }
    const start = pos;
    while (pos < s.length && /[0-9.]/.test(s[pos])) pos++;
    return Number(s.slice(start, pos));
  };
  const product = (): number => {
    let v = num();
    while (s[pos] === '*' || s[pos] === '/') { const op = s[pos++]; const r = num(); v = op === '*' ? v * r : v / r; }
    return v;
  };
  const sum = (): number => {
    let v = product();
    while (s[pos] === '+' || s[pos] === '-') { const op = s[pos++]; const r = product(); v = op === '+' ? v + r : v - r; }
    return v;
  };
  const v = sum();
  return pos === s.length && Number.isFinite(v) ? v : undefined;
}

class Reader {
  readonly lines: string[];
  i = 0;
  origin: string | undefined = undefined;
  defaultTtl = 3600;
  constructor(text: string) {
    this.lines = text.split(/\r?\n/);
  }
  get lineNo(): number {
    return this.i;
  }
  /** Next line, trimmed of leading space; undefined at end of file. */
  next(): string | undefined {
    if (this.i >= this.lines.length) return undefined;
    return this.lines[this.i++];
  }
}

function keyword(line: string): { word: string; rest: string } {
  const t = line.trim();
  const m = /^(\S+)\s*(.*)$/.exec(t);
  return m ? { word: m[1], rest: m[2] } : { word: '', rest: '' };
}

function isBlank(line: string): boolean {
  const t = line.trim();
  return t === '' || t.startsWith(';') || t.startsWith('#');
}

function handleDirective(r: Reader, word: string, rest: string): boolean {
  if (word === '$ORIGIN') {
    r.origin = stripComment(rest, ';').trim();
    return true;
  }
  if (word === '$TTL') {
    const v = Number(stripComment(rest, ';').trim());
    if (!Number.isInteger(v) || v < 0) throw new RplError(`bad $TTL ${rest}`, r.lineNo);
    r.defaultTtl = v;
    return true;
  }
  return false;
}

function parseEntry(r: Reader, beginLine: number): Entry {
  const keys = new Set<string>();
  let ede: number | 'any' | undefined;
  let transport: 'udp' | 'tcp' | undefined;
  let serial: number | undefined;
  const adjust = new Set<string>();
  const packets: MutablePacket[] = [newPacket()];
  let section: SectionName = 'question';
  for (;;) {
    const raw = r.next();
    if (raw === undefined) throw new RplError('end of file inside ENTRY_BEGIN (missing ENTRY_END)', beginLine);
    if (isBlank(raw)) continue;
    const { word, rest } = keyword(raw);
    const pkt = packets[packets.length - 1];
    if (handleDirective(r, word, rest)) continue;
    switch (word) {
      case 'ENTRY_END':
        return {
          line: beginLine,
          match: { keys, ede, transport, serial },
          adjust,
          packets: packets.map((p) => ({ ...p })),
        };
      case 'ENTRY_BEGIN':
        throw new RplError('ENTRY_BEGIN inside an entry', r.lineNo);
      case 'MATCH':
        for (const w of stripComment(rest, ';#').split(/\s+/).filter(Boolean)) {
          const kv = /^(ede|serial)[=:](.*)$/.exec(w);
          if (kv && kv[1] === 'ede') {
            const v = kv[2];
            if (v === 'any') ede = 'any';
            else if (/^[0-9]+$/.test(v)) ede = Number(v);
            else throw new RplError(`bad MATCH ede value ${v}`, r.lineNo);
          } else if (kv && kv[1] === 'serial') {
            serial = Number(kv[2]);
          } else if (w === 'UDP') transport = 'udp';
          else if (w === 'TCP') transport = 'tcp';
          else keys.add(w);
        }
        break;
      case 'ADJUST':
        for (const w of stripComment(rest, ';#').split(/\s+/).filter(Boolean)) adjust.add(w);
        break;
      case 'REPLY':
        for (const w of stripComment(rest, ';#').split(/\s+/).filter(Boolean)) {
          if (FLAG_WORDS.has(w)) pkt.flags.add(w);
          else if (RCODE_WORDS.has(w)) pkt.rcode = w;
          else if (OPCODE_WORDS.has(w)) pkt.opcode = w;
          else throw new RplError(`unknown REPLY word ${w}`, r.lineNo);
        }
        break;
      case 'SECTION': {
        const s = rest.trim().split(/\s+/)[0]?.toLowerCase();
        if (s !== 'question' && s !== 'answer' && s !== 'authority' && s !== 'additional') throw new RplError(`bad SECTION ${rest}`, r.lineNo);
        section = s;
        break;
      }
      case 'EXTRA_PACKET':
        packets.push(newPacket());
        section = 'question';
        break;
      case 'HEX_ANSWER_BEGIN':
      case 'HEX_EDNSDATA_BEGIN': {
        const endWord = word === 'HEX_ANSWER_BEGIN' ? 'HEX_ANSWER_END' : 'HEX_EDNSDATA_END';
        const start = r.lineNo;
        const body: string[] = [];
        for (;;) {
          const l = r.next();
          if (l === undefined) throw new RplError(`end of file inside ${word}`, start);
          if (l.trim().startsWith(endWord)) break;
          body.push(l);
        }
        const bytes = hexToBytes(body, start);
        if (word === 'HEX_ANSWER_BEGIN') pkt.hexAnswer = bytes;
        else pkt.hexEdnsData = bytes;
        break;
      }
      default:
        // Anything else is an RR (or, in the question section, a question) in zone-file syntax.
        pkt.sections[section].push({ text: raw.trim(), line: r.lineNo, origin: r.origin, defaultTtl: r.defaultTtl });
    }
  }
}

function expectEntry(r: Reader, stepLine: number): Entry {
  for (;;) {
    const raw = r.next();
    if (raw === undefined) throw new RplError('expected ENTRY_BEGIN after STEP', stepLine);
    if (isBlank(raw)) continue;
    const { word, rest } = keyword(raw);
    if (handleDirective(r, word, rest)) continue;
    if (word !== 'ENTRY_BEGIN') throw new RplError(`expected ENTRY_BEGIN, got ${word}`, r.lineNo);
    return parseEntry(r, r.lineNo);
  }
}

function skipFileBlock(r: Reader, stepLine: number): void {
  let inFile = false;
  for (;;) {
    const raw = r.next();
    if (raw === undefined) throw new RplError('end of file inside FILE_BEGIN', stepLine);
    const w = raw.trim();
    if (!inFile) {
      if (w === '' || w.startsWith(';')) continue;
      if (w.startsWith('FILE_BEGIN')) { inFile = true; continue; }
      throw new RplError(`expected FILE_BEGIN, got ${w}`, r.lineNo);
    }
    if (w.startsWith('FILE_END')) return;
  }
}

/** Clause keywords of unbound.conf that open a block (everything else is an option). */
const CLAUSES: ReadonlySet<string> = new Set(['server', 'stub-zone', 'forward-zone', 'auth-zone', 'view', 'rpz', 'remote-control', 'python', 'dynlib', 'cachedb', 'dnstap', 'dnscrypt']);

function parseConfig(r: Reader): RplConfig {
  const blocks: { kind: string; line: number; options: [string, string][] }[] = [];
  const files: ConfigFile[] = [];
  let current: { kind: string; line: number; options: [string, string][] } | undefined;
  let pendingTempName: string | undefined;
  for (;;) {
    const raw = r.next();
    if (raw === undefined) throw new RplError('end of file before CONFIG_END', r.lineNo);
    const t = raw.trim();
    if (t === '' || t.startsWith(';') || t.startsWith('#')) continue;
    const { word, rest } = keyword(t);
    if (word === 'CONFIG_END') return { blocks, files };
    if (word === 'AUTOTRUST_FILE' || word === 'TEMPFILE_CONTENTS') {
      const endWord = word === 'AUTOTRUST_FILE' ? 'AUTOTRUST_END' : 'TEMPFILE_END';
      const name = rest.trim() || pendingTempName || '';
      const lines: string[] = [];
      const start = r.lineNo;
      for (;;) {
        const l = r.next();
        if (l === undefined) throw new RplError(`end of file inside ${word}`, start);
        if (l.trim().startsWith(endWord)) break;
        lines.push(l);
      }
      files.push({ kind: word === 'AUTOTRUST_FILE' ? 'AUTOTRUST_FILE' : 'TEMPFILE', name, lines });
      continue;
    }
    if (word === 'TEMPFILE_NAME') {
      pendingTempName = rest.trim();
      continue;
    }
    const body = stripComment(t, '#');
    const m = /^([A-Za-z0-9_-]+):\s*(.*)$/.exec(body.trim());
    if (!m) throw new RplError(`unparsable config line: ${t}`, r.lineNo);
    const [, key, value] = m;
    if (value.trim() === '' && key !== 'name') {
      current = { kind: key, line: r.lineNo, options: [] };
      blocks.push(current);
      continue;
    }
    if (CLAUSES.has(key)) {
      // Unbound's grammar is token based: `forward-zone: name: "." forward-addr: 216.0.0.1` opens the
      // clause and sets its options on one line.
      current = { kind: key, line: r.lineNo, options: [] };
      blocks.push(current);
      for (const [, k, v] of value.matchAll(/([A-Za-z0-9_-]+):\s*("[^"]*"|\S+)/g)) current.options.push([k, unquote(v)]);
      continue;
    }
    if (!current) {
      current = { kind: 'server', line: r.lineNo, options: [] };
      blocks.push(current);
    }
    current.options.push([key, unquote(value)]);
  }
}

function parseInteger(text: string | undefined, what: string, line: number): number {
  if (text === undefined || !/^-?[0-9]+$/.test(text)) throw new RplError(`bad ${what}: ${text ?? '(missing)'}`, line);
  return Number(text);
}

function parseBody(r: Reader, fileName: string, config: RplConfig): Scenario {
  let title: string | undefined;
  const ranges: Range[] = [];
  const steps: Step[] = [];
  const warnings: string[] = [];
  let ended = false;
  for (;;) {
    const raw = r.next();
    if (raw === undefined) break;
    if (isBlank(raw)) continue;
    const { word, rest } = keyword(raw);
    if (handleDirective(r, word, rest)) continue;
    const line = r.lineNo;
    if (word === 'SCENARIO_BEGIN') {
      title = rest.trim();
    } else if (word === 'SCENARIO_END') {
      ended = true;
    } else if (word === 'RANGE_END') {
      // A stray RANGE_END outside a range (two corpus files have one); testbound tolerates it.
      warnings.push(`line ${line}: stray RANGE_END ignored`);
    } else if (word === 'RANGE_BEGIN') {
      const [a, b] = stripComment(rest, ';').trim().split(/\s+/);
      const start = parseInteger(a, 'RANGE_BEGIN start', line);
      const end = parseInteger(b, 'RANGE_BEGIN end', line);
      const addresses: string[] = [];
      const entries: Entry[] = [];
      for (;;) {
        const l = r.next();
        if (l === undefined) throw new RplError('end of file inside RANGE_BEGIN', line);
        if (isBlank(l)) continue;
        const k = keyword(l);
        if (handleDirective(r, k.word, k.rest)) continue;
        if (k.word === 'RANGE_END') break;
        if (k.word === 'ADDRESS') addresses.push(stripComment(k.rest, ';#').trim());
        else if (k.word === 'ENTRY_BEGIN') entries.push(parseEntry(r, r.lineNo));
        else throw new RplError(`unexpected ${k.word} inside RANGE`, r.lineNo);
      }
      ranges.push({ line, start, end, addresses, entries });
    } else if (word === 'STEP') {
      const parts = stripComment(rest, ';').trim().split(/\s+/);
      const n = parseInteger(parts[0], 'STEP number', line);
      const kind = parts[1] ?? '';
      const args = parts.slice(2).join(' ');
      if (kind === 'QUERY') {
        const addr = parts[2] === 'ADDRESS' ? parts[3] : undefined;
        steps.push({ kind: 'QUERY', n, line, entry: expectEntry(r, line), address: addr });
      } else if (kind === 'CHECK_ANSWER') {
        steps.push({ kind: 'CHECK_ANSWER', n, line, entry: expectEntry(r, line) });
      } else if (kind === 'TIME_PASSES') {
        const expression = parts.slice(3).join(' ');
        if (parts[2] !== 'ELAPSE' && parts[2] !== 'EVAL') throw new RplError(`bad TIME_PASSES ${args}`, line);
        const seconds = parts[2] === 'ELAPSE' ? Number(parts[3]) : evalTimeExpression(expression);
        steps.push({ kind: 'TIME_PASSES', n, line, seconds: seconds !== undefined && Number.isFinite(seconds) ? seconds : undefined, expression });
      } else if (kind === 'NOTHING' || kind === 'TRAFFIC' || kind === 'TIMEOUT' || kind === 'ERROR') {
        steps.push({ kind, n, line });
      } else if (kind === 'CHECK_OUT_QUERY' || kind === 'REPLY') {
        steps.push({ kind, n, line, entry: expectEntry(r, line) });
      } else if (kind !== '') {
        const entry = STEPS_WITH_ENTRY.has(kind) ? expectEntry(r, line) : undefined;
        if (STEPS_WITH_FILE.has(kind)) skipFileBlock(r, line);
        steps.push({ kind: 'unsupported', name: kind, n, line, args, entry });
      } else {
        throw new RplError('STEP without a kind', line);
      }
    } else {
      throw new RplError(`unexpected ${word} in scenario body`, line);
    }
  }
  if (title === undefined) throw new RplError('no SCENARIO_BEGIN', r.lineNo);
  if (!ended) throw new RplError('no SCENARIO_END', r.lineNo);
  return { fileName, title, config, ranges, steps, warnings };
}

/** Parses one .rpl file. Never throws: a malformed file yields `{ ok: false, error, line }`. */
export function parseRpl(text: string, fileName = '<rpl>'): ParseRplResult {
  const r = new Reader(text);
  try {
    const config = parseConfig(r);
    return { ok: true, scenario: parseBody(r, fileName, config) };
  } catch (e) {
    if (e instanceof RplError) return { ok: false, error: e.message, line: e.line };
    return { ok: false, error: e instanceof Error ? e.message : String(e), line: r.lineNo };
  }
}
