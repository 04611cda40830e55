import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countUpstream, observeTransport, type UpstreamCounters } from '../../src/app/upstream-metrics.ts';
import type { UpstreamResult, UpstreamTransport } from '../../src/resolver/transport.ts';
import { RRClass, RRType } from '../../src/wire/constants.ts';
import { Name } from '../../src/wire/name.ts';
import type { Message } from '../../src/wire/types.ts';

const question = { name: Name.of('www.example.'), type: RRType.A, class: RRClass.IN };
const server = { address: '127.53.0.1', port: 53 };
const udp = { rd: false, cd: false, dnssecOk: true, tcp: false, timeoutMs: 100 };
const message = {} as Message;

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

test('countUpstream counts only the queries made inside its own scope', async () => {
  const t = observeTransport(fixed({ ok: true, message, rttMs: 1, tcp: false }), recorder());
  const [a, b] = await Promise.all([
    countUpstream(async () => {
      await t.query(server, question, udp);
      await t.query(server, question, udp);
      return 'a';
    }),
    countUpstream(async () => 'b'),
  ]);
  assert.deepEqual(a, { value: 'a', upstream: 2 });
  assert.deepEqual(b, { value: 'b', upstream: 0 });
});
