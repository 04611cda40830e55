// The policy layer: a Resolve that wraps the resolver's Resolve. Order per query:
//   1. access control (REFUSED + EDE 18; nothing else runs for a refused client),
//   2. response-policy zones, before recursion (a blocked name costs no upstream query); they are
//      local data, so they answer RD=0 queries too (RFC 1034 §4.3.1, as Unbound's local zones do),
//   3. non-recursive (RD=0) queries: REFUSED + EDE 20 unless the client is in `allowSnoop`, whose
//      RD=0 queries the resolver answers from its cache alone (a cached answer or a referral),
//   4. the downstream resolver,
//   5. the RFC 8509 sentinel, which needs the downstream's validation verdict.
// Configuration lives in one immutable snapshot; reload() builds a new one completely and swaps it in
// one assignment, so a query sees either the old policy or the new, never a mix.
import { RRClass } from '../wire/constants.ts';
import type { ClientQuery, Outcome, Resolve } from '../wire/outcome.ts';
import { createAcl, nonRecursiveRefusedOutcome, refusedOutcome } from './acl.ts';
import type { Acl } from './acl.ts';
import { findPolicy, loadRpzZone, readTextFile } from './rpz.ts';
import type { PolicyActionKind, PolicyZone, PolicyZoneError, PolicyZoneSpec, ReadText } from './rpz.ts';
import { policyOutcome } from './rpz-answer.ts';
import { applySentinel } from './sentinel.ts';
import type { SentinelHit, TrustAnchorKeyTags } from './sentinel.ts';

/** The reloadable part of the policy: the config keys `sentinel`, `policy`, `allow` and `allowSnoop`. */
export interface PolicyConfig {
  readonly sentinel: boolean;
  readonly policy: readonly PolicyZoneSpec[];
  readonly allow: readonly string[];
  /**
   * Prefixes whose clients may also ask non-recursive (RD=0) questions, answered from the cache
   * only (Unbound's `allow_snoop`). They may query at all even when `allow` leaves them out.
   * Absent: nobody may (every RD=0 query is REFUSED + EDE 20).
   */
  readonly allowSnoop?: readonly string[];
}

export interface PolicyHit {
  /** The policy zone's apex, e.g. "rpz.example.". */
  readonly zone: string;
  readonly trigger: string;
  readonly action: PolicyActionKind;
}

export interface PolicyHooks {
  /** The root trust anchors' key tags; asked per sentinel query, so anchor updates apply at once. */
  readonly trustAnchorKeyTags: TrustAnchorKeyTags;
  readonly onSentinel?: (hit: SentinelHit) => void;
  readonly onPolicyHit?: (hit: PolicyHit) => void;
  readonly onRefused?: (address: string) => void;
  /** Where zone files come from (tests inject; default: the file system). */
  readonly readText?: ReadText;
}

export type PolicyLoadError =
  | { readonly kind: 'zone'; readonly message: string; readonly zone: PolicyZoneError }
  | { readonly kind: 'allow'; readonly message: string }
  | { readonly kind: 'allowSnoop'; readonly message: string };

export type PolicyLoadResult = { ok: true; warnings: string[] } | { ok: false; error: PolicyLoadError };

export interface PolicyLayer {
  /** The wrapped Resolve to hand to the frontend. */
  readonly resolve: Resolve;
  /** The frontend's early check, before it decodes more than it must. */
  isAllowed(address: string): boolean;
  /** The ready-made refusal for a client that `isAllowed` rejected. */
  refuse(address: string): Outcome;
  /**
   * Re-reads the zone files (of `config` when given, else of the current config) and swaps the
   * policy in atomically. On failure the running policy stays as it was and the error says why.
   */
  reload(config?: PolicyConfig): Promise<PolicyLoadResult>;
  /** What is loaded now: zone apexes and rule counts, for logs. */
  describe(): { zones: { apex: string; file: string; rules: number }[]; allow: readonly string[]; allowSnoop: readonly string[]; sentinel: boolean };
}

