/**
 * The AS exchange (RFC 4120 §3.1): an initial ticket, usually a TGT, for a password or for keys
 * from a keytab. Sans-I/O: requests go out through the injected {@link Transport}.
 *
 * What it does, in the order MIT's `krb5_get_init_creds` does it: a request without
 * pre-authentication; on KDC_ERR_PREAUTH_REQUIRED the salt and s2kparams from the error's
 * ETYPE-INFO2 and a PA-ENC-TIMESTAMP (RFC 4120 §5.2.7.2, key usage 1) stamped with the KDC's
 * clock when `kdcTimesync` is on; client referrals (RFC 6806 §7: KDC_ERR_WRONG_REALM with the
 * right realm in the error's crealm) when canonicalizing; the reply's enc-part opened with the
 * client key (usage 3, [APPLICATION 25] or the [APPLICATION 26] MIT sends) and checked.
 *
 * FAST (RFC 6113, `fast.ts`) as MIT's client: with an armor TGT (`armor`, MIT's `kinit -T`) the
 * exchange is armored from the first request when the armor cache says the KDC does FAST
 * (`fastAvailable`), else from the moment a PREAUTH_REQUIRED offers PA-FX-FAST (one restart);
 * inside FAST the pre-authentication is PA-ENCRYPTED-CHALLENGE when offered. PA-REQ-ENC-PA-REP
 * (RFC 6806 §11) is sent as MIT sends it: a reply with enc-pa-rep is checked (usage 56 over the
 * request as sent) and its PA-FX-FAST reported as {@link InitialCredentials.fastAvailable}, which
 * MIT's kinit records as the ccache config `fast_avail`.
 * @module
 */
import { encrypt, stringToKey, type Key } from '../crypto/index.js';
import { IntegrityError, KerberosError, ProtocolError, UnsupportedError } from '../errors.js';
import { EncType, ErrorCode, KDCOptions as KdcOpt, KeyUsage, MessageType, NameType, PaDataType, TicketFlags, flagMask } from '../iana/index.js';
import type { CcacheCredential } from '../formats/ccache.js';
import {
  ASReq,
  Checksum,
  EncKDCRepPart,
  EncryptedData,
  KDCReqBody,
  ETypeInfo,
  ETypeInfo2,
  PAEncTsEnc,
  PAPacRequest,
  decodeMethodData,
  type KDCRep,
  type KRBError,
  type PAData,
  type Principal,
  type PrincipalName,
  unparsePrincipal,
} from '../messages/index.js';
import { decrypt, verifyChecksum } from '../crypto/index.js';
import {
  apRequestArmor,
  armoredPadata,
  checkKdcChallenge,
  encryptedChallenge,
  offersFast,
  processFastReply,
  strengthenReplyKey,
  unwrapFastError,
  type FastArmorSource,
  type FastState,
} from './fast.js';
import { randomBytes } from '../crypto/index.js';
import { wipe } from '../util/bytes.js';
import { kdcErrorFromKrbError } from './kdc-error.js';
import {
  checkReply,
  credentialFromReply,
  exchange,
  makeNonce,
  requestEnctypes,
  seconds,
  show,
  tgsName,
  tgsRealmOf,
  toPrincipal,
  nameOf,
  principalOf,
  wholeSeconds,
  type KdcExchangeParams,
} from './exchange.js';

