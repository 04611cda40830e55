// A ControlTarget that records what it was asked, for the endpoint and CLI tests.
import type { ControlTarget } from '../../src/control/server.ts';
import type { ReloadReport } from '../../src/control/reload.ts';
import type { Name } from '../../src/wire/name.ts';

export interface FakeTarget extends ControlTarget {
  readonly flushed: (Name | undefined)[];
  reloads: number;
}

export function fakeTarget(report: ReloadReport = { ok: true, parts: [{ name: 'config', ok: true }] }, removed = 7): FakeTarget {
  const flushed: (Name | undefined)[] = [];
  const t: FakeTarget = {
    flushed,
    reloads: 0,
    flush(name?: Name) {
      flushed.push(name);
      return { removed };
    },
    stats() {
      return { uptimeSeconds: 12, queries: 345n, cache: { entries: 6, bytes: 789 } };
    },
    async reload() {
      t.reloads++;
      return report;
    },
  };
  return t;
}
