// The parts of a scenario's Unbound config that map onto anchord resolver options: stub and forward
// zones, trust anchors, negative trust anchors (domain-insecure), QNAME minimisation and prefetch.
import { Name } from '../../src/wire/name.ts';
import type { RR } from '../../src/wire/types.ts';
import { parseCidr } from '../../src/config/address.ts';
import type { AddressPrefix } from '../../src/resolver/rebinding.ts';
import type { RrTextParser } from './packet.ts';
import { parseRplAddress, type ServerAddress } from './replay-transport.ts';
import { blockOptions, serverOption, serverOptions, type Scenario } from './rpl-parser.ts';

export interface ZoneServers {
  readonly zone: Name;
  readonly addresses: readonly ServerAddress[];
  /** forward-first / stub-first: fall back to iteration when these servers fail. */
  readonly first: boolean;
  /** forward-tcp-upstream / stub-tcp-upstream. */
  readonly tcp: boolean;
  /** forward-host / stub-host names, looked up by the resolver. */
  readonly hosts: readonly Name[];
}

export interface ScenarioResolverConfig {
  readonly stubZones: readonly ZoneServers[];
  readonly forwardZones: readonly ZoneServers[];
  /** Unbound's default is yes. */
  readonly qnameMinimisation: boolean;
  readonly trustAnchors: readonly RR[];
  readonly insecureDomains: readonly Name[];
  /** `ede: yes`: Unbound attaches EDE only then; informational, our frontend always may. */
  readonly ede: boolean;
  /** `prefetch: yes` (Unbound's default is no). */
  readonly prefetch: boolean;
  /** private-address / private-domain: the DNS-rebinding filter. */
  readonly privateAddresses: readonly AddressPrefix[];
  readonly privateDomains: readonly Name[];
}

export type ScenarioConfigResult = { ok: true; config: ScenarioResolverConfig } | { ok: false; reason: string };

function parseZoneName(text: string): Name | undefined {
  const r = Name.parse(text.endsWith('.') ? text : text + '.');
  return r.ok ? r.name : undefined;
}

function yes(v: string | undefined, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  // Unbound accepts the value quoted or not: `"no"` and `no` are the same.
  return v.trim().replace(/^"(.*)"$/, '$1').toLowerCase() === 'yes';
}

export function scenarioResolverConfig(scenario: Scenario, parseRr: RrTextParser): ScenarioConfigResult {
  const stubZones: ZoneServers[] = [];
  const forwardZones: ZoneServers[] = [];
  for (const b of scenario.config.blocks) {
    if (b.kind !== 'stub-zone' && b.kind !== 'forward-zone') continue;
    const nameText = blockOptions(b, 'name')[0];
    const zone = nameText === undefined ? undefined : parseZoneName(nameText);
    if (zone === undefined) return { ok: false, reason: `${b.kind} at line ${b.line} has no usable name` };
    const addrKey = b.kind === 'stub-zone' ? 'stub-addr' : 'forward-addr';
    const addresses = blockOptions(b, addrKey).map((a) => parseRplAddress(a.split(/\s+/)[0]));
    if (addresses.length === 0) return { ok: false, reason: `${b.kind} ${nameText} has no ${addrKey} (host names are not resolved by the harness)` };
    const prefix = b.kind === 'stub-zone' ? 'stub' : 'forward';
    const first = yes(blockOptions(b, `${prefix}-first`)[0], false);
    const tcp = yes(blockOptions(b, `${prefix}-tcp-upstream`)[0], false);
    const hosts: Name[] = [];
    for (const h of blockOptions(b, `${prefix}-host`)) {
      const n = parseZoneName(h.replace(/"/g, "").split(/[\s#@]/)[0]);
      if (n === undefined) return { ok: false, reason: `${b.kind} ${nameText} has an unusable ${prefix}-host "${h}"` };
      hosts.push(n);
    }
    (b.kind === 'stub-zone' ? stubZones : forwardZones).push({ zone, addresses, first, tcp, hosts });
  }
  const trustAnchors: RR[] = [];
  for (const ta of serverOptions(scenario.config, 'trust-anchor')) {
    const r = parseRr(ta, Name.root, 3600);
    if (!r.ok) return { ok: false, reason: `trust-anchor "${ta}": ${r.error}` };
    trustAnchors.push(r.rr);
  }
  const insecureDomains: Name[] = [];
  for (const d of serverOptions(scenario.config, 'domain-insecure')) {
    const n = parseZoneName(d.trim());
    if (n === undefined) return { ok: false, reason: `domain-insecure "${d}" is not a name` };
    insecureDomains.push(n);
  }
  const privateAddresses: AddressPrefix[] = [];
  for (const text of serverOptions(scenario.config, 'private-address')) {
    const c = parseCidr(text.trim().replace(/^"(.*)"$/, '$1'));
    if (!c.ok) return { ok: false, reason: `private-address "${text}": ${c.error}` };
    privateAddresses.push(c.value);
  }
  const privateDomains: Name[] = [];
  for (const text of serverOptions(scenario.config, 'private-domain')) {
    const n = parseZoneName(text.trim().replace(/^"(.*)"$/, '$1'));
    if (n === undefined) return { ok: false, reason: `private-domain "${text}" is not a name` };
    privateDomains.push(n);
  }
  return {
    ok: true,
    config: {
      privateAddresses,
      privateDomains,
      stubZones,
      forwardZones,
      qnameMinimisation: yes(serverOption(scenario.config, 'qname-minimisation'), true),
      trustAnchors,
      insecureDomains,
      ede: yes(serverOption(scenario.config, 'ede'), false),
      prefetch: yes(serverOption(scenario.config, 'prefetch'), false),
    },
  };
}
