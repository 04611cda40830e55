import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startMetricsServer, type Health, type MetricsServer } from '../../src/metrics/http.ts';
import { Metrics } from '../../src/metrics/registry.ts';
import { Rcode, RRType } from '../../src/wire/constants.ts';
import { EdeCode } from '../../src/wire/ede.ts';
import { get, sample } from './scrape.ts';

async function start(metrics: Metrics, health: () => Health): Promise<MetricsServer> {
  const r = await startMetricsServer({ host: '127.0.0.1', port: 0, metrics, health });
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r.server;
}

test('GET /metrics over HTTP: counters move by exact amounts between scrapes', async (t) => {
  const metrics = new Metrics();
  const server = await start(metrics, () => ({ ok: true, detail: '' }));
  t.after(() => server.close());
  assert.ok(server.port > 0);

  const first = await get(server.port, '/metrics');
  assert.equal(first.status, 200);
  assert.equal(first.contentType, 'text/plain; version=0.0.4; charset=utf-8');
  const before = sample(first.body, 'anchord_responses_total', { rcode: 'SERVFAIL' }) ?? 0;

  metrics.onQuery('udp', RRType.AAAA);
  metrics.onQuery('udp', 0xfeed); // unassigned: bounded to "other"
  metrics.onResponse(Rcode.SERVFAIL, [EdeCode.DNSSEC_BOGUS]);
  metrics.onResponse(Rcode.SERVFAIL, [EdeCode.DNSSEC_BOGUS, EdeCode.SIGNATURE_EXPIRED]);

  const second = await get(server.port, '/metrics');
  assert.equal(second.status, 200);
  assert.equal(sample(second.body, 'anchord_responses_total', { rcode: 'SERVFAIL' }), before + 2);
  assert.equal(sample(second.body, 'anchord_queries_total', { transport: 'udp', qtype: 'AAAA' }), 1);
  assert.equal(sample(second.body, 'anchord_queries_total', { transport: 'udp', qtype: 'other' }), 1);
  assert.equal(sample(second.body, 'anchord_queries_total', { transport: 'udp', qtype: 'TYPE65261' }), undefined);
  assert.equal(sample(second.body, 'anchord_ede_sent_total', { code: '6' }), 2);
  assert.equal(sample(second.body, 'anchord_ede_sent_total', { code: '7' }), 1);
  assert.match(second.body, /^anchord_process_resident_memory_bytes /m);
});

test('GET /healthz: 200 "ok" when healthy, 503 with the detail when not', async (t) => {
  let health: Health = { ok: true, detail: 'fine' };
  const server = await start(new Metrics({ defaultMetrics: false }), () => health);
  t.after(() => server.close());

  const up = await get(server.port, '/healthz');
  assert.equal(up.status, 200);
  assert.equal(up.body, 'ok\n');

  health = { ok: false, detail: 'root trust anchor not loaded' };
  const down = await get(server.port, '/healthz');
  assert.equal(down.status, 503);
  assert.equal(down.body, 'root trust anchor not loaded\n');
});

test('a health check that throws reports 503 instead of failing the request', async (t) => {
  const server = await start(new Metrics({ defaultMetrics: false }), () => {
    throw new Error('boom');
  });
  t.after(() => server.close());
  const r = await get(server.port, '/healthz');
  assert.equal(r.status, 503);
  assert.match(r.body, /boom/);
});

test('unknown paths are 404, other methods 405, HEAD has no body', async (t) => {
  const server = await start(new Metrics({ defaultMetrics: false }), () => ({ ok: true, detail: '' }));
  t.after(() => server.close());
  assert.equal((await get(server.port, '/')).status, 404);
  assert.equal((await get(server.port, '/metrics/extra')).status, 404);
  assert.equal((await get(server.port, '/metrics', 'POST')).status, 405);
  const head = await get(server.port, '/metrics?x=1', 'HEAD');
  assert.equal(head.status, 200);
  assert.equal(head.body, '');
});

test('a port already in use is a typed error, not an exception', async (t) => {
  const metrics = new Metrics({ defaultMetrics: false });
  const first = await start(metrics, () => ({ ok: true, detail: '' }));
  t.after(() => first.close());
  const second = await startMetricsServer({ host: '127.0.0.1', port: first.port, metrics, health: () => ({ ok: true, detail: '' }) });
  assert.equal(second.ok, false);
  if (second.ok) return;
  assert.equal(second.error.kind, 'address-in-use');
  assert.equal(second.error.address, `127.0.0.1:${first.port}`);
});

test('close() releases the port', async () => {
  const metrics = new Metrics({ defaultMetrics: false });
  const server = await start(metrics, () => ({ ok: true, detail: '' }));
  await get(server.port, '/metrics'); // leaves a keep-alive connection that close() must not wait on
  await server.close();
  const again = await startMetricsServer({ host: '127.0.0.1', port: server.port, metrics, health: () => ({ ok: true, detail: '' }) });
  assert.ok(again.ok);
  if (again.ok) await again.server.close();
});
