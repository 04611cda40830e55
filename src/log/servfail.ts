// One log line per SERVFAIL, carrying every EDE reason: the operator's first question about a
// failure is "why", and the reasons already say it (DESIGN.md: the reason is data from the start).
import { rrTypeToString } from '../wire/constants.ts';
import { edeCodeName, type Reason } from '../wire/ede.ts';
import type { Name } from '../wire/name.ts';
import type { Logger } from './logger.ts';

export interface ServfailReport {
  /** The query name, or its presentation form. */
  readonly qname: Name | string;
  /** The type number (printed as its mnemonic) or an already-printed mnemonic. */
  readonly qtype: number | string;
  readonly reasons: readonly Reason[];
  /** Which stage gave up (e.g. "validate", "iterate"), when known. */
  readonly step?: string;
}

export interface LoggedReason {
  readonly code: number;
  readonly name: string;
  readonly text: string;
}

/** Logs exactly one warn-level line describing a SERVFAIL and its EDE reasons. */
export function logServfail(logger: Logger, report: ServfailReport): void {
  const reasons: LoggedReason[] = report.reasons.map((r) => ({ code: r.ede, name: edeCodeName(r.ede), text: r.text }));
  logger.warn('servfail', {
    qname: report.qname.toString(),
    qtype: typeof report.qtype === 'number' ? rrTypeToString(report.qtype) : report.qtype,
    ...(report.step !== undefined ? { step: report.step } : {}),
    reasons,
  });
}

export interface ServfailLogOptions {
  /** Milliseconds; injected so tests pin it. */
  readonly clock: { now(): number };
  /** Lines let through per one-second window. Default SERVFAIL_LINES_PER_SECOND. */
  readonly perSecond?: number;
}

/** Enough to see what is failing; a stream of bogus queries must not become megabytes of log a second. */
export const SERVFAIL_LINES_PER_SECOND = 20;
const WINDOW_MS = 1000;

/**
 * logServfail with a rate limit: at most `perSecond` lines per one-second window, each still
 * carrying every EDE reason. What a window drops is reported as one line when the next SERVFAIL
 * after it arrives (no timer: an idle resolver logs nothing and keeps nothing scheduled).
 */
export function createServfailLog(logger: Logger, o: ServfailLogOptions): (report: ServfailReport) => void {
  const limit = o.perSecond ?? SERVFAIL_LINES_PER_SECOND;
  let windowStart = Number.NEGATIVE_INFINITY;
  let logged = 0;
  let suppressed = 0;
  return (report) => {
    const now = o.clock.now();
    if (now - windowStart >= WINDOW_MS || now < windowStart) {
      if (suppressed > 0) {
        logger.warn(`servfail log: ${suppressed} lines suppressed in the last second`, { suppressed, windowStart: new Date(windowStart).toISOString() });
      }
      windowStart = now;
      logged = 0;
      suppressed = 0;
    }
    if (logged >= limit) {
      suppressed++;
      return;
    }
    logged++;
    logServfail(logger, report);
  };
}
