// Wires the rooms into one daemon (DESIGN.md: listener → frontend → policy → resolver → validator):
// the resolver over an observed UDP/TCP transport, the validator from the configured trust
// anchors, the policy layer around the resolver, the metrics fed from all of them, and the reload
// coordinator over the parts that can change at run time. Opens no sockets: start.ts does.
import type { Config } from '../config/config.ts';
import { createReloadCoordinator, type ReloadCoordinator, type ReloadReport } from '../control/reload.ts';
import { withFields, type Logger } from '../log/logger.ts';
import { Metrics, type PolicyAction as MetricsPolicyAction } from '../metrics/registry.ts';
import { createPolicyLayer, type PolicyLayer } from '../policy/layer.ts';
import type { PolicyActionKind } from '../policy/rpz.ts';
import { systemClock, type Clock, type RandomSource } from '../resolver/clock.ts';
import { optionsFromConfig } from '../resolver/config-options.ts';
import { createResolver, type PrefetchResult, type Resolver } from '../resolver/index.ts';
import type { UpstreamTransport } from '../resolver/transport.ts';
import { createUdpTcpTransport, type TransportStats } from '../resolver/udp-tcp-transport.ts';
import type { Resolve } from '../wire/outcome.ts';
import { withDataFiles } from './data-files.ts';
import { observeResolve } from './observed-resolve.ts';
import { configPart, loadAnchors, policyPart, trustAnchorsPart, type ConfigHolder } from './reload.ts';
import { createTrustAnchorSlot, type TrustAnchorSlot } from './trust-anchors.ts';
import { observeTransport, observeValidator, UpstreamTally } from './upstream-metrics.ts';
import { createServfailLog } from '../log/servfail.ts';

export interface AssembleOptions {
  readonly logger: Logger;
  /** Default: the system clock (Unix milliseconds: the validator compares it with RRSIG times). */
  readonly clock?: Clock;
  /** Default: createUdpTcpTransport with the config's allowLoopbackUpstreams. */
  readonly transport?: UpstreamTransport;
  readonly random?: RandomSource;
  /** The config file, re-read by reload(); without it reload() re-reads the anchor and policy files only. */
  readonly configFile?: string;
  /** Default true; tests turn process_* metrics off to keep scrapes small. */
  readonly defaultMetrics?: boolean;
}

export interface Assembly {
  /** The Resolve to serve: policy around resolver around validator, observed for metrics and logs. */
  readonly resolve: Resolve;
  readonly resolver: Resolver;
  readonly policy: PolicyLayer;
  readonly metrics: Metrics;
  readonly anchors: TrustAnchorSlot;
  /** The real transport's counters; undefined when a transport was injected. */
  readonly transportStats?: TransportStats;
  /** The config in force (a reload may have replaced the reloadable keys). */
  config(): Config;
  /** Re-reads config, trust anchors and policy zones; never rejects. */
  reload(): Promise<ReloadReport>;
  close(): void;
}

export type AssembleResult = ({ ok: true } & Assembly) | { ok: false; error: string };

/** The policy room's action names onto the metric's label set. */
function policyActionLabel(kind: PolicyActionKind): MetricsPolicyAction {
  switch (kind) {
    case 'nxdomain':
    case 'nodata':
    case 'passthru':
    case 'drop':
      return kind;
    case 'tcp-only':
      return 'tcp_only';
    case 'local':
    case 'wildcard-cname':
      return 'local_data';
  }
}

