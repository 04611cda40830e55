import { test } from 'node:test';
import assert from 'node:assert/strict';
import { observeTransport, observeValidator, UpstreamTally, type UpstreamCounters } from '../../src/app/upstream-metrics.ts';
import type { Resolution, Validator } from '../../src/resolver/resolution.ts';
import type { ClientQuery } from '../../src/wire/outcome.ts';
import type { UpstreamResult, UpstreamTransport } from '../../src/resolver/transport.ts';
import { RRClass, RRType } from '../../src/wire/constants.ts';
import { Name } from '../../src/wire/name.ts';
import type { Message } from '../../src/wire/types.ts';

const question = { name: Name.of('www.example.'), type: RRType.A, class: RRClass.IN };
const server = { address: '127.53.0.1', port: 53 };
const udp = { rd: false, cd: false, dnssecOk: true, tcp: false, timeoutMs: 100 };
const message = {} as Message;

function clientQuery(): ClientQuery {
  return { question, rd: true, cd: false, dnssecOk: true, ad: false, transport: 'udp', client: { address: '127.0.0.1', port: 5353 } };
}

function recorder(): UpstreamCounters & { log: string[] } {
  const log: string[] = [];
  return {
    log,
    countUpstreamQuery: (t) => void log.push(`query ${t}`),
    countUpstreamTimeout: () => void log.push('timeout'),
    countUpstreamTcpFallback: () => void log.push('fallback'),
    observeUpstreamRtt: (s) => void log.push(`rtt ${s}`),
  };
}

function fixed(r: UpstreamResult): UpstreamTransport {
  return { query: async () => r };
}

test('a UDP answer: one udp query and its RTT in seconds', async () => {
  const c = recorder();
  await observeTransport(fixed({ ok: true, message, rttMs: 250, tcp: false }), c).query(server, question, udp);
  assert.deepEqual(c.log, ['query udp', 'rtt 0.25']);
});

test('a TCP answer to a UDP query is the TC=1 retry: udp + fallback + tcp', async () => {
  const c = recorder();
  await observeTransport(fixed({ ok: true, message, rttMs: 10, tcp: true }), c).query(server, question, udp);
  assert.deepEqual(c.log, ['query udp', 'fallback', 'query tcp', 'rtt 0.01']);
});

test('a query started over TCP is no fallback; a timeout is counted, a network error is not', async () => {
  const c = recorder();
  await observeTransport(fixed({ ok: true, message, rttMs: 10, tcp: true }), c).query(server, question, { ...udp, tcp: true });
  await observeTransport(fixed({ ok: false, kind: 'timeout', detail: '' }), c).query(server, question, udp);
  await observeTransport(fixed({ ok: false, kind: 'network', detail: '' }), c).query(server, question, udp);
  assert.deepEqual(c.log, ['query tcp', 'rtt 0.01', 'query udp', 'timeout', 'query udp']);
});

test('the tally: a query the validator saw gets its own count; others the traffic sent while in flight', async () => {
  const tally = new UpstreamTally();
  const t = observeTransport(fixed({ ok: true, message, rttMs: 1, tcp: true }), recorder(), tally);
  const a = clientQuery(), b = clientQuery(), c = clientQuery();
  const before = tally.sent;
  await t.query(server, question, udp); // a TC=1 retry: two queries sent
  assert.equal(tally.sent, before + 2);
  tally.attribute(a, 0); // validated from cache, although traffic flowed meanwhile
  tally.attribute(b, 1);
  tally.attribute(b, 2); // several resolutions for one client query add up
  assert.equal(tally.take(a, before), 0);
  assert.equal(tally.take(b, before), 3);
  assert.equal(tally.take(c, before), 2); // never seen by the validator: the traffic during it
  assert.equal(tally.take(c, tally.sent), 0);
  assert.equal(tally.take(b, tally.sent), 0, 'a count is read once');
});

test('observeValidator credits the resolution and the fetches it made to the client query', async () => {
  const tally = new UpstreamTally();
  const fetched = { upstreamQueries: 4 } as Resolution;
  const inner: Validator = {
    async validateResolution(_res, ctx) {
      await ctx.fetch(question);
      await ctx.fetch(question);
      return { security: 'secure', reasons: [] };
    },
  };
  const query = clientQuery();
  const verdict = await observeValidator(inner, tally).validateResolution({ upstreamQueries: 3 } as Resolution, {
    query, fetch: async () => fetched, now: () => 0,
  });
  assert.equal(verdict.security, 'secure');
  assert.equal(tally.take(query, tally.sent), 3 + 4 + 4);
});

test('observeValidator reports each RFC 8198 denial the validator synthesises, and passes it on unchanged', () => {
  const denial = { kind: 'nodata' as const, zone: Name.of('example.'), authority: [] };
  const inner: Validator = {
    validateResolution: async () => ({ security: 'secure', reasons: [] }),
    synthesiseDenial: (q) => (q.type === RRType.TXT ? denial : undefined),
  };
  const seen: string[] = [];
  const v = observeValidator(inner, new UpstreamTally(), (kind) => void seen.push(kind));
  assert.equal(v.synthesiseDenial?.({ ...question, type: RRType.TXT }, 0), denial);
  assert.equal(v.synthesiseDenial?.(question, 0), undefined);
  assert.deepEqual(seen, ['nodata']);
  // A validator that cannot synthesise stays one that cannot.
  assert.equal(observeValidator({ validateResolution: inner.validateResolution }, new UpstreamTally()).synthesiseDenial, undefined);
});
