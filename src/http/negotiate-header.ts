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

const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const T68 = /[A-Za-z0-9\-._~+/]/;

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
    while (this.i < this.s.length && TCHAR.test(this.s[this.i]!)) this.i++;
    return this.s.slice(start, this.i);
  }
  /** Whether `token BWS "=" BWS (tchar / DQUOTE)` starts at `at`: an auth-param, not a token68 or a scheme. */
  paramAhead(at: number): boolean {
    const s = this.s;
    let k = at;
    while (k < s.length && TCHAR.test(s[k]!)) k++;
    if (k === at) return false;
    while (k < s.length && (s[k] === ' ' || s[k] === '\t')) k++;
    if (s[k] !== '=') return false;
    k++;
    while (k < s.length && (s[k] === ' ' || s[k] === '\t')) k++;
    return k < s.length && (s[k] === '"' || TCHAR.test(s[k]!));
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
      if (Object.prototype.hasOwnProperty.call(out, name)) this.fail(`auth-param ${name} repeated`, at);
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
    while (this.i < this.s.length && T68.test(this.s[this.i]!)) this.i++;
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
