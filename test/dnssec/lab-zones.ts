// The committed signed lab zones (zones/lab/signed/*.zone) as RRsets, parsed with the project's
// zone-file parser, and the lab's pinned clock: the validator unit tests' fixtures.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Name } from '../../src/wire/name.ts';
import { RRType } from '../../src/wire/constants.ts';
import { dsCodec, type DsRdata } from '../../src/wire/rdata/dnssec.ts';
import { groupRRsets } from '../../src/wire/rrset.ts';
import type { RRset } from '../../src/wire/types.ts';
import { parseZone } from '../../src/wire/zonefile.ts';
import { DEFAULT_ZONES_DIR } from '../../src/lab/server.ts';

const labJson = JSON.parse(readFileSync(join(DEFAULT_ZONES_DIR, 'lab.json'), 'utf8')) as { pinnedTime: string };
/** lab.json pinnedTime, in unix seconds. */
export const LAB_NOW = Date.parse(labJson.pinnedTime) / 1000;
export const LAB_NOW_MS = Date.parse(labJson.pinnedTime);

export interface LabZone {
  readonly origin: Name;
  readonly rrsets: readonly RRset[];
}

const loaded = new Map<string, LabZone>();

/** `zone` like "secure.lab" or "." */
export function labZone(zone: string): LabZone {
  const known = loaded.get(zone);
  if (known !== undefined) return known;
  const origin = Name.of(zone);
  const file = origin.isRoot ? 'root.zone' : `${origin.toString().replace(/\.$/, '')}.zone`;
  const r = parseZone(readFileSync(join(DEFAULT_ZONES_DIR, 'signed', file), 'utf8'), { origin });
  if (!r.ok) throw new Error(`${file}: ${r.error}`);
  const z = { origin, rrsets: groupRRsets(r.records) };
  loaded.set(zone, z);
  return z;
}

export function labSet(zone: string, name: string, type: number): RRset {
  const n = Name.of(name);
  const s = labZone(zone).rrsets.find((x) => x.type === type && x.name.equals(n));
  if (s === undefined) throw new Error(`${name}/${type} not in ${zone}`);
  return s;
}

export function labSets(zone: string, type: number): RRset[] {
  return labZone(zone).rrsets.filter((s) => s.type === type);
}

/** The DS records for `child` as its parent zone file holds them. */
export function labDs(parent: string, child: string): DsRdata[] {
  return labSet(parent, child, RRType.DS).rdata.map((r) => {
    const d = dsCodec.decode(r);
    if (!d.ok) throw new Error(d.error);
    return d.value;
  });
}
