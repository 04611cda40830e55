// Retransmission: a server whose query was lost is asked again once every other server of the zone
// has had its turn, at most limits.maxAttemptsPerServer times per question; a server that answered
// (even with SERVFAIL) is not; a dead zone still ends in SERVFAIL + EDE 22 within the bound. And the
// infra cache's side of it: losses count once per back-off level, a deadline-shortened wait included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EdeCode } from '../../src/wire/ede.ts';
import { Rcode, RRType } from '../../src/wire/constants.ts';
import { InfraCache } from '../../src/resolver/infra.ts';
import { summariseFailures } from '../../src/resolver/iterator.ts';
import { authoritativeAnswer, FakeNet, TestClock, zone } from './fake-hierarchy.ts';
import { hierarchy, LAB, labZone, OTHER, query, REFUSER, ROOT, setup, SILENT } from './hierarchy.ts';

const toLab = (asked: readonly string[]) => asked.filter((q) => q.startsWith('www.lab. 1@') && q.endsWith(`@${LAB}`));

test('one lost packet to a zone\'s only server: the query is sent again and answered', async () => {
  const net = hierarchy();
  let drops = 1;
  net.serve(LAB, { kind: 'custom', answer: (q) => (q.name.toString() === 'www.lab.' && drops-- > 0 ? undefined : authoritativeAnswer([labZone], q)) });
  const { resolver } = setup({}, net);
  const o = await resolver.resolve(query('www.lab', RRType.A));
  assert.equal(o.rcode, Rcode.NOERROR);
  assert.equal(toLab(net.asked()).length, 2);
});

test('a dead zone ends in SERVFAIL + EDE 22 after exactly maxAttemptsPerServer queries', async () => {
  for (const max of [1, 3, 5]) {
    const net = hierarchy().serve(LAB, { kind: 'timeout' });
    const { resolver } = setup({ limits: { maxAttemptsPerServer: max } }, net);
    const o = await resolver.resolve(query('www.lab', RRType.A));
    assert.equal(o.rcode, Rcode.SERVFAIL, `max=${max}`);
    assert.equal(o.reasons[0]?.ede, EdeCode.NO_REACHABLE_AUTHORITY);
    assert.match(o.reasons[0]?.text ?? '', new RegExp(`^no reachable authority for lab\\.: ${LAB} timed out${max > 1 ? ` \\(${max} times\\)` : ''}$`));
    assert.equal(toLab(net.asked()).length, max, `max=${max}`);
  }
});

test('a server that answered SERVFAIL or REFUSED is not asked again; only the silent one is', async () => {
  const { net, resolver } = setup();
  const o = await resolver.resolve(query('x.lame.lab', RRType.A));
  assert.equal(o.rcode, Rcode.SERVFAIL);
  const asked = net.asked();
  assert.equal(asked.filter((q) => q.endsWith(`@${REFUSER}`)).length, 1);
  assert.equal(asked.filter((q) => q.endsWith(`@${SILENT}`)).length, 5);
  const servfail = hierarchy().serve(LAB, { kind: 'rcode', rcode: Rcode.SERVFAIL });
  const s = setup({}, servfail);
  assert.equal((await s.resolver.resolve(query('www.lab', RRType.A))).rcode, Rcode.SERVFAIL);
  assert.equal(toLab(servfail.asked()).length, 1);
});

test('every other server is tried before a lost query is sent again', async () => {
  const { net, resolver } = setup();
  const o = await resolver.resolve(query('www.mixed.lab', RRType.A));
  assert.equal(o.rcode, Rcode.NOERROR);
  // REFUSER first (list order), then the good server: nothing was lost, nothing sent twice.
  const asked = net.asked().filter((q) => q.startsWith('www.mixed.lab.'));
  assert.equal(new Set(asked).size, asked.length);
});

test('the upstream query budget bounds retransmissions', async () => {
  const net = hierarchy().serve(LAB, { kind: 'timeout' });
  const { resolver } = setup({ limits: { maxUpstreamQueriesPerQuery: 4 } }, net);
  const o = await resolver.resolve(query('www.lab', RRType.A));
  assert.equal(o.rcode, Rcode.SERVFAIL);
  assert.ok(net.log.length <= 4, net.asked().join(', '));
});

test('infra: losses count once per back-off level, and a deadline-shortened wait still counts', () => {
  const clock = new TestClock();
  const infra = new InfraCache(clock, 1000);
  const s = { address: '192.0.2.1', port: 53 };
  // Five queries sent together at the base level and lost together: one counted loss.
  for (let i = 0; i < 5; i++) infra.recordTimeout(s, RRType.A, 1000);
  assert.equal(infra.timeoutFor(s, RRType.A), 2000);
  assert.equal(infra.usability(s, labZone.apex, RRType.A).usable, true);
  // Levels 2 s, 4 s, 8 s (the cap), each waited for only 500 ms because a deadline cut it short.
  for (const level of [2000, 4000, 8000]) infra.recordTimeout(s, RRType.A, level, 500);
  assert.equal(infra.usability(s, labZone.apex, RRType.A).usable, true);
  infra.recordTimeout(s, RRType.A, 8000, 500);
  assert.deepEqual(infra.usability(s, labZone.apex, RRType.A), { usable: false, why: 'remembered as unreachable (its A queries time out)', probe: true });
});

