// The RDATA registry: the codec for a type number, and text conversion that falls back to the
// RFC 3597 generic form for unknown types and for RDATA a codec cannot decode.
import type { Name } from '../name.ts';
import type { ParseResult, RdataCodec, Token } from './codec.ts';
import {
  aCodec, aaaaCodec, nsCodec, cnameCodec, dnameCodec, ptrCodec, mdCodec, mfCodec, mbCodec, mgCodec, mrCodec,
  soaCodec, mxCodec, afsdbCodec, rtCodec, kxCodec, rpCodec, minfoCodec, txtCodec, spfCodec, hinfoCodec,
} from './basic.ts';
import {
  srvCodec, naptrCodec, caaCodec, sshfpCodec, tlsaCodec, smimeaCodec, zonemdCodec, openpgpkeyCodec,
} from './service.ts';
import { svcbCodec, httpsCodec } from './svcb.ts';
import {
  dnskeyCodec, cdnskeyCodec, rrsigCodec, dsCodec, cdsCodec, nsecCodec, nsec3Codec, nsec3paramCodec,
} from './dnssec.ts';
import { isGenericRdata, genericFromText, genericToText } from './generic.ts';

const codecs = new Map<number, RdataCodec<unknown>>();
for (const c of [
  aCodec, aaaaCodec, nsCodec, cnameCodec, dnameCodec, ptrCodec, mdCodec, mfCodec, mbCodec, mgCodec, mrCodec,
  soaCodec, mxCodec, afsdbCodec, rtCodec, kxCodec, rpCodec, minfoCodec, txtCodec, spfCodec, hinfoCodec,
  srvCodec, naptrCodec, caaCodec, sshfpCodec, tlsaCodec, smimeaCodec, zonemdCodec, openpgpkeyCodec,
  svcbCodec, httpsCodec,
  dnskeyCodec, cdnskeyCodec, rrsigCodec, dsCodec, cdsCodec, nsecCodec, nsec3Codec, nsec3paramCodec,
] as RdataCodec<unknown>[]) {
  codecs.set(c.type, c);
}

export function rdataCodecFor(type: number): RdataCodec<unknown> | undefined {
  return codecs.get(type);
}

/** Presentation of the RDATA; `\# len hex` when the type is unknown or the bytes do not decode. */
export function rdataToText(type: number, rdata: Uint8Array): string {
  const codec = codecs.get(type);
  if (codec) {
    const v = codec.decode(rdata);
    if (v.ok) return codec.toText(v.value);
  }
  return genericToText(rdata);
}

/** Wire RDATA from zone-file fields; `\#` works for every type but must decode for known ones. */
export function rdataFromText(type: number, fields: readonly Token[], origin: Name): ParseResult<Uint8Array> {
  const codec = codecs.get(type);
  if (isGenericRdata(fields)) {
    const data = genericFromText(fields);
    if (!data.ok || !codec) return data;
    const check = codec.decode(data.value);
    return check.ok ? data : { ok: false, error: `\\# RDATA is not valid for this type: ${check.error}` };
  }
  if (!codec) return { ok: false, error: 'unknown type: RDATA must use the RFC 3597 \\# form' };
  const v = codec.fromText(fields, origin);
  return v.ok ? { ok: true, value: codec.encode(v.value) } : v;
}
