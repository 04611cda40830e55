import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger, nullLogger, parseLogLevel, withFields, type LogLevel } from '../../src/log/logger.ts';
import { logServfail } from '../../src/log/servfail.ts';
import { EdeCode, reason } from '../../src/wire/ede.ts';
import { RRType } from '../../src/wire/constants.ts';
import { Name } from '../../src/wire/name.ts';

const fixedClock = { now: () => Date.UTC(2025, 0, 2, 3, 4, 5, 678) };

function capture(level: LogLevel) {
  const lines: string[] = [];
  const logger = createLogger({ level, sink: (l) => lines.push(l), clock: fixedClock });
  return { logger, lines, parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

test('each line is one JSON object with ts, level, msg and the fields', () => {
  const { logger, lines, parsed } = capture('debug');
  logger.info('listening', { address: '127.0.0.1:53', transport: 'udp' });
  assert.equal(lines.length, 1);
  assert.ok(!lines[0].includes('\n'));
  assert.deepEqual(parsed()[0], {
    ts: '2025-01-02T03:04:05.678Z',
    level: 'info',
    msg: 'listening',
    address: '127.0.0.1:53',
    transport: 'udp',
  });
  // ts, level, msg come first so a human reading the raw line sees them first.
  assert.ok(lines[0].startsWith('{"ts":"2025-01-02T03:04:05.678Z","level":"info","msg":"listening"'));
});

test('the threshold drops less severe lines', () => {
  const { logger, parsed } = capture('warn');
  logger.error('e');
  logger.warn('w');
  logger.info('i');
  logger.debug('d');
  assert.deepEqual(parsed().map((l) => l.level), ['error', 'warn']);

  const all = capture('debug');
  for (const l of ['error', 'warn', 'info', 'debug'] as const) all.logger[l](l);
  assert.deepEqual(all.parsed().map((l) => l.msg), ['error', 'warn', 'info', 'debug']);

  const quiet = capture('error');
  quiet.logger.warn('w');
  assert.equal(quiet.lines.length, 0);
});

test('fields cannot hide ts/level/msg; bigint, Error and bytes serialise', () => {
  const { logger, parsed } = capture('info');
  logger.warn('m', { level: 'spoof', msg: 'spoof', n: 10n, err: new Error('bad'), key: new Uint8Array([0xab, 0x01]), gone: undefined });
  const line = parsed()[0];
  assert.equal(line.level, 'warn');
  assert.equal(line.msg, 'm');
  assert.equal(line.field_level, 'spoof');
  assert.equal(line.n, '10');
  assert.deepEqual(line.err, { name: 'Error', message: 'bad' });
  assert.equal(line.key, 'ab01');
  assert.ok(!('gone' in line));
});

test('a cyclic field still yields a parseable line with the message', () => {
  const { logger, parsed } = capture('info');
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  logger.error('oops', { cyclic });
  assert.equal(parsed()[0].msg, 'oops');
  assert.equal(parsed()[0].level, 'error');
});

test('withFields adds fields to every line; call-site fields win', () => {
  const { logger, parsed } = capture('info');
  const room = withFields(logger, { room: 'resolver', zone: 'a' });
  room.info('x', { zone: 'b' });
  room.debug('hidden');
  assert.deepEqual(parsed(), [{ ts: '2025-01-02T03:04:05.678Z', level: 'info', msg: 'x', room: 'resolver', zone: 'b' }]);
});

test('parseLogLevel and nullLogger', () => {
  assert.equal(parseLogLevel('WARN'), 'warn');
  assert.equal(parseLogLevel('verbose'), undefined);
  nullLogger.error('nothing happens');
});

test('logServfail writes exactly one line with every EDE reason', () => {
  const { logger, lines, parsed } = capture('info');
  const qname = Name.parse('expired.lab.');
  assert.ok(qname.ok);
  if (!qname.ok) return;
  logServfail(logger, {
    qname: qname.name,
    qtype: RRType.AAAA,
    step: 'validate',
    reasons: [reason(EdeCode.SIGNATURE_EXPIRED, 'RRSIG expired.lab./AAAA expired'), reason(EdeCode.DNSSEC_BOGUS, 'no valid signature')],
  });
  assert.equal(lines.length, 1);
  assert.deepEqual(parsed()[0], {
    ts: '2025-01-02T03:04:05.678Z',
    level: 'warn',
    msg: 'servfail',
    qname: 'expired.lab.',
    qtype: 'AAAA',
    step: 'validate',
    reasons: [
      { code: 7, name: 'Signature Expired', text: 'RRSIG expired.lab./AAAA expired' },
      { code: 6, name: 'DNSSEC Bogus', text: 'no valid signature' },
    ],
  });
});

test('logServfail without a step or reasons still logs one line; respects the threshold', () => {
  const { logger, parsed } = capture('info');
  logServfail(logger, { qname: 'x.example.', qtype: 'TYPE65280', reasons: [] });
  assert.deepEqual(parsed()[0], { ts: '2025-01-02T03:04:05.678Z', level: 'warn', msg: 'servfail', qname: 'x.example.', qtype: 'TYPE65280', reasons: [] });
  const quiet = capture('error');
  logServfail(quiet.logger, { qname: 'x.', qtype: RRType.A, reasons: [] });
  assert.equal(quiet.lines.length, 0);
});