export async function assembleDaemon(input: Config, o: AssembleOptions): Promise<AssembleResult> {
  const holder: ConfigHolder = { current: withDataFiles(input) };
  const config = holder.current;
  const logger = o.logger;

  const options = optionsFromConfig(config);
  if (!options.ok) return { ok: false, error: options.error };
  const anchors = loadAnchors(config);
  if (!anchors.ok) return { ok: false, error: anchors.error };

  // Created first so every hook below can count; the policy zone names are only known after the
  // policy files are read, and Metrics takes them at construction, hence the late binding.
  let metrics: Metrics | undefined;
  // With metrics disabled nothing is counted per query (the Metrics object still exists for the
  // Assembly's callers, it just stays at zero): prom-client updates cost a few % of a cached answer.
  const counting = config.metrics.enabled;
  const slot = createTrustAnchorSlot(
    {
      nsec3MaxIterations: config.nsec3MaxIterations,
      aggressiveNsec: config.aggressiveNsec,
      bogusTtl: config.cache.bogusTtl,
      hardenDnssecStripped: config.hardenDnssecStripped,
      hardenAlgoDowngrade: config.hardenAlgoDowngrade,
      limits: { maxVerificationsPerQuery: config.limits.maxValidationsPerQuery, maxNsec3HashesPerResponse: config.limits.maxNsec3HashesPerResponse },
    },
    (security) => (counting ? metrics?.countValidation(security) : undefined),
  );
  const installed = slot.install(anchors.records, anchors.insecureDomains);
  if (!installed.ok) return { ok: false, error: `trustAnchors: ${installed.error}` };

  let resolver: Resolver | undefined;
  const downstream: Resolve = (q) => {
    if (resolver === undefined) throw new Error('resolver used before assembly finished'); // a bug in this file
    return resolver.resolve(q);
  };
  const made = await createPolicyLayer({ sentinel: config.sentinel, policy: config.policy, allow: config.allow, allowSnoop: config.allowSnoop }, downstream, {
    trustAnchorKeyTags: () => slot.rootKeyTags(),
    onSentinel: (hit) => counting && metrics?.countSentinel(hit.kind, hit.result === 'answer' ? 'answered' : 'servfail'),
    onPolicyHit: (hit) => counting && metrics?.countPolicyHit(hit.zone, policyActionLabel(hit.action)),
  });
  if (!made.ok) return { ok: false, error: `policy: ${made.error.message}` };
  const policy = made.layer;
  for (const w of made.warnings) logger.warn(`policy: ${w}`);

  const m = new Metrics({ policyZones: policy.describe().zones.map((z) => z.apex), defaultMetrics: o.defaultMetrics ?? true });
  metrics = m;

  let base: UpstreamTransport;
  let transportStats: TransportStats | undefined;
  if (o.transport !== undefined) {
    base = o.transport;
  } else {
    const real = createUdpTcpTransport({ allowLoopbackUpstreams: config.allowLoopbackUpstreams });
    base = real;
    transportStats = real.stats;
  }
  const tally = counting ? new UpstreamTally() : undefined;
  const transport = counting ? observeTransport(base, m, tally) : base;
  const r = createResolver(options.options, {
    transport,
    clock: o.clock ?? systemClock,
    validator: tally !== undefined ? observeValidator(slot.validator, tally, (kind) => m.countAggressiveNsec(kind)) : slot.validator,
    log: withFields(logger, { room: 'resolver' }),
    ...(counting ? { onPrefetch: (result: PrefetchResult) => m.countPrefetch(result) } : {}),
    ...(o.random !== undefined ? { random: o.random } : {}),
  });
  resolver = r;
  slot.attachCache(r.cache);
  m.setCacheStatsSource(() => ({ entries: r.cache.size, bytes: r.cache.bytes }));

  const coordinator: ReloadCoordinator = createReloadCoordinator({
    parts: [...(o.configFile !== undefined ? [configPart(o.configFile, holder, logger)] : []), trustAnchorsPart(holder, slot, r.cache), policyPart(holder, policy)],
    logger,
  });

  const resolve = observeResolve(policy.resolve, {
    ...(tally !== undefined ? { metrics: { counters: m, cacheStats: r.cache.stats, tally } } : {}),
    logServfail: createServfailLog(logger, { clock: o.clock ?? systemClock }),
  });
  const describeAnchors = slot.enabled ? `trust anchors for ${slot.anchors.map((a) => a.zone.toString()).join(' ')} (root key tags ${slot.rootKeyTags().join(', ') || 'none'})` : 'validation off (no trust anchors)';
  logger.info(`resolver ready: ${describeAnchors}`);

  return {
    ok: true,
    resolve,
    resolver: r,
    policy,
    metrics: m,
    anchors: slot,
    ...(transportStats !== undefined ? { transportStats } : {}),
    config: () => holder.current,
    reload: () => coordinator.reload(),
    close: () => r.close(),
  };
}
