// The RR-line parser the harness uses: the project's zone-file parser, one record per line, as
// testpkts reads one RR per line of a SECTION.
//
// testpkts reads RR text with ldns/sldns, which is laxer than our zone-file parser in one place the
// corpus relies on: an RRSIG's signature field. sldns decodes base64 without its `=` padding, and an
// RRSIG with no signature field at all becomes one with an empty signature (val_nodata_failsig serves
// such a record on purpose). The daemon's parser rightly refuses both; the leniency lives only here,
// so the harness puts on the wire exactly what testbound would.
import { rrTypeFromString, RRType } from '../../src/wire/constants.ts';
import { parseZone } from '../../src/wire/zonefile.ts';
import type { Name } from '../../src/wire/name.ts';
import type { RrTextResult } from './packet.ts';

/** RRSIG RDATA fields before the signature (RFC 4034 §3.2): type covered … signer's name. */
const RRSIG_FIXED_FIELDS = 8;
/** A stand-in signature that the strict parser accepts; it decodes to exactly one octet. */
const PLACEHOLDER_SIGNATURE = 'AA==';

function parseOne(text: string, origin: Name, defaultTtl: number): RrTextResult {
  const r = parseZone(text, { origin, defaultTtl });
  if (!r.ok) return { ok: false, error: r.error };
  if (r.records.length !== 1) return { ok: false, error: `expected one record, got ${r.records.length}` };
  return { ok: true, rr: r.records[0] };
}

/**
 * The RRSIG line read as sldns reads it: the signature decoded without requiring padding, or empty
 * when absent. Undefined when the line is not an RRSIG or its signature is not base64 even then.
 */
function parseLenientRrsig(text: string, origin: Name, defaultTtl: number): RrTextResult | undefined {
  const words = text.replace(/;.*$/, '').trim().split(/\s+/).filter(Boolean);
  // owner [ttl] [class] RRSIG …: the type is within the first four words.
  const at = words.slice(1, 4).findIndex((w) => rrTypeFromString(w) === RRType.RRSIG);
  if (at < 0) return undefined;
  const typeIndex = at + 1;
  const sigStart = typeIndex + 1 + RRSIG_FIXED_FIELDS;
  if (words.length < sigStart) return undefined;
  const sigText = words.slice(sigStart).join('');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(sigText)) return undefined;
  const base = parseOne([...words.slice(0, sigStart), PLACEHOLDER_SIGNATURE].join(' '), origin, defaultTtl);
  if (!base.ok) return base;
  // The signature is the last RDATA field: swap the one placeholder octet for the real bytes.
  const fixed = base.rr.rdata.subarray(0, base.rr.rdata.length - 1);
  const signature = Buffer.from(sigText, 'base64');
  const rdata = new Uint8Array(fixed.length + signature.length);
  rdata.set(fixed);
  rdata.set(signature, fixed.length);
  return { ok: true, rr: { ...base.rr, rdata } };
}

export function parseRrText(text: string, origin: Name, defaultTtl: number): RrTextResult {
  const strict = parseOne(text, origin, defaultTtl);
  if (strict.ok) return strict;
  return parseLenientRrsig(text, origin, defaultTtl) ?? strict;
}
