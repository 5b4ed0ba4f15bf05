/**
 * Verifying (and signing) a PAC as MIT's `krb5_pac_verify` / `krb5_pac_sign` do: the server
 * checksum over the PAC with its server and KDC signatures zeroed, with the service key; the
 * KDC checksum over the server signature, with the krbtgt key; PAC_CLIENT_INFO's name and
 * authtime against the ticket's. Finding the PAC in a ticket: AD-IF-RELEVANT → AD-WIN2K-PAC.
 * @module
 */
import { checksum, mandatoryChecksumType, type CryptoOptions, type Key, verifyChecksum } from '../crypto/index.js';
import { DecodeError, IntegrityError, ProtocolError, UnsupportedError } from '../errors.js';
import { AdType } from '../iana/ad-type.js';
import { ADIfRelevant, type AuthorizationData, EncTicketPart, unparsePrincipal } from '../messages/index.js';
import { decodePac, encodePac, type Pac, type PacBuffer, type PacInfoBuffer, parsePacHeader, signatureLength } from '../messages/pac/index.js';

/** The key usage of every PAC checksum (KERB_NON_KERB_CKSUM_SALT, MIT's KRB5_KEYUSAGE_APP_DATA_CKSUM). */
export const PAC_CHECKSUM_USAGE = 17;

const SERVER = 6;
const PRIVSVR = 7;
const CLIENT_INFO = 10;
const TICKET = 16;
const FULL = 19;
/** 100-ns ticks from 1601 to 1970, in seconds. */
const NT_EPOCH = 11644473600n;

/** What {@link verifyPac} checks; each part only when given, as `krb5_pac_verify`. */
export interface VerifyPacOptions {
  /** The service's long-term key: the server checksum (type 6) must verify with it. */
  serverKey?: Key;
  /** The krbtgt key: the KDC checksum (type 7) and, when present, the full checksum (19). */
  kdcKey?: Key;
  /** The ticket's client: PAC_CLIENT_INFO's name must be its unparsed name (without the realm unless `withRealm`). */
  client?: { components: readonly string[]; realm: string };
  /** The ticket's authtime: PAC_CLIENT_INFO's ClientId must be this second (with `client`). */
  authtime?: Date | number;
  /** Compare the name with its realm (`krb5_pac_verify_ext`'s with_realm: cross-realm S4U). */
  withRealm?: boolean;
  /** rc4-hmac keys and hmac-md5 checksums (AD's for accounts without AES) need this opt-in. */
  allowWeakCrypto?: boolean;
}

function locate(bytes: Uint8Array, header: readonly PacInfoBuffer[], type: number): Uint8Array {
  const found = header.filter((h) => h.type === type);
  if (found.length > 1) throw new ProtocolError(`the PAC has ${found.length} buffers of type ${type}`, { code: 'ERR_PAC_DUPLICATE_BUFFER' });
  const h = found[0];
  if (!h) throw new ProtocolError(`the PAC has no buffer of type ${type}`, { code: 'ERR_PAC_MISSING_BUFFER' });
  return bytes.subarray(h.offset, h.offset + h.size);
}

/** Zeroes the signature of the first buffer of `type` in `copy` (MIT's zero_signature). */
function zeroSignature(copy: Uint8Array, header: readonly PacInfoBuffer[], type: number): void {
  const h = header.find((x) => x.type === type);
  if (!h) throw new ProtocolError(`the PAC has no buffer of type ${type}`, { code: 'ERR_PAC_MISSING_BUFFER' });
  if (h.size < 4) throw new DecodeError(`PAC signature buffer of ${h.size} bytes`, { path: `PAC_SIGNATURE_DATA(${type})`, offset: h.offset });
  copy.fill(0, h.offset + 4, h.offset + h.size);
}

const NAMES: Record<number, string> = { 6: 'server', 7: 'KDC', 16: 'ticket', 19: 'full' };

