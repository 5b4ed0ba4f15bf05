/**
 * MIT's `krb5_aname_to_localname`: a principal's local (short) user name from krb5.conf, as the
 * built-in localauth modules of MIT krb5 1.20 find it (lib/krb5/os/localauth.c,
 * localauth_names.c, localauth_rule.c), checked against libkrb5 itself by
 * `test/formats/auth-to-local-mit.test.ts`:
 *
 * 1. `[realms] DEFAULT.REALM = { auth_to_local_names = { alice = root } }`: the principal's name
 *    without realm (`krb5_unparse_name` with NO_REALM) looked up there; the last value wins.
 * 2. `[realms] DEFAULT.REALM = { auth_to_local = … }`: each value in turn until one translates —
 *    `DEFAULT` (the first component, for `name@DEFAULT.REALM` or `name/DEFAULT.REALM@DEFAULT.REALM`)
 *    or `RULE:[n:fmt](regex)s/regex/text/g…` (n components, `$0` the realm, `$1`… the components;
 *    the whole selection string must match the regex; POSIX extended expressions, leftmost-longest,
 *    as glibc runs them); none at all means DEFAULT. Any other type, or a malformed RULE, is MIT's
 *    KRB5_CONFIG_BADFORMAT: a ConfigError here (`ERR_AUTH_TO_LOCAL`).
 *
 * Both look in the default realm's section; without a default realm nothing translates.
 *
 * Where this differs from MIT, on purpose: a name containing a NUL is not translated (MIT's C
 * strings cut the name there, so `alice\0x@R` could become `alice`); a result that is not valid
 * UTF-8 (a rule cut a multi-byte character) is not translated; a `s///g` whose expression
 * matches the empty string at the start of what is left is a ConfigError (MIT loops forever);
 * a back-reference in an expression is a ConfigError (glibc supports them; they are not regular).
 * `[plugins] localauth` is not consulted (the built-in modules, in MIT's order).
 * @module
 */
import { ConfigError } from '../errors.js';
import { fromUtf8, utf8 } from '../util/bytes.js';
import { type Principal, unparsePrincipal } from '../messages/index.js';
import { getValues, type Krb5Profile } from './krb5conf.js';
import { compileEre } from './posix-regex.js';

const NOTRANS = Symbol('KRB5_LNAME_NOTRANS');
type Outcome = string | typeof NOTRANS;

/** A string as its UTF-8 bytes, one character per byte (what C's regex sees in the C locale). */
function bin(s: string): string {
  const b = utf8(s);
  let out = '';
  for (let i = 0; i < b.length; i += 4096) out += String.fromCharCode(...b.subarray(i, i + 4096));
  return out;
}

function unbin(s: string): string | undefined {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  try {
    return fromUtf8(b);
  } catch {
    return undefined;
  }
}

function badFormat(rule: string, why: string): ConfigError {
  return new ConfigError(
    `auth_to_local: ${JSON.stringify(rule)} is malformed (${why}); MIT reports "Improper format of Kerberos configuration file"`,
    {},
    { code: 'ERR_AUTH_TO_LOCAL' },
  );
}

const isSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\n' || c === '\v' || c === '\f' || c === '\r';
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const LONG_MAX = 2n ** 63n - 1n;

/** C's strtol(s + i, &end, 10) on an LP64 machine: the value, where it stopped, and whether it overflowed (errno). */
function strtol(s: string, i: number): { value: bigint; end: number; overflow: boolean } {
  let j = i;
  while (isSpace(s[j])) j++;
  let neg = false;
  if (s[j] === '+' || s[j] === '-') {
    neg = s[j] === '-';
    j++;
  }
  if (!isDigit(s[j])) return { value: 0n, end: i, overflow: false }; // no conversion: end = nptr
  let v = 0n;
  while (isDigit(s[j])) v = v * 10n + BigInt(s.charCodeAt(j++) - 48);
  const overflow = neg ? v > LONG_MAX + 1n : v > LONG_MAX;
  return { value: neg ? -v : v, end: j, overflow };
}

