// Test support: an in-memory zone behind the Resolve port. It only looks names up in the records it
// was given (exact match → answer, known name → NODATA, else NXDOMAIN); it does not pretend to
// resolve. Holds let a test keep a query in flight until it says so.
import { Rcode, RRClass, RRType } from '../../src/wire/constants.ts';
import type { Reason } from '../../src/wire/ede.ts';
import { Name } from '../../src/wire/name.ts';
import type { ClientQuery, Outcome, Resolve, Security } from '../../src/wire/outcome.ts';
import type { RRset } from '../../src/wire/types.ts';

export interface ZoneBehaviour {
  security?: Security;
  synthesized?: boolean;
  reasons?: Reason[];
}

export class FakeZone {
  readonly #sets: RRset[];
  readonly #holds = new Map<string, Promise<void>>();
  readonly #waiters: { count: number; wake: () => void }[] = [];
  /** Names asked, in call order (lower-cased presentation form). */
  readonly calls: string[] = [];
  /** Everything that happened, in order: "call:<name>" and "release:<name>". */
  readonly events: string[] = [];
  behaviour: ZoneBehaviour = {};
  /** When set, resolve throws this instead of answering (a bug downstream). */
  throws: Error | undefined;
  lastQuery: ClientQuery | undefined;

  constructor(sets: RRset[]) {
    this.#sets = sets;
  }

  /** Keeps queries for `name` in flight until the returned function is called. */
  hold(name: string): () => void {
    let release!: () => void;
    const key = Name.of(name).key;
    this.#holds.set(key, new Promise<void>((r) => (release = r)));
    return () => {
      this.events.push(`release:${key}`);
      this.#holds.delete(key);
      release();
    };
  }

  /** Resolves once `count` calls have been made in total. */
  waitForCalls(count: number): Promise<void> {
    if (this.calls.length >= count) return Promise.resolve();
    return new Promise((wake) => this.#waiters.push({ count, wake }));
  }

  readonly resolve: Resolve = async (q) => {
    const key = q.question.name.key;
    this.lastQuery = q;
    this.calls.push(key);
    this.events.push(`call:${key}`);
    for (const w of this.#waiters.filter((x) => this.calls.length >= x.count)) {
      this.#waiters.splice(this.#waiters.indexOf(w), 1);
      w.wake();
    }
    const hold = this.#holds.get(key);
    if (hold !== undefined) await hold;
    if (this.throws !== undefined) throw this.throws;
    const atName = this.#sets.filter((s) => s.name.key === key);
    const answer = atName.filter((s) => s.type === q.question.type || q.question.type === RRType.ANY);
    const base = {
      additional: [],
      security: this.behaviour.security ?? 'insecure',
      reasons: this.behaviour.reasons ?? [],
      ...(this.behaviour.synthesized !== undefined ? { synthesized: this.behaviour.synthesized } : {}),
    } satisfies Partial<Outcome>;
    if (answer.length > 0) return { ...base, rcode: Rcode.NOERROR, answer, authority: [] };
    return { ...base, rcode: atName.length > 0 ? Rcode.NOERROR : Rcode.NXDOMAIN, answer: [], authority: [] };
  };
}

export function rrset(name: string, type: number, rdata: Uint8Array[], sigs: Uint8Array[] = [], ttl = 300): RRset {
  return { name: Name.of(name), type, class: RRClass.IN, ttl, rdata, sigs };
}

export function aRdata(text: string): Uint8Array {
  return Uint8Array.from(text.split('.').map(Number));
}

/** TXT RDATA of `count` character-strings of `length` octets each. */
export function txtRdata(count: number, length: number): Uint8Array {
  const out = new Uint8Array(count * (length + 1));
  for (let i = 0; i < count; i++) {
    out[i * (length + 1)] = length;
    out.fill(0x61 + (i % 26), i * (length + 1) + 1, (i + 1) * (length + 1));
  }
  return out;
}

/** Opaque bytes standing in for RRSIG/NSEC RDATA (the frontend never looks inside). */
export function fakeRdata(type: number, n = 20): Uint8Array {
  const out = new Uint8Array(n);
  out[0] = type >>> 8;
  out[1] = type & 0xff;
  return out;
}
