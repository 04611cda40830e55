// The reloadable parts of an assembled daemon, for the control room's reload coordinator (SIGHUP
// and `anchord control reload`): the config file, then the trust anchors and the policy zones it
// names. Each part loads completely before it swaps anything in; a failure keeps the running
// version. Keys that need new sockets or a new resolver (listen, cache, limits...) are only read at
// start: a reload that changes them says so in the log instead of half-applying them.
import type { Config } from '../config/config.ts';
import { loadConfig } from '../config/load.ts';
import type { Logger } from '../log/logger.ts';
import type { PolicyLayer } from '../policy/layer.ts';
import type { ReloadablePart } from '../control/reload.ts';
import type { RRsetCache } from '../resolver/cache.ts';
import { readTrustAnchorRecords } from '../resolver/config-options.ts';
import { Name } from '../wire/name.ts';
import type { RR } from '../wire/types.ts';
import { withDataFiles } from './data-files.ts';
import type { TrustAnchorSlot } from './trust-anchors.ts';

/** Top-level keys a reload applies; every other key needs a restart. */
const RELOADABLE_KEYS: ReadonlySet<string> = new Set(['trustAnchors', 'insecureDomains', 'policy', 'allow', 'allowSnoop', 'sentinel']);

export interface ConfigHolder {
  current: Config;
}

export type AnchorsLoad = { ok: true; records: RR[]; insecureDomains: Name[] } | { ok: false; error: string };

/** Reads every trust-anchor file of `config` and parses its negative anchors. */
export function loadAnchors(config: Pick<Config, 'trustAnchors' | 'insecureDomains'>): AnchorsLoad {
  const records: RR[] = [];
  for (const [i, file] of config.trustAnchors.entries()) {
    const r = readTrustAnchorRecords(file, `trustAnchors[${i}]`);
    if (!r.ok) return r;
    records.push(...r.value);
  }
  const insecureDomains: Name[] = [];
  for (const [i, text] of config.insecureDomains.entries()) {
    const n = Name.parse(text);
    if (!n.ok) return { ok: false, error: `insecureDomains[${i}]: ${n.error}` };
    insecureDomains.push(n.name);
  }
  return { ok: true, records, insecureDomains };
}

export function configPart(file: string, holder: ConfigHolder, logger: Logger): ReloadablePart {
  return {
    name: 'config',
    async reload() {
      const loaded = await loadConfig(file);
      if (!loaded.ok) return { ok: false, error: loaded.errors.join('; ') };
      const next = withDataFiles(loaded.config);
      const old = holder.current as unknown as Record<string, unknown>;
      const fresh = next as unknown as Record<string, unknown>;
      const restartOnly = Object.keys(fresh).filter((k) => !RELOADABLE_KEYS.has(k) && JSON.stringify(fresh[k]) !== JSON.stringify(old[k]));
      if (restartOnly.length > 0) logger.warn(`reload: ${restartOnly.join(', ')} changed; these take effect at the next restart`, { keys: restartOnly });
      holder.current = next;
      return { ok: true };
    },
  };
}

export function trustAnchorsPart(holder: ConfigHolder, slot: TrustAnchorSlot, cache: RRsetCache): ReloadablePart {
  return {
    name: 'trustAnchors',
    async reload() {
      const loaded = loadAnchors(holder.current);
      if (!loaded.ok) return loaded;
      const installed = slot.install(loaded.records, loaded.insecureDomains);
      if (!installed.ok) return installed;
      // Cached verdicts were reached from the old anchors: they must not outlive them.
      if (installed.changed) cache.clear();
      return { ok: true };
    },
  };
}

export function policyPart(holder: ConfigHolder, policy: PolicyLayer): ReloadablePart {
  return {
    name: 'policy',
    async reload() {
      const c = holder.current;
      const r = await policy.reload({ sentinel: c.sentinel, policy: c.policy, allow: c.allow, allowSnoop: c.allowSnoop });
      return r.ok ? { ok: true } : { ok: false, error: r.error.message };
    },
  };
}
