/**
 * Realm and PrincipalName (RFC 4120 §5.2.2), and the text form of a principal as MIT krb5
 * writes and parses it (`krb5_unparse_name` / `krb5_parse_name`).
 * @module
 */
import { type Codec, field, int32, kerberosString, seq, seqOf } from '../asn1/index.js';

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

/** A principal with its realm, the unit of the text form `name/instance@REALM`. */
export interface Principal {
  name: PrincipalName;
  /** The realm; `''` when the text had none and no default was given. */
  realm: Realm;
}

const NT_PRINCIPAL = 1;

/** MIT's quoting of one component (unparse.c `copy_component_quoting`). */
function quote(s: string): string {
  let out = '';
  for (const c of s) {
    switch (c) {
      case '/':
      case '@':
      case '\\':
        out += `\\${c}`;
        break;
      case '\n':
        out += '\\n';
        break;
      case '\t':
        out += '\\t';
        break;
      case '\b':
        out += '\\b';
        break;
      case '\0':
        out += '\\0';
        break;
      default:
        out += c;
    }
  }
  return out;
}

/**
 * The text form of a principal, as MIT `krb5_unparse_name` writes it: components joined by `/`,
 * then `@` and the realm; `/`, `@` and `\` inside a component or the realm are escaped with a
 * backslash, and newline, tab, backspace and NUL are written `\n`, `\t`, `\b`, `\0`. An empty
 * realm is left out (with its `@`).
 *
 * @example
 * ```ts
 * principalToString({ name: { nameType: 1, nameString: ['HTTP', 'www.example.com'] }, realm: 'EXAMPLE.COM' })
 * // 'HTTP/www.example.com@EXAMPLE.COM'
 * ```
 */
export function principalToString(p: Principal): string {
  const name = p.name.nameString.map((c) => quote(c)).join('/');
  return p.realm === '' ? name : `${name}@${quote(p.realm)}`;
}

/** Options of {@link parsePrincipal}. */
export interface ParsePrincipalOptions {
  /** The realm when the text has none (default: none, the result's realm is `''`). */
  defaultRealm?: string;
  /** The name type of the result (default NT-PRINCIPAL, as MIT's `krb5_parse_name`). */
  nameType?: number;
}

/**
 * Parse `name/instance@REALM` as MIT `krb5_parse_name` does: an unescaped `/` separates
 * components, the first unescaped `@` starts the realm, and a backslash escapes the next
 * character, with `\n`, `\t`, `\b` and `\0` standing for newline, tab, backspace and NUL. A
 * trailing backslash, or an unescaped `/` or `@` in the realm, is a `RangeError` (MIT's
 * KRB5_PARSE_MALFORMED). An empty realm (`name@`) reads as `''`, as no realm does.
 *
 * @example
 * ```ts
 * parsePrincipal('a\\/b/c@R')  // { name: { nameType: 1, nameString: ['a/b', 'c'] }, realm: 'R' }
 * ```
 */
export function parsePrincipal(text: string, options: ParsePrincipalOptions = {}): Principal {
  if (typeof text !== 'string') throw new TypeError('parsePrincipal: expected a string');
  const components: string[] = [];
  let cur = '';
  let realm: string | undefined;
  for (let i = 0; i < text.length; i++) {
    let c = text[i]!;
    if (c === '\\') {
      i++;
      if (i >= text.length) throw new RangeError(`malformed principal name (trailing backslash): ${JSON.stringify(text)}`);
      const e = text[i]!;
      c = e === 'n' ? '\n' : e === 't' ? '\t' : e === 'b' ? '\b' : e === '0' ? '\0' : e;
      cur += c;
      continue;
    }
    if (realm === undefined) {
      if (c === '/') {
        components.push(cur);
        cur = '';
        continue;
      }
      if (c === '@') {
        components.push(cur);
        cur = '';
        realm = '';
        continue;
      }
    } else if (c === '@' || c === '/') {
      throw new RangeError(`malformed principal name (unescaped ${c} in the realm): ${JSON.stringify(text)}`);
    }
    cur += c;
  }
  if (realm === undefined) components.push(cur);
  else realm = cur;
  return {
    name: { nameType: options.nameType ?? NT_PRINCIPAL, nameString: components },
    realm: realm ?? options.defaultRealm ?? '',
  };
}
