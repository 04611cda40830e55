// Hostile authoritative servers, scripted in process (test/resolver/fake-hierarchy.ts): cache
// poisoning through glue and extra answers (Kaminsky), NXNSAttack fan-out, referral loops and
// sideways/upward referrals, delegation chains deeper than the limit, CNAME loops and long chains,
// malformed RDATA and garbage priming answers. Each must end bounded, with SERVFAIL + a typed reason
// when it cannot answer, and nothing out of bailiwick in the cache. test/resolver/ covers the basic
// cases (limits.test.ts, classify.test.ts); these go further.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EdeCode } from '../../src/wire/ede.ts';
import { Rcode, RRClass, RRType } from '../../src/wire/constants.ts';
import { Name } from '../../src/wire/name.ts';
import type { Outcome } from '../../src/wire/outcome.ts';
import type { Question, RR, RRset } from '../../src/wire/types.ts';
import { DEFAULT_LIMITS } from '../../src/resolver/options.ts';
import { rdataName } from '../../src/resolver/rdata-views.ts';
import { authoritativeAnswer, reply, zone, type FakeNet } from '../resolver/fake-hierarchy.ts';
import { hierarchy, labZone, LAB, OTHER, query, ROOT, rootZone, setup } from '../resolver/hierarchy.ts';

const POISON = '203.0.113.66';

function a(name: string, address: string): RR {
  return { name: Name.of(name), type: RRType.A, class: RRClass.IN, ttl: 86_400, rdata: Uint8Array.from(address.split('.').map(Number)) };
}

function ns(owner: string, target: string): RR {
  return { name: Name.of(owner), type: RRType.NS, class: RRClass.IN, ttl: 86_400, rdata: Name.of(target).toWire() };
}

function cname(from: string, to: string): RR {
  return { name: Name.of(from), type: RRType.CNAME, class: RRClass.IN, ttl: 300, rdata: Name.of(to).toWire() };
}

function firstReason(o: Outcome): { ede: number; text: string } {
  assert.ok(o.reasons.length > 0, 'a failure carries a reason');
  return o.reasons[0];
}

/**
 * RD=0 asks the cache only: a referral (NOERROR, only an ancestor's NS/DS sets) or REFUSED + EDE 20
 * means the name is not there; SERVFAIL + EDE 13 is a remembered failure
 * (src/resolver/failure-cache.ts). Either way no data for the name came from the cache.
 */
async function notCached(r: ReturnType<typeof setup>['resolver'], name: string, type = RRType.A): Promise<void> {
  const o = await r.resolve(query(name, type, { rd: false }));
  const what = `${name} from the cache: rcode ${o.rcode} ${JSON.stringify(o.answer.map((s) => s.name.toString()))} ${JSON.stringify(o.reasons)}`;
  assert.equal(o.answer.length, 0, what);
  const asked = Name.of(name);
  if (o.rcode === Rcode.REFUSED) assert.equal(o.reasons[0]?.ede, EdeCode.NOT_AUTHORITATIVE, what);
  else if (o.rcode === Rcode.NOERROR) {
    const ancestorDelegation = (s: RRset): boolean => (s.type === RRType.NS || s.type === RRType.DS) && asked.isSubdomainOf(s.name);
    assert.ok(o.authority.length > 0 && o.authority.every(ancestorDelegation), `${what}: not a referral`);
    assert.ok(o.additional.every((s) => !s.name.equals(asked)), `${what}: the name's own data in additional`);
  } else {
    assert.equal(o.rcode, Rcode.SERVFAIL, what);
    assert.ok(o.reasons.some((x) => x.ede === EdeCode.CACHED_ERROR), what);
  }
}

