// Response-policy zones (draft-vixie-dnsop-dns-rpz, as implemented by BIND, Unbound and Knot): a
// zone file whose owner names, relative to the zone apex, are QNAME triggers and whose records say
// what to answer instead. This module turns the file into lookup tables; rpz-answer.ts builds answers.
//
// Supported triggers: exact QNAME (`bad.example.rpz.local.`) and wildcard QNAME (`*.bad.example.rpz.local.`,
// which matches names strictly below bad.example). Other trigger kinds (rpz-ip, rpz-nsip, rpz-nsdname,
// rpz-client-ip) are skipped with a warning rather than rejected: published feeds mix trigger kinds,
// and refusing the whole feed over rules we cannot apply would drop the rules we can.
import { readFile } from 'node:fs/promises';
import { RRClass, RRType, rrTypeToString } from '../wire/constants.ts';
import { EdeCode, reason } from '../wire/ede.ts';
import type { Reason } from '../wire/ede.ts';
import { Name } from '../wire/name.ts';
import { cnameCodec, parseTtlText, soaCodec } from '../wire/rdata/basic.ts';
import type { RR, RRset } from '../wire/types.ts';
import { tokenizeZone, parseRecordEntry } from '../wire/zonefile.ts';
import type { RecordParseState } from '../wire/zonefile.ts';

export type PolicyEde = 'blocked' | 'censored' | 'filtered';

/** One entry of the `policy` config option. */
export interface PolicyZoneSpec {
  readonly file: string;
  readonly ede: PolicyEde;
  /** EXTRA-TEXT of the EDE; empty means "name the policy zone". */
  readonly text: string;
  /** Apex to use when the file does not say it with $ORIGIN or an absolute SOA owner. */
  readonly origin?: string;
}

/** One local-data RRset of a rule, owner-less: the answer's owner is the query name. */
export interface LocalRRset {
  readonly type: number;
  readonly ttl: number;
  readonly rdata: readonly Uint8Array[];
}

export type PolicyAction =
  | { readonly kind: 'nxdomain' }
  | { readonly kind: 'nodata' }
  | { readonly kind: 'passthru' }
  | { readonly kind: 'drop' }
  | { readonly kind: 'tcp-only' }
  /** Replace the answer with these records (a CNAME here is a rewrite, answered as is). */
  | { readonly kind: 'local'; readonly sets: readonly LocalRRset[] }
  /** `*.x CNAME *.garden.`: the CNAME target is the query name with `garden.` appended. */
  | { readonly kind: 'wildcard-cname'; readonly ttl: number; readonly suffix: Name };

export type PolicyActionKind = PolicyAction['kind'];

export interface PolicyRule {
  /** The trigger as written, relative to the zone apex (`*.bad.example.`), for logs and metrics. */
  readonly trigger: string;
  readonly line: number;
  readonly action: PolicyAction;
}

export interface PolicyZone {
  readonly apex: Name;
  readonly fileName: string;
  /** The SOA as a negative answer carries it: TTL = min(SOA TTL, MINIMUM) (RFC 2308 §3). */
  readonly soa: RRset;
  readonly reason: Reason;
  /** Exact QNAME triggers by lower-cased name key. */
  readonly exact: ReadonlyMap<string, PolicyRule>;
  /** Wildcard triggers by the key of the name the `*` stands below. */
  readonly wildcard: ReadonlyMap<string, PolicyRule>;
}

export interface PolicyZoneError {
  readonly fileName: string;
  /** 0 when the problem is not on one line (unreadable file, missing SOA). */
  readonly line: number;
  /** Full message, starting with `file:line:`. */
  readonly message: string;
}

export type PolicyZoneResult =
  | { ok: true; zone: PolicyZone; warnings: string[] }
  | { ok: false; error: PolicyZoneError };

const EDE_OF: Record<PolicyEde, number> = {
  blocked: EdeCode.BLOCKED,
  censored: EdeCode.CENSORED,
  filtered: EdeCode.FILTERED,
};

