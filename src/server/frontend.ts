// The frontend: query bytes in, response bytes out (or null: send nothing). It decides everything a
// response's header says and turns an `Outcome` into a message; what the answer *is* comes from the
// `Resolve` port. Listeners only move bytes.
//
// Serving choices (documented in docs/server.md):
// - QR=1 messages and messages whose 12-octet header cannot be read are dropped: answering
//   responses invites reflection loops, and without a header there is no ID to answer to.
// - A readable header with an unreadable body is FORMERR echoing ID, opcode, RD and CD. The OPT
//   record is only echoed when the body decoded (when it did not, we cannot know there was one).
// - A FORMERR (a message we cannot take as one question) leaves RA clear: RFC 1035 leaves RA in it
//   open, and it says nothing about recursion for a question there is none of. Unbound's replies to
//   queries it cannot parse carry no RA either.
// - EDNS version > 0 → BADVERS with our OPT at version 0 (RFC 6891 §6.1.3).
// - Opcode other than QUERY → NOTIMP (+ EDE 21 Not Supported when the query had EDNS).
// - QDCOUNT ≠ 1 → FORMERR.
// - QCLASS other than IN (CH, HS, ANY...) → REFUSED + EDE 21: we are an Internet-class resolver and
//   serve no CHAOS data (no version.bind), which also keeps fingerprinting cheap to refuse.
// - QTYPE AXFR, IXFR (zone transfers are an authoritative-server job), OPT, TKEY, TSIG (meta types
//   that are not questions) → REFUSED + EDE 30 Invalid Query Type.
// - QTYPE ANY is passed to the resolver, which answers with whatever it holds or fetches (RFC 8482
//   lets it be minimal); the frontend does not special-case it.
import { EdnsOptionCode, Opcode, RRClass, RRType, Rcode, rcodeToString, rrTypeToString } from '../wire/constants.ts';
import { EdeCode, reason, type Reason } from '../wire/ede.ts';
import { findOptions, makeEdeOption, makeTcpKeepaliveOption } from '../wire/edns.ts';
import { decodeMessage, encodeWithLimit } from '../wire/message.ts';
import type { ClientQuery, Outcome, Resolve } from '../wire/outcome.ts';
import { rrsetToRRs } from '../wire/rrset.ts';
import type { Edns, EdnsOption, Message, Question, RR, RRset } from '../wire/types.ts';
import { nullLogger, type Logger } from '../log/logger.ts';
import { noopObserver, type ServerObserver, type Transport } from './observer.ts';

/** RFC 1035 §4.2.1: the UDP payload limit without EDNS. */
export const CLASSIC_UDP_SIZE = 512;
/** The TCP length prefix is 16 bits (RFC 1035 §4.2.2). */
export const MAX_TCP_MESSAGE = 0xffff;

export interface QueryContext {
  readonly transport: Transport;
  readonly client: { readonly address: string; readonly port: number };
  /** TCP only: the idle timeout to advertise when a query carries edns-tcp-keepalive (RFC 7828 §3.3.2). */
  readonly keepaliveMs?: number;
}

export interface FrontendOptions {
  readonly resolve: Resolve;
  /** Our UDP payload limit, advertised in every OPT we send. */
  readonly maxUdpSize: number;
  readonly observer?: ServerObserver;
  readonly logger?: Logger;
  /** Log every query and its result at info level. */
  readonly queryLog?: boolean;
  /** Access control: a client for which this is false gets REFUSED + EDE 18 and nothing else runs. */
  readonly isAllowed?: (address: string) => boolean;
}

/** Answers one query. Never rejects. */
export type Frontend = (bytes: Uint8Array, ctx: QueryContext) => Promise<Uint8Array | null>;

/** Types that are transaction-level or transfers, never a question we answer. */
const REFUSED_QTYPES: ReadonlySet<number> = new Set([RRType.AXFR, RRType.IXFR, RRType.OPT, RRType.TKEY, RRType.TSIG]);
/** Records only sent to clients that set DO, unless asked for by type (RFC 4035 §3.2.1). */
const DNSSEC_TYPES: ReadonlySet<number> = new Set([RRType.RRSIG, RRType.NSEC, RRType.NSEC3]);

/** What the response header and OPT echo from the query. */
interface Echo {
  readonly id: number;
  readonly opcode: number;
  readonly rd: boolean;
  readonly cd: boolean;
  readonly question: readonly Question[];
  /** The query's OPT record, when it had one (and it decoded). */
  readonly edns?: Edns;
}