/** Options of an AS request; the defaults are MIT 1.20's krb5.conf defaults. */
export interface AsOptions {
  forwardable?: boolean;
  proxiable?: boolean;
  /** Ask for a renewable ticket (for `renewLifetimeSec`, default 7 days). */
  renewable?: boolean;
  /** Requested lifetime in seconds (default 86400, MIT's ticket_lifetime). */
  lifetimeSec?: number;
  /** Requested renewable lifetime in seconds; a value > 0 implies `renewable`. */
  renewLifetimeSec?: number;
  /** Set the canonicalize option (RFC 6806): the KDC may change the client name and refer us to another realm. */
  canonicalize?: boolean;
  /**
   * The client name is an enterprise name (NT-ENTERPRISE, RFC 6806 §5), e.g. `alice@example.com`.
   * As MIT, the KDC may then change the client name and refer us to another realm, but the
   * CANONICALIZE option is sent only with `canonicalize` (MIT's `kinit -E` without `-C`).
   */
  enterprise?: boolean;
  /**
   * Send RENEWABLE-OK when not asking for a renewable ticket (default true, as MIT's
   * krb5_get_init_creds): a KDC that cannot give the lifetime asked for may give a renewable
   * ticket up to it instead (Samba's and Windows' 10-hour tickets).
   */
  renewableOk?: boolean;
  /** Send PA-PAC-REQUEST (MS-KILE) asking for a PAC; `true` by default, `false` asks for none. */
  requestPac?: boolean;
  /** Enctypes in order of preference (default 18, 17, 20, 19, MIT's order; 23 only with `allowWeakCrypto`). */
  etypes?: readonly number[];
  /** Allow RC4-HMAC (23), as krb5.conf's allow_weak_crypto. */
  allowWeakCrypto?: boolean;
  /** The allowed clock skew in seconds (default 300, MIT's clockskew). */
  clockskewSec?: number;
  /**
   * Follow the KDC's clock, as MIT's `kdc_timesync` (default on): the PA-ENC-TIMESTAMP is stamped
   * with the KDC time learnt from the PREAUTH_REQUIRED error, and a reply outside the clock skew
   * is accepted, its offset returned in {@link InitialCredentials.kdcOffset} (MIT writes it to the
   * ccache header). Off: a reply whose starttime is more than `clockskewSec` away from the local
   * clock is a `ProtocolError` (MIT's KRB5_KDCREP_SKEW).
   */
  kdcTimesync?: boolean;
  /** How many client referrals to follow (default 5). */
  maxReferrals?: number;
  /**
   * Never send PA-ENC-TIMESTAMP, as MIT's krb5.conf `[realms] REALM disable_encrypted_timestamp`
   * (1.17+; a client setting the KDC does not see): pre-authentication then needs FAST.
   */
  disableEncryptedTimestamp?: boolean;
}

/** A long-term key of the client, e.g. from a keytab (`decodeKeytab(bytes).entries`). */
export interface ClientKey {
  etype: number;
  value: Uint8Array;
  /** The key version; when the reply names one, a key of that version is preferred. */
  kvno?: number;
}

/** Parameters of {@link getInitialCredentials}: exactly one of `password` and `keys`. */
export interface GetInitialCredentialsParams extends KdcExchangeParams {
  /** The client: `alice`, `alice@EXAMPLE.COM`, or a Principal; with `enterprise`, the enterprise name (`alice@example.com`). */
  client: Principal | string;
  /** The realm to ask (default: the client's realm). */
  realm?: string;
  password?: string | Uint8Array;
  /** The client's keys (keytab login). */
  keys?: readonly ClientKey[];
  /** The service the initial ticket is for (default `krbtgt/REALM@REALM`). */
  service?: Principal | string;
  options?: AsOptions;
  /**
   * FAST armor (RFC 6113), as MIT's `kinit -T armor_ccache`: a TGT of the realm asked, from
   * another cache (a host's keytab login, or the user's own earlier TGT). See {@link FastArmorSource}.
   */
  armor?: FastArmorSource;
}

/** What {@link getInitialCredentials} resolves to. */
export interface InitialCredentials {
  /** The credential, ready for a ccache (`encodeCcache`). */
  credential: CcacheCredential;
  /** The decrypted EncASRepPart / EncTGSRepPart. */
  encPart: EncKDCRepPart;
  /** The AS-REP as received. */
  reply: KDCRep;
  /** The client as the KDC named it (canonical when canonicalizing). */
  client: Principal;
  /** The realm whose KDC issued the ticket (another than asked after a client referral). */
  realm: string;
  /**
   * KDC clock minus local clock, as MIT computes it (authtime minus the time the request was
   * sent, whole seconds): the value MIT's kinit stores in the ccache v4 header (tag 1) when
   * kdc_timesync is on.
   */
  kdcOffset: { seconds: number; microseconds: number };
  /** The pre-authentication used: 2 (PA-ENC-TIMESTAMP), 138 (PA-ENCRYPTED-CHALLENGE, in FAST) or `undefined` for none. */
  preauthType: number | undefined;
  /** Whether the exchange that gave the ticket was armored with FAST. */
  fast: boolean;
  /**
   * The KDC said it does FAST (RFC 6806 §11: enc-pa-rep with PA-FX-FAST in the reply's encrypted
   * padata, checked): what MIT's kinit records as the ccache config `fast_avail` = `yes`.
   */
  fastAvailable: boolean;
}

interface PreauthChoice {
  /** PA-ENC-TIMESTAMP (2), or PA-ENCRYPTED-CHALLENGE (138) inside FAST. */
  type: number;
  key: Key;
  /** KDC time minus local time, from the PREAUTH_REQUIRED error (ms). */
  offsetMs: number;
  salt: string | Uint8Array;
}

