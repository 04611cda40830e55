// The work one client query may cause: upstream queries, referrals, nested sub-queries and wall
// time. The first limit hit is remembered as a Reason; after that every check fails fast, so a
// resolution that ran out stops everywhere at once.
import { EdeCode, reason, type Reason } from '../wire/ede.ts';
import type { Clock } from './clock.ts';
import type { Limits } from './options.ts';

export class Budget {
  readonly limits: Limits;
  readonly #clock: Clock;
  readonly #deadline: number;
  #upstreamQueries = 0;
  #subqueries = 0;
  #failure: Reason | undefined;

  constructor(limits: Limits, clock: Clock) {
    this.limits = limits;
    this.#clock = clock;
    this.#deadline = clock.now() + limits.queryDeadlineMs;
  }

  get failure(): Reason | undefined {
    return this.#failure;
  }

  get upstreamQueries(): number {
    return this.#upstreamQueries;
  }

  #fail(r: Reason): Reason {
    this.#failure ??= r;
    return this.#failure;
  }

  remainingMs(): number {
    return this.#deadline - this.#clock.now();
  }

  /** Undefined when there is time left; the deadline reason otherwise. */
  checkDeadline(what: string): Reason | undefined {
    if (this.#failure !== undefined) return this.#failure;
    if (this.remainingMs() > 0) return undefined;
    return this.#fail(reason(EdeCode.NO_REACHABLE_AUTHORITY, `query deadline of ${this.limits.queryDeadlineMs} ms exceeded while resolving ${what}`));
  }

  /** Spends one upstream query; a Reason when the budget is gone. */
  takeUpstreamQuery(what: string): Reason | undefined {
    const d = this.checkDeadline(what);
    if (d !== undefined) return d;
    if (this.#upstreamQueries >= this.limits.maxUpstreamQueriesPerQuery) {
      return this.#fail(reason(EdeCode.OTHER, `upstream query limit of ${this.limits.maxUpstreamQueriesPerQuery} reached while resolving ${what}`));
    }
    this.#upstreamQueries++;
    return undefined;
  }

  /** Checks a referral count against the limit. */
  checkReferralDepth(depth: number, what: string): Reason | undefined {
    if (this.#failure !== undefined) return this.#failure;
    if (depth <= this.limits.maxReferralDepth) return undefined;
    return this.#fail(reason(EdeCode.OTHER, `referral depth limit of ${this.limits.maxReferralDepth} reached while resolving ${what}`));
  }

  /** Enters a sub-query (an NS address lookup); pair with leaveSubquery. */
  enterSubquery(what: string): Reason | undefined {
    if (this.#failure !== undefined) return this.#failure;
    if (this.#subqueries >= this.limits.maxConcurrentSubqueries) {
      return this.#fail(reason(EdeCode.OTHER, `limit of ${this.limits.maxConcurrentSubqueries} concurrent sub-queries reached at ${what}`));
    }
    this.#subqueries++;
    return undefined;
  }

  leaveSubquery(): void {
    this.#subqueries--;
  }
}
