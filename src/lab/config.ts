// zones/lab/lab.json: which zone file each lab server address serves, and which addresses are
// deliberately lame or dead. The file is the single source of truth shared with the tests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Name } from '../wire/name.ts';
import { parseZone } from '../wire/zonefile.ts';
import { AuthZone } from './zone.ts';

export interface LabServerEntry {
  readonly name: string;
  readonly address: string;
}

export interface LabZoneEntry {
  readonly name: string;
  /** Relative to the lab directory. */
  readonly file: string;
  readonly servers: readonly LabServerEntry[];
}

export interface LabSpecialServer {
  readonly address: string;
  readonly mode: 'lame' | 'dead';
  readonly delegation: string;
}

export interface LabConfig {
  readonly zones: readonly LabZoneEntry[];
  readonly specialServers: readonly LabSpecialServer[];
}

export type LabConfigResult = { ok: true; config: LabConfig } | { ok: false; error: string };
export type LoadZonesResult = { ok: true; zones: Map<string, AuthZone> } | { ok: false; error: string };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/** Reads and shape-checks lab.json in `dir`. */
export function loadLabConfig(dir: string): LabConfigResult {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(join(dir, 'lab.json'), 'utf8'));
  } catch (e) {
    return { ok: false, error: `cannot read ${join(dir, 'lab.json')}: ${(e as Error).message}` };
  }
  if (!isRecord(raw) || !Array.isArray(raw.zones) || !Array.isArray(raw.specialServers)) {
    return { ok: false, error: 'lab.json: expected "zones" and "specialServers" arrays' };
  }
  const zones: LabZoneEntry[] = [];
  for (const z of raw.zones as unknown[]) {
    if (!isRecord(z) || typeof z.name !== 'string' || typeof z.file !== 'string' || !Array.isArray(z.servers)) {
      return { ok: false, error: `lab.json: bad zone entry ${JSON.stringify(z)}` };
    }
    const servers: LabServerEntry[] = [];
    for (const s of z.servers as unknown[]) {
      if (!isRecord(s) || typeof s.name !== 'string' || typeof s.address !== 'string') {
        return { ok: false, error: `lab.json: bad server in zone ${z.name}` };
      }
      servers.push({ name: s.name, address: s.address });
    }
    zones.push({ name: z.name, file: z.file, servers });
  }
  const specialServers: LabSpecialServer[] = [];
  for (const s of raw.specialServers as unknown[]) {
    if (!isRecord(s) || typeof s.address !== 'string' || (s.mode !== 'lame' && s.mode !== 'dead') || typeof s.delegation !== 'string') {
      return { ok: false, error: `lab.json: bad special server ${JSON.stringify(s)}` };
    }
    specialServers.push({ address: s.address, mode: s.mode, delegation: s.delegation });
  }
  return { ok: true, config: { zones, specialServers } };
}

/** Parses every zone file named in the config; keyed by the zone's name key. */
export function loadZones(dir: string, config: LabConfig): LoadZonesResult {
  const zones = new Map<string, AuthZone>();
  for (const entry of config.zones) {
    const origin = Name.parse(entry.name);
    if (!origin.ok) return { ok: false, error: `lab.json: bad zone name ${entry.name}: ${origin.error}` };
    let text: string;
    try {
      text = readFileSync(join(dir, entry.file), 'utf8');
    } catch (e) {
      return { ok: false, error: `cannot read ${entry.file}: ${(e as Error).message}` };
    }
    const parsed = parseZone(text, { origin: origin.name, fileName: entry.file });
    if (!parsed.ok) return { ok: false, error: `${entry.file}:${parsed.line}: ${parsed.error}` };
    const built = AuthZone.build(origin.name, parsed.records);
    if (!built.ok) return { ok: false, error: `${entry.file}: ${built.error}` };
    zones.set(origin.name.key, built.zone);
  }
  return { ok: true, zones };
}