/** `REALM` followed by the name components: RFC 4120 §4's default salt (MIT krb5_principal2salt). */
function defaultSalt(realm: string, name: PrincipalName): string {
  return realm + name.nameString.join('');
}

function pickKey(keys: readonly ClientKey[], etype: number, kvno: number | undefined): ClientKey | undefined {
  const same = keys.filter((k) => k.etype === etype);
  if (kvno !== undefined) {
    const exact = same.find((k) => k.kvno === undefined || k.kvno === kvno || (kvno & 0xff) === k.kvno);
    if (exact) return exact;
  }
  // Lenient on kvno (AD bumps it; some tools write 0): the newest key of the etype.
  return same.reduce<ClientKey | undefined>((best, k) => (best === undefined || (k.kvno ?? 0) > (best.kvno ?? 0) ? k : best), undefined);
}

interface SaltInfo {
  etype: number;
  salt?: string | Uint8Array;
  s2kparams?: Uint8Array;
}

/** ETYPE-INFO2 (else ETYPE-INFO) entries of a METHOD-DATA or reply padata. */
function saltInfo(padata: readonly PAData[]): SaltInfo[] {
  const info2 = padata.find((p) => p.padataType === PaDataType.PA_ETYPE_INFO2);
  if (info2) {
    return ETypeInfo2.decode(info2.padataValue).map((e) => ({
      etype: e.etype,
      ...(e.salt !== undefined ? { salt: e.salt } : {}),
      ...(e.s2kparams !== undefined ? { s2kparams: e.s2kparams } : {}),
    }));
  }
  const info = padata.find((p) => p.padataType === PaDataType.PA_ETYPE_INFO);
  if (info) return ETypeInfo.decode(info.padataValue).map((e) => ({ etype: e.etype, ...(e.salt !== undefined ? { salt: e.salt } : {}) }));
  return [];
}

function pwSalt(padata: readonly PAData[]): Uint8Array | undefined {
  return padata.find((p) => p.padataType === PaDataType.PA_PW_SALT)?.padataValue;
}

/**
 * Gets an initial ticket (by default a TGT) for a client with a password or keys.
 *
 * A KRB-ERROR is a `KdcError` with the KDC's code (24 for a wrong password, 6 for an unknown
 * client…); a reply that fails a check is a `ProtocolError`; a password whose key does not open
 * the reply is a `KerberosError` with code `ERR_PASSWORD_INCORRECT`.
 *
 * @example
 * ```ts
 * const { credential, kdcOffset } = await getInitialCredentials({
 *   transport, client: 'alice@EXAMPLE.COM', password: 'secret', options: { forwardable: true },
 * })
 * const bytes = encodeCcache({ version: 4, header: [{ tag: 1, kdcOffset }], defaultPrincipal: credential.client, credentials: [credential], config: [] })
 * ```
 */
export async function getInitialCredentials(params: GetInitialCredentialsParams): Promise<InitialCredentials> {
  const { transport } = params;
  if (typeof transport?.send !== 'function') throw new TypeError('transport must have a send(realm, bytes) method');
  const hasPassword = params.password !== undefined;
  const hasKeys = params.keys !== undefined;
  if (hasPassword === hasKeys) throw new TypeError('give exactly one of password and keys');
  if (hasKeys && params.keys!.length === 0) throw new RangeError('keys is empty');
  const o = params.options ?? {};
  const enterprise = o.enterprise === true;
  const canonicalize = o.canonicalize === true || enterprise;

  let client: Principal;
  if (enterprise) {
    if (typeof params.client !== 'string') throw new TypeError('an enterprise client is given as text, e.g. alice@example.com');
    if (params.realm === undefined) throw new TypeError('an enterprise client needs realm');
    client = { nameType: NameType.NT_ENTERPRISE, components: [params.client], realm: params.realm };
  } else {
    client = toPrincipal(params.client, params.realm);
  }
  let realm = params.realm ?? client.realm;
  if (realm === '') throw new TypeError('no realm: give realm or a client name with @REALM');

  const maxReferrals = o.maxReferrals ?? 5;
  const seen = new Set<string>([realm]);
  for (;;) {
    const service = params.service !== undefined ? toPrincipal(params.service, realm) : principalOf(tgsName(realm), realm);
    const r = await asInRealm(params, o, { ...client, realm }, realm, service, canonicalize);
    if ('referral' in r) {
      if (seen.has(r.referral)) throw new ProtocolError(`client referral loop: ${[...seen, r.referral].join(' → ')}`, { code: 'ERR_REFERRAL_LOOP' });
      if (seen.size > maxReferrals) throw new ProtocolError(`more than ${maxReferrals} client referrals: ${[...seen].join(' → ')}`, { code: 'ERR_REFERRAL_LIMIT' });
      seen.add(r.referral);
      realm = r.referral;
      continue;
    }
    return r;
  }
}

