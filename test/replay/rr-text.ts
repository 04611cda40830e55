// The RR-line parser the harness uses: the project's zone-file parser, one record per line, as
// testpkts reads one RR per line of a SECTION.
import { parseZone } from '../../src/wire/zonefile.ts';
import type { Name } from '../../src/wire/name.ts';
import type { RrTextResult } from './packet.ts';

export function parseRrText(text: string, origin: Name, defaultTtl: number): RrTextResult {
  const r = parseZone(text, { origin, defaultTtl });
  if (!r.ok) return { ok: false, error: r.error };
  if (r.records.length !== 1) return { ok: false, error: `expected one record, got ${r.records.length}` };
  return { ok: true, rr: r.records[0] };
}
