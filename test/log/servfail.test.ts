import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../../src/log/logger.ts';
import { createServfailLog, SERVFAIL_LINES_PER_SECOND } from '../../src/log/servfail.ts';
import { EdeCode, reason } from '../../src/wire/ede.ts';
import { RRType } from '../../src/wire/constants.ts';

const T0 = Date.UTC(2026, 10, 29, 6, 0, 0, 0);

function setup(perSecond?: number) {
  const clock = { ms: T0, now() { return this.ms; } };
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ level: 'warn', sink: (l) => lines.push(JSON.parse(l) as Record<string, unknown>), clock });
  const log = createServfailLog(logger, { clock, ...(perSecond !== undefined ? { perSecond } : {}) });
  const report = (i: number) => log({ qname: `q${i}.bogus.lab.`, qtype: RRType.A, step: 'validate', reasons: [reason(EdeCode.DNSSEC_BOGUS, `bad ${i}`)] });
  return { clock, lines, report };
}

test('servfail log: at most the limit per second, each line with its reasons; the rest summed up once', () => {
  const { clock, lines, report } = setup();
  for (let i = 0; i < 100; i++) report(i);
  assert.equal(lines.length, SERVFAIL_LINES_PER_SECOND);
  assert.ok(lines.every((l) => l.msg === 'servfail'));
  assert.deepEqual(lines[0].reasons, [{ code: EdeCode.DNSSEC_BOGUS, name: 'DNSSEC Bogus', text: 'bad 0' }]);
  assert.equal(lines.at(-1)?.qname, `q${SERVFAIL_LINES_PER_SECOND - 1}.bogus.lab.`);

  clock.ms += 999; // still the same window
  report(100);
  assert.equal(lines.length, SERVFAIL_LINES_PER_SECOND);

  clock.ms += 1; // a new window: first the summary of the old one, then the line itself
  report(101);
  assert.equal(lines.length, SERVFAIL_LINES_PER_SECOND + 2);
  const summary = lines[SERVFAIL_LINES_PER_SECOND];
  assert.equal(summary.msg, `servfail log: ${100 - SERVFAIL_LINES_PER_SECOND + 1} lines suppressed in the last second`);
  assert.equal(summary.suppressed, 100 - SERVFAIL_LINES_PER_SECOND + 1);
  assert.equal(summary.level, 'warn');
  assert.equal(lines[SERVFAIL_LINES_PER_SECOND + 1].qname, 'q101.bogus.lab.');
});

test('servfail log: under the limit nothing is dropped and no summary is written', () => {
  const { clock, lines, report } = setup(3);
  for (let s = 0; s < 4; s++) {
    for (let i = 0; i < 3; i++) report(s * 10 + i);
    clock.ms += 1000;
  }
  assert.equal(lines.length, 12);
  assert.ok(lines.every((l) => l.msg === 'servfail'));
});

test('servfail log: a clock that steps back starts a new window instead of muting the log', () => {
  const { clock, lines, report } = setup(1);
  report(0);
  report(1); // suppressed
  clock.ms -= 60_000;
  report(2);
  assert.deepEqual(lines.map((l) => l.msg), ['servfail', 'servfail log: 1 lines suppressed in the last second', 'servfail']);
});
