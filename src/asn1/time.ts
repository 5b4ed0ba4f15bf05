/**
 * KerberosTime (RFC 4120 §5.2.3): GeneralizedTime in the one form `YYYYMMDDHHMMSSZ`.
 * @module
 */
import { PrimitiveCodec } from './codec.js';
import type { DerReader } from './reader.js';
import type { DerWriter } from './writer.js';

const GENERALIZED_TIME = 0x18;
const LEN = 15; // YYYYMMDDHHMMSSZ

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  return m === 2 ? (isLeap(y) ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (H. Hinnant's algorithm). */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function readTime(r: DerReader, len: number): Date {
  const start = r.pos;
  // RFC 4120 §5.2.3: no fractional seconds, always UTC ("Z"), so always exactly 15 octets.
  if (len !== LEN) r.fail(`KerberosTime must be 15 characters YYYYMMDDHHMMSSZ, got ${len}`);
  const buf = r.buf;
  const digit = (i: number): number => {
    const c = buf[start + i]!;
    if (c < 0x30 || c > 0x39) r.fail('KerberosTime: expected a digit', start + i);
    return c - 0x30;
  };
  const num = (i: number, n: number): number => {
    let v = 0;
    for (let k = 0; k < n; k++) v = v * 10 + digit(i + k);
    return v;
  };
  const year = num(0, 4);
  const month = num(4, 2);
  const day = num(6, 2);
  const hour = num(8, 2);
  const minute = num(10, 2);
  const second = num(12, 2);
  if (buf[start + 14] !== 0x5a) r.fail('KerberosTime must end in Z (UTC)', start + 14);
  if (month < 1 || month > 12) r.fail(`KerberosTime: month ${month} out of range`, start + 4);
  if (day < 1 || day > daysInMonth(year, month)) r.fail(`KerberosTime: day ${day} out of range`, start + 6);
  if (hour > 23) r.fail(`KerberosTime: hour ${hour} out of range`, start + 8);
  if (minute > 59) r.fail(`KerberosTime: minute ${minute} out of range`, start + 10);
  // A leap second (60) cannot be represented by Date; no Kerberos implementation emits it.
  if (second > 59) r.fail(`KerberosTime: second ${second} out of range`, start + 12);
  r.pos = start + LEN;
  return new Date(daysFromCivil(year, month, day) * 86_400_000 + (hour * 3600 + minute * 60 + second) * 1000);
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function writeTime(w: DerWriter, v: Date): void {
  if (!(v instanceof Date)) throw w.typeError('KerberosTime: expected a Date');
  const t = v.getTime();
  if (Number.isNaN(t)) throw w.rangeError('KerberosTime: invalid Date');
  // KerberosTime has whole seconds; the sub-second part travels in separate usec fields.
  const d = new Date(Math.floor(t / 1000) * 1000);
  const year = d.getUTCFullYear();
  if (year < 0 || year > 9999) throw w.rangeError(`KerberosTime: year ${year} outside 0000..9999`);
  const s = pad(year, 4) + pad(d.getUTCMonth() + 1, 2) + pad(d.getUTCDate(), 2) + pad(d.getUTCHours(), 2) + pad(d.getUTCMinutes(), 2) + pad(d.getUTCSeconds(), 2) + 'Z';
  const at = w.reserve(LEN);
  const buf = w.buffer;
  for (let i = 0; i < LEN; i++) buf[at + i] = s.charCodeAt(i);
}

/**
 * `KerberosTime ::= GeneralizedTime -- with no fractional seconds` (RFC 4120 §5.2.3) as a
 * `Date`. Decoding accepts only `YYYYMMDDHHMMSSZ` with valid ranges (month 1-12, day within the
 * month, hour 0-23, minute and second 0-59). Encoding drops milliseconds (rounds down to the
 * second) and needs a year in 0000..9999.
 *
 * @example
 * ```ts
 * kerberosTime.encode(new Date(0)) // 18 0f "19700101000000Z"
 * ```
 */
export const kerberosTime = new PrimitiveCodec<Date>(GENERALIZED_TIME, 'KerberosTime', readTime, writeTime);
