/**
 * What an established krb5 context offers on either side: MIC and Wrap tokens (RFC 4121 §4.2)
 * through its {@link Protection}, once the context is established.
 * @module
 */
import { GssError } from '../errors.js';
import { GssStatus } from '../iana/index.js';
import type { Protection, ReceivedInfo } from './protection.js';

/** The per-message half of {@link Krb5Initiator} and {@link Krb5Acceptor}: an established GSS-API security context. */
export abstract class GssContext {
  /** Whether the context is established. */
  established = false;
  /** Set when the context is established (none for an RC4 session key). */
  protected protection: Protection | undefined;

  #p(): Protection {
    if (!this.established) throw new GssError('the context is not established yet', { major: GssStatus.GSS_S_NO_CONTEXT });
    if (!this.protection) throw new GssError('per-message tokens need an AES session key (RFC 4757 RC4 tokens are not implemented)', { major: GssStatus.GSS_S_UNAVAILABLE });
    return this.protection;
  }

  getMIC(message: Uint8Array): Uint8Array {
    return this.#p().getMIC(message);
  }
  verifyMIC(message: Uint8Array, token: Uint8Array): ReceivedInfo {
    return this.#p().verifyMIC(message, token);
  }
  wrap(message: Uint8Array, conf = true): Uint8Array {
    return this.#p().wrap(message, conf);
  }
  unwrap(token: Uint8Array): { message: Uint8Array; conf: boolean } & ReceivedInfo {
    return this.#p().unwrap(token);
  }
}
