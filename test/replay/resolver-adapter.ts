// Binds the harness to anchord's resolver: maps a scenario's config onto createResolver options and
// hands it the replay transport, the pinned clock, a seeded random source (server selection must be
// repeatable) and, when the scenario has trust anchors and the dnssec room provides one, a validator.
import { createResolver, type ResolverOptionsInput, type Validator } from '../../src/resolver/index.ts';
import { seededRandom } from '../../src/resolver/clock.ts';
import type { RR } from '../../src/wire/types.ts';
import type { Name } from '../../src/wire/name.ts';
import type { RrTextParser } from './packet.ts';
import { serverOption, type Scenario } from './rpl-parser.ts';
import type { ResolverFactory } from './runner.ts';
import { scenarioResolverConfig } from './scenario-config.ts';

/** What the harness needs from the dnssec room: a validator built from anchors and NTAs. */
export type MakeValidator = (anchors: readonly RR[], insecure: readonly Name[]) => Validator | { ok: false; reason: string };

export type FactoryLoad = { ok: true; factory: ResolverFactory; validation: string } | { ok: false; reason: string };

const REPLAY_RANDOM_SEED = 5301;
const DNSSEC_MODULE = '../../src/dnssec/index.ts';

/**
 * The dnssec room's validator factory, looked up at run time because that room lands after this
 * one. Accepted exports, in order: createValidator({ trustAnchors, insecureDomains, clock }).
 */
async function loadValidatorMaker(): Promise<{ ok: true; make: (anchors: readonly RR[], insecure: readonly Name[], now: () => number) => Validator } | { ok: false; reason: string }> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(DNSSEC_MODULE)) as Record<string, unknown>;
  } catch (e) {
    return { ok: false, reason: `no validator (${e instanceof Error ? e.message.split('\n')[0] : String(e)})` };
  }
  const create = mod.createValidator;
  if (typeof create !== 'function') return { ok: false, reason: 'src/dnssec/index.ts exports no createValidator' };
  return {
    ok: true,
    make: (anchors, insecure, now) => create({ trustAnchors: anchors, insecureDomains: insecure, clock: { now } }) as Validator,
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

export async function loadResolverFactory(parseRr: RrTextParser): Promise<FactoryLoad> {
  const validatorMaker = await loadValidatorMaker();
  const factory: ResolverFactory = (scenario, env) => {
    const c = scenarioResolverConfig(scenario, parseRr);
    if (!c.ok) return { ok: false, reason: c.reason };
    if (c.config.stubZones.length === 0 && c.config.forwardZones.length === 0) {
      return { ok: false, reason: 'no stub-zone or forward-zone: would need the real root servers' };
    }
    const options: ResolverOptionsInput = {
      // The replay transport never sends a packet; scenario addresses are only table keys.
      allowLoopbackUpstreams: true,
      priming: false,
      doIp4: serverOption(scenario.config, 'do-ip4') !== 'no',
      doIp6: serverOption(scenario.config, 'do-ip6') !== 'no',
      stubZones: c.config.stubZones,
      forwardZones: c.config.forwardZones,
      qnameMinimisation: c.config.qnameMinimisation,
      trustAnchors: c.config.trustAnchors,
      insecureDomains: c.config.insecureDomains,
      cache: cacheOptions(scenario),
    };
    let validator: Validator | undefined;
    if (c.config.trustAnchors.length > 0) {
      if (!validatorMaker.ok) return { ok: false, reason: `has trust anchors but ${validatorMaker.reason}` };
      validator = validatorMaker.make(c.config.trustAnchors, c.config.insecureDomains, () => env.clock.now());
    }
    try {
      const r = createResolver(options, {
        transport: env.transport,
        clock: env.clock,
        random: seededRandom(REPLAY_RANDOM_SEED),
        ...(validator !== undefined ? { validator } : {}),
      });
      return { ok: true, resolve: r.resolve, close: () => r.close() };
    } catch (e) {
      return { ok: false, reason: `createResolver rejected the config: ${e instanceof Error ? e.message : String(e)}` };
    }
  };
  return { ok: true, factory, validation: validatorMaker.ok ? 'validator loaded' : validatorMaker.reason };
}
