import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RRClass, RRType, Rcode } from '../../src/wire/constants.ts';
import { EdeCode } from '../../src/wire/ede.ts';
import { Name } from '../../src/wire/name.ts';
import type { Security } from '../../src/wire/outcome.ts';
import { applySentinel, parseSentinelLabel, rootAnchorKeyTags } from '../../src/policy/sentinel.ts';
import { query, upstreamAnswer } from './helpers.ts';

const KSK_2017 = 20326;
const KSK_2024 = 38696;
const OTHER_TAG = 12345;
const anchors = () => [KSK_2017, KSK_2024];

test('parseSentinelLabel: both kinds, any case, exactly five digits, key tag range', () => {
  assert.deepEqual(parseSentinelLabel(Name.of('root-key-sentinel-is-ta-20326.example.')), { kind: 'is_ta', keyTag: KSK_2017 });
  assert.deepEqual(parseSentinelLabel(Name.of('ROOT-Key-Sentinel-NOT-TA-38696.example.')), { kind: 'not_ta', keyTag: KSK_2024 });
  assert.deepEqual(parseSentinelLabel(Name.of('root-key-sentinel-is-ta-00042.example.')), { kind: 'is_ta', keyTag: 42 });
  assert.equal(parseSentinelLabel(Name.of('root-key-sentinel-is-ta-2032.example.')), undefined);
  assert.equal(parseSentinelLabel(Name.of('root-key-sentinel-is-ta-203260.example.')), undefined);
  assert.equal(parseSentinelLabel(Name.of('root-key-sentinel-is-ta-99999.example.')), undefined);
  assert.equal(parseSentinelLabel(Name.of('x.root-key-sentinel-is-ta-20326.example.')), undefined);
  assert.equal(parseSentinelLabel(Name.of('root-key-sentinel-maybe-ta-20326.example.')), undefined);
  assert.equal(parseSentinelLabel(Name.root), undefined);
});

interface Row {
  kind: 'is' | 'not';
  tag: number;
  security: Security;
  cd: boolean;
  type: number;
  expect: 'answer' | 'servfail';
}

// RFC 8509 §3: only secure, CD=0, A/AAAA answers are rewritten.
const rows: Row[] = [];
for (const kind of ['is', 'not'] as const) {
  for (const tag of [KSK_2017, KSK_2024, OTHER_TAG]) {
    for (const security of ['secure', 'insecure', 'indeterminate'] as const) {
      for (const cd of [false, true]) {
        for (const type of [RRType.A, RRType.AAAA, RRType.TXT]) {
          const applies = security === 'secure' && !cd && type !== RRType.TXT;
          const trusted = tag !== OTHER_TAG;
          const keep = !applies || (kind === 'is' ? trusted : !trusted);
          rows.push({ kind, tag, security, cd, type, expect: keep ? 'answer' : 'servfail' });
        }
      }
    }
  }
}

test(`sentinel truth table (${rows.length} rows)`, () => {
  let servfails = 0;
  for (const r of rows) {
    const label = `root-key-sentinel-${r.kind}-ta-${String(r.tag).padStart(5, '0')}`;
    const q = query(`${label}.example.`, { type: r.type, cd: r.cd });
    const upstream = upstreamAnswer(q, r.security);
    const res = applySentinel(q, upstream, anchors);
    const what = JSON.stringify(r);
    if (r.expect === 'answer') {
      assert.equal(res.outcome, upstream, what);
    } else {
      servfails++;
      assert.equal(res.outcome.rcode, Rcode.SERVFAIL, what);
      assert.deepEqual(res.outcome.answer, [], what);
      const text = r.kind === 'is'
        ? `root-key-sentinel: key tag ${r.tag} is not a trust anchor of this resolver`
        : `root-key-sentinel: key tag ${r.tag} is a trust anchor of this resolver`;
      assert.deepEqual(res.outcome.reasons, [{ ede: EdeCode.DNSSEC_BOGUS, text: 'answered as a validation failure by the RFC 8509 root-key-sentinel rule' }, { ede: EdeCode.OTHER, text }], what);
      assert.notEqual(res.outcome.security, 'secure', what);
    }
    const applies = r.security === 'secure' && !r.cd && r.type !== RRType.TXT;
    if (applies) assert.deepEqual(res.hit, { kind: r.kind === 'is' ? 'is_ta' : 'not_ta', keyTag: r.tag, result: r.expect }, what);
    else assert.equal(res.hit, undefined, what);
  }
  // is-ta × other tag and not-ta × two TA tags, each for A and AAAA.
  assert.equal(servfails, 6);
});

test('sentinel: label case does not matter; 4 and 6 digit labels are ordinary names', () => {
  const mixed = query('Root-Key-Sentinel-Is-Ta-12345.Example.');
  assert.equal(applySentinel(mixed, upstreamAnswer(mixed, 'secure'), anchors).outcome.rcode, Rcode.SERVFAIL);
  for (const name of ['root-key-sentinel-is-ta-1234.example.', 'root-key-sentinel-is-ta-123456.example.']) {
    const q = query(name);
    const up = upstreamAnswer(q, 'secure');
    const res = applySentinel(q, up, anchors);
    assert.equal(res.outcome, up, name);
    assert.equal(res.hit, undefined, name);
  }
});

test('sentinel: the anchor provider is asked per query (reload-safe)', () => {
  let tags = [KSK_2017];
  const q = query('root-key-sentinel-is-ta-38696.example.');
  assert.equal(applySentinel(q, upstreamAnswer(q, 'secure'), () => tags).outcome.rcode, Rcode.SERVFAIL);
  tags = [KSK_2017, KSK_2024];
  assert.equal(applySentinel(q, upstreamAnswer(q, 'secure'), () => tags).outcome.rcode, Rcode.NOERROR);
});

test('rootAnchorKeyTags: DS key tag field, DNSKEY through the injected computation, root only', () => {
  const ds = (tag: number) => Uint8Array.of(tag >> 8, tag & 0xff, 8, 2, 0xaa, 0xbb);
  const dnskey = Uint8Array.of(1, 1, 3, 8, 1, 2, 3);
  const rrs = [
    { name: Name.root, type: RRType.DS, class: RRClass.IN, ttl: 0, rdata: ds(KSK_2017) },
    { name: Name.root, type: RRType.DS, class: RRClass.IN, ttl: 0, rdata: ds(KSK_2017) },
    { name: Name.root, type: RRType.DNSKEY, class: RRClass.IN, ttl: 0, rdata: dnskey },
    { name: Name.of('example.'), type: RRType.DS, class: RRClass.IN, ttl: 0, rdata: ds(OTHER_TAG) },
  ];
  const seen: Uint8Array[] = [];
  const tags = rootAnchorKeyTags(rrs, (rdata) => { seen.push(rdata); return KSK_2024; });
  assert.deepEqual(tags.sort((a, b) => a - b), [KSK_2017, KSK_2024]);
  assert.deepEqual(seen, [dnskey]);
});
