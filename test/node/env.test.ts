import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import {
  configFiles,
  defaultCcacheName,
  defaultClientKeytabName,
  defaultKeytabName,
  expandPathTokens,
  kcmSocketPath,
  parseCcacheName,
  parseKeytabName,
} from '../../src/node/env.js';

const ids = { uid: 1000, euid: 1001, username: 'alice' };

describe('expandPathTokens (MIT k5_expand_path_tokens)', () => {
  it('expands the Unix tokens', () => {
    expect(expandPathTokens('/tmp/krb5cc_%{uid}', ids)).toBe('/tmp/krb5cc_1000');
    expect(expandPathTokens('%{USERID}-%{euid}-%{username}', ids)).toBe('1000-1001-alice');
    expect(expandPathTokens('%{TEMP}/x', { ...ids, env: { TMPDIR: '/var/tmp' } })).toBe('/var/tmp/x');
    expect(expandPathTokens('%{TEMP}/x', { ...ids, env: {} })).toBe('/tmp/x');
    expect(expandPathTokens('%{LIBDIR}|%{BINDIR}|%{SBINDIR}|%{null}', ids)).toBe('/usr/lib/x86_64-linux-gnu|/usr/bin|/usr/sbin|');
    expect(expandPathTokens('a%{x}b', { ...ids, extraTokens: { x: 'X' } })).toBe('aXb');
    expect(expandPathTokens('no tokens', ids)).toBe('no tokens');
  });
  it('fails on an unknown token or a missing }', () => {
    expect(() => expandPathTokens('%{nope}', ids)).toThrow(ConfigError);
    expect(() => expandPathTokens('/tmp/%{uid', ids)).toThrow(/missing \}/);
  });
});

describe('default names', () => {
  it('ccache: KRB5CCNAME, then default_ccache_name (expanded), then FILE:/tmp/krb5cc_uid', () => {
    expect(defaultCcacheName({ ...ids, env: { KRB5CCNAME: 'KCM:' }, defaultCcacheName: 'DIR:/x' })).toBe('KCM:');
    expect(defaultCcacheName({ ...ids, env: { KRB5CCNAME: '' }, defaultCcacheName: 'DIR:/run/user/%{uid}/krb5cc' })).toBe('DIR:/run/user/1000/krb5cc');
    expect(defaultCcacheName({ ...ids, env: {} })).toBe('FILE:/tmp/krb5cc_1000');
    expect(defaultCcacheName({ ...ids, env: { KRB5CCNAME: '/tmp/%{uid}' } })).toBe('/tmp/%{uid}'); // MIT does not expand the variable
  });
  it('keytabs and config files', () => {
    expect(defaultKeytabName({ ...ids, env: {} })).toBe('FILE:/etc/krb5.keytab');
    expect(defaultKeytabName({ ...ids, env: { KRB5_KTNAME: 'WRFILE:/k' } })).toBe('WRFILE:/k');
    expect(defaultKeytabName({ ...ids, env: {}, defaultKeytabName: 'FILE:/k/%{euid}' })).toBe('FILE:/k/1001');
    expect(defaultClientKeytabName({ ...ids, env: {} })).toBe('FILE:/etc/krb5/user/1001/client.keytab');
    expect(defaultClientKeytabName({ ...ids, env: { KRB5_CLIENT_KTNAME: '/c' } })).toBe('/c');
    expect(defaultClientKeytabName({ ...ids, env: {}, defaultClientKeytabName: 'FILE:%{TEMP}/c' })).toBe('FILE:/tmp/c');
    expect(configFiles({ env: {} })).toEqual(['/etc/krb5.conf']);
    expect(configFiles({ env: { KRB5_CONFIG: '/a.conf::/b.conf' } })).toEqual(['/a.conf', '/b.conf']);
    expect(configFiles({ env: { KRB5_CONFIG: '' } })).toEqual([]);
    expect(kcmSocketPath()).toBe('/var/run/.heim_org.h5l.kcm-socket');
    expect(kcmSocketPath({ kcmSocket: '/s' })).toBe('/s');
  });
  it('parses TYPE:residual as krb5_cc_resolve', () => {
    expect(parseCcacheName('/tmp/krb5cc_0')).toEqual({ type: 'FILE', residual: '/tmp/krb5cc_0' });
    expect(parseCcacheName('FILE:/x:y')).toEqual({ type: 'FILE', residual: '/x:y' });
    expect(parseCcacheName('C:\\x')).toEqual({ type: 'FILE', residual: 'C:\\x' });
    expect(parseCcacheName('DIR:/d')).toEqual({ type: 'DIR', residual: '/d', subsidiary: false });
    expect(parseCcacheName('DIR::/d/tktX')).toEqual({ type: 'DIR', residual: '/d/tktX', subsidiary: true });
    expect(parseCcacheName('KCM:')).toEqual({ type: 'KCM', residual: '' });
    expect(parseCcacheName('KCM:0:123')).toEqual({ type: 'KCM', residual: '0:123' });
    expect(parseCcacheName('MEMORY:m')).toEqual({ type: 'MEMORY', residual: 'm' });
    expect(() => parseCcacheName('')).toThrow(ConfigError);
    expect(parseKeytabName('WRFILE:/k')).toEqual({ type: 'WRFILE', residual: '/k' });
    expect(parseKeytabName('/k')).toEqual({ type: 'FILE', residual: '/k' });
  });
});
