// Loads the signed zones in test/fixtures/dnssec/ (made by scripts/make-dnssec-fixtures.sh with BIND's
// dnssec-signzone) as RRsets, through the project's own zone-file parser.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Name } from '../../src/wire/name.ts';
import { RRType } from '../../src/wire/constants.ts';
import { parseZone } from '../../src/wire/zonefile.ts';
import { groupRRsets } from '../../src/wire/rrset.ts';
import type { RR, RRset } from '../../src/wire/types.ts';
import { nsecCodec, nsec3Codec } from '../../src/wire/rdata/dnssec.ts';
import type { NsecRecord } from '../../src/dnssec/nsec.ts';
import type { Nsec3Record } from '../../src/dnssec/nsec3.ts';

export const FIXTURES = fileURLToPath(new URL('../fixtures/dnssec/', import.meta.url));

/** 2026-06-01T00:00:00Z: inside the fixtures' 2025-01-01 .. 2045-01-01 signature window. */
export const NOW = Date.UTC(2026, 5, 1) / 1000;

export interface SignedZone {
  readonly origin: Name;
  readonly records: RR[];
  readonly rrsets: RRset[];
  readonly dnskeys: readonly Uint8Array[];
}

export function readFixture(file: string): string {
  return readFileSync(FIXTURES + file, 'utf8');
}

export function loadZone(zone: string): SignedZone {
  const origin = Name.of(zone);
  const r = parseZone(readFixture(`${zone}.signed`), { origin });
  if (!r.ok) throw new Error(`${zone}.signed line ${r.line}: ${r.error}`);
  const rrsets = groupRRsets(r.records);
  const keys = rrsets.find((s) => s.type === RRType.DNSKEY && s.name.equals(origin));
  if (!keys) throw new Error(`${zone}: no DNSKEY at the apex`);
  return { origin, records: r.records, rrsets, dnskeys: keys.rdata };
}

/** Records of a zone-file snippet (RR lines only), e.g. DS sets. */
export function parseRecords(text: string, origin: Name = Name.root): RR[] {
  // DS sets from the tools carry no TTL; the TTL plays no part in what the tests check.
  const r = parseZone(text, { origin, defaultTtl: 3600 });
  if (!r.ok) throw new Error(`line ${r.line}: ${r.error}`);
  return r.records;
}

export function findSet(zone: SignedZone, name: string, type: number): RRset {
  const n = Name.of(name);
  const s = zone.rrsets.find((x) => x.type === type && x.name.equals(n));
  if (!s) throw new Error(`${name}/${type} not in ${zone.origin.toString()}`);
  return s;
}

export const ALGORITHM_ZONES = ['alg8.test', 'alg10.test', 'alg13.test', 'alg14.test', 'alg15.test', 'alg16.test'] as const;

/** Decoded NSEC records of a zone, in file order. */
export function nsecRecords(zone: SignedZone): NsecRecord[] {
  return zone.records.filter((r) => r.type === RRType.NSEC).map((r) => {
    const d = nsecCodec.decode(r.rdata);
    if (!d.ok) throw new Error(d.error);
    return { owner: r.name, nsec: d.value };
  });
}

/** Decoded NSEC3 records of a list of RRs. */
export function nsec3Records(records: readonly RR[]): Nsec3Record[] {
  return records.filter((r) => r.type === RRType.NSEC3).map((r) => {
    const d = nsec3Codec.decode(r.rdata);
    if (!d.ok) throw new Error(d.error);
    return { owner: r.name, nsec3: d.value };
  });
}
