// The JSON config (already shape-checked by src/config/) mapped onto ResolverOptions: the files it
// names are read here (root hints, trust anchors), "ip@port" server addresses and domain names
// are parsed into values. Problems are values that name the config key, never throws: a hints
// file that vanished between validation and start-up is still a configuration error.
import { readFileSync } from 'node:fs';
import { parseCidr, parseServerAddress } from '../config/address.ts';
import type { Config } from '../config/config.ts';
import { RRType } from '../wire/constants.ts';
import { Name } from '../wire/name.ts';
import type { RR } from '../wire/types.ts';
import { parseZone } from '../wire/zonefile.ts';
import { parseRootHints } from './hints.ts';
import type { ResolverOptions, ZoneServers } from './options.ts';
import type { AddressPrefix } from './rebinding.ts';
import { DEFAULT_UPSTREAM_PORT } from './options.ts';
import type { ServerAddress } from './transport.ts';

/** The keys this mapping reads; the rest of Config is other rooms' business. */
export type ResolverConfig = Pick<
  Config,
  | 'rootHints' | 'priming' | 'trustAnchors' | 'insecureDomains' | 'upstreamPort' | 'allowLoopbackUpstreams'
  | 'doIp4' | 'doIp6' | 'qnameMinimisation' | 'prefetch' | 'forward' | 'cache' | 'limits' | 'privateAddresses' | 'privateDomains'
>;

export type OptionsFromConfigResult = { ok: true; options: ResolverOptions } | { ok: false; error: string };

type Step<T> = { ok: true; value: T } | { ok: false; error: string };

function readText(file: string, key: string): Step<string> {
  try {
    return { ok: true, value: readFileSync(file, 'utf8') };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { ok: false, error: `${key}: cannot read ${file} (${code ?? (e instanceof Error ? e.message : String(e))})` };
  }
}

function parseName(text: string, key: string): Step<Name> {
  const r = Name.parse(text);
  return r.ok ? { ok: true, value: r.name } : { ok: false, error: `${key}: ${JSON.stringify(text)}: ${r.error}` };
}

/** DS and DNSKEY records of one trust-anchor file; a file with neither is an error (it would silently disable validation of its zone). */
export function readTrustAnchorRecords(file: string, key = 'trustAnchors'): Step<RR[]> {
  const text = readText(file, key);
  if (!text.ok) return text;
  const parsed = parseZone(text.value, { fileName: file });
  if (!parsed.ok) return { ok: false, error: `${key}: ${file}: ${parsed.error}` };
  const records = parsed.records.filter((rr) => rr.type === RRType.DS || rr.type === RRType.DNSKEY);
  if (records.length === 0) return { ok: false, error: `${key}: ${file} holds no DS or DNSKEY record` };
  return { ok: true, value: records };
}

function forwardZones(config: ResolverConfig): Step<ZoneServers[]> {
  const out: ZoneServers[] = [];
  for (const [i, rule] of config.forward.entries()) {
    const zone = parseName(rule.zone, `forward[${i}].zone`);
    if (!zone.ok) return zone;
    const addresses: ServerAddress[] = [];
    for (const [j, text] of rule.addresses.entries()) {
      const a = parseServerAddress(text, DEFAULT_UPSTREAM_PORT);
      if (!a.ok) return { ok: false, error: `forward[${i}].addresses[${j}]: ${a.error}` };
      addresses.push({ address: a.value.host, port: a.value.port });
    }
    out.push({ zone: zone.value, addresses });
  }
  return { ok: true, value: out };
}

/** Reads the files the config names and builds the resolver's options. */
export function optionsFromConfig(config: ResolverConfig): OptionsFromConfigResult {
  const hintsText = readText(config.rootHints, 'rootHints');
  if (!hintsText.ok) return hintsText;
  const hints = parseRootHints(hintsText.value, config.rootHints);
  if (!hints.ok) return { ok: false, error: `rootHints: ${config.rootHints}: ${hints.error}` };

  const trustAnchors: RR[] = [];
  for (const [i, file] of config.trustAnchors.entries()) {
    const r = readTrustAnchorRecords(file, `trustAnchors[${i}]`);
    if (!r.ok) return r;
    trustAnchors.push(...r.value);
  }

  const insecureDomains: Name[] = [];
  for (const [i, text] of config.insecureDomains.entries()) {
    const n = parseName(text, `insecureDomains[${i}]`);
    if (!n.ok) return n;
    insecureDomains.push(n.value);
  }

  const forward = forwardZones(config);
  if (!forward.ok) return forward;

  const privateAddresses: AddressPrefix[] = [];
  for (const [i, text] of config.privateAddresses.entries()) {
    const c = parseCidr(text);
    if (!c.ok) return { ok: false, error: `privateAddresses[${i}]: ${c.error}` };
    privateAddresses.push(c.value);
  }
  const privateDomains: Name[] = [];
  for (const [i, text] of config.privateDomains.entries()) {
    const n = parseName(text, `privateDomains[${i}]`);
    if (!n.ok) return n;
    privateDomains.push(n.value);
  }

  const l = config.limits;
  return {
    ok: true,
    options: {
      rootHints: hints.records,
      priming: config.priming,
      trustAnchors,
      insecureDomains,
      upstreamPort: config.upstreamPort,
      allowLoopbackUpstreams: config.allowLoopbackUpstreams,
      doIp4: config.doIp4,
      doIp6: config.doIp6,
      qnameMinimisation: config.qnameMinimisation,
      prefetch: config.prefetch,
      forwardZones: forward.value,
      stubZones: [],
      cache: { ...config.cache },
      limits: {
        maxReferralDepth: l.maxReferralDepth,
        maxUpstreamQueriesPerQuery: l.maxUpstreamQueriesPerQuery,
        maxNsNamesPerDelegation: l.maxNsNamesPerDelegation,
        maxAttemptsPerServer: l.maxAttemptsPerServer,
        maxConcurrentSubqueries: l.maxConcurrentSubqueries,
        queryDeadlineMs: l.queryDeadlineMs,
        upstreamTimeoutMs: l.upstreamTimeoutMs,
        maxCnameChain: l.maxCnameChain,
      },
      privateAddresses,
      privateDomains,
    },
  };
}
