// The same small program for the native `kerberos` package and for tskrb5/compat/kerberos:
// `node program.cjs <client module> <server module>` prints one JSON line per call with what
// came back (tokens as their kind and length, since they are random), so that the two runs can be
// compared call by call. CommonJS on purpose: `require` is how the package's users load it.
'use strict';
const client = require(process.argv[2]);
const server = require(process.argv[3] ?? process.argv[2]);
const [host, realm] = [process.env.COMPAT_HOST ?? 'localhost', process.env.COMPAT_REALM];

const out = [];
function shape(v) {
  if (typeof v === 'string' && v.length > 40) return `base64:${Buffer.from(v, 'base64').length > 0 ? 'bytes' : 'empty'}`;
  return v;
}
async function call(name, f) {
  try {
    const v = await f();
    out.push({ call: name, ok: shape(v) });
    return v;
  } catch (e) {
    out.push({ call: name, error: `${e.constructor.name}: ${e.message}` });
    return undefined;
  }
}

(async () => {
  const names = [
    'GSS_C_DELEG_FLAG',
    'GSS_C_MUTUAL_FLAG',
    'GSS_C_REPLAY_FLAG',
    'GSS_C_SEQUENCE_FLAG',
    'GSS_C_CONF_FLAG',
    'GSS_C_INTEG_FLAG',
    'GSS_C_ANON_FLAG',
    'GSS_C_PROT_READY_FLAG',
    'GSS_C_TRANS_FLAG',
    'GSS_C_NO_OID',
    'GSS_MECH_OID_KRB5',
    'GSS_MECH_OID_SPNEGO',
    'version',
  ];
  out.push({ call: 'constants', ok: names.map((n) => `${n}=${client[n]}`).join(' ') });
  out.push({ call: 'definedNapiVersion', ok: typeof client.definedNapiVersion === 'function' ? client.definedNapiVersion() : typeof client.definedNapiVersion });
  for (const [label, mechOID] of [
    ['default', undefined],
    ['krb5', client.GSS_MECH_OID_KRB5],
    ['spnego', client.GSS_MECH_OID_SPNEGO],
  ]) {
    const c = await call(`${label}: initializeClient`, () => client.initializeClient(`HTTP@${host}`, mechOID === undefined ? undefined : { mechOID }).then((x) => typeof x));
    if (!c) continue;
    const cl = await client.initializeClient(`HTTP@${host}`, mechOID === undefined ? undefined : { mechOID });
    const t1 = await call(`${label}: client.step('')`, () => cl.step(''));
    out.push({ call: `${label}: client state 1`, ok: { complete: cl.contextComplete, username: cl.username, response: shape(cl.response) } });
    const sv = await server.initializeServer(`HTTP@${host}`);
    const r = await call(`${label}: server.step`, () => sv.step(t1));
    out.push({ call: `${label}: server state`, ok: { complete: sv.contextComplete, username: sv.username, targetName: sv.targetName, response: shape(sv.response) } });
    await call(`${label}: client.step(reply)`, () => cl.step(r ?? ''));
    out.push({ call: `${label}: client state 2`, ok: { complete: cl.contextComplete, username: cl.username, response: shape(cl.response) } });
  }
  // any key in the keytab: targetName set
  {
    const cl = await client.initializeClient(`HTTP@${host}`, { flags: 0 });
    const t1 = await call('no mutual: client.step', () => cl.step(''));
    out.push({ call: 'no mutual: client state', ok: { complete: cl.contextComplete, username: cl.username } });
    const sv = await server.initializeServer('');
    await call("initializeServer(''): step", () => sv.step(t1));
    out.push({ call: "initializeServer(''): state", ok: { complete: sv.contextComplete, username: sv.username, targetName: sv.targetName, response: sv.response } });
    await call('replayed token', () => server.initializeServer('').then((s) => s.step(t1)));
  }
  // the client principal's cache
  await call('principal: alice', () =>
    client
      .initializeClient(`HTTP@${host}`, { principal: `alice@${realm}` })
      .then((c) => c.step(''))
      .then(shape),
  );
  await call('principal: none of the caches (initializeClient)', () => client.initializeClient(`HTTP@${host}`, { principal: `carol@${realm}` }).then((c) => typeof c));
  await call('principal: none of the caches', () =>
    client
      .initializeClient(`HTTP@${host}`, { principal: `carol@${realm}` })
      .then((c) => c.step(''))
      .then(shape),
  );
  // steps out of order
  await call("step('') twice", async () => {
    const cl = await client.initializeClient(`HTTP@${host}`);
    await cl.step('');
    return shape(await cl.step(''));
  });
  await call('step(reply) after completion', async () => {
    const cl = await client.initializeClient(`HTTP@${host}`);
    const sv = await server.initializeServer(`HTTP@${host}`);
    const r = await sv.step(await cl.step(''));
    await cl.step(r);
    return shape(await cl.step(r));
  });
  await call('server.step twice', async () => {
    const cl = await client.initializeClient(`HTTP@${host}`);
    const sv = await server.initializeServer(`HTTP@${host}`);
    const t = await cl.step('');
    await sv.step(t);
    return shape(await sv.step(t));
  });
  // refusals
  await call('server.step(garbage)', () => server.initializeServer(`HTTP@${host}`).then((s) => s.step('Zm9vYmFy')));
  await call('server.step(truncated token)', async () => {
    const cl = await client.initializeClient(`HTTP@${host}`);
    const t = await cl.step('');
    return server.initializeServer(`HTTP@${host}`).then((s) => s.step(t.slice(0, 200)));
  });
  if (process.env.COMPAT_OTHER_SERVICE) {
    await call('a ticket for another service', async () => {
      const cl = await client.initializeClient(process.env.COMPAT_OTHER_SERVICE);
      const t = await cl.step('');
      return server.initializeServer(`HTTP@${host}`).then((s) => s.step(t));
    });
  }
  await call('client.step(garbage reply)', async () => {
    const cl = await client.initializeClient(`HTTP@${host}`);
    await cl.step('');
    return cl.step('Zm9vYmFy');
  });
  await call('unwrap before the context is complete', async () => {
    const cl = await client.initializeClient(`HTTP@${host}`);
    await cl.step('');
    return cl.unwrap('Zm9vYmFy');
  });
  await call('unwrap(garbage) on a complete context', async () => {
    const cl = await client.initializeClient(`HTTP@${host}`, { flags: 0 });
    await cl.step('');
    return cl.unwrap('Zm9vYmFy');
  });
  await call('server.step(empty)', () => server.initializeServer(`HTTP@${host}`).then((s) => s.step('')));
  await call('initializeServer(missing service)', () => server.initializeServer(`nosuch@${host}`).then((s) => typeof s));
  await call('unknown service', () => client.initializeClient(`nosuch@${host}`).then((c) => c.step('')));
  await call('service@host@REALM', () =>
    client
      .initializeClient(`HTTP@${host}@${realm}`)
      .then((c) => c.step(''))
      .then(shape),
  );
  await call('principalDetails', () => client.principalDetails('HTTP', host));
  await call('principalDetails missing', () => client.principalDetails('nosuch', host));
  await call('checkPassword right', () => client.checkPassword(`alice@${realm}`, 'alice-pw', `HTTP/${host}`));
  await call('checkPassword right, defaultRealm', () => client.checkPassword('alice', 'alice-pw', `HTTP/${host}`, realm));
  await call('checkPassword wrong', () => client.checkPassword(`alice@${realm}`, 'wrong', `HTTP/${host}`));
  await call('checkPassword unknown user', () => client.checkPassword(`nobody@${realm}`, 'x', `HTTP/${host}`));
  await call('checkPassword no realm', () => client.checkPassword('alice', 'alice-pw', `HTTP/${host}`));
  // the 2.x callback forms (7.x takes promises only: COMPAT_CALLBACKS=1 with 2.x and with ours)
  if (process.env.COMPAT_CALLBACKS === '1') {
    const cb = (f) => new Promise((resolve, reject) => f((err, v) => (err ? reject(err) : resolve(v))));
    const cl = await call('callback: initializeClient', () =>
      cb((done) => client.initializeClient(`HTTP@${host}`, { mechOID: client.GSS_MECH_OID_SPNEGO }, done)).then((c) => typeof c),
    );
    if (cl) {
      const c = await client.initializeClient(`HTTP@${host}`, { mechOID: client.GSS_MECH_OID_SPNEGO });
      const t = await call('callback: client.step', () => cb((done) => c.step('', done)));
      const sv = await call('callback: initializeServer', () => cb((done) => server.initializeServer(`HTTP@${host}`, done)).then((x) => typeof x));
      if (sv) {
        const s = await server.initializeServer(`HTTP@${host}`);
        const r = await cb((done) => s.step(typeof t === 'string' ? t : '', done)).catch((e) => e);
        await call('callback: client.step(reply)', () => cb((done) => c.step(typeof r === 'string' ? r : '', done)));
        out.push({ call: 'callback: state', ok: { complete: c.contextComplete, username: c.username } });
      }
      await call('callback: server.step(empty)', () => server.initializeServer(`HTTP@${host}`).then((s) => cb((done) => s.step('', done))));
      await call('callback: principalDetails', () => cb((done) => client.principalDetails('HTTP', host, done)));
      await call('callback: checkPassword', () => cb((done) => client.checkPassword(`alice@${realm}`, 'alice-pw', `HTTP/${host}`, done)));
      await call('callback: checkPassword wrong', () => cb((done) => client.checkPassword(`alice@${realm}`, 'wrong', `HTTP/${host}`, done)));
      await call('callback: checkPassword no realm', () => cb((done) => client.checkPassword('alice', 'alice-pw', `HTTP/${host}`, done)));
    }
  }
  // the cache changed under the program: another client, then none
  if (process.env.COMPAT_SWITCH === '1') {
    const { execFileSync } = require('node:child_process');
    const handshake = async () => {
      const cl = await client.initializeClient(`HTTP@${host}`);
      const sv = await server.initializeServer(`HTTP@${host}`);
      await cl.step(await sv.step(await cl.step('')));
      return [cl.username, sv.username];
    };
    await call('handshake as alice', handshake);
    execFileSync('kinit', [`bob@${realm}`], { input: 'bob-pw\n', stdio: ['pipe', 'ignore', 'ignore'] });
    await call('handshake after kinit bob', handshake);
    execFileSync('kdestroy', [], { stdio: 'ignore' });
    await call('handshake after kdestroy', handshake);
  }
  await call('step(non-string)', () => client.initializeClient(`HTTP@${host}`).then((c) => c.step(42)));
  await call('initializeClient(non-string)', () => client.initializeClient(42));
  for (const o of out) process.stdout.write(`${JSON.stringify(o)}\n`);
})();