// The draft's special CNAME targets: each names an action rather than a rewrite.
type SignalKind = 'nxdomain' | 'nodata' | 'passthru' | 'drop' | 'tcp-only';
const ACTION_TARGETS: ReadonlyMap<string, SignalKind> = new Map<string, SignalKind>([
  ['.', 'nxdomain'],
  ['*.', 'nodata'],
  ['rpz-passthru.', 'passthru'],
  ['rpz-drop.', 'drop'],
  ['rpz-tcp-only.', 'tcp-only'],
]);

const UNSUPPORTED_TRIGGERS = new Set(['rpz-ip', 'rpz-nsip', 'rpz-nsdname', 'rpz-client-ip']);

// Types that make no sense as policy data: DNSSEC material (a policy answer is never signed) and
// delegations or DNAME below the apex (RPZ answers at the trigger name only).
const IGNORED_TYPES = new Set<number>([
  RRType.RRSIG, RRType.NSEC, RRType.NSEC3, RRType.NSEC3PARAM, RRType.DNSKEY, RRType.DS, RRType.NS, RRType.DNAME,
]);

/** RFC 2181 §8: TTLs are 31-bit. */
const MAX_TTL = 0x7fffffff;

interface Located { readonly rr: RR; readonly line: number }

type Records = { ok: true; records: Located[] } | { ok: false; line: number; error: string };

/** Reads records with their line numbers ($ORIGIN and $TTL honoured; $INCLUDE refused: one file, one zone). */
function readRecords(text: string, origin: Name): Records {
  const tok = tokenizeZone(text);
  if (!tok.ok) return { ok: false, line: tok.line, error: tok.error };
  const state: RecordParseState = { origin, defaultTtl: undefined, lastTtl: undefined, lastOwner: undefined, lastClass: RRClass.IN };
  const records: Located[] = [];
  for (const entry of tok.entries) {
    const first = entry.tokens[0];
    if (!entry.ownerBlank && !first.quoted && first.text.startsWith('$')) {
      const args = entry.tokens.slice(1);
      const d = first.text.toUpperCase();
      if (d === '$ORIGIN' && args.length === 1) {
        const n = Name.parse(args[0].text, state.origin);
        if (!n.ok) return { ok: false, line: entry.line, error: `$ORIGIN: ${n.error}` };
        state.origin = n.name;
      } else if (d === '$TTL' && args.length === 1) {
        const t = parseTtlText(args[0].text);
        if (t === undefined || t > MAX_TTL) return { ok: false, line: entry.line, error: `$TTL: invalid TTL "${args[0].text}"` };
        state.defaultTtl = t;
      } else {
        return { ok: false, line: entry.line, error: `unsupported directive ${first.text} in a policy zone` };
      }
      continue;
    }
    const r = parseRecordEntry(entry, state);
    if (!r.ok) return { ok: false, line: entry.line, error: r.error };
    records.push({ rr: r.rr, line: entry.line });
  }
  return { ok: true, records };
}

function relativeTrigger(owner: Name, apex: Name): Name {
  return Name.fromLabelsUnchecked(owner.labels.slice(0, owner.labelCount - apex.labelCount));
}

type RuleResult = { ok: true; action: PolicyAction } | { ok: false; line: number; error: string };

