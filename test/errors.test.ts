import { describe, expect, it } from 'vitest';
import type * as errors from '../src/errors.js';
import { ConfigError, DecodeError, GssError, IntegrityError, KdcError, KerberosError, ProtocolError, TransportError, UnsupportedError } from '../src/errors.js';

describe('errors', () => {
  it('each class has its stable default code and name, and is a KerberosError and an Error', () => {
    const cases: [KerberosError, string, string][] = [
      [new DecodeError('x'), 'ERR_DECODE', 'DecodeError'],
      [new IntegrityError(), 'ERR_INTEGRITY', 'IntegrityError'],
      [new UnsupportedError('x'), 'ERR_UNSUPPORTED', 'UnsupportedError'],
      [new KdcError('x', { errorCode: 24, errorName: 'KDC_ERR_PREAUTH_FAILED' }), 'ERR_KDC', 'KdcError'],
      [new ProtocolError('x'), 'ERR_PROTOCOL', 'ProtocolError'],
      [new GssError('x', { major: 0x90000 }), 'ERR_GSS', 'GssError'],
      [new ConfigError('x'), 'ERR_CONFIG', 'ConfigError'],
      [new TransportError('x'), 'ERR_TRANSPORT', 'TransportError'],
    ];
    for (const [e, code, name] of cases) {
      expect(e.code).toBe(code);
      expect(e.name).toBe(name);
      expect(e).toBeInstanceOf(KerberosError);
      expect(e).toBeInstanceOf(Error);
    }
    expect(new IntegrityError()).not.toBeInstanceOf(DecodeError);
    expect(new DecodeError('x')).not.toBeInstanceOf(IntegrityError);
    expect(new Error('x')).not.toBeInstanceOf(KerberosError);
    expect({ code: 'ERR_DECODE' }).not.toBeInstanceOf(DecodeError);
  });

  it('keeps cause, an overridden code, and each class’s details', () => {
    const cause = new Error('root');
    const e = new UnsupportedError('no', { cause, code: 'ERR_WEAK_CRYPTO' });
    expect(e.cause).toBe(cause);
    expect(e.code).toBe('ERR_WEAK_CRYPTO');
    const d = new DecodeError('bad length', { path: 'AP-REQ.ticket.enc-part.cipher', offset: 17 });
    expect(d.message).toBe('bad length (at AP-REQ.ticket.enc-part.cipher, offset 17)');
    expect([d.path, d.offset]).toEqual(['AP-REQ.ticket.enc-part.cipher', 17]);
    const t = new Date(0);
    const k = new KdcError('Preauthentication failed', { errorCode: 24, errorName: 'KDC_ERR_PREAUTH_FAILED', eText: 'x', serverTime: t });
    expect([k.errorCode, k.errorName, k.eText, k.serverTime]).toEqual([24, 'KDC_ERR_PREAUTH_FAILED', 'x', t]);
    const c = new ConfigError('unexpected }', { file: '/etc/krb5.conf', line: 3, column: 7 });
    expect(c.message).toBe('unexpected } (/etc/krb5.conf:3:7)');
    expect(new GssError('x', { major: 1 }).minor).toBe(0);
    expect(new TransportError('none', [{ target: 'udp/127.0.0.1:88', error: 'timeout' }]).attempts).toHaveLength(1);
  });

  it('instanceof works across two copies of the module (brand, not prototype)', async () => {
    // A second, separate instance of the same module, as two copies of the package would be.
    const other = (await import('../src/errors.js?copy=2' as string)) as typeof errors;
    expect(other.DecodeError).not.toBe(DecodeError);
    const foreign = new other.DecodeError('from the other copy');
    expect(foreign).toBeInstanceOf(DecodeError);
    expect(foreign).toBeInstanceOf(KerberosError);
    expect(foreign).not.toBeInstanceOf(IntegrityError);
    expect(new IntegrityError()).toBeInstanceOf(other.IntegrityError);
    expect(new IntegrityError()).toBeInstanceOf(other.KerberosError);
  });
});
