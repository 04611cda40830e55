// Zone files in presentation format (RFC 1035 §5, RFC 2308 §4 $TTL, RFC 3597 `\#`): a tokenizer that
// turns text into logical entries (parentheses joined, comments dropped) and a parser that turns
// entries into records, tracking $ORIGIN, $TTL, the previous owner, TTL and class.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Name } from './name.ts';
import { RRClass, rrClassFromString, rrTypeFromString, RRType } from './constants.ts';
import type { RR } from './types.ts';
import type { Token } from './rdata/codec.ts';
import { rdataFromText } from './rdata/index.ts';
import { parseTtlText } from './rdata/basic.ts';

export interface ZoneParseOptions {
  origin?: Name;
  defaultTtl?: number;
  fileName?: string;
  /** $INCLUDE reads files from disk, so it is off unless the caller trusts the zone file. */
  allowInclude?: boolean;
  defaultClass?: number;
}

export type ZoneParseResult =
  | { ok: true; records: RR[]; origin: Name }
  | { ok: false; error: string; line: number; fileName?: string };

/** One logical line: the tokens of a record or directive, parentheses already joined. */
export interface ZoneEntry {
  /** Line where the entry starts (1-based). */
  readonly line: number;
  /** True when the line starts with white space: the owner is the previous record's (RFC 1035 §5.1). */
  readonly ownerBlank: boolean;
  readonly tokens: Token[];
}

export type TokenizeResult = { ok: true; entries: ZoneEntry[] } | { ok: false; error: string; line: number };

const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\r';

/**
 * Splits zone-file text into entries. Escapes (`\X`, `\DDD`) stay in the token text for the field
 * parsers; quotes are removed (a token that starts with `"` is marked `quoted`, and a quoted part in
 * the middle of a token, as in SvcParams `alpn="h2,h3"`, joins the token).
 */
export function tokenizeZone(text: string, firstLine = 1): TokenizeResult {
  const entries: ZoneEntry[] = [];
  let line = firstLine;
  let depth = 0;
  let parenLine = 0;
  let tokens: Token[] = [];
  let entryLine = line;
  let ownerBlank = false;
  let cur = '';
  let inToken = false;
  let quoted = false;
  let atLineStart = true;

  const endToken = () => {
    if (inToken) tokens.push({ text: cur, quoted });
    cur = '';
    inToken = false;
    quoted = false;
  };
  const endEntry = () => {
    endToken();
    if (tokens.length > 0) entries.push({ line: entryLine, ownerBlank, tokens });
    tokens = [];
  };

  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (atLineStart && depth === 0) {
      entryLine = line;
      ownerBlank = isSpace(c);
      atLineStart = false;
    }
    atLineStart = false;
    if (c === '\n') {
      endToken();
      if (depth === 0) endEntry();
      line++;
      atLineStart = true;
      continue;
    }
    if (isSpace(c)) {
      endToken();
      continue;
    }
    if (c === ';') {
      endToken();
      while (i + 1 < text.length && text[i + 1] !== '\n') i++;
      continue;
    }
    if (c === '(') {
      endToken();
      if (depth === 0) parenLine = line;
      depth++;
      continue;
    }
    if (c === ')') {
      endToken();
      if (depth === 0) return { ok: false, error: 'unbalanced ")"', line };
      depth--;
      continue;
    }
    if (c === '"') {
      if (!inToken) quoted = true;
      inToken = true;
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j++) {
        if (text[j] === '\n') return { ok: false, error: 'unterminated quoted string', line };
        if (text[j] === '\\' && j + 1 < text.length) cur += text[j++];
        cur += text[j];
      }
      if (j >= text.length) return { ok: false, error: 'unterminated quoted string', line };
      i = j;
      continue;
    }
    inToken = true;
    if (c === '\\' && i + 1 < text.length && text[i + 1] !== '\n') {
      cur += c + text[++i];
      continue;
    }
    cur += c;
  }
  if (depth > 0) return { ok: false, error: `"(" opened on line ${parenLine} is never closed`, line: parenLine };
  endEntry();
  return { ok: true, entries };
}

/**
 * Tokenizes one logical line (parentheses may continue it over several physical lines); for
 * line-oriented formats such as replay files. More than one entry in `text` is an error.
 */
export function tokenizeLine(text: string): { ok: true; entry: ZoneEntry | undefined } | { ok: false; error: string } {
  const r = tokenizeZone(text);
  if (!r.ok) return r;
  if (r.entries.length > 1) return { ok: false, error: `expected one record, found ${r.entries.length} lines` };
  return { ok: true, entry: r.entries[0] };
}

/** What a record inherits from the lines before it (RFC 1035 §5.1); updated by parseRecordEntry. */
export interface RecordParseState {
  origin: Name;
  defaultTtl: number | undefined;
  lastTtl: number | undefined;
  lastOwner: Name | undefined;
  lastClass: number;
}

interface ParseState extends RecordParseState {
  allowInclude: boolean;
  includeDepth: number;
}

type Failure = { ok: false; error: string; line: number; fileName?: string };

const MAX_INCLUDE_DEPTH = 8;

export function parseZone(text: string, options: ZoneParseOptions = {}): ZoneParseResult {
  const state: ParseState = {
    origin: options.origin ?? Name.root,
    defaultTtl: options.defaultTtl,
    lastTtl: undefined,
    lastOwner: undefined,
    lastClass: options.defaultClass ?? RRClass.IN,
    allowInclude: options.allowInclude ?? false,
    includeDepth: 0,
  };
  const records: RR[] = [];
  const r = parseInto(text, options.fileName, state, records);
  if (!r.ok) return r;
  return { ok: true, records, origin: state.origin };
}

