// Root hints (zone-file syntax: NS records for "." and A/AAAA for the server names) and the
// mapping of the JSON config onto ResolverOptions.
import { RRType } from '../wire/constants.ts';
import { Name } from '../wire/name.ts';
import { parseZone } from '../wire/zonefile.ts';
import type { RR } from '../wire/types.ts';

export type HintsResult = { ok: true; records: RR[] } | { ok: false; error: string };

/** Parses hints text and checks it names at least one root server with an address. */
export function parseRootHints(text: string, fileName?: string): HintsResult {
  const r = parseZone(text, { origin: Name.root, ...(fileName !== undefined ? { fileName } : {}) });
  if (!r.ok) return { ok: false, error: r.error };
  const records = r.records.filter((rr) => rr.type === RRType.NS || rr.type === RRType.A || rr.type === RRType.AAAA);
  const hasNs = records.some((rr) => rr.type === RRType.NS && rr.name.isRoot);
  const hasAddress = records.some((rr) => rr.type !== RRType.NS);
  if (!hasNs) return { ok: false, error: 'root hints hold no NS record for "."' };
  if (!hasAddress) return { ok: false, error: 'root hints hold no A or AAAA record' };
  return { ok: true, records };
}
