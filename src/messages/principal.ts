/**
 * Realm and PrincipalName (RFC 4120 §5.2.2), and the text form of a principal as MIT krb5
 * writes and parses it (`krb5_unparse_name` / `krb5_parse_name`).
 * @module
 */
import { type Codec, field, int32, kerberosString, seq, seqOf } from '../asn1/index.js';
import { ConfigError, DecodeError } from '../errors.js';

/**
 * `Realm ::= KerberosString` (RFC 4120 §5.2.2).
 *
 * @example
 * ```ts
 * Realm.encode('ATHENA.MIT.EDU') // 1b 0e 41 54 48 …
 * ```
 */
export type Realm = string;
export const Realm: Codec<Realm> = kerberosString;

/**
 * `PrincipalName ::= SEQUENCE { name-type [0] Int32, name-string [1] SEQUENCE OF KerberosString }`
 * (RFC 4120 §5.2.2). `nameType` is a {@link NameType} value.
 */
export interface PrincipalName {
  nameType: number;
  nameString: string[];
}

/**
 * The codec of {@link PrincipalName}.
 *
 * @example
 * ```ts
 * PrincipalName.encode({ nameType: NameType.NT_PRINCIPAL, nameString: ['hftsai', 'extra'] })
 * ```
 */
export const PrincipalName: Codec<PrincipalName> = seq('PrincipalName', {
  nameType: field(0, int32),
  nameString: field(1, seqOf(kerberosString, 'SEQUENCE OF KerberosString')),
});

/**
 * A principal: the one record every layer of tskrb5 uses (a credential cache's, a keytab's, a
 * ticket's client or server, an authenticated client). `nameType` is a {@link NameType} value;
 * `components` are the name's strings (`['HTTP', 'www.example.com']`); `realm` may be `''` only
 * where MIT's would be empty. Its text form is {@link unparsePrincipal}'s.
 */
export interface Principal {
  nameType: number;
  components: string[];
  realm: Realm;
}

const NT_PRINCIPAL = 1;
const NT_SRV_INST = 2;
const NT_ENTERPRISE = 10;
const NT_WELLKNOWN = 11;

/** Options of {@link parsePrincipal}, MIT's `krb5_parse_name_flags` flags by name. */
export interface ParsePrincipalOptions {
  /** The realm when the text has none (MIT: the default realm). Without it such a text is an error, unless `noDefaultRealm`. */
  realm?: string;
  /** Enterprise name (RFC 6806): one component (no `/` separator), the first `@` part of the name, name type 10 (KRB5_PRINCIPAL_PARSE_ENTERPRISE). */
  enterprise?: boolean;
  /** The text must name a realm (KRB5_PRINCIPAL_PARSE_REQUIRE_REALM). */
  requireRealm?: boolean;
  /** The text must not name a realm; the result's realm is `''` (KRB5_PRINCIPAL_PARSE_NO_REALM). */
  noRealm?: boolean;
  /** A realm in the text is dropped; the result's realm is `''` (KRB5_PRINCIPAL_PARSE_IGNORE_REALM). */
  ignoreRealm?: boolean;
  /** No realm in the text leaves the realm `''` instead of the default (KRB5_PRINCIPAL_PARSE_NO_DEF_REALM). */
  noDefaultRealm?: boolean;
}

function malformed(text: string, why: string, at: number): never {
  throw new DecodeError(`malformed principal name ${JSON.stringify(text)}: ${why}`, { path: 'principal', offset: at, code: 'ERR_PRINCIPAL_MALFORMED' });
}

/**
 * Parse the text form of a principal exactly as MIT's `krb5_parse_name_flags` does: an
 * unescaped `/` separates components, an unescaped `@` starts the realm (in an enterprise name
 * the first `@` belongs to the name), a backslash takes the next character literally, and `\n`,
 * `\t`, `\b`, `\0` stand for newline, tab, backspace and NUL. A trailing backslash, a `/` or a
 * second `@` in the realm is a `DecodeError` (`ERR_PRINCIPAL_MALFORMED`, MIT's
 * KRB5_PARSE_MALFORMED); no realm and no `realm` option is a `ConfigError`
 * (`ERR_NO_DEFAULT_REALM`). The name type is 10 for an enterprise name, else inferred as MIT
 * does: 2 (NT-SRV-INST) for `krbtgt/REALM`, 11 (NT-WELLKNOWN) for `WELLKNOWN/…`, else 1.
 * Checked against MIT's own function on random names (test/messages/principal-mit.test.ts).
 *
 * @example
 * ```ts
 * parsePrincipal('a\\/b/c@R')                       // { nameType: 1, components: ['a/b', 'c'], realm: 'R' }
 * parsePrincipal('alice', { realm: 'EXAMPLE.COM' })   // { nameType: 1, components: ['alice'], realm: 'EXAMPLE.COM' }
 * parsePrincipal('cyd@ad.example@AD.EXAMPLE', { enterprise: true }) // { nameType: 10, components: ['cyd@ad.example'], realm: 'AD.EXAMPLE' }
 * ```
 */
