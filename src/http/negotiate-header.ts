/**
 * HTTP authentication headers for Negotiate: `WWW-Authenticate` / `Proxy-Authenticate`
 * challenges (RFC 7235 §4.1, §2.1) and `Authorization: Negotiate <base64>` (RFC 4559 §4).
 * Runtime-neutral: no host globals, no Node modules.
 * @module
 */
import { DecodeError } from '../errors.js';
import { fromBase64, toBase64 } from './base64.js';

/** One challenge (or credentials): the scheme as written, and a token68 or parameters. */
export interface Challenge {
  /** The auth-scheme as written; compare case-insensitively (RFC 7235 §2.1). */
  scheme: string;
  /** The token68 form (Negotiate's base64 token). */
  token68?: string;
  /** The auth-param form; names lower-cased (they are case-insensitive), values unquoted. */
  params?: Record<string, string>;
}

// RFC 7235 §2.1 / §4.1, RFC 7230 §3.2.6 and §7:
//   WWW-Authenticate = 1#challenge
//   challenge   = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
//   auth-param  = token BWS "=" BWS ( token / quoted-string )
//   token68     = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
//   tchar       = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
//   quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE
// A comma separates challenges and also the parameters of one challenge: after a comma, a
// `name=` starts another parameter, anything else a new challenge. Empty list elements are
// allowed (RFC 7230 §7).

// Character classes as tables on the code unit (a regex per character cost ~75% of refusing a
// 16 KB junk header).
function charTable(chars: string): Uint8Array {
  const t = new Uint8Array(128);
  for (let c = 0x30; c <= 0x39; c++) t[c] = 1;
  for (let c = 0x41; c <= 0x5a; c++) t[c] = 1;
  for (let c = 0x61; c <= 0x7a; c++) t[c] = 1;
  for (const ch of chars) t[ch.charCodeAt(0)] = 1;
  return t;
}
const TCHAR_TABLE = charTable("!#$%&'*+-.^_`|~");
const T68_TABLE = charTable('-._~+/');
function isIn(table: Uint8Array, c: number): boolean {
  return c < 128 && table[c] === 1;
}

class Parser {
  i = 0;
  constructor(
    readonly s: string,
    readonly what: string,
  ) {}

  fail(message: string, at = this.i): never {
    throw new DecodeError(message, { path: this.what, offset: at });
  }
  end(): boolean {
    return this.i >= this.s.length;
  }
  ows(): void {
    while (this.i < this.s.length && (this.s[this.i] === ' ' || this.s[this.i] === '\t')) this.i++;
  }
  token(): string {
    const start = this.i;
    const s = this.s;
    let i = this.i;
    while (i < s.length && isIn(TCHAR_TABLE, s.charCodeAt(i))) i++;
    this.i = i;
    return s.slice(start, i);
  }
  /** Whether `token BWS "=" BWS (tchar / DQUOTE)` starts at `at`: an auth-param, not a token68 or a scheme. */
  paramAhead(at: number): boolean {
    const s = this.s;
    let k = at;
    while (k < s.length && isIn(TCHAR_TABLE, s.charCodeAt(k))) k++;
    if (k === at) return false;
    while (k < s.length && (s[k] === ' ' || s[k] === '\t')) k++;
    if (s[k] !== '=') return false;
    k++;
    while (k < s.length && (s[k] === ' ' || s[k] === '\t')) k++;
    return k < s.length && (s[k] === '"' || isIn(TCHAR_TABLE, s.charCodeAt(k)));
  }
  quoted(): string {
    const open = this.i;
    this.i++; // DQUOTE
    let out = '';
    for (;;) {
      if (this.end()) this.fail('unterminated quoted-string', open);
      const c = this.s.charCodeAt(this.i);
      if (c === 0x22) {
        this.i++;
        return out;
      }
      if (c === 0x5c) {
        // quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text )
        if (this.i + 1 >= this.s.length) this.fail('unterminated quoted-pair', this.i);
        const d = this.s.charCodeAt(this.i + 1);
        if (!(d === 0x09 || (d >= 0x20 && d !== 0x7f))) this.fail('invalid character in quoted-pair', this.i + 1);
        out += this.s[this.i + 1];
        this.i += 2;
        continue;
      }
      // qdtext = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text
      if (!(c === 0x09 || (c >= 0x20 && c !== 0x7f))) this.fail('control character in quoted-string');
      out += this.s[this.i];
      this.i++;
    }
  }
  params(): Record<string, string> {
    const out: Record<string, string> = Object.create(null) as Record<string, string>;
    for (;;) {
      const at = this.i;
      const name = this.token().toLowerCase();
      this.ows();
      if (this.s[this.i] !== '=') this.fail('expected "=" in auth-param');
      this.i++;
      this.ows();
      const value = this.s[this.i] === '"' ? this.quoted() : this.token();
      if (value === '' && this.s[this.i - 1] !== '"') this.fail('auth-param without a value');
      // RFC 7235 §2.1: each parameter name MUST only occur once per challenge.
      if (Object.hasOwn(out, name)) this.fail(`auth-param ${name} repeated`, at);
      out[name] = value;
      this.ows();
      if (this.end()) return out;
      if (this.s[this.i] !== ',') this.fail('expected "," after auth-param');
      let k = this.i;
      while (k < this.s.length && (this.s[k] === ',' || this.s[k] === ' ' || this.s[k] === '\t')) k++;
      if (k >= this.s.length || !this.paramAhead(k)) return out; // a new challenge (or the end)
      this.i = k;
    }
  }
  challenge(): Challenge {
    const at = this.i;
    const scheme = this.token();
    if (scheme === '') this.fail('expected an auth-scheme');
    const ch: Challenge = { scheme };
    const afterScheme = this.i;
    this.ows();
    if (this.end() || this.s[this.i] === ',') return ch;
    if (this.i === afterScheme) this.fail(`auth-scheme ${scheme} not followed by a space`, at + scheme.length);
    if (this.paramAhead(this.i)) {
      ch.params = this.params();
      return ch;
    }
    const start = this.i;
    const s = this.s;
    let i = this.i;
    while (i < s.length && isIn(T68_TABLE, s.charCodeAt(i))) i++;
    this.i = i;
    if (this.i === start) this.fail('expected a token68 or an auth-param');
    while (this.s[this.i] === '=') this.i++;
    ch.token68 = this.s.slice(start, this.i);
    this.ows();
    if (!this.end() && this.s[this.i] !== ',') this.fail('unexpected character after token68');
    return ch;
  }
  list(): Challenge[] {
    const out: Challenge[] = [];
    for (;;) {
      while (!this.end() && (this.s[this.i] === ',' || this.s[this.i] === ' ' || this.s[this.i] === '\t')) this.i++;
      if (this.end()) return out;
      out.push(this.challenge());
    }
  }
}

