import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EdeCode } from '../../src/wire/ede.ts';
import { Rcode, RRType } from '../../src/wire/constants.ts';
import { query, setup } from './hierarchy.ts';

test('upstream query budget: SERVFAIL + EDE naming the limit', async () => {
  const { net, resolver } = setup({ limits: { maxUpstreamQueriesPerQuery: 2 } });
  const o = await resolver.resolve(query('host.sub.lab', RRType.A));
  assert.equal(o.rcode, Rcode.SERVFAIL);
  assert.equal(o.reasons[0].ede, EdeCode.OTHER);
  assert.match(o.reasons[0].text, /upstream query limit of 2 reached/);
  assert.equal(net.log.length, 2);
});

test('referral depth limit', async () => {
  const { resolver } = setup({ limits: { maxReferralDepth: 1 } });
  const o = await resolver.resolve(query('host.sub.lab', RRType.A));
  assert.equal(o.rcode, Rcode.SERVFAIL);
  assert.match(o.reasons[0].text, /referral depth limit of 1 reached while resolving host\.sub\.lab\./);
});

test('concurrent sub-query limit bounds nested NS lookups', async () => {
  // x.deep.lab needs ns.sub.lab, whose zone needs ns2.other: two nested sub-queries.
  const { resolver } = setup({ limits: { maxConcurrentSubqueries: 1 } });
  const o = await resolver.resolve(query('x.deep.lab', RRType.A));
  assert.equal(o.rcode, Rcode.SERVFAIL);
  assert.match(o.reasons[0].text, /limit of 1 concurrent sub-queries reached/);
  const ok = await setup({ limits: { maxConcurrentSubqueries: 2 } }).resolver.resolve(query('x.deep.lab', RRType.A));
  assert.equal(ok.rcode, Rcode.NOERROR);
});

test('NS names looked up per delegation are bounded (NXNSAttack)', async () => {
  const { zone } = await import('./fake-hierarchy.ts');
  const { hierarchy, LAB } = await import('./hierarchy.ts');
  const names = Array.from({ length: 10 }, (_, i) => `many NS ns${i}.nowhere${i}.other.`).join('\n');
  const lab = zone('lab.', `@ SOA ns hostmaster 1 3600 600 86400 300\n@ NS ns1\nns1 A ${LAB}\n${names}\n`);
  const net = hierarchy().serve(LAB, { kind: 'auth', zones: [lab] });
  const { resolver } = setup({ limits: { maxNsNamesPerDelegation: 3 } }, net);
  const o = await resolver.resolve(query('www.many.lab', RRType.A));
  assert.equal(o.rcode, Rcode.SERVFAIL);
  assert.equal(o.reasons[0].ede, EdeCode.NO_REACHABLE_AUTHORITY);
  assert.match(o.reasons[0].text, /NS names beyond the first 3 not looked up/);
  assert.equal(o.reasons[0].text.match(/has no IPv4 address/g)?.length, 3);
  const lookedUp = new Set(net.log.filter((l) => /nowhere/.test(l.name)).map((l) => l.name.replace(/^ns[0-9]+\./, '')));
  assert.equal(lookedUp.size, 3, [...lookedUp].join(', '));
});

test('overall deadline: SERVFAIL + EDE 22 once the query has taken too long', async () => {
  const { net, clock, resolver } = setup({ limits: { queryDeadlineMs: 2500, upstreamTimeoutMs: 1000 } });
  net.onQuery = () => clock.advance(1); // every upstream exchange takes a second of test time
  const o = await resolver.resolve(query('host.sub.lab', RRType.A));
  assert.equal(o.rcode, Rcode.SERVFAIL);
  assert.equal(o.reasons[0].ede, EdeCode.NO_REACHABLE_AUTHORITY);
  assert.match(o.reasons[0].text, /query deadline of 2500 ms exceeded/);
  assert.equal(net.log.length, 3);
});

test('a CNAME chain longer than maxCnameChain fails', async () => {
  const { resolver } = setup({ limits: { maxCnameChain: 1 } });
  const o = await resolver.resolve(query('chain.lab', RRType.A));
  assert.equal(o.rcode, Rcode.SERVFAIL);
  assert.match(o.reasons[0].text, /CNAME chain longer than 1 links/);
  const ok = await resolver.resolve(query('alias.lab', RRType.A));
  assert.equal(ok.rcode, Rcode.NOERROR);
});