async function asInRealm(
  params: GetInitialCredentialsParams,
  o: AsOptions,
  client: Principal,
  realm: string,
  service: Principal,
  canonicalize: boolean,
): Promise<InitialCredentials | { referral: string }> {
  const clock = params.now ?? (() => new Date());
  const allowWeakCrypto = o.allowWeakCrypto === true;
  const cryptoOpts = { allowWeakCrypto };
  const timesync = o.kdcTimesync !== false;
  const clockskewMs = (o.clockskewSec ?? 300) * 1000;
  let etypes = requestEnctypes(o.etypes, allowWeakCrypto);
  // what a session key may be: the enctypes permitted (the keytab's filter below narrows only
  // what the reply key may be)
  const permitted = etypes;
  if (params.keys) {
    // As MIT does for a keytab: ask only for enctypes we hold a key of.
    etypes = etypes.filter((e) => params.keys!.some((k) => k.etype === e));
    if (etypes.length === 0) {
      throw new RangeError(`none of the keys (enctypes ${[...new Set(params.keys.map((k) => k.etype))].join(', ')}) is of a requested enctype`);
    }
  }
  let kdcOptions = 0;
  if (o.forwardable) kdcOptions |= flagMask(KdcOpt.FORWARDABLE);
  if (o.proxiable) kdcOptions |= flagMask(KdcOpt.PROXIABLE);
  const renewSec = o.renewLifetimeSec ?? (o.renewable ? 7 * 86400 : 0);
  if (renewSec > 0) kdcOptions |= flagMask(KdcOpt.RENEWABLE);
  if (o.canonicalize === true) kdcOptions |= flagMask(KdcOpt.CANONICALIZE);
  const renewableOk = renewSec === 0 && o.renewableOk !== false;
  if (renewableOk) kdcOptions |= flagMask(KdcOpt.RENEWABLE_OK);
  kdcOptions >>>= 0;
  const lifetimeSec = o.lifetimeSec ?? 86400;
  const clientText = unparsePrincipal(client);
  const serverText = unparsePrincipal(service);

  let preauth: PreauthChoice | undefined;
  let preauthOffered: number[] | undefined;
  const armor = params.armor;
  const random = params.random ?? randomBytes;
  const armorNow = () => new Date(clock().getTime() + (armor?.kdcOffsetSec ?? 0) * 1000);
  // MIT krb5int_fast_as_armor: armored from the start when the armor cache says fast_avail.
  let fast: FastState | undefined = armor?.fastAvailable ? apRequestArmor(armor.tgt, armorNow(), random, cryptoOpts) : undefined;
  let upgraded = false;
  let cookie: PAData | undefined;
  // MIT's info_pa_permitted: PA-REQ-ENC-PA-REP until a KDC refuses it (PREAUTH_FAILED before any pre-authentication).
  let infoPa = true;
  try {
    for (let attempt = 0; attempt < 6; attempt++) {
      const sent = clock();
      const nonce = makeNonce(params.random);
      const body: KDCReqBody = {
        kdcOptions,
        cname: nameOf(client),
        realm,
        sname: nameOf(service),
        till: wholeSeconds(sent.getTime() + lifetimeSec * 1000),
        ...(renewSec > 0 ? { rtime: wholeSeconds(sent.getTime() + renewSec * 1000) } : {}),
        nonce,
        etype: etypes,
      };
      const padata: PAData[] = [];
      // RFC 6113 §5.2: the cookie of the KDC's last error goes back (MIT sends it first).
      if (fast && cookie) padata.push(cookie);
      if (preauth && preauth.type === PaDataType.PA_ENCRYPTED_CHALLENGE && fast) {
        // MIT ec_process: the KDC's time from the error (secured by FAST), as for the timestamp.
        const t = sent.getTime() + (timesync ? preauth.offsetMs : 0);
        padata.push(encryptedChallenge(fast, preauth.key, wholeSeconds(t), Math.floor((((t % 1000) + 1000) % 1000) * 1000), cryptoOpts));
      } else if (preauth) {
        // RFC 4120 §5.2.7.2; with kdc_timesync the stamp is in the KDC's time, as MIT's get_preauth_time.
        const t = sent.getTime() + (timesync ? preauth.offsetMs : 0);
        const ts = PAEncTsEnc.encode({ patimestamp: wholeSeconds(t), pausec: Math.floor((((t % 1000) + 1000) % 1000) * 1000) });
        const cipher = encrypt(preauth.key, KeyUsage.AS_REQ_PA_ENC_TIMESTAMP, ts, cryptoOpts);
        padata.push({ padataType: PaDataType.PA_ENC_TIMESTAMP, padataValue: EncryptedData.encode({ etype: preauth.key.etype, cipher }) });
      }
      // RFC 6806 §11 (FAST negotiation), empty, as MIT sends it: the KDC answers with enc-pa-rep.
      if (infoPa) padata.push({ padataType: PaDataType.PA_REQ_ENC_PA_REP, padataValue: new Uint8Array(0) });
      // MS-KILE §2.2.3; MIT's KDC ignores it, Active Directory honours it either way.
      padata.push({ padataType: PaDataType.PA_PAC_REQUEST, padataValue: PAPacRequest.encode({ includePac: o.requestPac !== false }) });
      // Armored: the outer request has the body and PA-FX-FAST only (MIT krb5int_fast_prep_req).
      const outerPadata = fast ? [armoredPadata(fast, padata, body, KDCReqBody.encode(body), cryptoOpts)] : padata;
      const req = ASReq.encode({ pvno: 5, msgType: MessageType.KRB_AS_REQ, padata: outerPadata, reqBody: body });
      const reply = await exchange(params.transport, realm, req, 'AS', params.signal ? { signal: params.signal } : undefined);

      if (reply.type === 'error') {
        let e = reply.value;
        const at = clock();
        // MIT krb5int_fast_process_error: the real error and its padata from inside FAST.
        const inner = fast ? unwrapFastError(fast, e, nonce, cryptoOpts) : undefined;
        if (inner) e = inner.error;
        const methodsOf = (): PAData[] => inner?.padata ?? (e.eData !== undefined && e.eData.length > 0 ? decodeMethodData(e.eData) : []);
        if (!fast && armor && !upgraded && e.errorCode === ErrorCode.KDC_ERR_PREAUTH_REQUIRED && offersFast(methodsOf())) {
          // MIT k5_upgrade_to_fast_p: the KDC does FAST and we have armor: start over armored.
          fast = apRequestArmor(armor.tgt, armorNow(), random, cryptoOpts);
          upgraded = true;
          preauth = undefined;
          continue;
        }
        if (infoPa && !upgraded && e.errorCode === ErrorCode.KDC_ERR_PREAUTH_FAILED && preauth === undefined) {
          // MIT: "The KDC didn't like our informational padata (probably a pre-1.7 MIT krb5 KDC).
          // Retry without it."
          infoPa = false;
          continue;
        }
        if (fast && e.errorCode === ErrorCode.KDC_ERR_PREAUTH_EXPIRED && attempt < 4) {
          // MIT: the cookie expired; start over.
          cookie = undefined;
          preauth = undefined;
          continue;
        }
        if (e.errorCode === ErrorCode.KDC_ERR_PREAUTH_REQUIRED && preauth === undefined) {
          const methods = methodsOf();
          preauthOffered = methods.map((m) => m.padataType);
          cookie = methods.find((m) => m.padataType === PaDataType.PA_FX_COOKIE);
          preauth = choosePreauth(params, e, methods, etypes, client, at, cryptoOpts, fast !== undefined, armor !== undefined, o.disableEncryptedTimestamp === true);
          continue;
        }
        if (
          canonicalize &&
          (e.errorCode === ErrorCode.KDC_ERR_WRONG_REALM || e.errorCode === ErrorCode.KDC_ERR_C_PRINCIPAL_UNKNOWN) &&
          e.crealm !== undefined &&
          e.crealm !== '' &&
          e.crealm !== realm
        ) {
          // RFC 6806 §7 client referral (and Windows 2003's PRINCIPAL_UNKNOWN form, as MIT accepts it).
          return { referral: e.crealm };
        }
        const err = kdcErrorFromKrbError(e, { client: clientText, server: serverText, now: at });
        if (e.errorCode === ErrorCode.KDC_ERR_PREAUTH_REQUIRED && preauthOffered) {
          throw new UnsupportedError(
            `${err.message}; the KDC did not accept ${preauth?.type === PaDataType.PA_ENCRYPTED_CHALLENGE ? 'PA-ENCRYPTED-CHALLENGE' : 'PA-ENC-TIMESTAMP'} (it offers padata ${preauthOffered.join(', ')})`,
            {
              cause: err,
              code: 'ERR_PREAUTH_UNSUPPORTED',
            },
          );
        }
        throw err;
      }

      let rep = reply.value;
      const etype = rep.encPart.etype;
      if (!etypes.includes(etype)) {
        throw new ProtocolError(`AS-REP enc-part is in enctype ${etype}, which was not requested ([${etypes.join(', ')}])`, { code: 'ERR_ETYPE_MISMATCH' });
      }
      let strengthen: Key | undefined;
      if (fast) {
        // MIT krb5int_fast_process_response: finished required, its ticket checksum verified; the
        // FAST padata replace the outer ones and finished names the client.
        const f = processFastReply(fast, rep, nonce, cryptoOpts);
        if (f === undefined) {
          throw new ProtocolError('the KDC answered an armored AS-REQ without FAST (no PA-FX-FAST in the AS-REP): a downgrade or a KDC without FAST', {
            code: 'ERR_FAST_REQUIRED',
          });
        }
        rep = { ...rep, padata: f.padata, cname: f.finished.cname, crealm: f.finished.crealm };
        strengthen = f.strengthenKey;
      }
      const key = replyKey(params, rep, etype, preauth, cryptoOpts);
      if (fast && preauth?.type === PaDataType.PA_ENCRYPTED_CHALLENGE) checkKdcChallenge(fast, key.key, rep.padata ?? [], cryptoOpts);
      const decryptingKey = strengthenReplyKey(strengthen, key.key, cryptoOpts);
      let part: EncKDCRepPart;
      try {
        part = EncKDCRepPart.decode(decrypt(decryptingKey, KeyUsage.AS_REP_ENCPART, rep.encPart.cipher, cryptoOpts));
      } catch (err) {
        if (!(err instanceof IntegrityError)) throw err;
        throw params.password !== undefined
          ? new KerberosError(`password incorrect for ${clientText}: the AS-REP does not decrypt with the key derived from it`, {
              cause: err,
              code: 'ERR_PASSWORD_INCORRECT',
            })
          : new KerberosError(
              `the key of ${clientText} (enctype ${etype}${key.kvno !== undefined ? `, kvno ${key.kvno}` : ''}) does not decrypt the AS-REP: the keytab is out of date`,
              { cause: err, code: 'ERR_KEY_MISMATCH' },
            );
      }
      let fastAvailable = false;
      try {
        fastAvailable = verifyNegotiation(part, req, decryptingKey, cryptoOpts);
      } finally {
        if (key.derived) wipe(key.key.value);
        if (decryptingKey !== key.key) wipe(decryptingKey.value);
      }

      const serverMayChange = canonicalize && tgsRealmOf(nameOf(service)) !== undefined && tgsRealmOf(part.sname) !== undefined;
      checkReply('AS', rep, part, {
        nonce,
        cname: nameOf(client),
        crealm: realm,
        clientMayChange: canonicalize,
        sname: nameOf(service),
        srealm: service.realm,
        serverMayChange,
        till: body.till,
        ...(body.rtime ? { rtime: body.rtime } : {}),
        renewable: renewSec > 0,
      });

      // MIT verify_as_reply: a renewable ticket got by RENEWABLE-OK is renewable up to till only.
      if (renewableOk && part.renewTill !== undefined && part.renewTill.getTime() > body.till.getTime()) {
        throw new ProtocolError(`AS-REP renew-till ${part.renewTill.toISOString()} is later than the requested end ${body.till.toISOString()} (RENEWABLE-OK)`, {
          code: 'ERR_TIMES_MISMATCH',
        });
      }

      // The session key must be of an enctype we asked for (the TGS path checks the same): with
      // weak crypto off, an RC4 session key is refused here, not met later.
      if (!permitted.includes(part.key.keytype)) {
        throw new ProtocolError(`AS-REP session key is of enctype ${part.key.keytype}, which is not permitted ([${permitted.join(', ')}])`, { code: 'ERR_ETYPE_MISMATCH' });
      }

      // MIT verify_as_reply: the offset is authtime minus the time the request went out.
      const offsetSec = seconds(part.authtime) - seconds(sent);
      if (!timesync) {
        const start = (part.starttime ?? part.authtime).getTime();
        const skew = start - sent.getTime();
        if (Math.abs(skew) > clockskewMs) {
          const s = Math.round(skew / 1000);
          throw new ProtocolError(
            `clock skew too great in the AS-REP: the KDC's clock is ${Math.abs(s)} s ${s >= 0 ? 'ahead of' : 'behind'} the local clock, beyond the allowed ${clockskewMs / 1000} s (synchronise the clocks, or enable kdcTimesync)`,
            { code: 'ERR_CLOCK_SKEW' },
          );
        }
      }
      if (preauth && params.password !== undefined) wipe(preauth.key.value);
      return {
        credential: credentialFromReply(rep, part),
        encPart: part,
        reply: rep,
        client: principalOf(rep.cname, rep.crealm),
        realm,
        kdcOffset: { seconds: offsetSec, microseconds: 0 },
        preauthType: preauth ? preauth.type : undefined,
        fast: fast !== undefined,
        fastAvailable,
      };
    }
    throw new ProtocolError(`the KDC for ${realm} kept asking for pre-authentication`, { code: 'ERR_PREAUTH_LOOP' });
  } finally {
    // The armor key lives for this exchange only.
    if (fast) wipe(fast.armorKey.value);
  }
}

