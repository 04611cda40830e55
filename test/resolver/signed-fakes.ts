// Hand-made "signed" zones for validator logic tests: real DNSKEY, DS and RRSIG records (key tags,
// signer names, validity windows all real), but the crypto step is replaced by a check that accepts
// every signature except those marked broken. This lets a test build exactly the odd answer shape
// an Unbound scenario describes (a CNAME answering a DS query, an NXDOMAIN for an empty
// non-terminal, ...) without a signer; the signature crypto itself is tested in test/dnssec/.
import { RRClass, RRType } from '../../src/wire/constants.ts';
import { Name } from '../../src/wire/name.ts';
import { soaCodec } from '../../src/wire/rdata/basic.ts';
import { dnskeyCodec, dsCodec, nsecCodec, rrsigCodec, type DsRdata } from '../../src/wire/rdata/dnssec.ts';
import type { Question, RR, RRset } from '../../src/wire/types.ts';
import { computeDsDigest } from '../../src/dnssec/ds.ts';
import { keyTag } from '../../src/dnssec/keytag.ts';
import type { SignatureCheck } from '../../src/dnssec/signature-check.ts';
import type { TrustAnchor } from '../../src/dnssec/anchors.ts';
import type { AnswerStep, Resolution } from '../../src/resolver/resolution.ts';

/** The pinned clock of these tests: inside every signature's window below. */
export const FAKE_NOW_MS = Date.UTC(2026, 0, 1);
const NOW_S = FAKE_NOW_MS / 1000;
const ALG = 13;
const DIGEST_SHA256 = 2;
const TTL = 3600;
/** Signature bytes that the fake check rejects: a test's way to forge a record. */
export const BROKEN_SIGNATURE = new Uint8Array(64).fill(0xee);

/** Accepts every signature except BROKEN_SIGNATURE. */
export const ACCEPT_SIGNATURES: SignatureCheck = {
  supports: (algorithm) => algorithm === ALG,
  verify: (_alg, _key, _data, signature) => (signature.length === BROKEN_SIGNATURE.length && signature.every((b) => b === 0xee)
    ? { ok: false, kind: 'bad-signature', detail: 'signature does not verify' }
    : { ok: true }),
};

export const N = (s: string): Name => Name.of(s);

export function q(name: string, type: number): Question {
  return { name: N(name), type, class: RRClass.IN };
}

export class FakeZone {
  readonly name: Name;
  readonly dnskey: Uint8Array;
  constructor(name: string, seed: number) {
    this.name = N(name);
    this.dnskey = dnskeyCodec.encode({ flags: 257, protocol: 3, algorithm: ALG, publicKey: new Uint8Array(64).fill(seed) });
  }

  get tag(): number {
    return keyTag(this.dnskey);
  }

  ds(): DsRdata {
    const d = computeDsDigest(this.name, this.dnskey, DIGEST_SHA256);
    if (!d.ok) throw new Error(d.detail);
    return { keyTag: this.tag, algorithm: ALG, digestType: DIGEST_SHA256, digest: d.digest };
  }

  anchor(): TrustAnchor {
    return { zone: this.name, ds: [this.ds()], dnskeys: [] };
  }

  /**
   * `set` with an RRSIG by this zone; `opts.broken` makes the signature fail, `opts.originalTtl`/`expiresIn` shape it,
   * `opts.labels` below the owner's label count marks it expanded from a wildcard (RFC 4035 §5.3.4).
   */
  sign(set: Omit<RRset, 'sigs' | 'class' | 'ttl'> & { ttl?: number }, opts: { broken?: boolean; originalTtl?: number; expiresIn?: number; labels?: number } = {}): RRset {
    const sig = rrsigCodec.encode({
      typeCovered: set.type, algorithm: ALG, labels: opts.labels ?? set.name.labelCount, originalTtl: opts.originalTtl ?? TTL,
      expiration: NOW_S + (opts.expiresIn ?? 86_400), inception: NOW_S - 86_400, keyTag: this.tag, signerName: this.name,
      signature: opts.broken === true ? BROKEN_SIGNATURE : new Uint8Array(64).fill(1),
    });
    return { name: set.name, type: set.type, class: RRClass.IN, ttl: set.ttl ?? TTL, rdata: set.rdata, sigs: [sig] };
  }

  dnskeySet(): RRset {
    return this.sign({ name: this.name, type: RRType.DNSKEY, rdata: [this.dnskey] });
  }

  dsSetFor(child: FakeZone): RRset {
    return this.sign({ name: child.name, type: RRType.DS, rdata: [dsCodec.encode(child.ds())] });
  }

  nsec(owner: string, next: string, types: number[]): RRset {
    return this.sign({ name: N(owner), type: RRType.NSEC, rdata: [nsecCodec.encode({ next: N(next), types: [...types].sort((a, b) => a - b) })] });
  }

  soa(): RRset {
    return this.sign({
      name: this.name, type: RRType.SOA,
      rdata: [soaCodec.encode({ mname: N('ns.invalid'), rname: N('h.invalid'), serial: 1, refresh: 1, retry: 1, expire: 1, minimum: TTL })],
    });
  }
}

/** An RRset as the records of a reply: its RDATA, then its RRSIGs unless `keepSigs` is false (a stripped answer). */
export function rrsetRecords(set: RRset, keepSigs = true): RR[] {
  const out: RR[] = set.rdata.map((rdata) => ({ name: set.name, type: set.type, class: set.class, ttl: set.ttl, rdata }));
  if (keepSigs) for (const sig of set.sigs) out.push({ name: set.name, type: RRType.RRSIG, class: set.class, ttl: set.ttl, rdata: sig });
  return out;
}

export function unsigned(name: string, type: number, rdata: Uint8Array[], ttl = TTL): RRset {
  return { name: N(name), type, class: RRClass.IN, ttl, rdata, sigs: [] };
}

export function step(kind: AnswerStep['kind'], zone: string, question: Question, answer: RRset[], authority: RRset[] = []): AnswerStep {
  return { kind, zone: N(zone), question, answer, authority, synthesized: [], fromCache: false };
}

export function resolution(question: Question, rcode: number, steps: AnswerStep[]): Resolution {
  const last = steps[steps.length - 1];
  return {
    question, rcode, answer: steps.flatMap((s) => [...s.answer, ...s.synthesized]),
    authority: last?.kind === 'nxdomain' || last?.kind === 'nodata' ? last.authority : [],
    steps, reasons: [], fromCache: false, upstreamQueries: 0,
  };
}

/** A fetch port answering from a table keyed "name type"; anything else is a SERVFAIL (and recorded). */
export class TableFetch {
  readonly asked: string[] = [];
  readonly table = new Map<string, Resolution>();
  set(name: string, type: number, r: Resolution): void {
    this.table.set(`${N(name).key} ${type}`, r);
  }
  async fetch(question: Question): Promise<Resolution> {
    this.asked.push(`${question.name.toString()} ${question.type}`);
    const r = this.table.get(`${question.name.key} ${question.type}`);
    return r ?? { question, rcode: 2, answer: [], authority: [], steps: [], reasons: [], fromCache: false, upstreamQueries: 1 };
  }
}