/**
 * Parse `WWW-Authenticate` / `Proxy-Authenticate` values: one header value, or the values of
 * several header lines, each holding one or more challenges. Malformed input is a `DecodeError`
 * with the header index in `path` and the character offset.
 *
 * @example
 * ```ts
 * parseChallenges('Negotiate, Basic realm="x"')
 * // [{ scheme: 'Negotiate' }, { scheme: 'Basic', params: { realm: 'x' } }]
 * ```
 */
export function parseChallenges(header: string | readonly string[]): Challenge[] {
  const values = typeof header === 'string' ? [header] : header;
  if (!Array.isArray(values)) throw new TypeError('header must be a string or an array of strings');
  const out: Challenge[] = [];
  values.forEach((v, k) => {
    if (typeof v !== 'string') throw new TypeError('header values must be strings');
    out.push(...new Parser(v, typeof header === 'string' ? 'WWW-Authenticate' : `WWW-Authenticate[${k}]`).list());
  });
  return out;
}

/**
 * The first Negotiate challenge (scheme compared case-insensitively), with its token decoded
 * from base64 when there is one (`DecodeError` on bad base64); `undefined` when none.
 *
 * @example
 * ```ts
 * findNegotiate(parseChallenges(res.headers.get('www-authenticate') ?? '')) // { token: Uint8Array } | {} | undefined
 * ```
 */
export function findNegotiate(challenges: readonly Challenge[]): { token?: Uint8Array } | undefined {
  const ch = challenges.find((c) => c.scheme.toLowerCase() === 'negotiate');
  if (ch === undefined) return undefined;
  return ch.token68 === undefined ? {} : { token: fromBase64(ch.token68) };
}

/**
 * Parse an `Authorization` / `Proxy-Authorization` value: `credentials = auth-scheme
 * [ 1*SP ( token68 / #auth-param ) ]` (RFC 7235 §4.2), exactly one.
 *
 * @example
 * ```ts
 * parseAuthorization('Negotiate YII=') // { scheme: 'Negotiate', token68: 'YII=' }
 * ```
 */
export function parseAuthorization(value: string): Challenge {
  if (typeof value !== 'string') throw new TypeError('header value must be a string');
  const p = new Parser(value, 'Authorization');
  p.ows();
  const ch = p.challenge();
  p.ows();
  if (!p.end()) p.fail('more than one set of credentials');
  return ch;
}

/**
 * The token of `Authorization: Negotiate <base64>`, or `undefined` for another scheme.
 * `DecodeError` on a malformed value, bad base64, or Negotiate without a token.
 *
 * @example
 * ```ts
 * const token = parseNegotiateAuthorization(req.headers.get('authorization') ?? '')
 * ```
 */
export function parseNegotiateAuthorization(value: string): Uint8Array | undefined {
  const ch = parseAuthorization(value);
  if (ch.scheme.toLowerCase() !== 'negotiate') return undefined;
  if (ch.token68 === undefined) throw new DecodeError('Negotiate credentials without a token', { path: 'Authorization', offset: ch.scheme.length });
  return fromBase64(ch.token68);
}

