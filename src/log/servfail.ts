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
