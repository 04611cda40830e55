// Signature verifications per second for each algorithm, node:crypto (what src/dnssec uses) against
// @noble/curves (pure JS) in the same run, over real data: the `a.<zone>` A RRset and its RRSIG from
// the dnssec-signzone fixtures in test/fixtures/dnssec/. Also the full verifyRrsig path (canonical
// form + cached key + verify) for node:crypto. Not part of npm test.
//
//   npx tsx bench/verify.ts
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { p256, p384 } from '@noble/curves/nist.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { ed448 } from '@noble/curves/ed448.js';
import { Name } from '../src/wire/name.ts';
import { RRType, DnssecAlgorithm } from '../src/wire/constants.ts';
import { parseZone } from '../src/wire/zonefile.ts';
import { groupRRsets } from '../src/wire/rrset.ts';
import { rrsigCodec } from '../src/wire/rdata/dnssec.ts';
import { keyFromDnskey, verifySignature } from '../src/dnssec/algorithms.ts';
import { verifyRrsig, rrsigSignedPayload } from '../src/dnssec/rrsig.ts';
import { keyTag } from '../src/dnssec/keytag.ts';

const NOW = Date.UTC(2026, 5, 1) / 1000;
const FIXTURES = join(import.meta.dirname, '..', 'test', 'fixtures', 'dnssec');

/** Runs `fn` for ~`ms` milliseconds after a short warm-up; returns calls per second. */
function rate(fn: () => unknown, ms = 1000): number {
  const warmEnd = Date.now() + 100;
  while (Date.now() < warmEnd) fn();
  let n = 0;
  const start = process.hrtime.bigint();
  const budget = BigInt(ms) * 1_000_000n;
  let elapsed = 0n;
  while (elapsed < budget) {
    for (let i = 0; i < 10; i++) fn();
    n += 10;
    elapsed = process.hrtime.bigint() - start;
  }
  return n / (Number(elapsed) / 1e9);
}

type Noble = (sig: Uint8Array, data: Uint8Array, pub: Uint8Array) => boolean;
const sec1 = (pub: Uint8Array) => Uint8Array.from([0x04, ...pub]);
const noble: Record<number, Noble | undefined> = {
  [DnssecAlgorithm.ECDSAP256SHA256]: (s, d, p) => p256.verify(s, d, p, { lowS: false }),
  [DnssecAlgorithm.ECDSAP384SHA384]: (s, d, p) => p384.verify(s, d, p, { lowS: false }),
  [DnssecAlgorithm.ED25519]: (s, d, p) => ed25519.verify(s, d, p),
  [DnssecAlgorithm.ED448]: (s, d, p) => ed448.verify(s, d, p),
};

const rows: string[][] = [['algorithm', 'key', 'node:crypto verify/s', 'verifyRrsig/s', '@noble/curves verify/s', 'node/noble']];
for (const [zone, label] of [
  ['alg8.test', 'RSASHA256 (8)'], ['alg10.test', 'RSASHA512 (10)'], ['alg13.test', 'ECDSAP256 (13)'],
  ['alg14.test', 'ECDSAP384 (14)'], ['alg15.test', 'ED25519 (15)'], ['alg16.test', 'ED448 (16)'],
] as const) {
  const origin = Name.of(zone);
  const parsed = parseZone(readFileSync(join(FIXTURES, `${zone}.signed`), 'utf8'), { origin });
  if (!parsed.ok) throw new Error(parsed.error);
  const sets = groupRRsets(parsed.records);
  const set = sets.find((s) => s.type === RRType.A && s.name.equals(Name.of(`a.${zone}`)))!;
  const keys = sets.find((s) => s.type === RRType.DNSKEY)!.rdata;
  const d = rrsigCodec.decode(set.sigs[0]);
  if (!d.ok) throw new Error(d.error);
  const sig = d.value;
  const dnskey = keys.find((k) => keyTag(k) === sig.keyTag)!;
  const key = keyFromDnskey(dnskey);
  if (!key.ok) throw new Error(key.detail);
  const data = rrsigSignedPayload(set, sig, set.name);
  if (!verifySignature(sig.algorithm, key.key, data, sig.signature).ok) throw new Error(`${zone}: does not verify`);
  const nodeRate = rate(() => verifySignature(sig.algorithm, key.key, data, sig.signature));
  const fullRate = rate(() => verifyRrsig(set, sig, dnskey, NOW));
  const nv = noble[sig.algorithm];
  let nobleRate: number | undefined;
  if (nv) {
    const pub = dnskey.subarray(4);
    const pk = sig.algorithm <= DnssecAlgorithm.ECDSAP384SHA384 ? sec1(pub) : pub;
    if (!nv(sig.signature, data, pk)) throw new Error(`${zone}: noble disagrees`);
    nobleRate = rate(() => nv(sig.signature, data, pk));
  }
  const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
  rows.push([
    label, `${key.bits} bit`, fmt(nodeRate), fmt(fullRate),
    nobleRate === undefined ? 'n/a (no RSA)' : fmt(nobleRate),
    nobleRate === undefined ? '' : `${(nodeRate / nobleRate).toFixed(1)}x`,
  ]);
}

const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i])).join('  '));
console.log(`\nnode ${process.version}; one run, single thread; ratios matter more than absolute numbers.`);
