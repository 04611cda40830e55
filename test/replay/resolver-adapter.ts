// Binds the harness to anchord's resolver: maps a scenario's config onto createResolver options and
// hands it the replay transport, the pinned clock, a seeded random source (server selection must be
// repeatable) and, when the scenario has trust anchors, the real validator (src/resolver/validation.ts)
// attached to the resolver's cache. Every Resolve is wrapped by the policy layer with the RFC 8509
// sentinel on (Unbound's root-key-sentinel defaults to yes), so sentinel scenarios run as in the daemon,
// and with the scenario's `access-control: PREFIX allow_snoop` lines as `allowSnoop` (everyone else
// may query, but RD=0 gets REFUSED + EDE 20, as Unbound's plain `allow`).
import { createResolver, type ResolverOptionsInput } from '../../src/resolver/index.ts';
import { seededRandom } from '../../src/resolver/clock.ts';
import { createValidatorFromRecords, type DnssecValidator } from '../../src/resolver/validation.ts';
import { keyTag } from '../../src/dnssec/keytag.ts';
import { createPolicyLayer, type PolicyLayer } from '../../src/policy/layer.ts';
import { rootAnchorKeyTags } from '../../src/policy/sentinel.ts';
import type { Outcome, Resolve } from '../../src/wire/outcome.ts';
import type { RR } from '../../src/wire/types.ts';
import { Name } from '../../src/wire/name.ts';
import type { RrTextParser } from './packet.ts';
import { serverOption, serverOptions, type Scenario } from './rpl-parser.ts';
import type { ResolverFactory } from './runner.ts';
import { scenarioResolverConfig, type ZoneServers } from './scenario-config.ts';
import { FAKE_SHA1_SIGNATURE_CHECK } from './fake-sha1.ts';

export type FactoryLoad = { ok: true; factory: ResolverFactory; validation: string } | { ok: false; reason: string };

const REPLAY_RANDOM_SEED = 5301;
/** The policy layer needs an allow list; the replay's clients are all welcome. */
const ALLOW_EVERYONE: readonly string[] = ['0.0.0.0/0', '::/0'];

/**
 * The validator for a scenario's anchors and NTAs. `fake-sha1: yes` scenarios get the replay-only
 * legacy signature check (./fake-sha1.ts); all others verify exactly as the daemon does.
 */
export function makeReplayValidator(scenario: Scenario, anchors: readonly RR[], insecure: readonly Name[]): { ok: true; validator: DnssecValidator } | { ok: false; reason: string } {
  const fakeSha1 = serverOption(scenario.config, 'fake-sha1')?.trim().toLowerCase() === 'yes';
  // Unbound's aggressive-nsec defaults to yes (since 1.15), as ours does: only an explicit "no" turns it off.
  const aggressiveNsec = serverOption(scenario.config, 'aggressive-nsec')?.trim().replace(/^"(.*)"$/, '$1').toLowerCase() !== 'no';
  const made = createValidatorFromRecords(anchors, {
    insecureDomains: insecure,
    aggressiveNsec,
    nsec3MaxIterations: nsec3IterationLimit(scenario),
    // Unbound's harden-dnssec-stripped (default yes) is anchord's hardenDnssecStripped.
    hardenDnssecStripped: yesNo(serverOption(scenario.config, 'harden-dnssec-stripped'), true),
    // harden-algo-downgrade (default no) is anchord's hardenAlgoDowngrade.
    hardenAlgoDowngrade: yesNo(serverOption(scenario.config, 'harden-algo-downgrade'), false),
    ...(fakeSha1 ? { signatureCheck: FAKE_SHA1_SIGNATURE_CHECK } : {}),
  });
  return made.ok ? made : { ok: false, reason: `trust anchors rejected: ${made.error}` };
}

/** An Unbound yes/no option, quoted or not; `dflt` when absent. */
function yesNo(v: string | undefined, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  return v.trim().replace(/^"(.*)"$/, '$1').toLowerCase() === 'yes';
}

/** Unbound's default val-nsec3-keysize-iterations is "1024 150 2048 150 4096 150" (RFC 9276 §3.2 leaves the value open). */
const UNBOUND_NSEC3_ITERATIONS = 150;

/**
 * The NSEC3 iteration limit: val-nsec3-keysize-iterations is "keysize iterations" pairs; anchord
 * has one limit, so the smallest key size's count (the strictest) is taken.
 */