/** From a PREAUTH_REQUIRED error: the enctype, salt and key for PA-ENC-TIMESTAMP. */
function choosePreauth(
  params: GetInitialCredentialsParams,
  e: KRBError,
  methods: readonly PAData[],
  etypes: readonly number[],
  client: Principal,
  at: Date,
  cryptoOpts: { allowWeakCrypto: boolean },
  inFast = false,
  haveArmor = false,
  noEncTimestamp = false,
): PreauthChoice {
  const types = methods.map((m) => m.padataType);
  const info = saltInfo(methods);
  // Inside FAST, encrypted challenge when offered (MIT's KDC offers no timestamp there).
  const type = inFast && types.includes(PaDataType.PA_ENCRYPTED_CHALLENGE) ? PaDataType.PA_ENCRYPTED_CHALLENGE : PaDataType.PA_ENC_TIMESTAMP;
  if (methods.length > 0 && type === PaDataType.PA_ENC_TIMESTAMP && !types.includes(PaDataType.PA_ENC_TIMESTAMP) && info.length === 0) {
    // MIT's KDC offers PA-ENC-TIMESTAMP and ETYPE-INFO2 only for the client keys of requested
    // enctypes: with neither, the client has no key of any enctype we asked for.
    throw new UnsupportedError(
      `the KDC offers no pre-authentication for ${unparsePrincipal(client)} in the requested enctypes (${etypes.join(', ')}; it offers only padata ${types.join(', ')}): the client's keys are of other enctypes${etypes.includes(EncType.RC4_HMAC) ? '' : ' (RC4-HMAC, 23, needs allowWeakCrypto and 23 in etypes)'}`,
      { code: 'ERR_ETYPE_NOSUPP', cause: kdcErrorFromKrbError(e) },
    );
  }
  if (!inFast && info.length > 0 && !types.includes(PaDataType.PA_ENC_TIMESTAMP) && types.includes(PaDataType.PA_FX_FAST)) {
    throw new UnsupportedError(
      `${unparsePrincipal(client)} needs FAST pre-authentication (the KDC offers padata ${types.join(', ')}, no encrypted timestamp): ${haveArmor ? 'the armored exchange did not start' : 'give an armor TGT (kinit -T armor_ccache, or the armor option)'}`,
      { code: 'ERR_FAST_NEEDED', cause: kdcErrorFromKrbError(e) },
    );
  }
  if (noEncTimestamp && type === PaDataType.PA_ENC_TIMESTAMP) {
    // MIT preauth_encts.c: "Encrypted timestamp is disabled".
    throw new UnsupportedError(
      `Encrypted timestamp is disabled for ${client.realm} (krb5.conf disable_encrypted_timestamp): ${unparsePrincipal(client)} needs FAST pre-authentication (encrypted challenge) — ${inFast ? 'the KDC offers none inside FAST' : haveArmor ? 'the KDC did not offer FAST' : 'give an armor TGT (kinit -T armor_ccache, or the armor option)'}`,
      { code: 'ERR_ENCTS_DISABLED', cause: kdcErrorFromKrbError(e) },
    );
  }
  if (methods.length > 0 && !types.includes(type)) {
    throw new UnsupportedError(
      `${unparsePrincipal(client)} needs pre-authentication of a type tskrb5 does not do (the KDC offers padata ${types.join(', ')}; only encrypted timestamp, 2, and in FAST encrypted challenge, 138, are implemented)`,
      { code: 'ERR_PREAUTH_UNSUPPORTED', cause: kdcErrorFromKrbError(e) },
    );
  }
  const offsetMs = e.stime.getTime() + Math.floor(e.susec / 1000) - at.getTime();
  const usable = (t: number) => etypes.includes(t);
  let entry: SaltInfo | undefined = info.find((i) => usable(i.etype));
  if (info.length > 0 && entry === undefined) {
    throw new UnsupportedError(
      `the KDC has keys for ${unparsePrincipal(client)} only in enctypes ${info.map((i) => i.etype).join(', ')}, none of them requested or usable (${etypes.join(', ')})`,
      { code: 'ERR_ETYPE_NOSUPP' },
    );
  }
  entry ??= { etype: etypes[0]! };
  const salt = entry.salt ?? pwSalt(methods) ?? defaultSalt(client.realm, nameOf(client));
  if (params.keys) {
    const k = pickKey(params.keys, entry.etype, undefined);
    if (!k) throw new UnsupportedError(`no key of enctype ${entry.etype} for ${unparsePrincipal(client)}`, { code: 'ERR_KEY_MISSING' });
    return { type, key: { etype: k.etype, value: k.value }, offsetMs, salt };
  }
  const key = stringToKey(entry.etype, params.password!, salt, entry.s2kparams, cryptoOpts);
  return { type, key, offsetMs, salt };
}