/** The largest Negotiate token a server takes by default, in bytes (decoded): 64 KiB. */
export const MAX_NEGOTIATE_TOKEN_BYTES = 65536;

/**
 * A server's reading of `Authorization`: the Negotiate token's bytes, `undefined` when the
 * header is absent or of another scheme, and a `DecodeError` when it is Negotiate but malformed
 * or its token is longer than `maxBytes` (default {@link MAX_NEGOTIATE_TOKEN_BYTES}) — checked
 * on the header's length before anything is decoded. Cheap checks first: a header that does not
 * start with `Negotiate` costs a comparison of nine characters.
 *
 * @example
 * ```ts
 * const token = negotiateToken(req.headers.authorization)   // Uint8Array | undefined
 * ```
 */
export function negotiateToken(value: string | null | undefined, o: { maxBytes?: number } = {}): Uint8Array | undefined {
  if (typeof value !== 'string') return undefined;
  const max = o.maxBytes ?? MAX_NEGOTIATE_TOKEN_BYTES;
  let i = 0;
  const n = value.length;
  while (i < n && (value.charCodeAt(i) === 0x20 || value.charCodeAt(i) === 0x09)) i++;
  // "negotiate", case-insensitively (RFC 7235 §2.1), then a space or the end
  if (n - i < 9 || (value.charCodeAt(i + 9) | 0) > 0x20 || value.slice(i, i + 9).toLowerCase() !== 'negotiate') return undefined;
  const schemeEnd = i + 9;
  i = schemeEnd;
  while (i < n && (value.charCodeAt(i) === 0x20 || value.charCodeAt(i) === 0x09)) i++;
  let end = n;
  while (end > i && (value.charCodeAt(end - 1) === 0x20 || value.charCodeAt(end - 1) === 0x09)) end--;
  if (end === i) throw new DecodeError('Negotiate credentials without a token', { path: 'Authorization', offset: schemeEnd });
  if (i === schemeEnd) throw new DecodeError('auth-scheme Negotiate not followed by a space', { path: 'Authorization', offset: schemeEnd });
  // 4 base64 characters per 3 bytes: a longer token is refused before it is read
  if (end - i > Math.ceil(max / 3) * 4) {
    throw new DecodeError(`the Negotiate token is longer than ${max} bytes (${end - i} base64 characters)`, { path: 'Authorization', offset: i, code: 'ERR_TOKEN_TOO_LARGE' });
  }
  const text = i === 0 && end === n ? value : value.slice(i, end);
  if (text.length > 16) checkHead(text);
  return fromBase64(text);
}

/**
 * A look at the first bytes before the whole token is decoded: a Negotiate token is a GSS-API
 * initial token (`60`), a SPNEGO NegTokenResp (`a1`) or NTLM (`NTLMSSP`, refused later with its
 * own message), and a DER one's outer length is the token's size. Junk fails here, in a
 * microsecond, whatever its length.
 */
function checkHead(text: string): void {
  const head = fromBase64(text.slice(0, 12)); // 9 bytes
  const b0 = head[0]!;
  if (b0 === 0x4e) return; // 'N': NTLMSSP
  if (b0 !== 0x60 && b0 !== 0xa1)
    throw new DecodeError(`not a GSS-API, SPNEGO or NTLM token (it starts with byte 0x${b0.toString(16).padStart(2, '0')})`, { path: 'Authorization', offset: 0 });
  let pad = 0;
  while (pad < 2 && text.charCodeAt(text.length - 1 - pad) === 0x3d) pad++;
  const size = Math.floor(((text.length - pad) * 3) / 4);
  const b1 = head[1]!;
  let len: number;
  let header: number;
  if (b1 < 0x80) {
    len = b1;
    header = 2;
  } else {
    const k = b1 & 0x7f;
    if (k === 0 || k > 4) throw new DecodeError('the token does not start with a definite DER length', { path: 'Authorization', offset: 1 });
    len = 0;
    for (let j = 0; j < k; j++) len = len * 256 + head[2 + j]!;
    header = 2 + k;
  }
  if (header + len !== size) throw new DecodeError(`the token's DER length (${header + len} bytes) is not its size (${size} bytes)`, { path: 'Authorization', offset: 1 });
}

/**
 * `Negotiate <base64>`, for `Authorization` (client) or `WWW-Authenticate` (server's final
 * token); without a token, the bare `Negotiate` challenge.
 *
 * @example
 * ```ts
 * formatNegotiate(token) // 'Negotiate YIIC...'
 * formatNegotiate()      // 'Negotiate'
 * ```
 */
export function formatNegotiate(token?: Uint8Array): string {
  return token === undefined || token.length === 0 ? 'Negotiate' : `Negotiate ${toBase64(token)}`;
}
