import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Metrics } from '../../src/metrics/registry.ts';
import { edeLabel, qtypeLabel, rcodeLabel } from '../../src/metrics/labels.ts';
import { EdeCode } from '../../src/wire/ede.ts';
import { RRType, Rcode } from '../../src/wire/constants.ts';
import { labelValues, sample } from './scrape.ts';

test('label helpers map to bounded sets', () => {
  assert.equal(qtypeLabel(RRType.AAAA), 'AAAA');
  assert.equal(qtypeLabel(65280), 'other');
  assert.equal(qtypeLabel(undefined), 'none');
  assert.equal(rcodeLabel(Rcode.SERVFAIL), 'SERVFAIL');
  assert.equal(rcodeLabel(3841), 'other');
  assert.equal(edeLabel(EdeCode.DNSSEC_BOGUS), '6');
  assert.equal(edeLabel(EdeCode.INVALID_QUERY_TYPE), '30');
  assert.equal(edeLabel(31), 'other');
  assert.equal(edeLabel(-1), 'other');
});

test('observer calls move query, response and EDE counters by exact amounts', async () => {
  const m = new Metrics({ defaultMetrics: false });
  m.onQuery('udp', RRType.A);
  m.onQuery('udp', RRType.A);
  m.onQuery('tcp', RRType.DNSKEY);
  m.onQuery('udp', 65280); // private-use type: must not become its own series
  m.onQuery('udp', 65281);
  m.onResponse(Rcode.SERVFAIL, [EdeCode.SIGNATURE_EXPIRED, EdeCode.DNSSEC_BOGUS]);
  m.onResponse(Rcode.NOERROR, []);
  m.onResponse(Rcode.SERVFAIL, [EdeCode.SIGNATURE_EXPIRED, 4000]);
  const t = await m.exposition();
  assert.equal(sample(t, 'anchord_queries_total', { transport: 'udp', qtype: 'A' }), 2);
  assert.equal(sample(t, 'anchord_queries_total', { transport: 'tcp', qtype: 'DNSKEY' }), 1);
  assert.equal(sample(t, 'anchord_queries_total', { transport: 'udp', qtype: 'other' }), 2);
  assert.deepEqual(labelValues(t, 'anchord_queries_total', 'qtype'), new Set(['A', 'DNSKEY', 'other']));
  assert.equal(sample(t, 'anchord_responses_total', { rcode: 'SERVFAIL' }), 2);
  assert.equal(sample(t, 'anchord_responses_total', { rcode: 'NOERROR' }), 1);
  assert.equal(sample(t, 'anchord_ede_sent_total', { code: '7' }), 2);
  assert.equal(sample(t, 'anchord_ede_sent_total', { code: '6' }), 1);
  assert.equal(sample(t, 'anchord_ede_sent_total', { code: 'other' }), 1);
});

test('resolver, validator and policy counters; policy zones outside config become "other"', async () => {
  const m = new Metrics({ defaultMetrics: false, policyZones: ['ads.rpz'] });
  let t = await m.exposition();
  // Pre-created series start at zero so rate() works from the first scrape.
  assert.equal(sample(t, 'anchord_validation_total', { result: 'bogus' }), 0);
  assert.equal(sample(t, 'anchord_upstream_queries_total', { transport: 'tcp' }), 0);
  assert.equal(sample(t, 'anchord_aggressive_nsec_total', { result: 'nodata' }), 0);
  assert.equal(sample(t, 'anchord_prefetch_total', { result: 'failed' }), 0);

  m.countValidation('secure');
  m.countAggressiveNsec('nxdomain');
  m.countPrefetch('refreshed');
  m.countPrefetch('refreshed');
  m.countPrefetch('skipped');
  m.countValidation('bogus');
  m.countValidation('bogus');
  m.countSentinel('is_ta', 'answered');
  m.countSentinel('not_ta', 'servfail');
  m.countPolicyHit('ads.rpz', 'nxdomain');
  m.countPolicyHit('evil.example.com', 'nodata');
  m.countCacheHit();
  m.countCacheHit();
  m.countCacheMiss();
  m.countUpstreamQuery('udp');
  m.countUpstreamQuery('udp');
  m.countUpstreamQuery('tcp');
  m.countUpstreamTimeout();
  m.countUpstreamTcpFallback();
  m.observeUpstreamRtt(0.003);
  m.observeUpstreamRtt(0.2);
  m.observeResponseDuration(0.0001, true);
  m.observeResponseDuration(0.3, false);
  m.observeResponseDuration(0.4, false);
  t = await m.exposition();
  assert.equal(sample(t, 'anchord_validation_total', { result: 'secure' }), 1);
  assert.equal(sample(t, 'anchord_validation_total', { result: 'bogus' }), 2);
  assert.equal(sample(t, 'anchord_validation_total', { result: 'insecure' }), 0);
  assert.equal(sample(t, 'anchord_sentinel_total', { kind: 'is_ta', result: 'answered' }), 1);
  assert.equal(sample(t, 'anchord_sentinel_total', { kind: 'not_ta', result: 'servfail' }), 1);
  assert.equal(sample(t, 'anchord_policy_hits_total', { zone: 'ads.rpz', action: 'nxdomain' }), 1);
  assert.equal(sample(t, 'anchord_policy_hits_total', { zone: 'other', action: 'nodata' }), 1);
  assert.equal(sample(t, 'anchord_cache_hits_total'), 2);
  assert.equal(sample(t, 'anchord_cache_misses_total'), 1);
  assert.equal(sample(t, 'anchord_aggressive_nsec_total', { result: 'nxdomain' }), 1);
  assert.equal(sample(t, 'anchord_aggressive_nsec_total', { result: 'nodata' }), 0);
  assert.equal(sample(t, 'anchord_upstream_queries_total', { transport: 'udp' }), 2);
  assert.equal(sample(t, 'anchord_prefetch_total', { result: 'refreshed' }), 2);
  assert.equal(sample(t, 'anchord_prefetch_total', { result: 'skipped' }), 1);
  assert.equal(sample(t, 'anchord_prefetch_total', { result: 'failed' }), 0);
  assert.equal(sample(t, 'anchord_upstream_queries_total', { transport: 'tcp' }), 1);
  assert.equal(sample(t, 'anchord_upstream_timeouts_total'), 1);
  assert.equal(sample(t, 'anchord_upstream_tcp_fallbacks_total'), 1);
  assert.equal(sample(t, 'anchord_upstream_rtt_seconds_count'), 2);
  assert.equal(sample(t, 'anchord_upstream_rtt_seconds_bucket', { le: '0.005' }), 1);
  assert.equal(sample(t, 'anchord_response_duration_seconds_count', { cache: 'hit' }), 1);
  assert.equal(sample(t, 'anchord_response_duration_seconds_count', { cache: 'miss' }), 2);
});