export function parsePrincipal(text: string, options: ParsePrincipalOptions = {}): Principal {
  if (typeof text !== 'string') throw new TypeError('parsePrincipal: expected a string');
  const enterprise = options.enterprise === true;
  const components: string[] = [];
  let cur = '';
  let inRealm = false;
  let firstAt = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '/' && !enterprise) {
      if (inRealm) malformed(text, 'a "/" in the realm', i);
      components.push(cur);
      cur = '';
    } else if (c === '@' && (!enterprise || !firstAt)) {
      if (inRealm) malformed(text, 'a second "@"', i);
      components.push(cur);
      cur = '';
      inRealm = true;
    } else {
      if (c === '@') firstAt = false;
      if (c === '\\') {
        i++;
        if (i >= text.length) malformed(text, 'a backslash at the end', i - 1);
        const e = text[i]!;
        cur += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'b' ? '\b' : e === '0' ? '\0' : e;
      } else cur += c;
    }
  }
  let realm: string;
  if (inRealm) {
    realm = cur;
    if (options.noRealm) malformed(text, 'a realm is present', text.length);
    if (options.ignoreRealm) realm = '';
  } else {
    components.push(cur);
    if (options.requireRealm) malformed(text, 'the realm is missing', text.length);
    if (options.noRealm || options.ignoreRealm || options.noDefaultRealm) realm = '';
    else if (options.realm !== undefined) realm = options.realm;
    else
      throw new ConfigError(
        `the principal ${JSON.stringify(text)} has no realm, and no default realm was given (krb5.conf [libdefaults] default_realm)`,
        {},
        { code: 'ERR_NO_DEFAULT_REALM' },
      );
  }
  return { nameType: enterprise ? NT_ENTERPRISE : inferNameType(components), components, realm };
}

/** MIT's k5_infer_principal_type (RFC 4120 §7.3, RFC 6111 §3.1). */
function inferNameType(c: readonly string[]): number {
  if (c.length === 2 && c[0] === 'krbtgt') return NT_SRV_INST;
  if (c.length >= 2 && c[0] === 'WELLKNOWN') return NT_WELLKNOWN;
  return NT_PRINCIPAL;
}

/** Options of {@link unparsePrincipal}, MIT's `krb5_unparse_name_flags` flags by name. */
export interface UnparsePrincipalOptions {
  /** No escapes at all: for people, not for parsing back (KRB5_PRINCIPAL_UNPARSE_DISPLAY). */
  display?: boolean;
  /** Leave the realm out; `@` in components is then not escaped (KRB5_PRINCIPAL_UNPARSE_NO_REALM). */
  noRealm?: boolean;
  /** Leave the realm out when it is this one, the default realm (KRB5_PRINCIPAL_UNPARSE_SHORT). */
  defaultRealm?: string;
}

/** MIT's copy_component_quoting. */
function quote(s: string, escapeAt: boolean): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let rep: string | undefined;
    if (c === 0x2f || c === 0x5c || (c === 0x40 && escapeAt)) rep = `\\${s[i]}`;
    else if (c === 0x09) rep = '\\t';
    else if (c === 0x0a) rep = '\\n';
    else if (c === 0x08) rep = '\\b';
    else if (c === 0) rep = '\\0';
    if (rep !== undefined) {
      out += s.slice(from, i) + rep;
      from = i + 1;
    }
  }
  return from === 0 ? s : out + s.slice(from);
}

/**
 * The text form of a principal, exactly as MIT's `krb5_unparse_name_flags` writes it: the
 * components joined by `/`, then `@` and the realm (even an empty one), with `/`, `@` and `\`
 * escaped by a backslash and tab, newline, backspace and NUL written `\t`, `\n`, `\b`, `\0`
 * — unambiguous: {@link parsePrincipal} reads it back to the same principal. `display` writes
 * the characters as they are (for messages to people); `noRealm` and `defaultRealm` leave the
 * realm out.
 *
 * @example
 * ```ts
 * unparsePrincipal({ nameType: 1, components: ['HTTP', 'www.example.com'], realm: 'EXAMPLE.COM' }) // 'HTTP/www.example.com@EXAMPLE.COM'
 * unparsePrincipal({ nameType: 1, components: ['a/b'], realm: 'R' })                                // 'a\\/b@R'
 * unparsePrincipal({ nameType: 10, components: ['cyd@ad.example'], realm: 'AD' })                   // 'cyd\\@ad.example@AD'
 * ```
 */
export function unparsePrincipal(p: { components: readonly string[]; realm: string }, options: UnparsePrincipalOptions = {}): string {
  let noRealm = options.noRealm === true;
  const short = options.defaultRealm !== undefined;
  if (short && p.realm === options.defaultRealm) noRealm = true;
  if (options.display) {
    const name = p.components.join('/');
    return noRealm ? name : `${name}@${p.realm}`;
  }
  // MIT: with NO_REALM asked for (and not through SHORT), '@' inside components stays as it is
  const escapeAt = !(options.noRealm === true && !short);
  let name = '';
  for (let i = 0; i < p.components.length; i++) name += (i ? '/' : '') + quote(p.components[i]!, escapeAt);
  return noRealm ? name : `${name}@${quote(p.realm, escapeAt)}`;
}

/** Whether two principals are the same (realm and components; the name type is not compared, as MIT's krb5_principal_compare). */
export function samePrincipal(a: { components: readonly string[]; realm: string }, b: { components: readonly string[]; realm: string }): boolean {
  if (a.realm !== b.realm || a.components.length !== b.components.length) return false;
  for (let i = 0; i < a.components.length; i++) if (a.components[i] !== b.components[i]) return false;
  return true;
}