function verifySignature(bytes: Uint8Array, header: readonly PacInfoBuffer[], type: number, key: Key, data: Uint8Array, options: CryptoOptions): void {
  const buf = locate(bytes, header, type);
  if (buf.length < 4) throw new DecodeError(`PAC signature buffer of ${buf.length} bytes`, { path: `PAC_SIGNATURE_DATA(${type})` });
  const ctype = new DataView(buf.buffer, buf.byteOffset, buf.byteLength).getInt32(0, true);
  const len = signatureLength(ctype);
  if (len === undefined) throw new UnsupportedError(`the PAC's ${NAMES[type]} checksum has type ${ctype}, not a keyed checksum tskrb5 knows`, { code: 'ERR_PAC_CHECKSUM_TYPE' });
  if (len > buf.length - 4)
    throw new DecodeError(`PAC ${NAMES[type]} signature: ${buf.length - 4} bytes for a ${len}-byte checksum`, { path: `PAC_SIGNATURE_DATA(${type}).Signature` });
  let ok: boolean;
  try {
    ok = verifyChecksum(key, PAC_CHECKSUM_USAGE, data, buf.subarray(4, 4 + len), ctype, options);
  } catch (e) {
    if (e instanceof UnsupportedError)
      throw new UnsupportedError(`the PAC's ${NAMES[type]} checksum (type ${ctype}) cannot be checked with a key of enctype ${key.etype}: ${e.message}`, {
        code: e.code,
        cause: e,
      });
    throw e;
  }
  if (!ok)
    throw new IntegrityError({
      code: type === SERVER ? 'ERR_PAC_SERVER_CHECKSUM' : type === PRIVSVR ? 'ERR_PAC_KDC_CHECKSUM' : type === TICKET ? 'ERR_PAC_TICKET_CHECKSUM' : 'ERR_PAC_FULL_CHECKSUM',
    });
}

/** MIT's k5_utf16le_to_utf8 refuses unpaired surrogates. */
function wellFormed(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (!(d >= 0xdc00 && d <= 0xdfff)) return false;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) return false;
  }
  return true;
}

/** PAC_CLIENT_INFO against the ticket, as MIT's k5_pac_validate_client. */
function validateClient(
  bytes: Uint8Array,
  header: readonly PacInfoBuffer[],
  client: { components: readonly string[]; realm: string },
  authtime: Date | number | undefined,
  withRealm: boolean,
): void {
  const ci = locate(bytes, header, CLIENT_INFO);
  if (ci.length < 10) throw new DecodeError(`PAC_CLIENT_INFO of ${ci.length} bytes`, { path: 'PAC_CLIENT_INFO' });
  const v = new DataView(ci.buffer, ci.byteOffset, ci.byteLength);
  const ticks = v.getBigUint64(0, true);
  const n = v.getUint16(8, true);
  const seconds = ticks / 10_000_000n - NT_EPOCH;
  if (seconds < 0n || seconds > 0xffffffffn)
    throw new DecodeError(`PAC_CLIENT_INFO ClientId ${ticks} is not a time after 1970 that fits 32 bits`, { path: 'PAC_CLIENT_INFO.ClientId' });
  if (ci.length < 10 + n || n % 2 !== 0) throw new DecodeError(`PAC_CLIENT_INFO NameLength ${n} for ${ci.length - 10} bytes`, { path: 'PAC_CLIENT_INFO.NameLength' });
  let name = '';
  for (let i = 0; i < n; i += 2) name += String.fromCharCode(ci[10 + i]! | (ci[11 + i]! << 8));
  if (!wellFormed(name)) throw new DecodeError('PAC_CLIENT_INFO name is not well-formed UTF-16', { path: 'PAC_CLIENT_INFO.Name' });
  // A NUL ends the name for MIT's strcmp (both sides are C strings).
  const cut = (s: string): string => (s.includes('\0') ? s.slice(0, s.indexOf('\0')) : s);
  const expected = unparsePrincipal(client, { display: true, noRealm: !withRealm });
  const t = authtime === undefined ? 0 : typeof authtime === 'number' ? authtime : Math.floor(authtime.getTime() / 1000);
  // krb5_timestamp is a signed 32-bit number on both sides.
  if ((Number(seconds) | 0) !== (t | 0) || cut(name) !== cut(expected)) {
    throw new ProtocolError(`the PAC's client (${JSON.stringify(name)}, authtime ${seconds}) is not the ticket's (${JSON.stringify(expected)}, ${t})`, {
      code: 'ERR_PAC_CLIENT_MISMATCH',
    });
  }
}

/**
 * Verifies a PAC as MIT's `krb5_pac_verify` (and `krb5_pac_verify_ext`) does, then decodes it:
 * with `serverKey`, the server checksum over the PAC whose server and KDC signatures are
 * zeroed; with `kdcKey`, the full checksum when the PAC has one, then the KDC checksum over the
 * server signature; with `client`, PAC_CLIENT_INFO's name and authtime. Throws
 * `IntegrityError` (`ERR_PAC_SERVER_CHECKSUM`, `ERR_PAC_KDC_CHECKSUM`, `ERR_PAC_FULL_CHECKSUM`),
 * `ProtocolError` (`ERR_PAC_CLIENT_MISMATCH`, `ERR_PAC_MISSING_BUFFER`,
 * `ERR_PAC_DUPLICATE_BUFFER`), `UnsupportedError` or `DecodeError`.
 * @example
 * ```ts
 * const pac = verifyPac(bytes, { serverKey, client: ticket.client, authtime: ticket.authtime })
 * ```
 */