test('gauges: open connections, in-flight resolutions, cache stats read at scrape time', async () => {
  const m = new Metrics({ defaultMetrics: false });
  let entries = 3;
  m.setCacheStatsSource(() => ({ entries, bytes: entries * 100 }));
  m.tcpConnectionOpened();
  m.tcpConnectionOpened();
  m.tcpConnectionClosed();
  m.resolutionStarted();
  m.resolutionStarted();
  m.resolutionStarted();
  m.resolutionFinished();
  let t = await m.exposition();
  assert.equal(sample(t, 'anchord_tcp_connections_open'), 1);
  assert.equal(sample(t, 'anchord_resolutions_in_flight'), 2);
  assert.equal(sample(t, 'anchord_cache_entries'), 3);
  assert.equal(sample(t, 'anchord_cache_bytes'), 300);
  entries = 7;
  t = await m.exposition();
  assert.equal(sample(t, 'anchord_cache_entries'), 7);
  assert.equal(sample(t, 'anchord_cache_bytes'), 700);
});

test('two instances keep separate registries; default process metrics carry the prefix', async () => {
  const a = new Metrics();
  const b = new Metrics();
  a.countCacheHit();
  const ta = await a.exposition();
  const tb = await b.exposition();
  assert.equal(sample(ta, 'anchord_cache_hits_total'), 1);
  assert.equal(sample(tb, 'anchord_cache_hits_total'), 0);
  assert.match(ta, /^anchord_process_cpu_user_seconds_total /m);
  assert.doesNotMatch(ta, /^process_cpu_user_seconds_total /m);
});

test('every metric name follows the naming rules', async () => {
  const m = new Metrics({ defaultMetrics: false });
  const names = m.registry.getMetricsAsArray().map((x) => ({ name: x.name, type: String(x.type) }));
  assert.deepEqual(
    names.map((x) => x.name).sort(),
    [
      'anchord_aggressive_nsec_total', 'anchord_cache_bytes', 'anchord_cache_entries', 'anchord_cache_hits_total', 'anchord_cache_misses_total',
      'anchord_ede_sent_total', 'anchord_policy_hits_total', 'anchord_prefetch_total', 'anchord_queries_total', 'anchord_resolutions_in_flight',
      'anchord_response_duration_seconds', 'anchord_responses_total', 'anchord_sentinel_total',
      'anchord_tcp_connections_open', 'anchord_upstream_queries_total', 'anchord_upstream_rtt_seconds',
      'anchord_upstream_tcp_fallbacks_total', 'anchord_upstream_timeouts_total', 'anchord_validation_total',
    ],
  );
  for (const { name, type } of names) {
    assert.match(name, /^anchord_[a-z0-9_]+$/, name);
    if (type === 'counter') assert.match(name, /_total$/, name);
    else assert.doesNotMatch(name, /_total$/, name);
    if (type === 'histogram') assert.match(name, /_seconds$/, name);
  }
});