interface Body {
  readonly rcode: number;
  readonly ad?: boolean;
  /** Set TC with empty sections (a policy asking the client to come back over TCP). */
  readonly tc?: boolean;
  /** RA, set unless false: a FORMERR answers no question, so it makes no claim about recursion. */
  readonly ra?: boolean;
  readonly answer?: readonly RR[];
  readonly authority?: readonly RR[];
  readonly additional?: readonly RR[];
  readonly reasons: readonly Reason[];
}

/** The payload limit for a UDP answer: the client's EDNS size capped by ours; 512 without EDNS. */
export function udpLimit(queryEdns: Edns | undefined, maxUdpSize: number): number {
  if (queryEdns === undefined) return CLASSIC_UDP_SIZE;
  // RFC 6891 §6.2.5: values below 512 are treated as 512.
  return Math.min(Math.max(queryEdns.udpSize, CLASSIC_UDP_SIZE), maxUdpSize);
}

/**
 * AD only for data we validated as secure, when the client can use it (AD or DO in the query), and
 * never for synthesized answers (RFC 6840 §5.7, RFC 4035 §3.2.3). CD does not clear it: with CD the
 * client only asked us not to withhold data that failed validation; data we did prove is still
 * authentic (RFC 3655 §2, RFC 4035 §3.2.3; Unbound behaves the same).
 */
export function shouldSetAd(outcome: Outcome, query: { ad: boolean; dnssecOk: boolean; cd: boolean }): boolean {
  return outcome.security === 'secure' && outcome.synthesized !== true && (query.ad || query.dnssecOk);
}

/** Flattens RRsets into records: with DO their RRSIGs too; without DO no DNSSEC records unless asked for by type. */
export function sectionRecords(sets: readonly RRset[], dnssecOk: boolean, qtype: number): RR[] {
  const out: RR[] = [];
  for (const set of sets) {
    if (!dnssecOk && DNSSEC_TYPES.has(set.type) && set.type !== qtype) continue;
    out.push(...rrsetToRRs(set, dnssecOk));
  }
  return out;
}