export function verifyPac(bytes: Uint8Array, options: VerifyPacOptions = {}): Pac {
  const header = parsePacHeader(bytes);
  const crypto: CryptoOptions = options.allowWeakCrypto ? { allowWeakCrypto: true } : {};
  if (options.serverKey) {
    const copy = bytes.slice();
    zeroSignature(copy, header, SERVER);
    zeroSignature(copy, header, PRIVSVR);
    verifySignature(bytes, header, SERVER, options.serverKey, copy, crypto);
  }
  if (options.kdcKey) {
    if (header.some((h) => h.type === FULL)) {
      const copy = bytes.slice();
      zeroSignature(copy, header, SERVER);
      zeroSignature(copy, header, PRIVSVR);
      zeroSignature(copy, header, FULL);
      verifySignature(bytes, header, FULL, options.kdcKey, copy, crypto);
    }
    const server = locate(bytes, header, SERVER);
    if (server.length < 4) throw new DecodeError(`PAC server signature of ${server.length} bytes`, { path: 'PAC_SERVER_CHECKSUM' });
    verifySignature(bytes, header, PRIVSVR, options.kdcKey, server.subarray(4), crypto);
  }
  if (options.client) validateClient(bytes, header, options.client, options.authtime, options.withRealm === true);
  return decodePac(bytes);
}

/**
 * The PAC of a ticket's authorization data: the first AD-WIN2K-PAC inside an AD-IF-RELEVANT
 * (where KDCs put it; as MIT's krb5_find_authdata looks), or undefined.
 * @example
 * ```ts
 * const pacBytes = findPac(encTicketPart.authorizationData)
 * ```
 */
export function findPac(authorizationData: AuthorizationData | undefined): Uint8Array | undefined {
  return findIn(authorizationData ?? [], 0)?.bytes;
}

function findIn(ad: AuthorizationData, depth: number): { bytes: Uint8Array; path: number[] } | undefined {
  for (const [i, e] of ad.entries()) {
    if (e.adType === AdType.AD_WIN2K_PAC) return { bytes: e.adData, path: [i] };
    if (e.adType === AdType.AD_IF_RELEVANT && depth < 8) {
      const inner = findIn(ADIfRelevant.decode(e.adData), depth + 1);
      if (inner) return { bytes: inner.bytes, path: [i, ...inner.path] };
    }
  }
  return undefined;
}

/** @internal A krbtgt or kadmin/changepw service carries no ticket signature (MIT's k5_pac_should_have_ticket_signature). */
export function shouldHaveTicketSignature(server: { components: readonly string[] }): boolean {
  const c = server.components;
  if (c.length === 2 && c[0] === 'krbtgt') return false;
  if (c.length === 2 && c[0] === 'kadmin' && c[1] === 'changepw') return false;
  return true;
}

/** What {@link verifyTicketPac} needs: the service's name and key, and the krbtgt key if known. */
export interface VerifyTicketPacOptions {
  server: { components: readonly string[]; realm: string };
  serverKey: Key;
  kdcKey?: Key;
  allowWeakCrypto?: boolean;
}

/**
 * A KDC's check of a ticket's PAC (MIT's `krb5_kdc_verify_ticket`): with the krbtgt key, the
 * ticket checksum (type 16) over the EncTicketPart whose PAC is replaced by one zero byte, then
 * the PAC's checksums as {@link verifyPac}. Undefined when the ticket has no PAC.
 * @example
 * ```ts
 * const pac = verifyTicketPac(encTicketPart, { server, serverKey, kdcKey })
 * ```
 */
export function verifyTicketPac(encTicketPart: EncTicketPart, options: VerifyTicketPacOptions): Pac | undefined {
  const found = findIn(encTicketPart.authorizationData ?? [], 0);
  if (!found) return undefined;
  const header = parsePacHeader(found.bytes);
  const crypto: CryptoOptions = options.allowWeakCrypto ? { allowWeakCrypto: true } : {};
  if (options.kdcKey && shouldHaveTicketSignature(options.server)) {
    const recoded = EncTicketPart.encode({ ...encTicketPart, authorizationData: replaceAt(encTicketPart.authorizationData ?? [], found.path, new Uint8Array(1)) });
    verifySignature(found.bytes, header, TICKET, options.kdcKey, recoded, crypto);
  }
  return verifyPac(found.bytes, {
    serverKey: options.serverKey,
    ...(options.kdcKey ? { kdcKey: options.kdcKey } : {}),
    ...(options.allowWeakCrypto ? { allowWeakCrypto: true } : {}),
  });
}

