// The human form of an explanation: a header with the answer, then numbered steps top-down (zone
// cuts, trust anchor, DS and DNSKEY sets, RRsets, denial proofs) and the verdict with its EDE codes.
// The step that decided a failure is marked with ✗, so "why is this bogus?" has a one-line answer.
import { edeCodeName, type Reason } from '../wire/ede.ts';
import { rcodeToString, rrTypeToString } from '../wire/constants.ts';
import { digestName, type DsSummary, type KeySummary, type ProofSummary, type SigSummary, type TraceEvent } from '../resolver/trace.ts';
import type { Explanation } from './explain.ts';

const MS_PER_SECOND = 1000;
const FAIL_MARK = '✗';

/** "2025-01-01" at midnight UTC, else the full ISO time: RRSIG windows are usually whole days. */
export function formatSigTime(seconds: number): string {
  const iso = new Date(seconds * MS_PER_SECOND).toISOString().replace('.000Z', 'Z');
  return iso.endsWith('T00:00:00Z') ? iso.slice(0, iso.indexOf('T')) : iso;
}

function dsText(d: DsSummary): string {
  return `${d.keyTag}/${d.algorithm}/${digestName(d.digestType)}`;
}

function keyText(k: KeySummary): string {
  const role = k.ksk ? 'KSK' : k.zoneKey ? 'ZSK' : 'non-zone key';
  return `${k.keyTag} ${role} alg ${k.algorithm}${k.revoked ? ' REVOKED' : ''}`;
}

function sigText(s: SigSummary): string {
  return `RRSIG by ${s.keyTag} alg ${s.algorithm} valid ${formatSigTime(s.inception)}..${formatSigTime(s.expiration)}`;
}