export function createFrontend(options: FrontendOptions): Frontend {
  const observer = options.observer ?? noopObserver;
  const logger = options.logger ?? nullLogger;

  function responseOptions(echo: Echo, reasons: readonly Reason[], ctx: QueryContext): EdnsOption[] {
    const opts = reasons.map(makeEdeOption);
    if (ctx.transport === 'tcp' && ctx.keepaliveMs !== undefined && findOptions(echo.edns, EdnsOptionCode.TCP_KEEPALIVE).length > 0) {
      opts.push(makeTcpKeepaliveOption(ctx.keepaliveMs));
    }
    return opts;
  }

  function buildMessage(echo: Echo, body: Body, ctx: QueryContext): Message {
    return {
      id: echo.id,
      opcode: echo.opcode,
      flags: { qr: true, aa: false, tc: body.tc === true, rd: echo.rd, ra: body.ra !== false, z: false, ad: body.ad === true, cd: echo.cd },
      rcode: body.rcode,
      question: echo.question,
      answer: body.answer ?? [],
      authority: body.authority ?? [],
      additional: body.additional ?? [],
      ...(echo.edns !== undefined
        ? {
            edns: {
              udpSize: options.maxUdpSize,
              version: 0,
              dnssecOk: echo.edns.dnssecOk,
              zFlags: 0,
              options: responseOptions(echo, body.reasons, ctx),
            },
          }
        : {}),
    };
  }

  /** Encodes within the transport's limit; EDEs are only sent to clients that spoke EDNS. */
  function encode(echo: Echo, body: Body, ctx: QueryContext): Uint8Array {
    const limit = ctx.transport === 'udp' ? udpLimit(echo.edns, options.maxUdpSize) : MAX_TCP_MESSAGE;
    let bytes: Uint8Array;
    let sent = body;
    try {
      bytes = encodeWithLimit(buildMessage(echo, body, ctx), limit).bytes;
    } catch (e) {
      // Only a bug gets here (e.g. RDATA over 65535 octets from downstream): answer, do not crash.
      logger.error(`cannot encode the response to ${describe(echo)}: ${errorText(e)}`);
      sent = { rcode: Rcode.SERVFAIL, reasons: [reason(EdeCode.OTHER, `internal error: cannot encode the response: ${errorText(e)}`)] };
      bytes = encodeWithLimit(buildMessage(echo, sent, ctx), limit).bytes;
    }
    const edeCodes = echo.edns !== undefined ? sent.reasons.map((r) => r.ede) : [];
    observer.onResponse(sent.rcode, edeCodes);
    if (options.queryLog === true) {
      logger.info(`${ctx.client.address}#${ctx.client.port} ${ctx.transport} ${describe(echo)} -> ${rcodeToString(sent.rcode)}${edeCodes.length > 0 ? ` EDE ${edeCodes.join(',')}` : ''}`);
    }
    return bytes;
  }

  function refuse(echo: Echo, rcode: number, ctx: QueryContext, r?: Reason): Uint8Array {
    return encode(echo, { rcode, reasons: r !== undefined ? [r] : [] }, ctx);
  }

  /** Every FORMERR goes through here, so all of them carry the same header (no RA, no EDE). */
  function formerr(echo: Echo, ctx: QueryContext): Uint8Array {
    return encode(echo, { rcode: Rcode.FORMERR, ra: false, reasons: [] }, ctx);
  }

  async function answer(echo: Echo, query: Message, ctx: QueryContext): Promise<Uint8Array | null> {
    const q = query.question[0];
    const dnssecOk = query.edns?.dnssecOk === true;
    const clientQuery: ClientQuery = {
      question: q,
      rd: query.flags.rd,
      cd: query.flags.cd,
      dnssecOk,
      ad: query.flags.ad,
      transport: ctx.transport,
      client: ctx.client,
    };
    let outcome: Outcome;
    try {
      outcome = await options.resolve(clientQuery);
    } catch (e) {
      // The port never rejects for expected failures, so this is a bug downstream: say so, keep serving.
      logger.error(`resolve threw for ${describe(echo)}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return refuse(echo, Rcode.SERVFAIL, ctx, reason(EdeCode.OTHER, `internal error: ${errorText(e)}`));
    }
    if (outcome.drop === true) {
      logger.debug(`dropped by policy: ${describe(echo)} from ${ctx.client.address}`);
      return null;
    }
    if (outcome.truncate === true && ctx.transport === 'udp') {
      return encode(echo, { rcode: outcome.rcode, tc: true, reasons: outcome.reasons }, ctx);
    }
    return encode(
      echo,
      {
        rcode: outcome.rcode,
        ad: shouldSetAd(outcome, clientQuery),
        answer: sectionRecords(outcome.answer, dnssecOk, q.type),
        authority: sectionRecords(outcome.authority, dnssecOk, q.type),
        additional: sectionRecords(outcome.additional, dnssecOk, q.type),
        reasons: outcome.reasons,
      },
      ctx,
    );
  }

  return async (bytes, ctx) => {
    const decoded = decodeMessage(bytes);
    if (!decoded.ok) {
      const h = decoded.header;
      if (h === undefined || h.flags.qr) return null;
      // A client we do not serve gets no reply to a packet we cannot read (Unbound checks its ACL
      // before parsing too): nothing to refuse politely, and no reflection of garbage.
      if (options.isAllowed !== undefined && !options.isAllowed(ctx.client.address)) return null;
      observer.onQuery(ctx.transport, undefined);
      logger.debug(`FORMERR to ${ctx.client.address}#${ctx.client.port}: ${decoded.error}`);
      return formerr({ id: h.id, opcode: h.opcode, rd: h.flags.rd, cd: h.flags.cd, question: [] }, ctx);
    }
    const m = decoded.message;
    if (m.flags.qr) return null;
    const single = m.question.length === 1;
    observer.onQuery(ctx.transport, single ? m.question[0].type : undefined);
    const echo: Echo = {
      id: m.id,
      opcode: m.opcode,
      rd: m.flags.rd,
      cd: m.flags.cd,
      question: m.question,
      ...(m.edns !== undefined ? { edns: m.edns } : {}),
    };
    if (options.isAllowed !== undefined && !options.isAllowed(ctx.client.address)) {
      return refuse(echo, Rcode.REFUSED, ctx, reason(EdeCode.PROHIBITED, `client ${ctx.client.address} is not in this resolver's allow list`));
    }
    if (m.edns !== undefined && m.edns.version > 0) return refuse(echo, Rcode.BADVERS, ctx);
    if (m.opcode !== Opcode.QUERY) {
      return refuse(echo, Rcode.NOTIMP, ctx, reason(EdeCode.NOT_SUPPORTED, `opcode ${m.opcode} is not supported`));
    }
    if (!single) return formerr(echo, ctx);
    const q = m.question[0];
    if (q.class !== RRClass.IN) {
      return refuse(echo, Rcode.REFUSED, ctx, reason(EdeCode.NOT_SUPPORTED, 'only class IN is served'));
    }
    if (REFUSED_QTYPES.has(q.type)) {
      return refuse(echo, Rcode.REFUSED, ctx, reason(EdeCode.INVALID_QUERY_TYPE, `${rrTypeToString(q.type)} is not answered by a resolver`));
    }
    return answer(echo, m, ctx);
  };
}

function describe(echo: Echo): string {
  const q = echo.question[0];
  return q === undefined ? `id ${echo.id} (no question)` : `${q.name.toString()} ${rrTypeToString(q.type)}`;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
