/**
 * The embedded KDC's principal database, in memory: users with passwords (their keys derived
 * for each configured enctype with the principal's salt, as MIT's kadmin does), services with
 * random keys, the krbtgt, each with flags and ticket lifetimes. Built from a small plain
 * description ({@link KdcDescription}); keys never print (`util/secret.ts`).
 * @module
 */
import { randomKey, stringToKey, type Key } from '../crypto/index.js';
import { EncType, NameType } from '../iana/index.js';
import { parsePrincipal, unparsePrincipal, type Principal } from '../messages/index.js';
import { secretKey } from '../util/secret.js';
import { realmDomainSid } from './pac.js';

/** Policy flags of a principal, MIT's KRB5_KDB_* attributes by their kadmin names. */
export interface PrincipalFlags {
  /** `+requires_preauth` (users default true, as MIT's default_principal_flags with +preauth in a lab). */
  requiresPreauth?: boolean;
  /** `-allow_forwardable` when false. */
  allowForwardable?: boolean;
  /** `-allow_proxiable` when false. */
  allowProxiable?: boolean;
  /** `-allow_renewable` when false. */
  allowRenewable?: boolean;
  /** `-allow_postdated` when false. */
  allowPostdated?: boolean;
  /** `+ok_as_delegate`: service tickets carry OK-AS-DELEGATE. */
  okAsDelegate?: boolean;
  /** `-allow_tix`: no tickets at all (client: KDC_ERR_CLIENT_REVOKED; server: S_PRINCIPAL_UNKNOWN). */
  disallowAllTix?: boolean;
  /** `-allow_svr`: no service tickets for it (KDC_ERR_MUST_USE_USER2USER). */
  disallowSvr?: boolean;
  /** `+ok_to_auth_as_delegate`: its S4U2Self tickets are forwardable (protocol transition). */
  okToAuthAsDelegate?: boolean;
}

/** What a service may do for its users (constrained delegation). */
export interface DelegationDescription {
  /** The services it may get tickets to on a user's behalf (S4U2Proxy), e.g. `HTTP/backend.example.test` (MIT's LDAP krbAllowedToDelegateTo). */
  allowedToDelegateTo?: string[];
}

/** One principal of a {@link KdcDescription}. */
export interface PrincipalDescription extends PrincipalFlags, DelegationDescription {
  /** `alice`, `HTTP/web.example` (the realm is the KDC's) or with `@REALM`. */
  name: string;
  /** A user's password; without one the principal gets random keys (a service). */
  password?: string;
  /** Enctypes of its long-term keys (default the KDC's `enctypes`). */
  enctypes?: number[];
  /** Key version (default 1). */
  kvno?: number;
  /**
   * The session key enctypes it supports (MIT's `session_enctypes` string attribute); default:
   * aes256-cts-hmac-sha1-96 and the enctypes of its keys, as MIT assumes.
   */
  sessionEnctypes?: number[];
  /** Maximum ticket life, seconds (default 86400). */
  maxLifeSec?: number;
  /** Maximum renewable life, seconds (default 604800). */
  maxRenewSec?: number;
  /**
   * Given long-term keys instead of derived or random ones (e.g. a realm's recorded keys); with
   * `password` too, the password is only used for nothing but the ETYPE-INFO2 salt (the keys win).
   */
  keys?: { etype: number; value: Uint8Array; kvno?: number }[];
  /** Groups, by name: in the PAC as RIDs of the domain (see `groupRids`). */
  groups?: string[];
  /** The account's RID in the PAC (default 1000, 1001, … in the order given). */
  rid?: number;
}

/** The database's description: realm, default enctypes, principals (krbtgt is added). */
export interface KdcDescription {
  realm: string;
  /** Long-term key enctypes, strongest first (default 18, 17, 20, 19). */
  enctypes?: number[];
  principals: PrincipalDescription[];
  /** Realm-wide maximum ticket life, seconds (default 86400, MIT's max_life). */
  maxLifeSec?: number;
  /** Realm-wide maximum renewable life, seconds (default 604800, MIT's max_renewable_life). */
  maxRenewSec?: number;
  /** The domain SID of the PACs (default one fixed by the realm's name). */
  domainSid?: string;
  /** RIDs of the groups by name (default 1100, 1101, … in the order they first appear). */
  groupRids?: Record<string, number>;
  /**
   * Direct two-way trusts: for each, `krbtgt/OTHER@REALM` (our TGTs to the other realm) and
   * `krbtgt/REALM@OTHER` (its TGTs to us), keys from the password with each principal's normal
   * salt — what `kadmin addprinc -pw` gives both principals on the other realm's KDC.
   */
  trusts?: { realm: string; password: string; enctypes?: number[]; kvno?: number }[];
  /**
   * The KDC's `[domain_realm]`: a host (`web.example.com`) or a domain with a leading dot
   * (`.example.com`) → the realm its services are in. A TGS request with CANONICALIZE for a
   * host-based service this realm does not have (`HTTP/web.other.test`, NT-SRV-HST) is answered
   * with a referral — a cross-realm TGT — to the realm the host maps to, when a trust to it
   * exists (MIT krb5kdc's find_referral_tgs). A host with no entry maps to its domain in
   * upper case, as MIT's mapping does.
   */
  domainRealms?: Record<string, string>;
}