function replaceAt(ad: AuthorizationData, path: readonly number[], pac: Uint8Array): AuthorizationData {
  const [i, ...rest] = path;
  return ad.map((e, j) => {
    if (j !== i) return e;
    if (rest.length === 0) return { adType: e.adType, adData: pac };
    return { adType: e.adType, adData: ADIfRelevant.encode(replaceAt(ADIfRelevant.decode(e.adData), rest, pac)) };
  });
}

/** What {@link signPac} needs. */
export interface SignPacOptions {
  serverKey: Key;
  kdcKey: Key;
  allowWeakCrypto?: boolean;
}

/**
 * Signs a PAC as MIT's `krb5_pac_sign`: the server checksum (the server key's mandatory type)
 * over the encoded PAC with both signatures zeroed, then the KDC checksum over the server
 * signature. The PAC must already hold a server and a KDC checksum buffer (their types and
 * lengths are set here); CLIENT_INFO is the caller's (for the embedded KDC).
 * @example
 * ```ts
 * const bytes = signPac({ version: 0, buffers: [clientInfo, { kind: 'serverChecksum', type: 6, value: { signatureType: 0, signature: new Uint8Array() } }, …] }, { serverKey, kdcKey })
 * ```
 */
export function signPac(pac: Pac, options: SignPacOptions): Uint8Array {
  const crypto: CryptoOptions = options.allowWeakCrypto ? { allowWeakCrypto: true } : {};
  const blank = (key: Key): { signatureType: number; signature: Uint8Array } => {
    const t = mandatoryChecksumType(key.etype);
    return { signatureType: t, signature: new Uint8Array(signatureLength(t)!) };
  };
  const buffers: PacBuffer[] = pac.buffers.map((b) =>
    b.kind === 'serverChecksum' ? { ...b, value: blank(options.serverKey) } : b.kind === 'kdcChecksum' ? { ...b, value: blank(options.kdcKey) } : b,
  );
  if (!buffers.some((b) => b.kind === 'serverChecksum') || !buffers.some((b) => b.kind === 'kdcChecksum'))
    throw new RangeError('signPac: the PAC needs a serverChecksum and a kdcChecksum buffer');
  const { offsets: _, ...rest } = pac;
  const bytes = encodePac({ ...rest, buffers });
  signPacBytesAt(bytes, pacSignatureSlots(bytes), options.serverKey, options.kdcKey, crypto);
  return bytes;
}

/** @internal Where a PAC's server and KDC signatures sit (from its header). */
export interface PacSignatureSlots {
  server: { offset: number; size: number };
  kdc: { offset: number; size: number };
}

/** @internal The signature slots of an encoded PAC (it must have both checksum buffers). */
export function pacSignatureSlots(bytes: Uint8Array): PacSignatureSlots {
  const header = parsePacHeader(bytes);
  const server = header.find((h) => h.type === SERVER);
  const kdc = header.find((h) => h.type === PRIVSVR);
  if (!server || !kdc) throw new RangeError('signPac: the PAC needs a serverChecksum and a kdcChecksum buffer');
  return { server: { offset: server.offset, size: server.size }, kdc: { offset: kdc.offset, size: kdc.size } };
}

/**
 * @internal Signs an encoded PAC in place whose signature buffers already have the keys'
 * checksum types and lengths (as {@link signPac} lays them out): zeroes both signatures, then
 * the server checksum over the whole PAC and the KDC checksum over the server signature. For a
 * KDC that re-signs a PAC it encoded once (only times changed).
 */
export function signPacBytesAt(bytes: Uint8Array, slots: PacSignatureSlots, serverKey: Key, kdcKey: Key, crypto: CryptoOptions = {}): void {
  const { server, kdc } = slots;
  bytes.fill(0, server.offset + 4, server.offset + server.size);
  bytes.fill(0, kdc.offset + 4, kdc.offset + kdc.size);
  const sig = checksum(serverKey, PAC_CHECKSUM_USAGE, bytes, mandatoryChecksumType(serverKey.etype), crypto);
  bytes.set(sig, server.offset + 4);
  const kdcSig = checksum(kdcKey, PAC_CHECKSUM_USAGE, bytes.subarray(server.offset + 4, server.offset + server.size), mandatoryChecksumType(kdcKey.etype), crypto);
  bytes.set(kdcSig, kdc.offset + 4);
}