function reasonText(r: Reason): string {
  return `${r.text} → EDE ${r.ede} ${edeCodeName(r.ede)}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function proofText(p: ProofSummary): string {
  const rel = p.relations.length > 0 ? `: ${p.relations.map((r) => `${r.relation} ${r.name}`).join(', ')}` : '';
  const extra = p.type === 'NSEC3' ? ` (iterations ${p.iterations ?? 0}${p.optOut === true ? ', opt-out' : ''})` : '';
  return `${p.type} ${p.owner} → ${p.next} [${p.types.join(' ')}]${extra}${rel}`;
}

function dnskeyLine(e: Extract<TraceEvent, { kind: 'dnskey' }>): string {
  const head = `${e.zone} DNSKEY: ${plural(e.keys.length, 'key')}${e.keys.length > 0 ? ` (${e.keys.map(keyText).join(', ')})` : ''}`;
  if (e.verdict !== 'secure') return `${head} — ${e.verdict}${e.reason !== undefined ? `: ${reasonText(e.reason)}` : ''}`;
  const matches = e.keys.flatMap((k) => (k.matchedDs !== undefined ? [`DS ${k.matchedDs} matches key ${k.keyTag}`] : k.matchedAnchor === true ? [`anchor key ${k.keyTag}`] : []));
  return `${head} — secure: ${[...matches, ...e.sigs.map(sigText)].join(', ')}`;
}

function rrsetLine(e: Extract<TraceEvent, { kind: 'rrset' }>): string {
  if (!e.checked) {
    // The reason, if any, was shown at the step that made the zone's keys insecure or bogus.
    const why = e.cached ? 'verdict remembered from earlier' : 'not verified, its zone has no secure keys (see above)';
    return `${e.owner} ${e.type} — ${e.verdict}: ${why}`;
  }
  const head = `${e.owner} ${e.type} (zone ${e.zone})`;
  if (e.verdict !== 'secure') return `${head} — ${e.verdict}: ${e.reason !== undefined ? reasonText(e.reason) : 'no reason given'}`;
  const used = e.sigs.filter((s) => s.keyTag === e.keyTag);
  const wild = e.wildcard !== undefined ? `, expanded from ${e.wildcard}` : '';
  return `${head} — secure: ${(used.length > 0 ? used : e.sigs).map(sigText).join(', ')}${wild}`;
}

function dsLine(e: Extract<TraceEvent, { kind: 'ds' }>, sig: Extract<TraceEvent, { kind: 'rrset' }> | undefined): string {
  const head = `${e.zone} DS ${e.records.map(dsText).join(', ') || '(none)'} (from ${e.parent}${e.fromCache ? ', cached' : ''})`;
  const sigs = sig !== undefined ? `: ${sig.sigs.filter((s) => s.keyTag === sig.keyTag).map(sigText).join(', ')}` : '';
  return `${head} — ${e.verdict}${e.reason !== undefined ? `: ${reasonText(e.reason)}` : sigs}`;
}

function denialLine(e: Extract<TraceEvent, { kind: 'denial' }>): string {
  const what = e.what === 'no-ds' ? `no DS for ${e.name}` : e.what === 'wildcard' ? `no closer match than the wildcard for ${e.name}` : e.what === 'nxdomain' ? `NXDOMAIN for ${e.name}` : `NODATA for ${e.name} ${e.type ?? ''}`;
  const result = e.result === 'insecure-delegation' ? 'insecure delegation' : e.result === 'no-cut' ? 'no zone cut here' : e.verdict;
  const records = e.records.length > 0 ? e.records.map((r) => `\n       ${proofText(r)}`).join('') : ' (no NSEC/NSEC3 records)';
  return `${e.zone} proves ${what.trim()} — ${result}${e.reason !== undefined ? `: ${reasonText(e.reason)}` : ''}${records}`;
}

/** "127.53.0.1" when the server listens on the configured upstream port, "127.53.0.1@5354" otherwise. */
function serverName(server: string, upstreamPort: number): string {
  return server.endsWith(`@${upstreamPort}`) ? server.slice(0, server.lastIndexOf('@')) : server;
}

/** One line per event, or undefined for events the human form leaves to --json. */
function eventLine(e: TraceEvent, prev: TraceEvent | undefined, port: number): string | undefined {
  switch (e.kind) {
    case 'query':
      // Successful exchanges are in the referral/response lines; only trouble is worth a step.
      if (e.error === undefined && (e.rcode === 'NOERROR' || e.rcode === 'NXDOMAIN')) return undefined;
      return `${serverName(e.server, port)} asked ${e.question} → ${e.error ?? e.rcode}`;
    case 'referral':
      if (e.forValidation) return undefined;
      return `${e.from} → ${e.to}: referral${e.server !== undefined ? ` from ${serverName(e.server, port)}` : ''} (NS ${e.nameservers.join(' ') || '?'}; ${e.hasDs ? 'DS present' : 'no DS'})`;
    case 'response':
      if (e.forValidation) return undefined;
      return `${e.zone}: ${e.result} for ${e.question}${e.server !== undefined ? ` from ${serverName(e.server, port)}` : ''}${e.fromCache ? ' (cached)' : ''}`;
    case 'failure':
      return `resolution of ${e.question} failed: ${e.reasons.map(reasonText).join('; ')}`;
    case 'anchor':
      return `trust anchor ${e.zone}${e.ds.length > 0 ? ` DS ${e.ds.map(dsText).join(', ')}` : ''}${e.keyTags.length > 0 ? ` DNSKEY ${e.keyTags.join(', ')}` : ''}`;
    case 'dnskey':
      return dnskeyLine(e);
    case 'ds':
      return dsLine(e, prev?.kind === 'rrset' && prev.type === 'DS' && prev.owner === e.zone ? prev : undefined);
    case 'rrset':
      return rrsetLine(e);
    case 'denial':
      return denialLine(e);
    case 'keys': {
      const why = e.source === 'cache' ? 'already validated' : e.source === 'negative-anchor' ? 'under a negative trust anchor' : 'no trust anchor covers it';
      return `${e.zone} keys: ${why} — ${e.verdict}${e.reason !== undefined ? `: ${reasonText(e.reason)}` : ''}`;
    }
    case 'verdict':
      return undefined;
  }
}

/** A DS RRset's signature line is folded into the DS line that follows it. */
function foldedIntoNext(e: TraceEvent, next: TraceEvent | undefined): boolean {
  return e.kind === 'rrset' && e.type === 'DS' && e.verdict === 'secure' && next?.kind === 'ds' && next.zone === e.owner;
}

export function formatExplanation(x: Explanation): string[] {
  const o = x.outcome;
  const lines = [`${x.question.name.toString()} ${rrTypeToString(x.question.type)}${x.cd ? ' +cd' : ''} → ${rcodeToString(o.rcode)} (${o.security})`];
  let n = 0;
  x.events.forEach((e, i) => {
    if (foldedIntoNext(e, x.events[i + 1])) return;
    const text = eventLine(e, x.events[i - 1], x.upstreamPort);
    if (text === undefined) return;
    n++;
    const mark = i === x.failingStep ? `${FAIL_MARK} ` : '  ';
    lines.push(`${mark}${n}. ${text}`);
  });
  if (o.reasons.length === 0) lines.push(`verdict: ${rcodeToString(o.rcode)}, ${o.security}`);
  else for (const r of o.reasons) lines.push(`verdict: ${rcodeToString(o.rcode)}, ${o.security}: EDE ${r.ede} ${edeCodeName(r.ede)}: ${r.text}`);
  return lines;
}

/** One JSON object per line: the header facts, then every event as emitted. */
export function formatExplanationJson(x: Explanation): string[] {
  const head = {
    kind: 'explain', question: `${x.question.name.toString()} ${rrTypeToString(x.question.type)}`, cd: x.cd,
    rcode: rcodeToString(x.outcome.rcode), security: x.outcome.security, failed: x.failed, ...(x.failingStep !== undefined ? { failingStep: x.failingStep } : {}),
  };
  return [JSON.stringify(head), ...x.events.map((e) => JSON.stringify(e))];
}