test('Kaminsky-style poisoning: out-of-bailiwick glue, extra answers and NS for other zones never reach the cache', async () => {
  const net = hierarchy();
  // The root adds an address for a name that is not among the referral's NS targets (in its
  // bailiwick, but not glue); lab. adds records for victim. and other. to every section.
  net.serve(ROOT, {
    kind: 'custom',
    answer: (q) => {
      const m = authoritativeAnswer([rootZone], q);
      return { ...m, additional: [...m.additional, a('victim.', POISON)] };
    },
  });
  net.serve(LAB, {
    kind: 'custom',
    answer: (q) => {
      const m = authoritativeAnswer([labZone], q);
      return {
        ...m,
        answer: [...m.answer, a('www.other.', POISON), a('victim.', POISON)],
        authority: [...m.authority, ns('other.', 'ns.evil.lab.'), ns('victim.', 'ns.evil.lab.')],
        additional: [...m.additional, a('ns.evil.lab.', POISON), a('victim.', POISON), a('ns.other.', POISON)],
      };
    },
  });
  const { resolver } = setup({}, net);
  const o = await resolver.resolve(query('www.lab', RRType.A));
  assert.equal(o.rcode, Rcode.NOERROR);
  assert.deepEqual(o.answer.map((s) => s.name.toString()), ['www.lab.'], 'only the name asked is answered');
  await notCached(resolver, 'victim.');
  await notCached(resolver, 'www.other.');
  await notCached(resolver, 'ns.evil.lab.');
  assert.equal(resolver.cache.has(Name.of('victim.'), RRType.NS, RRClass.IN), false);
  assert.equal(resolver.cache.getRRset(Name.of('other.'), RRType.NS, RRClass.IN), undefined);
  // The real addresses are still the ones used: other. resolves to its true data, via its true server.
  const other = await resolver.resolve(query('www.other', RRType.A));
  assert.equal(other.rcode, Rcode.NOERROR);
  assert.deepEqual([...other.answer[0].rdata[0]], [192, 0, 2, 2]);
  const nsOther = resolver.cache.getRRset(Name.of('ns.other.'), RRType.A, RRClass.IN);
  assert.ok(nsOther === undefined || nsOther.rrset.rdata.every((r) => r.join('.') === OTHER), 'ns.other. keeps its root glue');
});

/** A root that delegates every TLD to `fanout` out-of-bailiwick NS names, each in a further new TLD. */
function nxnsNet(fanout: number): FakeNet {
  const net = hierarchy();
  net.serve(ROOT, {
    kind: 'custom',
    answer: (q) => {
      if (q.name.isRoot) return authoritativeAnswer([rootZone], q);
      const tld = q.name.suffix(1).toString().slice(0, -1);
      const targets = Array.from({ length: fanout }, (_, k) => ns(`${tld}.`, `n.${tld}x${k}.`));
      return reply(q, Rcode.NOERROR, false, [], targets);
    },
  });
  return net;
}

test('NXNSAttack: NS names that each lead to more NS names stay within the per-delegation and per-query limits', async () => {
  const net = nxnsNet(20);
  const { resolver } = setup({ qnameMinimisation: false }, net);
  const o = await resolver.resolve(query('www.nxns', RRType.A));
  assert.equal(o.rcode, Rcode.SERVFAIL);
  const r = firstReason(o);
  assert.ok(r.ede === EdeCode.NO_REACHABLE_AUTHORITY || r.ede === EdeCode.OTHER, JSON.stringify(o.reasons));
  assert.ok(net.log.length <= DEFAULT_LIMITS.maxUpstreamQueriesPerQuery, `${net.log.length} upstream queries`);
  // The first delegation's NS names live in the TLDs nxnsx0..nxnsx19: at most maxNsNamesPerDelegation looked up.
  const firstLevel = new Set(net.log.map((l) => /^n\.(nxnsx[0-9]+)\.$/.exec(l.name)?.[1]).filter((x) => x !== undefined));
  assert.ok(firstLevel.size >= 1 && firstLevel.size <= DEFAULT_LIMITS.maxNsNamesPerDelegation, [...firstLevel].join(' '));
});

test('NXNSAttack with tight limits: the upstream query budget is exact and named in the reason', async () => {
  const net = nxnsNet(50);
  const { resolver } = setup({ qnameMinimisation: false, limits: { maxUpstreamQueriesPerQuery: 12, maxConcurrentSubqueries: 50, maxNsNamesPerDelegation: 50 } }, net);
  const o = await resolver.resolve(query('www.nxns', RRType.A));
  assert.equal(o.rcode, Rcode.SERVFAIL);
  assert.equal(net.log.length, 12);
  assert.ok(o.reasons.some((r) => /upstream query limit of 12 reached/.test(r.text)), JSON.stringify(o.reasons));
});

test('a referral loop through glueless NS names (A needs B, B needs A) ends with SERVFAIL + EDE 22, bounded', async () => {
  const lab = zone('lab.', `@ SOA ns hostmaster 1 3600 600 86400 300\n@ NS ns1\nns1 A ${LAB}\nloopa NS ns.loopb.lab.\nloopb NS ns.loopa.lab.\n`);
  const net = hierarchy().serve(LAB, { kind: 'auth', zones: [lab] });
  const { resolver } = setup({}, net);
  const o = await resolver.resolve(query('www.loopa.lab', RRType.A));
  assert.equal(o.rcode, Rcode.SERVFAIL);
  assert.equal(firstReason(o).ede, EdeCode.NO_REACHABLE_AUTHORITY, JSON.stringify(o.reasons));
  assert.match(firstReason(o).text, /loopa\.lab\./);
  assert.ok(net.log.length < 20, `${net.log.length} upstream queries for a loop`);
});

