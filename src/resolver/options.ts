// The resolver's typed options. Every key has a default, so tests and the replay harness pass only
// what they care about; the config room validates the JSON file with the same key names and
// `optionsFromConfig` (./config-options.ts) maps it here.
import type { Name } from '../wire/name.ts';
import type { RR } from '../wire/types.ts';
import type { AddressPrefix } from './rebinding.ts';
import type { ServerAddress } from './transport.ts';

/** A zone and the servers that answer for it. */
export interface ZoneServers {
  readonly zone: Name;
  readonly addresses: readonly ServerAddress[];
  /**
   * forward-first / stub-first: when none of these servers gives a usable answer, resolve the
   * question by ordinary iteration instead of failing (absent means false: the zone's servers only).
   */
  readonly first?: boolean;
  /** Ask these servers over TCP from the start (forward-tcp-upstream / stub-tcp-upstream). */
  readonly tcp?: boolean;
  /**
   * Server host names (forward-host / stub-host): their addresses are looked up when the fixed
   * addresses fail, like NS names without glue.
   */
  readonly hosts?: readonly Name[];
}

export interface CacheOptions {
  /** Approximate memory bound, in bytes (lru-cache maxSize with our own size estimate). */
  readonly maxBytes: number;
  readonly minTtl: number;
  readonly maxTtl: number;
  readonly maxNegativeTtl: number;
  /** For the validator: how long a bogus verdict is kept. The resolver only carries it. */
  readonly bogusTtl: number;
}

export interface Limits {
  readonly maxReferralDepth: number;
  readonly maxUpstreamQueriesPerQuery: number;
  readonly maxNsNamesPerDelegation: number;
  /** Queries one question may send to one server address, its first included (Unbound's outbound-msg-retry). */
  readonly maxAttemptsPerServer: number;
  readonly maxConcurrentSubqueries: number;
  readonly queryDeadlineMs: number;
  readonly upstreamTimeoutMs: number;
  readonly maxCnameChain: number;
}

export interface ResolverOptions {
  /** Root hints as records (NS for "." plus A/AAAA); see parseRootHints in ./hints.ts. */
  readonly rootHints: readonly RR[];
  /** Ask a hint server for ". NS" before the first iteration (RFC 8109). */
  readonly priming: boolean;
  /** DS/DNSKEY records; carried for the validator, which decides what they mean. */
  readonly trustAnchors: readonly RR[];
  /** Negative trust anchors (RFC 7646), carried for the validator. */
  readonly insecureDomains: readonly Name[];
  readonly upstreamPort: number;
  readonly allowLoopbackUpstreams: boolean;
  readonly doIp4: boolean;
  readonly doIp6: boolean;
  readonly qnameMinimisation: boolean;
  /** Recursive resolvers to forward to (RD=1, CD=1, DO=1). */
  readonly forwardZones: readonly ZoneServers[];
  /**
   * Authoritative servers for a zone used instead of following referrals to it, without priming:
   * the replay harness's "stub-zone". A stub for "." replaces the root hints.
   */
  readonly stubZones: readonly ZoneServers[];
  readonly cache: CacheOptions;
  readonly limits: Limits;
  /**
   * Refresh a cached answer in the background when a client is served it in the last tenth of its
   * TTL (Unbound's `prefetch`, default off there too): popular names then never expire.
   */
  readonly prefetch: boolean;
  /**
   * DNS-rebinding protection (Unbound's private-address): A/AAAA records in these netblocks, and
   * SVCB/HTTPS records hinting at them, are removed from upstream replies.
   */
  readonly privateAddresses: readonly AddressPrefix[];
  /** Names at or below these domains may hold private addresses (Unbound's private-domain). */
  readonly privateDomains: readonly Name[];
}

/** What callers pass: any subset, sections merged key by key with the defaults. */
export type ResolverOptionsInput = Partial<Omit<ResolverOptions, 'cache' | 'limits'>> & {
  readonly cache?: Partial<CacheOptions>;
  readonly limits?: Partial<Limits>;
};

const MIB = 1024 * 1024;

export const DEFAULT_CACHE: CacheOptions = { maxBytes: 64 * MIB, minTtl: 0, maxTtl: 86_400, maxNegativeTtl: 3600, bogusTtl: 60 };

export const DEFAULT_LIMITS: Limits = {
  maxReferralDepth: 30,
  maxUpstreamQueriesPerQuery: 100,
  maxNsNamesPerDelegation: 5,
  maxAttemptsPerServer: 5,
  maxConcurrentSubqueries: 8,
  queryDeadlineMs: 10_000,
  upstreamTimeoutMs: 1500,
  maxCnameChain: 16,
};

export const DEFAULT_UPSTREAM_PORT = 53;

export function resolveOptions(input: ResolverOptionsInput): ResolverOptions {
  return {
    rootHints: input.rootHints ?? [],
    priming: input.priming ?? true,
    trustAnchors: input.trustAnchors ?? [],
    insecureDomains: input.insecureDomains ?? [],
    upstreamPort: input.upstreamPort ?? DEFAULT_UPSTREAM_PORT,
    allowLoopbackUpstreams: input.allowLoopbackUpstreams ?? false,
    doIp4: input.doIp4 ?? true,
    doIp6: input.doIp6 ?? true,
    qnameMinimisation: input.qnameMinimisation ?? true,
    forwardZones: input.forwardZones ?? [],
    stubZones: input.stubZones ?? [],
    cache: { ...DEFAULT_CACHE, ...input.cache },
    limits: { ...DEFAULT_LIMITS, ...input.limits },
    prefetch: input.prefetch ?? false,
    privateAddresses: input.privateAddresses ?? [],
    privateDomains: input.privateDomains ?? [],
  };
}