/**
 * RFC 6806 §11 as MIT's krb5int_fast_verify_nego: a reply with enc-pa-rep must carry
 * PA-REQ-ENC-PA-REP, a checksum over the AS-REQ as sent (usage 56) in the reply key, which must
 * verify (`ProtocolError` otherwise); then PA-FX-FAST among the encrypted padata says the KDC does
 * FAST. Without enc-pa-rep: `false`.
 */
function verifyNegotiation(part: EncKDCRepPart, request: Uint8Array, key: Key, cryptoOpts: { allowWeakCrypto: boolean }): boolean {
  if ((part.flags & flagMask(TicketFlags.ENC_PA_REP)) === 0) return false;
  const enc = part.encryptedPaData ?? [];
  const pa = enc.find((p) => p.padataType === PaDataType.PA_REQ_ENC_PA_REP);
  const fail = (why: string): never => {
    throw new ProtocolError(`AS-REP ${why}: KDC response modified`, { code: 'ERR_ENC_PA_REP' });
  };
  if (pa === undefined) fail('sets enc-pa-rep without PA-REQ-ENC-PA-REP');
  const c = Checksum.decode(pa!.padataValue);
  let ok = false;
  try {
    ok = verifyChecksum(key, KeyUsage.AS_REQ, request, c.checksum, c.cksumtype, cryptoOpts);
  } catch (e) {
    if (!(e instanceof KerberosError)) throw e;
  }
  if (!ok) fail('PA-REQ-ENC-PA-REP checksum does not match the request sent');
  return enc.some((p) => p.padataType === PaDataType.PA_FX_FAST);
}