function nsec3IterationLimit(scenario: Scenario): number {
  const v = serverOption(scenario.config, 'val-nsec3-keysize-iterations');
  const nums = (v ?? '').replace(/"/g, '').trim().split(/\s+/).filter((x) => /^[0-9]+$/.test(x)).map(Number);
  return nums.length >= 2 ? nums[1] : UNBOUND_NSEC3_ITERATIONS;
}

/** The prefixes of the scenario's `access-control: PREFIX allow_snoop` lines (a bare address is one host). */
export function snoopPrefixes(scenario: Scenario): string[] {
  const out: string[] = [];
  for (const v of serverOptions(scenario.config, 'access-control')) {
    const [prefix, action] = v.trim().split(/\s+/);
    if (prefix !== undefined && action?.toLowerCase() === 'allow_snoop') out.push(prefix);
  }
  return out;
}

/** The resolver's Resolve behind the policy layer (sentinel and ACL), built on first use (it is async). */
function withPolicy(next: Resolve, anchors: readonly RR[], allowSnoop: readonly string[]): Resolve {
  let layer: Promise<PolicyLayer | string> | undefined;
  return async (query): Promise<Outcome> => {
    layer ??= createPolicyLayer({ sentinel: true, policy: [], allow: ALLOW_EVERYONE, allowSnoop }, next, {
      trustAnchorKeyTags: () => rootAnchorKeyTags(anchors, keyTag),
    }).then((r) => (r.ok ? r.layer : r.error.message));
    const l = await layer;
    if (typeof l === 'string') throw new Error(`policy layer: ${l}`);
    return l.resolve(query);
  };
}

/** cache-min-ttl / cache-max-ttl / cache-max-negative-ttl, the TTL clamps both implementations have. */
function cacheOptions(scenario: Scenario): { minTtl?: number; maxTtl?: number; maxNegativeTtl?: number } {
  const num = (key: string): number | undefined => {
    const v = serverOption(scenario.config, key);
    return v !== undefined && /^[0-9]+$/.test(v.trim()) ? Number(v.trim()) : undefined;
  };
  const out: { minTtl?: number; maxTtl?: number; maxNegativeTtl?: number } = {};
  const min = num('cache-min-ttl');
  const max = num('cache-max-ttl');
  const neg = num('cache-max-negative-ttl');
  if (min !== undefined) out.minTtl = min;
  if (max !== undefined) out.maxTtl = max;
  if (neg !== undefined) out.maxNegativeTtl = neg;
  return out;
}

/** The port root hints stand for: hints carry addresses only. */
const HINTS_PORT = 53;
/** TTL of the hint records (the priming answer replaces them). */
const HINTS_TTL = 3_600_000;

export type RootStubHints = { ok: true; hints: RR[] } | { ok: false; reason: string };

/**
 * Unbound takes a stub-zone for "." as its root hints and primes from it (". NS" first), unlike a
 * stub below the root. The hints are NS records for "." and an address record per stub-addr; the
 * NS names are the stub-host names when there is one per address, else synthetic names under
 * `.invalid` (RFC 6761: they never resolve). Hints have no port, so a root stub at another port
 * than 53 cannot be expressed this way: the caller keeps it as a stub zone.
 */
export function rootStubHints(stub: ZoneServers, parseRr: RrTextParser): RootStubHints | undefined {
  if (!stub.zone.isRoot || stub.addresses.some((a) => a.port !== HINTS_PORT)) return undefined;
  const paired = stub.hosts.length === stub.addresses.length;
  const hints: RR[] = [];
  for (const [i, a] of stub.addresses.entries()) {
    const host = paired ? stub.hosts[i].toString() : `root-stub-${i + 1}.invalid.`;
    const type = a.address.includes(':') ? 'AAAA' : 'A';
    for (const text of [`. ${HINTS_TTL} IN NS ${host}`, `${host} ${HINTS_TTL} IN ${type} ${a.address}`]) {
      const r = parseRr(text, Name.root, HINTS_TTL);
      if (!r.ok) return { ok: false, reason: `root stub-addr ${a.address}: ${r.error}` };
      hints.push(r.rr);
    }
  }
  return { ok: true, hints };
}

export async function loadResolverFactory(parseRr: RrTextParser): Promise<FactoryLoad> {
  const factory: ResolverFactory = (scenario, env) => {
    const c = scenarioResolverConfig(scenario, parseRr);
    if (!c.ok) return { ok: false, reason: c.reason };
    // No stub-zone or forward-zone: the resolver keeps its built-in root hints, as testbound keeps
    // Unbound's. That sends nothing anywhere: the replay transport answers every query from the
    // scenario's ranges (none for those addresses, so unscripted queries time out in process).
    const builtInHints = c.config.stubZones.length === 0 && c.config.forwardZones.length === 0;
    const rootStub = c.config.stubZones.find((z) => z.zone.isRoot);
    const hints = rootStub === undefined ? undefined : rootStubHints(rootStub, parseRr);
    if (hints !== undefined && !hints.ok) return { ok: false, reason: hints.reason };
    const options: ResolverOptionsInput = {
      // The replay transport never sends a packet; scenario addresses are only table keys.
      allowLoopbackUpstreams: true,
      ...(hints !== undefined ? { rootHints: hints.hints, priming: true } : { priming: builtInHints }),
      doIp4: serverOption(scenario.config, 'do-ip4') !== 'no',
      doIp6: serverOption(scenario.config, 'do-ip6') !== 'no',
      stubZones: hints !== undefined ? c.config.stubZones.filter((z) => z !== rootStub) : c.config.stubZones,
      forwardZones: c.config.forwardZones,
      qnameMinimisation: c.config.qnameMinimisation,
      prefetch: c.config.prefetch,
      trustAnchors: c.config.trustAnchors,
      insecureDomains: c.config.insecureDomains,
      cache: cacheOptions(scenario),
      privateAddresses: c.config.privateAddresses,
      privateDomains: c.config.privateDomains,
    };
    let validator: DnssecValidator | undefined;
    if (c.config.trustAnchors.length > 0) {
      const v = makeReplayValidator(scenario, c.config.trustAnchors, c.config.insecureDomains);
      if (!v.ok) return { ok: false, reason: v.reason };
      validator = v.validator;
    }
    try {
      const r = createResolver(options, {
        transport: env.transport,
        clock: env.clock,
        random: seededRandom(REPLAY_RANDOM_SEED),
        ...(validator !== undefined ? { validator } : {}),
      });
      validator?.attachCache(r.cache);
      return {
        ok: true,
        resolve: withPolicy(r.resolve, c.config.trustAnchors, snoopPrefixes(scenario)),
        close: () => r.close(),
        recordRtt: (server, rttMs) => r.infra.recordRtt(server, rttMs),
      };
    } catch (e) {
      return { ok: false, reason: `createResolver rejected the config: ${e instanceof Error ? e.message : String(e)}` };
    }
  };
  return { ok: true, factory, validation: 'validator: src/resolver/validation.ts (fake-sha1 scenarios: replay-only legacy signature check)' };
}
