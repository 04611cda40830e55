// contrib/grafana-dashboard.json must keep up with src/metrics/registry.ts: a renamed metric would
// otherwise leave a silently empty panel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Metrics } from '../../src/metrics/registry.ts';

interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { h: number; w: number; x: number; y: number };
  targets?: { expr: string; refId: string }[];
}

const HISTOGRAM_SERIES = /_(bucket|sum|count)$/;
const GRID_WIDTH = 24;

test('every metric the dashboard queries exists in the registry', async () => {
  const dashboard = JSON.parse(readFileSync(new URL('../../contrib/grafana-dashboard.json', import.meta.url), 'utf8')) as { panels: Panel[]; uid: string; schemaVersion: number };
  assert.equal(typeof dashboard.uid, 'string');
  assert.ok(dashboard.schemaVersion > 0);

  const exposition = await new Metrics().exposition();
  const known = new Map<string, string>();
  for (const line of exposition.split('\n')) {
    const m = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (m !== null) known.set(m[1], m[2]);
  }

  const ids = new Set<number>();
  const used = new Set<string>();
  for (const p of dashboard.panels) {
    assert.ok(!ids.has(p.id), `duplicate panel id ${p.id}`);
    ids.add(p.id);
    assert.ok(p.gridPos.x + p.gridPos.w <= GRID_WIDTH, `${p.title} overflows the grid`);
    for (const t of p.targets ?? []) {
      for (const [name] of t.expr.matchAll(/anchord_[a-z0-9_]+/g)) {
        const base = HISTOGRAM_SERIES.test(name) && known.get(name.replace(HISTOGRAM_SERIES, '')) === 'histogram' ? name.replace(HISTOGRAM_SERIES, '') : name;
        assert.ok(known.has(base), `panel "${p.title}" queries unknown metric ${name}`);
        used.add(base);
      }
    }
  }
  // The panels the operations brief promises.
  for (const name of ['anchord_queries_total', 'anchord_responses_total', 'anchord_ede_sent_total', 'anchord_validation_total', 'anchord_cache_hits_total', 'anchord_upstream_rtt_seconds', 'anchord_response_duration_seconds', 'anchord_tcp_connections_open', 'anchord_resolutions_in_flight']) {
    assert.ok(used.has(name), `no panel shows ${name}`);
  }
});
