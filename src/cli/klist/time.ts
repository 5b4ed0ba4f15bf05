/**
 * MIT's time text for the tools: `krb5_timestamp_to_sfstring` in the C locale, honouring `TZ`,
 * and klist's timestamp width. No I/O: the quick klist path (quick.ts) loads this alone.
 * @module
 */

interface Tm {
  year: number;
  mon: number; // 1-12
  mday: number;
  hour: number;
  min: number;
  sec: number;
  wday: number; // 0 = Sunday
}

const WDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const FORMATTERS = new Map<string, Intl.DateTimeFormat>();

function utcTm(ms: number): Tm {
  const d = new Date(ms);
  return { year: d.getUTCFullYear(), mon: d.getUTCMonth() + 1, mday: d.getUTCDate(), hour: d.getUTCHours(), min: d.getUTCMinutes(), sec: d.getUTCSeconds(), wday: d.getUTCDay() };
}

/**
 * localtime() for a TZ value: unset → the process's own zone; an IANA name (`UTC`,
 * `Europe/Paris`, `:UTC`) through Intl; a POSIX `ABC[+-]h[:mm]` fixed offset; anything else UTC
 * (as glibc treats a TZ it cannot read).
 */
export function localTm(seconds: number, tz: string | undefined): Tm {
  const ms = seconds * 1000;
  if (tz === undefined) {
    const d = new Date(ms);
    return { year: d.getFullYear(), mon: d.getMonth() + 1, mday: d.getDate(), hour: d.getHours(), min: d.getMinutes(), sec: d.getSeconds(), wday: d.getDay() };
  }
  const name = tz.startsWith(':') ? tz.slice(1) : tz;
  if (name === '') return utcTm(ms);
  const posix = /^([A-Za-z]{3,})([+-]?)(\d{1,2})(?::(\d\d))?$/.exec(name);
  if (posix) {
    const off = (Number(posix[3]) * 3600 + Number(posix[4] ?? 0) * 60) * (posix[2] === '-' ? 1 : -1);
    return utcTm(ms + off * 1000);
  }
  if (name === 'UTC' || name === 'UTC0' || name === 'GMT' || name === 'Etc/UTC') return utcTm(ms);
  try {
    // One formatter per zone: making an Intl.DateTimeFormat costs ~100 µs, more than a klist line.
    let f = FORMATTERS.get(name);
    if (!f) {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: name,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
        weekday: 'short',
      });
      FORMATTERS.set(name, f);
    }
    const p: Record<string, string> = {};
    for (const x of f.formatToParts(new Date(ms))) p[x.type] = x.value;
    return {
      year: Number(p.year),
      mon: Number(p.month),
      mday: Number(p.day),
      hour: Number(p.hour) % 24,
      min: Number(p.minute),
      sec: Number(p.second),
      wday: WDAYS.indexOf(p.weekday!),
    };
  } catch {
    return utcTm(ms);
  }
}

const p2 = (n: number) => String(n).padStart(2, '0');

/** strftime in the C locale, for the conversions MIT's table uses. */
function strftimeC(fmt: string, t: Tm): string {
  return fmt.replace(/%([a-zA-Z%])/g, (_, c: string) => {
    switch (c) {
      case 'a':
        return WDAYS[t.wday]!;
      case 'b':
        return MONTHS[t.mon - 1]!;
      case 'c':
        return `${WDAYS[t.wday]} ${MONTHS[t.mon - 1]} ${String(t.mday).padStart(2, ' ')} ${p2(t.hour)}:${p2(t.min)}:${p2(t.sec)} ${t.year}`;
      case 'd':
        return p2(t.mday);
      case 'm':
        return p2(t.mon);
      case 'y':
        return p2(((t.year % 100) + 100) % 100);
      case 'Y':
        return String(t.year);
      case 'H':
        return p2(t.hour);
      case 'M':
        return p2(t.min);
      case 'S':
        return p2(t.sec);
      case 'x':
        return `${p2(t.mon)}/${p2(t.mday)}/${p2(((t.year % 100) + 100) % 100)}`;
      case 'X':
      case 'T':
        return `${p2(t.hour)}:${p2(t.min)}:${p2(t.sec)}`;
      case 'R':
        return `${p2(t.hour)}:${p2(t.min)}`;
      case '%':
        return '%';
      default:
        return `%${c}`;
    }
  });
}

/** MIT's `sftime_format_table` (lib/krb5/krb/str_conv.c), first that fits wins. */
const SF_FORMATS = ['%c', '%d %b %Y %T', '%x %X', '%x %T', '%x %R', '%Y-%m-%dT%H:%M:%S', '%Y-%m-%dT%H:%M', '%Y%m%d%H%M%S', '%Y%m%d%H%M'];

/**
 * `krb5_timestamp_to_sfstring(ts, buf, buflen, pad)`: the first format whose output fits in
 * `buflen` (with its NUL), padded with `pad` to `buflen - 1` characters; null when none fits.
 */
export function sfstring(seconds: number, buflen: number, tz: string | undefined, pad?: string): string | null {
  const tm = localTm(seconds, tz);
  for (const f of SF_FORMATS) {
    const s = strftimeC(f, tm);
    if (s.length + 1 <= buflen && s.length > 0) return pad === undefined ? s : s.padEnd(buflen - 1, pad);
  }
  return null;
}

/** MIT klist's `timestamp_width`: the length of `now` in the first format that fits in 20 bytes. */
export function timestampWidth(nowSeconds: number, tz: string | undefined): number {
  const s = sfstring(nowSeconds, 20, tz) ?? sfstring(nowSeconds, 8192, tz);
  return s === null ? 15 : s.length;
}

/** MIT's krb5_timestamp: 32-bit seconds, read back unsigned (ts2tt). */
export function tsOf(d: Date): number {
  return Math.floor(d.getTime() / 1000) >>> 0;
}