/** The action of one trigger from all its records. */
function ruleAction(trigger: Name, records: readonly Located[]): RuleResult {
  const cname = records.find((r) => r.rr.type === RRType.CNAME);
  if (cname !== undefined) {
    if (records.length > 1) {
      const other = records.find((r) => r !== cname)!;
      const what = other.rr.type === RRType.CNAME ? 'a second CNAME' : rrTypeToString(other.rr.type);
      return { ok: false, line: other.line, error: `${trigger}: CNAME and ${what} at the same trigger (a CNAME must stand alone, RFC 1034 §3.6.2)` };
    }
    const decoded = cnameCodec.decode(cname.rr.rdata);
    if (!decoded.ok) return { ok: false, line: cname.line, error: `CNAME: ${decoded.error}` };
    const target = decoded.value.name;
    const special = ACTION_TARGETS.get(target.key);
    if (special !== undefined) return { ok: true, action: { kind: special } };
    // The draft's older spelling of PASSTHRU: a CNAME to the trigger name itself.
    if (!trigger.isWildcard && target.equals(trigger)) return { ok: true, action: { kind: 'passthru' } };
    if (target.isWildcard) return { ok: true, action: { kind: 'wildcard-cname', ttl: cname.rr.ttl, suffix: target.parent(1) } };
    return { ok: true, action: { kind: 'local', sets: [{ type: RRType.CNAME, ttl: cname.rr.ttl, rdata: [cname.rr.rdata] }] } };
  }
  const byType = new Map<number, { ttl: number; rdata: Uint8Array[] }>();
  for (const { rr } of records) {
    const s = byType.get(rr.type);
    if (s === undefined) byType.set(rr.type, { ttl: rr.ttl, rdata: [rr.rdata] });
    else {
      s.ttl = Math.min(s.ttl, rr.ttl);
      s.rdata.push(rr.rdata);
    }
  }
  return { ok: true, action: { kind: 'local', sets: [...byType].map(([type, s]) => ({ type, ttl: s.ttl, rdata: s.rdata })) } };
}

export interface ParseRpzOptions {
  readonly fileName: string;
  readonly ede: PolicyEde;
  readonly text: string;
  readonly origin?: Name;
}

/**
 * Parses a policy zone. The first record must be the SOA, whose owner is the zone apex (from
 * $ORIGIN, an absolute owner, or `options.origin`); every other record must be below the apex.
 * Errors name the file and line; skipped records become warnings.
 */
export function parseRpzZone(text: string, options: ParseRpzOptions): PolicyZoneResult {
  const fail = (line: number, error: string): PolicyZoneResult => ({
    ok: false,
    error: { fileName: options.fileName, line, message: `${options.fileName}${line > 0 ? `:${line}` : ''}: ${error}` },
  });
  const read = readRecords(text, options.origin ?? Name.root);
  if (!read.ok) return fail(read.line, read.error);
  const [first, ...rest] = read.records;
  if (first === undefined || first.rr.type !== RRType.SOA) return fail(first?.line ?? 0, 'a policy zone starts with its SOA record');
  const apex = first.rr.name;
  if (apex.isRoot) return fail(first.line, 'the SOA is at the root: name the policy zone with $ORIGIN or an absolute owner');
  const soa = soaCodec.decode(first.rr.rdata);
  if (!soa.ok) return fail(first.line, `SOA: ${soa.error}`);

  const warnings: string[] = [];
  const warn = (line: number, message: string) => warnings.push(`${options.fileName}:${line}: ${message}`);
  const byTrigger = new Map<string, { trigger: Name; records: Located[] }>();
  for (const located of rest) {
    const { rr, line } = located;
    if (rr.class !== RRClass.IN) return fail(line, 'policy zones hold class IN records only');
    if (!rr.name.isSubdomainOf(apex)) return fail(line, `${rr.name} is outside the policy zone ${apex}`);
    if (rr.type === RRType.SOA) {
      if (rr.name.equals(apex)) return fail(line, 'a second SOA record');
      return fail(line, `SOA at ${rr.name}: a policy zone has one SOA, at its apex`);
    }
    if (rr.name.equals(apex)) {
      if (rr.type !== RRType.NS) warn(line, `${rrTypeToString(rr.type)} at the zone apex is not a trigger; ignored`);
      continue;
    }
    const trigger = relativeTrigger(rr.name, apex);
    const kind = new TextDecoder().decode(trigger.labels[trigger.labelCount - 1]).toLowerCase();
    if (UNSUPPORTED_TRIGGERS.has(kind)) {
      warn(line, `${kind} triggers are not supported; rule for ${trigger} ignored`);
      continue;
    }
    if (IGNORED_TYPES.has(rr.type)) {
      warn(line, `${rrTypeToString(rr.type)} is not policy data; ignored`);
      continue;
    }
    const t = byTrigger.get(trigger.key);
    if (t === undefined) byTrigger.set(trigger.key, { trigger, records: [located] });
    else t.records.push(located);
  }

  const exact = new Map<string, PolicyRule>();
  const wildcard = new Map<string, PolicyRule>();
  for (const { trigger, records } of byTrigger.values()) {
    const action = ruleAction(trigger, records);
    if (!action.ok) return fail(action.line, action.error);
    const rule: PolicyRule = { trigger: trigger.key, line: records[0].line, action: action.action };
    if (trigger.isWildcard) wildcard.set(trigger.parent(1).key, rule);
    else exact.set(trigger.key, rule);
  }

  const negativeTtl = Math.min(first.rr.ttl, soa.value.minimum);
  const reasonText = options.text !== '' ? options.text : `response policy zone ${apex}`;
  return {
    ok: true,
    warnings,
    zone: {
      apex,
      fileName: options.fileName,
      soa: { name: apex, type: RRType.SOA, class: RRClass.IN, ttl: negativeTtl, rdata: [first.rr.rdata], sigs: [] },
      reason: reason(EDE_OF[options.ede], reasonText),
      exact,
      wildcard,
    },
  };
}

