// RFC 3597 §5 generic RDATA: `\# <length> <hex>`, for unknown types and accepted for known ones.
import type { ParseResult, Token } from './codec.ts';
import { fail, ok, parseHex, hexToText } from './text.ts';

/** True when the RDATA fields start with the unquoted `\#` marker. */
export function isGenericRdata(fields: readonly Token[]): boolean {
  return fields.length > 0 && !fields[0].quoted && fields[0].text === '\\#';
}

export function genericFromText(fields: readonly Token[]): ParseResult<Uint8Array> {
  const lenTok = fields[1];
  if (lenTok === undefined || !/^[0-9]{1,5}$/.test(lenTok.text)) return fail('\\#: missing or invalid RDATA length');
  const len = Number(lenTok.text);
  if (len > 0xffff) return fail('\\#: RDATA length larger than 65535');
  const data = parseHex(fields.slice(2), '\\# RDATA');
  if (!data.ok) return data;
  if (data.value.length !== len) return fail(`\\#: length ${len} but ${data.value.length} octets of data`);
  return ok(data.value);
}

export function genericToText(rdata: Uint8Array): string {
  return rdata.length === 0 ? '\\# 0' : `\\# ${rdata.length} ${hexToText(rdata)}`;
}