test('failure texts say a repeated failure once, with its count', () => {
  assert.equal(summariseFailures(['a timed out', 'b refused', 'a timed out', 'a timed out']), 'a timed out (3 times), b refused');
  assert.equal(summariseFailures(['a timed out']), 'a timed out');
});

test('an NS name known by one address family only gets its other family looked up when all else failed', async () => {
  const root = zone('.', `
. SOA a.root. hostmaster.root. 1 3600 600 86400 300
. NS a.root.
a.root. A ${ROOT}
lab. NS ns1.other.
ns1.other. AAAA 2001:db8::53
other. NS ns.other.
ns.other. A ${OTHER}
`);
  const other = zone('other.', `
@ SOA ns hostmaster 1 3600 600 86400 300
@ NS ns
ns A ${OTHER}
ns1 A ${LAB}
ns1 AAAA 2001:db8::53
`);
  const net = new FakeNet().serve(ROOT, { kind: 'auth', zones: [root] }).serve(OTHER, { kind: 'auth', zones: [other] }).serve(LAB, { kind: 'auth', zones: [labZone] });
  const { resolver } = setup({ doIp6: true }, net);
  const o = await resolver.resolve(query('www.lab', RRType.A));
  assert.equal(o.rcode, Rcode.NOERROR);
  const asked = net.asked();
  // The IPv6 glue address is dead (asked up to the bound), then ns1.other.'s A record leads to LAB.
  assert.equal(asked.filter((q) => q === 'www.lab. 1@2001:db8::53').length, 5);
  assert.ok(asked.indexOf(`ns1.other. 1@${OTHER}`) > asked.lastIndexOf('www.lab. 1@2001:db8::53'), asked.join(', '));
  assert.equal(asked.at(-1), `www.lab. 1@${LAB}`);
});

test('infra: timeouts are held per query-type class; an A answer does not clear lost AAAA queries', () => {
  const infra = new InfraCache(new TestClock(), 1000);
  const s = { address: '192.0.2.1', port: 53 };
  for (const level of [1000, 2000, 4000, 8000, 8000]) infra.recordTimeout(s, RRType.AAAA, level);
  assert.deepEqual(infra.usability(s, labZone.apex, RRType.AAAA), { usable: false, why: 'remembered as unreachable (its AAAA queries time out)', probe: true });
  assert.deepEqual(infra.usability(s, labZone.apex, RRType.A), { usable: true });
  assert.equal(infra.timeoutFor(s, RRType.A), 1000);
  assert.equal(infra.timeoutFor(s, RRType.AAAA), 8000);
  infra.recordRtt(s, 10, RRType.A);
  assert.equal(infra.usability(s, labZone.apex, RRType.AAAA).usable, false);
  infra.recordRtt(s, 10, RRType.AAAA);
  assert.equal(infra.usability(s, labZone.apex, RRType.AAAA).usable, true);
});

test('a server that drops AAAA stays usable for A; a later AAAA question sends it one probe, and uses the answer once it is back', async () => {
  const net = hierarchy();
  let dropAaaa = true;
  net.serve(LAB, { kind: 'custom', answer: (q) => (q.type === RRType.AAAA && dropAaaa ? undefined : authoritativeAnswer([labZone], q)) });
  const { clock, resolver } = setup({}, net);
  const aaaaToLab = () => net.asked().filter((x) => x === `www.lab. 28@${LAB}`).length;
  assert.equal((await resolver.resolve(query('www.lab', RRType.AAAA))).rcode, Rcode.SERVFAIL);
  assert.equal(aaaaToLab(), 5);
  // Held for AAAA only: the A question is answered.
  const a = await resolver.resolve(query('www.lab', RRType.A));
  assert.equal(a.rcode, Rcode.NOERROR);
  // Past the failure cache, still inside the hold: exactly one probe per question.
  clock.advance(10);
  assert.equal((await resolver.resolve(query('www.lab', RRType.AAAA))).rcode, Rcode.SERVFAIL);
  assert.equal(aaaaToLab(), 6);
  dropAaaa = false;
  clock.advance(10);
  const back = await resolver.resolve(query('www.lab', RRType.AAAA));
  assert.equal(back.rcode, Rcode.NOERROR);
  assert.equal(aaaaToLab(), 7);
});

test('when the deadline ends the retransmissions, the client still hears which servers failed', async () => {
  const net = hierarchy().serve(LAB, { kind: 'timeout' });
  const { clock, resolver } = setup({ limits: { queryDeadlineMs: 5000, upstreamTimeoutMs: 1000 } }, net);
  // Each lost query takes its whole timeout: 1 s, then 2 s, then the deadline is reached.
  net.onQuery = () => {
    const last = net.log.at(-1);
    if (last !== undefined && last.server.startsWith(LAB)) clock.t += last.opts.timeoutMs;
  };
  const o = await resolver.resolve(query('www.lab', RRType.A));
  assert.equal(o.rcode, Rcode.SERVFAIL);
  assert.equal(o.reasons[0]?.ede, EdeCode.NO_REACHABLE_AUTHORITY);
  assert.match(o.reasons[0]?.text ?? '', new RegExp(`^no reachable authority for lab\\.: ${LAB} timed out \\(\\d times\\)$`));
  assert.ok(toLab(net.asked()).length < 5, net.asked().join(', '));
});