/** Reads a file's text; injected so tests and reloads can supply their own source. */
export type ReadText = (file: string) => Promise<{ ok: true; text: string } | { ok: false; error: string }>;

export const readTextFile: ReadText = async (file) => {
  try {
    return { ok: true, text: await readFile(file, 'utf8') };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
};

/** Reads and parses one configured policy zone. */
export async function loadRpzZone(spec: PolicyZoneSpec, read: ReadText = readTextFile): Promise<PolicyZoneResult> {
  let origin: Name | undefined;
  if (spec.origin !== undefined) {
    const n = Name.parse(spec.origin.endsWith('.') ? spec.origin : `${spec.origin}.`);
    if (!n.ok) return { ok: false, error: { fileName: spec.file, line: 0, message: `${spec.file}: origin "${spec.origin}": ${n.error}` } };
    origin = n.name;
  }
  const body = await read(spec.file);
  if (!body.ok) return { ok: false, error: { fileName: spec.file, line: 0, message: `${spec.file}: cannot read: ${body.error}` } };
  return parseRpzZone(body.text, { fileName: spec.file, ede: spec.ede, text: spec.text, ...(origin ? { origin } : {}) });
}

export interface PolicyMatch {
  readonly zone: PolicyZone;
  readonly rule: PolicyRule;
}

/**
 * The rule for `qname`: zones in configured order, the first zone with any match wins (a PASSTHRU
 * there ends the search too); within a zone an exact trigger beats wildcards, and the closest
 * wildcard (the longest ancestor) beats farther ones. Cost: one map lookup per zone plus, in zones
 * with wildcards, one per ancestor of qname (at most 127).
 */
export function findPolicy(zones: readonly PolicyZone[], qname: Name): PolicyMatch | undefined {
  let ancestors: string[] | undefined;
  for (const zone of zones) {
    const exact = zone.exact.get(qname.key);
    if (exact !== undefined) return { zone, rule: exact };
    if (zone.wildcard.size === 0) continue;
    ancestors ??= ancestorKeys(qname);
    for (const key of ancestors) {
      const rule = zone.wildcard.get(key);
      if (rule !== undefined) return { zone, rule };
    }
  }
  return undefined;
}

/** Keys of qname's proper ancestors, closest first, ending with the root. */
function ancestorKeys(qname: Name): string[] {
  const keys: string[] = [];
  for (let i = 1; i <= qname.labelCount; i++) keys.push(qname.parent(i).key);
  return keys;
}