/** One long-term key of a principal. */
export interface DbKey {
  key: Key;
  kvno: number;
  /** The salt its string-to-key used (users), for ETYPE-INFO2. */
  salt?: string;
}

/** A principal as the KDC holds it. */
export interface DbEntry {
  principal: Principal;
  /** Keys in preference order (the first is the one tickets are encrypted with). */
  keys: DbKey[];
  flags: Required<PrincipalFlags>;
  maxLifeSec: number;
  maxRenewSec: number;
  isUser: boolean;
  groups: string[];
  /** MIT's `session_enctypes`, if set. */
  sessionEnctypes?: number[];
  /** The account's RID (krbtgt: 502, as AD's). */
  rid: number;
  /** The services it may delegate to (S4U2Proxy), as principal texts of this realm. */
  allowedToDelegateTo: string[];
}

/** The default enctypes: MIT 1.20's supported set with AES-SHA2 beside AES-SHA1. */
export const DEFAULT_KDC_ENCTYPES: readonly number[] = [
  EncType.AES256_CTS_HMAC_SHA1_96,
  EncType.AES128_CTS_HMAC_SHA1_96,
  EncType.AES256_CTS_HMAC_SHA384_192,
  EncType.AES128_CTS_HMAC_SHA256_128,
];

/** The principal database. */
export class KdcDatabase {
  readonly realm: string;
  readonly maxLifeSec: number;
  readonly maxRenewSec: number;
  /** The domain SID of the PACs. */
  readonly domainSid: string;
  /** Group RIDs by name, and names by RID. */
  readonly groupRids = new Map<string, number>();
  private readonly byName = new Map<string, DbEntry>();
  private nextRid = 1000;
  /** Keys of `krbtgt/REALM@OTHER` by the other realm: the cross-realm TGTs we accept. */
  readonly inbound = new Map<string, DbKey[]>();
  /** `[domain_realm]`: lower-case host or `.domain` → realm. */
  readonly domainRealms = new Map<string, string>();

  constructor(description: KdcDescription) {
    if (typeof description?.realm !== 'string' || description.realm === '') throw new TypeError('realm must be a non-empty string');
    if (!Array.isArray(description.principals)) throw new TypeError('principals must be an array');
    this.realm = description.realm;
    this.maxLifeSec = description.maxLifeSec ?? 86400;
    this.maxRenewSec = description.maxRenewSec ?? 7 * 86400;
    this.domainSid = description.domainSid ?? realmDomainSid(this.realm);
    if (!/^S-1-5-21-\d+-\d+-\d+$/.test(this.domainSid)) throw new RangeError(`domainSid ${this.domainSid} is not S-1-5-21-a-b-c`);
    for (const [name, rid] of Object.entries(description.groupRids ?? {})) this.groupRids.set(name, rid);
    let nextGroup = 1100;
    for (const p of description.principals ?? []) {
      for (const g of p.groups ?? []) {
        if (this.groupRids.has(g)) continue;
        while ([...this.groupRids.values()].includes(nextGroup)) nextGroup++;
        this.groupRids.set(g, nextGroup++);
      }
    }
    const enctypes = description.enctypes ?? DEFAULT_KDC_ENCTYPES;
    const tgs = description.principals.find((p) => p.name === `krbtgt/${this.realm}` || p.name === `krbtgt/${this.realm}@${this.realm}`);
    if (!tgs) this.add({ name: `krbtgt/${this.realm}`, requiresPreauth: false }, enctypes);
    for (const p of description.principals) this.add(p, enctypes);
    for (const [host, realm] of Object.entries(description.domainRealms ?? {})) {
      if (typeof realm !== 'string' || realm === '') throw new TypeError(`domainRealms: the realm of ${host} must be a non-empty string`);
      this.domainRealms.set(host.toLowerCase(), realm);
    }
    for (const t of description.trusts ?? []) {
      if (typeof t?.realm !== 'string' || t.realm === '' || t.realm === this.realm || typeof t.password !== 'string')
        throw new TypeError('a trust needs another realm and a password');
      const ets = t.enctypes ?? enctypes;
      const kvno = t.kvno ?? 1;
      const out = ets.map((e) => ({ etype: e, value: stringToKey(e, t.password, `${this.realm}krbtgt${t.realm}`).value, kvno }));
      this.add({ name: `krbtgt/${t.realm}`, keys: out, requiresPreauth: false }, ets);
      this.inbound.set(
        t.realm,
        ets.map((e) => ({ key: stringToKey(e, t.password, `${t.realm}krbtgt${this.realm}`), kvno })),
      );
    }
  }