function parseInto(text: string, fileName: string | undefined, state: ParseState, records: RR[]): { ok: true } | Failure {
  const where = (line: number) => (fileName === undefined ? { line } : { line, fileName });
  const err = (error: string, line: number): Failure => {
    const prefix = fileName === undefined ? `line ${line}` : `${fileName}:${line}`;
    return { ok: false, error: `${prefix}: ${error}`, ...where(line) };
  };
  const tok = tokenizeZone(text);
  if (!tok.ok) return err(tok.error, tok.line);

  for (const entry of tok.entries) {
    const first = entry.tokens[0];
    if (!entry.ownerBlank && !first.quoted && first.text.startsWith('$')) {
      const d = directive(entry, fileName, state, records);
      if (!d.ok) return 'line' in d ? d : err(d.error, entry.line);
      continue;
    }
    const rr = parseRecordEntry(entry, state);
    if (!rr.ok) return err(rr.error, entry.line);
    records.push(rr.rr);
  }
  return { ok: true };
}

function directive(entry: ZoneEntry, fileName: string | undefined, state: ParseState, records: RR[]):
  { ok: true } | { ok: false; error: string } | Failure {
  const [d, ...args] = entry.tokens;
  switch (d.text.toUpperCase()) {
    case '$ORIGIN': {
      if (args.length !== 1) return { ok: false, error: '$ORIGIN takes one name' };
      const n = Name.parse(args[0].text, state.origin);
      if (!n.ok) return { ok: false, error: `$ORIGIN: ${n.error}` };
      state.origin = n.name;
      return { ok: true };
    }
    case '$TTL': {
      if (args.length !== 1) return { ok: false, error: '$TTL takes one value' };
      const t = parseTtlText(args[0].text);
      if (t === undefined || t > 0x7fffffff) return { ok: false, error: `$TTL: invalid TTL "${args[0].text}"` };
      state.defaultTtl = t;
      return { ok: true };
    }
    case '$INCLUDE': {
      if (!state.allowInclude) return { ok: false, error: '$INCLUDE is not allowed here' };
      if (args.length < 1 || args.length > 2) return { ok: false, error: '$INCLUDE takes a file name and an optional origin' };
      if (state.includeDepth >= MAX_INCLUDE_DEPTH) return { ok: false, error: '$INCLUDE nested too deeply' };
      const path = resolve(fileName === undefined ? '.' : dirname(fileName), args[0].text);
      let body: string;
      try {
        body = readFileSync(path, 'utf8');
      } catch (e) {
        return { ok: false, error: `$INCLUDE ${args[0].text}: ${(e as Error).message}` };
      }
      const savedOrigin = state.origin;
      if (args.length === 2) {
        const n = Name.parse(args[1].text, state.origin);
        if (!n.ok) return { ok: false, error: `$INCLUDE origin: ${n.error}` };
        state.origin = n.name;
      }
      state.includeDepth++;
      const r = parseInto(body, path, state, records);
      state.includeDepth--;
      // The included file's $ORIGIN does not leak back (RFC 1035 §5.1).
      state.origin = savedOrigin;
      return r;
    }
    default:
      return { ok: false, error: `unsupported directive ${d.text}` };
  }
}

/** Turns one record entry into an RR, updating the inherited owner, TTL and class. */
export function parseRecordEntry(entry: ZoneEntry, state: RecordParseState): { ok: true; rr: RR } | { ok: false; error: string } {
  const t = entry.tokens;
  let i = 0;
  let owner: Name;
  if (entry.ownerBlank) {
    if (state.lastOwner === undefined) return { ok: false, error: 'no owner name and no previous record to inherit it from' };
    owner = state.lastOwner;
  } else {
    const n = Name.parse(t[0].text, state.origin);
    if (!n.ok) return { ok: false, error: `owner: ${n.error}` };
    owner = n.name;
    i = 1;
  }
  let ttl: number | undefined;
  let cls: number | undefined;
  // TTL and class may come in either order (RFC 1035 §5.1).
  for (let k = 0; k < 2 && i < t.length; k++) {
    const text = t[i].text;
    if (ttl === undefined && /^[0-9]/.test(text)) {
      const v = parseTtlText(text);
      if (v === undefined) return { ok: false, error: `invalid TTL "${text}"` };
      ttl = v;
      i++;
    } else if (cls === undefined && rrClassFromString(text) !== undefined) {
      cls = rrClassFromString(text);
      i++;
    }
  }
  if (i >= t.length) return { ok: false, error: 'missing type' };
  const type = rrTypeFromString(t[i].text);
  if (type === undefined) return { ok: false, error: `unknown type "${t[i].text}"` };
  const fields = t.slice(i + 1);
  const rdata = rdataFromText(type, fields, state.origin);
  if (!rdata.ok) return { ok: false, error: `${t[i].text.toUpperCase()}: ${rdata.error}` };

  if (ttl === undefined) ttl = state.defaultTtl ?? state.lastTtl;
  if (ttl === undefined && type === RRType.SOA) {
    // Pre-RFC 2308 zones: the SOA minimum doubles as the default TTL.
    const b = rdata.value;
    ttl = ((b[b.length - 4] << 24) >>> 0) + (b[b.length - 3] << 16) + (b[b.length - 2] << 8) + b[b.length - 1];
  }
  if (ttl === undefined) return { ok: false, error: 'no TTL given and no $TTL or previous TTL to use' };
  if (ttl > 0x7fffffff) return { ok: false, error: `TTL ${ttl} larger than 2^31-1 (RFC 2181 §8)` };
  state.lastTtl = ttl;
  state.lastOwner = owner;
  if (cls !== undefined) state.lastClass = cls;
  return { ok: true, rr: { name: owner, type, class: state.lastClass, ttl, rdata: rdata.value } };
}
