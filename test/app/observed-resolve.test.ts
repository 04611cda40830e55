import { test } from 'node:test';
import assert from 'node:assert/strict';
import { observeResolve, type ResolveCounters } from '../../src/app/observed-resolve.ts';
import { UpstreamTally } from '../../src/app/upstream-metrics.ts';
import type { ServfailReport } from '../../src/log/servfail.ts';
import { Rcode, RRClass, RRType } from '../../src/wire/constants.ts';
import { EdeCode, reason } from '../../src/wire/ede.ts';
import { Name } from '../../src/wire/name.ts';
import type { ClientQuery, Outcome } from '../../src/wire/outcome.ts';

function query(name: string): ClientQuery {
  return { question: { name: Name.of(name), type: RRType.A, class: RRClass.IN }, rd: true, cd: false, dnssecOk: true, ad: false, transport: 'udp', client: { address: '127.0.0.1', port: 5353 } };
}

const ok: Outcome = { rcode: Rcode.NOERROR, answer: [], authority: [], additional: [], security: 'secure', reasons: [] };
const bogus: Outcome = { ...ok, rcode: Rcode.SERVFAIL, security: 'bogus', reasons: [reason(EdeCode.DNSSEC_BOGUS, 'bad')] };

function recorder(): ResolveCounters & { log: string[] } {
  const log: string[] = [];
  return {
    log,
    resolutionStarted: () => void log.push('start'),
    resolutionFinished: () => void log.push('finish'),
    observeResponseDuration: (_s, hit) => void log.push(hit ? 'hit' : 'miss'),
    countCacheHit: () => void log.push('cache hit'),
    countCacheMiss: () => void log.push('cache miss'),
  };
}

test('metrics on: cache label from the tally, cache counters carried over, SERVFAIL reported with its step', async () => {
  const counters = recorder();
  const tally = new UpstreamTally();
  const cacheStats = { hits: 5, misses: 1 };
  const reports: ServfailReport[] = [];
  const resolve = observeResolve(async (q) => {
    if (q.question.name.toString() === 'miss.example.') tally.attribute(q, 2);
    else tally.attribute(q, 0);
    cacheStats.hits += 2;
    return q.question.name.toString() === 'bad.example.' ? bogus : ok;
  }, { metrics: { counters, cacheStats, tally }, logServfail: (r) => void reports.push(r) });
  await resolve(query('miss.example.'));
  await resolve(query('bad.example.'));
  assert.deepEqual(counters.log, ['start', 'miss', 'finish', 'cache hit', 'cache hit', 'start', 'hit', 'finish', 'cache hit', 'cache hit']);
  assert.equal(reports.length, 1);
  assert.equal(reports[0].qname.toString(), 'bad.example.');
  assert.equal(reports[0].step, 'validate');
  assert.deepEqual(reports[0].reasons, bogus.reasons);
});

test('metrics off: the answer passes through, SERVFAIL is still reported, nothing is counted', async () => {
  const reports: ServfailReport[] = [];
  const resolve = observeResolve(async () => ({ ...bogus, security: 'insecure' }), { logServfail: (r) => void reports.push(r) });
  const o = await resolve(query('x.example.'));
  assert.equal(o.rcode, Rcode.SERVFAIL);
  assert.equal(reports.length, 1);
  assert.equal(reports[0].step, undefined);
});