  private add(p: PrincipalDescription, defaultEnctypes: readonly number[]): void {
    if (typeof p?.name !== 'string' || p.name === '') throw new TypeError('each principal needs a name');
    const parsed = parsePrincipal(p.name, { realm: this.realm });
    if (parsed.realm !== this.realm) throw new RangeError(`${p.name} is not in realm ${this.realm}`);
    const principal: Principal = { nameType: parsed.components[0] === 'krbtgt' ? NameType.NT_SRV_INST : NameType.NT_PRINCIPAL, components: parsed.components, realm: this.realm };
    const key = unparsePrincipal(principal);
    if (this.byName.has(key)) throw new RangeError(`${key} is described twice`);
    const kvno = p.kvno ?? 1;
    const enctypes = p.enctypes ?? defaultEnctypes;
    const isUser = p.password !== undefined;
    const salt = this.realm + principal.components.join('');
    const keys: DbKey[] = p.keys
      ? p.keys.map((k) => ({ key: secretKey(k.etype, k.value), kvno: k.kvno ?? kvno, ...(isUser ? { salt } : {}) }))
      : enctypes.map((e) => (isUser ? { key: stringToKey(e, p.password!, salt), kvno, salt } : { key: randomKey(e), kvno }));
    this.byName.set(key, {
      principal,
      keys,
      flags: {
        requiresPreauth: p.requiresPreauth ?? isUser,
        allowForwardable: p.allowForwardable ?? true,
        allowProxiable: p.allowProxiable ?? true,
        allowRenewable: p.allowRenewable ?? true,
        allowPostdated: p.allowPostdated ?? true,
        okAsDelegate: p.okAsDelegate ?? false,
        disallowAllTix: p.disallowAllTix ?? false,
        disallowSvr: p.disallowSvr ?? false,
        okToAuthAsDelegate: p.okToAuthAsDelegate ?? false,
      },
      maxLifeSec: p.maxLifeSec ?? 86400,
      maxRenewSec: p.maxRenewSec ?? 7 * 86400,
      isUser,
      groups: p.groups ?? [],
      rid: p.rid ?? (principal.components[0] === 'krbtgt' ? 502 : this.nextRid++),
      allowedToDelegateTo: (p.allowedToDelegateTo ?? []).map((n) => unparsePrincipal(parsePrincipal(n, { realm: this.realm }))),
      ...(p.sessionEnctypes ? { sessionEnctypes: [...p.sessionEnctypes] } : {}),
    });
  }

  /** The entry of a principal (name components and realm; the name type is not compared). */
  /**
   * The realm of a host by `[domain_realm]` as MIT's krb5int_get_domain_realm_mapping reads it:
   * the host itself, then each parent domain with and without its leading dot; failing those,
   * the host's domain in upper case (undefined for a name without a dot).
   */
  realmOfHost(host: string): string | undefined {
    const h = host.toLowerCase().replace(/\.$/, '');
    const exact = this.domainRealms.get(h);
    if (exact !== undefined) return exact;
    for (let i = h.indexOf('.'); i >= 0; i = h.indexOf('.', i + 1)) {
      const r = this.domainRealms.get(h.slice(i)) ?? this.domainRealms.get(h.slice(i + 1));
      if (r !== undefined) return r;
    }
    const dot = h.indexOf('.');
    return dot > 0 && dot < h.length - 1 ? h.slice(dot + 1).toUpperCase() : undefined;
  }

  lookup(components: readonly string[], realm: string): DbEntry | undefined {
    if (realm !== this.realm) return undefined;
    return this.byName.get(unparsePrincipal({ components: [...components], realm }));
  }

  /** The local TGS, `krbtgt/REALM@REALM`. */
  get tgs(): DbEntry {
    return this.byName.get(unparsePrincipal({ components: ['krbtgt', this.realm], realm: this.realm }))!;
  }

  /** The group name of a RID of this domain, if it is one of the database's groups. */
  groupName(rid: number): string | undefined {
    for (const [name, r] of this.groupRids) if (r === rid) return name;
    return rid === 513 ? 'Domain Users' : undefined;
  }

  /** Every entry. */
  entries(): DbEntry[] {
    return [...this.byName.values()];
  }
}