/** The key that opens the AS-REP: the keytab key of its etype/kvno, or the password's key with the reply's salt. */
function replyKey(
  params: GetInitialCredentialsParams,
  rep: KDCRep,
  etype: number,
  preauth: PreauthChoice | undefined,
  cryptoOpts: { allowWeakCrypto: boolean },
): { key: Key; kvno?: number; derived: boolean } {
  if (params.keys) {
    const k = pickKey(params.keys, etype, rep.encPart.kvno);
    if (!k) {
      throw new KerberosError(`no key of enctype ${etype} for ${show(rep.cname, rep.crealm)} to open the AS-REP`, { code: 'ERR_KEY_MISSING' });
    }
    return { key: { etype: k.etype, value: k.value }, ...(k.kvno !== undefined ? { kvno: k.kvno } : {}), derived: false };
  }
  const padata = rep.padata ?? [];
  const info = saltInfo(padata).find((i) => i.etype === etype);
  const salt: string | Uint8Array | undefined = info?.salt ?? pwSalt(padata);
  if (salt === undefined && preauth && preauth.key.etype === etype) {
    return { key: { etype, value: preauth.key.value.slice() }, derived: true };
  }
  // MIT: without a salt from the KDC, the default salt of the client the reply names.
  const s = salt ?? (preauth?.salt && preauth.key.etype === etype ? preauth.salt : defaultSalt(rep.crealm, rep.cname));
  return { key: stringToKey(etype, params.password!, s, info?.s2kparams, cryptoOpts), derived: true };
}