test('sideways and upward referrals are lame: SERVFAIL + EDE 22 naming the referral', async () => {
  for (const [label, target] of [['sideways', 'lab.'], ['upward', '.'], ['elsewhere', 'other.']] as const) {
    const net = hierarchy();
    net.serve(LAB, { kind: 'custom', answer: (q) => reply(q, Rcode.NOERROR, false, [], [ns(target, 'ns.other.')], [a('ns.other.', OTHER)]) });
    const { resolver } = setup({}, net);
    const o = await resolver.resolve(query('www.lab', RRType.A));
    assert.equal(o.rcode, Rcode.SERVFAIL, label);
    const r = firstReason(o);
    assert.equal(r.ede, EdeCode.NO_REACHABLE_AUTHORITY, `${label}: ${r.text}`);
    assert.match(r.text, /referral/, `${label}: ${r.text}`);
    assert.equal(net.log.filter((l) => l.server.startsWith(OTHER)).length, 0, `${label}: the bogus referral was followed`);
  }
});

test('a delegation chain 40 deep stops at maxReferralDepth: SERVFAIL + EDE 0 naming the limit', async () => {
  const DEPTH = 40;
  const labels = Array.from({ length: DEPTH }, (_, i) => `d${i + 1}`);
  // zoneAt(k): the zone k levels below lab., served by 127.0.10.k (k = 0 is lab. itself).
  const zoneAt = (k: number) => Name.of(`${labels.slice(0, k).reverse().join('.')}${k > 0 ? '.' : ''}lab.`);
  const serverAt = (k: number) => `127.0.${10 + Math.floor(k / 200)}.${(k % 200) + 1}`;
  const net = hierarchy();
  const root = zone('.', `. SOA a.root. hostmaster.root. 1 3600 600 86400 300\n. NS a.root.\na.root. A ${ROOT}\nlab. NS ns.lab.\nns.lab. A ${serverAt(0)}\n`);
  net.serve(ROOT, { kind: 'auth', zones: [root] });
  for (let k = 0; k <= DEPTH; k++) {
    const here = zoneAt(k);
    net.serve(serverAt(k), {
      kind: 'custom',
      answer: (q: Question) => {
        if (k === DEPTH || !q.name.isSubdomainOf(zoneAt(k + 1))) return reply(q, Rcode.NXDOMAIN, true, [], []);
        const child = zoneAt(k + 1).toString();
        return reply(q, Rcode.NOERROR, false, [], [ns(child, `ns.${child}`)], [a(`ns.${child}`, serverAt(k + 1))]);
      },
    });
    assert.ok(here.labelCount === k + 1);
  }
  const qname = `www.${zoneAt(DEPTH).toString()}`;
  const { net: used, resolver } = setup({}, net);
  const o = await resolver.resolve(query(qname, RRType.A));
  assert.equal(o.rcode, Rcode.SERVFAIL);
  const r = firstReason(o);
  assert.equal(r.ede, EdeCode.OTHER);
  assert.match(r.text, new RegExp(`referral depth limit of ${DEFAULT_LIMITS.maxReferralDepth} reached`));
  assert.ok(used.log.length <= DEFAULT_LIMITS.maxReferralDepth + 3, `${used.log.length} queries`);
});