/** localauth_rule.c's an2ln_rule, on binary strings (one character per byte). */
function rule(text: string, original: string, p: { components: readonly string[]; realm: string }): Outcome {
  let i = 0;
  let sel: string;
  if (text[0] === '[') {
    // aname_get_selstring
    const n = strtol(text, 1);
    if (n.overflow || n.value < 0n || text[n.end] !== ':') throw badFormat(original, 'the selection string needs [n:');
    if (n.value !== BigInt(p.components.length)) return NOTRANS;
    i = n.end + 1;
    sel = '';
    for (;;) {
      let j = i;
      while (j < text.length && text[j] !== '$' && text[j] !== ']') j++;
      sel += text.slice(i, j);
      i = j;
      if (text[i] !== '$') break;
      const ind = strtol(text, i + 1);
      if (ind.overflow || ind.value > n.value) break;
      i = ind.end;
      sel += ind.value > 0n ? bin(p.components[Number(ind.value) - 1]!) : bin(p.realm);
    }
    if (text[i] !== ']') throw badFormat(original, 'the selection string does not end with ]');
    i++;
  } else {
    sel = bin(unparsePrincipal(p, { noRealm: true }));
  }
  if (text[i] === '(') {
    // aname_do_match: up to the first ')', so the expression itself holds none
    const close = text.indexOf(')', i + 1);
    if (close < 0) throw badFormat(original, 'no ) after the match expression');
    const re = compileEre(text.slice(i + 1, close));
    if (!re?.matchesWhole(sel)) return NOTRANS;
    i = close + 1;
  }
  // aname_replacer
  let current = sel;
  while (i < text.length) {
    while (isSpace(text[i])) i++;
    const ep = text[i] === 's' && text[i + 1] === '/' ? text.indexOf('/', i + 2) : -1;
    const tp = ep >= 0 ? text.indexOf('/', ep + 1) : -1;
    if (tp < 0) throw badFormat(original, 'expected s/regex/text/');
    const regex = text.slice(i + 2, ep);
    const repl = text.slice(ep + 1, tp);
    i = tp + 1;
    const global = text[i] === 'g';
    if (global) i++;
    const re = compileEre(regex);
    if (!re) return NOTRANS;
    // do_replacement
    let out = '';
    let rest = current;
    for (let m = re.exec(rest); m; m = re.exec(rest)) {
      out += rest.slice(0, m[0]) + repl;
      rest = rest.slice(m[1]);
      if (!global) break;
      if (m[1] === 0) {
        throw new ConfigError(
          `auth_to_local: in ${JSON.stringify(original)}, s/${unbin(regex) ?? regex}/…/g matches the empty string; MIT's krb5 would repeat it forever`,
          {},
          { code: 'ERR_AUTH_TO_LOCAL' },
        );
      }
    }
    current = out + rest;
  }
  return current;
}

/** localauth.c's an2ln_default. */
function byDefault(p: { components: readonly string[]; realm: string }, defaultRealm: string): Outcome {
  if (p.realm !== defaultRealm) return NOTRANS;
  if (p.components.length === 2 ? p.components[1] !== defaultRealm : p.components.length !== 1) return NOTRANS;
  return bin(p.components[0]!);
}

/**
 * The local user name for a principal, as MIT's `krb5_aname_to_localname` gives it with this
 * krb5.conf and default realm: `auth_to_local_names`, then the `auth_to_local` rules (or the
 * DEFAULT method), in the default realm's `[realms]` section. `undefined` when there is no
 * translation (MIT's KRB5_LNAME_NOTRANS); a malformed rule that is reached, or an unknown method,
 * is a `ConfigError` (`ERR_AUTH_TO_LOCAL`; MIT's KRB5_CONFIG_BADFORMAT).
 *
 * @example
 * ```ts
 * const conf = parseKrb5Conf(`[realms]\n EXAMPLE.COM = {\n  auth_to_local = RULE:[2:$2.$1](admin\\..*)s/^admin\\./adm-/\n  auth_to_local = DEFAULT\n }`)
 * anameToLocalname(conf, parsePrincipal('alice@EXAMPLE.COM'), 'EXAMPLE.COM')       // 'alice'
 * anameToLocalname(conf, parsePrincipal('bob/admin@EXAMPLE.COM'), 'EXAMPLE.COM')   // 'adm-bob'
 * anameToLocalname(conf, parsePrincipal('carol@OTHER.ORG'), 'EXAMPLE.COM')         // undefined
 * ```
 */
export function anameToLocalname(profile: Krb5Profile, principal: Pick<Principal, 'components' | 'realm'>, defaultRealm: string | undefined): string | undefined {
  if (defaultRealm === undefined) return undefined;
  if (principal.realm.includes('\0') || principal.components.some((c) => c.includes('\0'))) return undefined;
  // the names module (localauth_names.c)
  const names = getValues(profile, ['realms', defaultRealm, 'auth_to_local_names', unparsePrincipal(principal, { noRealm: true })]);
  if (names.length > 0) return names[names.length - 1];
  // the auth_to_local module
  const values = getValues(profile, ['realms', defaultRealm, 'auth_to_local']);
  let out: Outcome = NOTRANS;
  if (values.length === 0) out = byDefault(principal, defaultRealm);
  for (const v of values) {
    if (out !== NOTRANS) break;
    const colon = v.indexOf(':');
    const type = colon < 0 ? v : v.slice(0, colon);
    if (type === 'DEFAULT') out = byDefault(principal, defaultRealm);
    else if (type === 'RULE') {
      if (colon < 0) throw badFormat(v, 'RULE without a rule');
      out = rule(bin(v.slice(colon + 1)), v, principal);
    } else throw new ConfigError(`auth_to_local: unknown method ${JSON.stringify(type)} in ${JSON.stringify(v)} (MIT knows DEFAULT and RULE)`, {}, { code: 'ERR_AUTH_TO_LOCAL' });
  }
  if (out === NOTRANS) return undefined;
  if (out.includes('\0')) return undefined;
  return unbin(out);
}