interface Snapshot {
  readonly config: PolicyConfig;
  readonly acl: Acl;
  /** The clients whose RD=0 queries are answered from cache. */
  readonly snoop: Acl;
  readonly zones: readonly PolicyZone[];
}

type SnapshotResult = { ok: true; snapshot: Snapshot; warnings: string[] } | { ok: false; error: PolicyLoadError };

async function buildSnapshot(config: PolicyConfig, read: ReadText): Promise<SnapshotResult> {
  const acl = createAcl(config.allow);
  if (!acl.ok) return { ok: false, error: { kind: 'allow', message: acl.error } };
  const snoop = createAcl(config.allowSnoop ?? [], 'allowSnoop');
  if (!snoop.ok) return { ok: false, error: { kind: 'allowSnoop', message: snoop.error } };
  const zones: PolicyZone[] = [];
  const warnings: string[] = [];
  for (const spec of config.policy) {
    const z = await loadRpzZone(spec, read);
    if (!z.ok) return { ok: false, error: { kind: 'zone', message: z.error.message, zone: z.error } };
    zones.push(z.zone);
    warnings.push(...z.warnings);
  }
  return { ok: true, snapshot: { config, acl: acl.acl, snoop: snoop.acl, zones }, warnings };
}

/** A client may query when it is in `allow` or in `allowSnoop` (which allows more, never less). */
function isAllowedBy(snap: Snapshot, address: string): boolean {
  return snap.acl.isAllowed(address) || snap.snoop.isAllowed(address);
}

export type CreatePolicyLayerResult = { ok: true; layer: PolicyLayer; warnings: string[] } | { ok: false; error: PolicyLoadError };

export async function createPolicyLayer(config: PolicyConfig, next: Resolve, hooks: PolicyHooks): Promise<CreatePolicyLayerResult> {
  const read = hooks.readText ?? readTextFile;
  const first = await buildSnapshot(config, read);
  if (!first.ok) return first;
  let current = first.snapshot;
  // Reloads may overlap (two SIGHUPs); only the latest request may install its result.
  let generation = 0;

  const resolve: Resolve = async (query: ClientQuery) => {
    const snap = current;
    const address = query.client.address;
    if (!isAllowedBy(snap, address)) {
      hooks.onRefused?.(address);
      return refusedOutcome(address);
    }
    // RPZ triggers are names in class IN zones; other classes (CH for id.server) are not policy's.
    if (snap.zones.length > 0 && query.question.class === RRClass.IN) {
      const match = findPolicy(snap.zones, query.question.name);
      if (match !== undefined) {
        hooks.onPolicyHit?.({ zone: match.zone.apex.toString(), trigger: match.rule.trigger, action: match.rule.action.kind });
        const outcome = policyOutcome(match, query);
        if (outcome !== undefined) return outcome;
      }
    }
    // Only here, after the local data above: plain `allow` clients never see what the cache holds.
    if (!query.rd && !snap.snoop.isAllowed(address)) {
      return nonRecursiveRefusedOutcome(address);
    }
    const outcome = await next(query);
    if (!snap.config.sentinel) return outcome;
    const s = applySentinel(query, outcome, hooks.trustAnchorKeyTags);
    if (s.hit !== undefined) hooks.onSentinel?.(s.hit);
    return s.outcome;
  };

  const layer: PolicyLayer = {
    resolve,
    isAllowed: (address) => isAllowedBy(current, address),
    refuse: refusedOutcome,
    async reload(config) {
      const mine = ++generation;
      const built = await buildSnapshot(config ?? current.config, read);
      if (!built.ok) return built;
      if (mine !== generation) return { ok: true, warnings: [...built.warnings, 'a newer reload superseded this one'] };
      current = built.snapshot;
      return { ok: true, warnings: built.warnings };
    },
    describe() {
      return {
        zones: current.zones.map((z) => ({ apex: z.apex.toString(), file: z.fileName, rules: z.exact.size + z.wildcard.size })),
        allow: current.config.allow,
        allowSnoop: current.config.allowSnoop ?? [],
        sentinel: current.config.sentinel,
      };
    },
  };
  return { ok: true, layer, warnings: first.warnings };
}