test('a CNAME loop inside one response, and a 20-link chain across responses: SERVFAIL + EDE 0 naming loop and limit', async () => {
  const chain = Array.from({ length: 20 }, (_, i) => `c${i} CNAME c${i + 1}`).join('\n');
  const lab = zone('lab.', `@ SOA ns hostmaster 1 3600 600 86400 300\n@ NS ns1\nns1 A ${LAB}\n${chain}\nc20 A 192.0.2.20\nx CNAME y\ny CNAME x\n`);
  const net = hierarchy();
  net.serve(LAB, {
    kind: 'custom',
    answer: (q) => {
      // The loop is served whole in one answer, as a hostile server would.
      if (q.name.equals(Name.of('x.lab'))) return reply(q, Rcode.NOERROR, true, [cname('x.lab', 'y.lab'), cname('y.lab', 'x.lab')], []);
      // The whole 20-link chain in one answer (w0..w20), or one link per response (c0..c20).
      if (q.name.equals(Name.of('w0.lab'))) {
        return reply(q, Rcode.NOERROR, true, Array.from({ length: 20 }, (_, i) => cname(`w${i}.lab`, `w${i + 1}.lab`)), []);
      }
      const m = /^c([0-9]+)\.lab\.$/.exec(q.name.toString());
      if (m !== null && Number(m[1]) < 20) return reply(q, Rcode.NOERROR, true, [cname(`c${m[1]}.lab`, `c${Number(m[1]) + 1}.lab`)], []);
      return authoritativeAnswer([lab], q);
    },
  });
  const { resolver } = setup({}, net);
  const loop = await resolver.resolve(query('x.lab', RRType.A));
  assert.equal(loop.rcode, Rcode.SERVFAIL);
  assert.equal(firstReason(loop).ede, EdeCode.OTHER);
  assert.match(firstReason(loop).text, /CNAME loop at (x|y)\.lab\./);
  for (const start of ['c0.lab', 'w0.lab']) {
    const long = await resolver.resolve(query(start, RRType.A));
    assert.equal(long.rcode, Rcode.SERVFAIL, start);
    assert.equal(firstReason(long).ede, EdeCode.OTHER);
    assert.match(firstReason(long).text, new RegExp(`CNAME chain longer than ${DEFAULT_LIMITS.maxCnameChain} links`));
  }
  // Within the limit the same chain is followed.
  const ok = await setup({ limits: { maxCnameChain: 25 } }, net).resolver.resolve(query('c0.lab', RRType.A));
  assert.equal(ok.rcode, Rcode.NOERROR);
  assert.equal(ok.answer.length, 21);
});

test('an A record with 5 octets of RDATA is rejected with a typed reason, never answered or cached', async () => {
  const net = hierarchy();
  net.serve(LAB, {
    kind: 'custom',
    answer: (q) => {
      if (q.name.equals(Name.of('www.lab')) && q.type === RRType.A) {
        return reply(q, Rcode.NOERROR, true, [{ name: q.name, type: RRType.A, class: RRClass.IN, ttl: 300, rdata: Uint8Array.of(192, 0, 2, 1, 9) }], []);
      }
      return authoritativeAnswer([labZone], q);
    },
  });
  const { resolver } = setup({}, net);
  const o = await resolver.resolve(query('www.lab', RRType.A));
  assert.equal(o.answer.length, 0);
  assert.equal(o.rcode, Rcode.SERVFAIL, `rcode ${o.rcode}, reasons ${JSON.stringify(o.reasons)}`);
  assert.equal(firstReason(o).ede, EdeCode.NO_REACHABLE_AUTHORITY);
  assert.match(firstReason(o).text, /malformed/);
  await notCached(resolver, 'www.lab.');
});

test('priming answered with garbage (mismatch, non-AA, SERVFAIL, foreign NS): the hints are used and nothing foreign is cached', async () => {
  const garbage: ((q: Question) => ReturnType<typeof reply>)[] = [
    (q) => ({ ...reply(q, Rcode.NOERROR, true, [ns('.', 'evil.')], []), question: [{ name: Name.of('evil.'), type: RRType.NS, class: RRClass.IN }] }),
    (q) => reply(q, Rcode.NOERROR, false, [ns('.', 'evil.')], [], [a('evil.', POISON)]),
    (q) => reply(q, Rcode.SERVFAIL, false, [], []),
    (q) => reply(q, Rcode.NOERROR, true, [ns('evil.', 'evil.')], [], [a('evil.', POISON)]),
  ];
  for (const [i, g] of garbage.entries()) {
    const net = hierarchy();
    net.serve(ROOT, { kind: 'custom', answer: (q) => (q.name.isRoot && q.type === RRType.NS ? g(q) : authoritativeAnswer([rootZone], q)) });
    const { resolver } = setup({}, net);
    const o = await resolver.resolve(query('www.lab', RRType.A));
    assert.equal(o.rcode, Rcode.NOERROR, `case ${i}: ${JSON.stringify(o.reasons)}`);
    assert.equal(resolver.cache.has(Name.of('evil.'), RRType.A, RRClass.IN), false, `case ${i}`);
    const rootNs = resolver.cache.getRRset(Name.root, RRType.NS, RRClass.IN);
    assert.ok(rootNs === undefined || rootNs.rrset.rdata.every((r) => rdataName(RRType.NS, r)?.equals(Name.of('evil.')) !== true), `case ${i}: foreign root NS cached`);
  }
});
