/**
 * `tskrb5 fetch URL`: a `curl --negotiate`-like request through {@link createNegotiateFetch}.
 * The body goes to stdout (`-i` adds the status line and headers); `-v` writes each step to
 * stderr with the Negotiate tokens decoded (`tskrb5 decode`'s tree), never keys or tickets' contents.
 * @module
 */
import { readFileSync } from 'node:fs';
import { KerberosError } from '../../errors.js';
import { fromBase64 } from '../../http/index.js';
import { createNegotiateFetch, createNodeFetch, type NodeNegotiateOptions } from '../../index.js';
import { createKrb5Context } from '../../node/index.js';
import { analyze } from '../decode/analyze.js';
import { renderTree } from '../decode/render.js';
import type { Out, ToolContext } from '../klist/common.js';

export const FETCH_USAGE = `Usage: tskrb5 fetch [options] URL
  -X, --request METHOD      the method (default GET, or POST with -d)
  -H, --header 'Name: value' add a request header (repeatable)
  -d, --data DATA           request body (@FILE reads a file, @- stdin)
  -i, --include             print the status line and response headers first
  -L, --location            follow redirects (each new host authenticated with its own
                            ticket; Authorization is not sent to another origin)
  -v, --verbose             print each step and the tokens, decoded, to stderr
      --delegate            delegate a forwarded TGT (GSS_C_DELEG_FLAG)
      --mutual MODE         required (default), optional or disabled
      --principal P         use this client's credentials
      --service S           service name of the principal (default HTTP)
      --hostname H          host name of the principal (default the URL's)
      --no-cbt              send no TLS channel bindings
      --mech M              spnego (default) or krb5
      --preemptive          send the token with the first request
      --cacert FILE         trust this CA certificate (PEM)
  -k, --insecure            do not verify the server certificate`;

function decoded(label: string, header: string | null, err: Out): void {
  if (!header) return;
  const m = /^\s*Negotiate\s+([A-Za-z0-9+/=]+)/i.exec(header) ?? /(?:^|,)\s*Negotiate\s+([A-Za-z0-9+/=]+)/i.exec(header);
  if (!m) {
    err(`* ${label}: ${header}`);
    return;
  }
  err(`* ${label}: Negotiate (${m[1]!.length} base64 characters)`);
  try {
    const a = analyze(fromBase64(m[1]!), { keytab: [], keys: [], session: [], armor: [] });
    for (const s of a.sections) err(renderTree(s.title, s.value, { flagsAre: s.flagsAre ?? 'ticket' }).replace(/^/gm, '    '));
  } catch (e) {
    err(`    (does not decode: ${(e as Error).message})`);
  }
}

/** Runs `tskrb5 fetch`; resolves to 0 on an HTTP response below 400, 22 for 400 and above (curl -f's), 1 on an error, 2 for usage. */
export async function runFetch(argv: readonly string[], out: Out, err: Out, ctx: ToolContext & { write?: (b: Uint8Array) => void } = {}): Promise<number> {
  let url: string | undefined;
  let method: string | undefined;
  const headers: [string, string][] = [];
  let data: string | Uint8Array | undefined;
  let include = false;
  let verbose = false;
  let follow = false;
  const o: NodeNegotiateOptions = {};
  const tls: { ca?: string[]; rejectUnauthorized?: boolean } = {};
  try {
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i]!;
      const next = () => {
        const v = argv[++i];
        if (v === undefined) throw new TypeError(`${a} needs a value`);
        return v;
      };
      switch (a) {
        case '-h':
        case '--help':
          out(FETCH_USAGE);
          return 0;
        case '-X':
        case '--request':
          method = next();
          break;
        case '-H':
        case '--header': {
          const h = next();
          const c = h.indexOf(':');
          if (c <= 0) throw new TypeError(`bad header ${JSON.stringify(h)} (want 'Name: value')`);
          headers.push([h.slice(0, c).trim(), h.slice(c + 1).trim()]);
          break;
        }
        case '-d':
        case '--data': {
          const d = next();
          data = d === '@-' ? new Uint8Array(readFileSync(0)) : d.startsWith('@') ? new Uint8Array(readFileSync(d.slice(1))) : d;
          break;
        }
        case '-i':
        case '--include':
          include = true;
          break;
        case '-L':
        case '--location':
          follow = true;
          break;
        case '-v':
        case '--verbose':
          verbose = true;
          break;
        case '--delegate':
          o.delegate = true;
          break;
        case '--mutual': {
          const m = next();
          if (m !== 'required' && m !== 'optional' && m !== 'disabled') throw new TypeError(`--mutual takes required, optional or disabled, not ${m}`);
          o.mutualAuthentication = m;
          break;
        }
        case '--principal':
          o.principal = next();
          break;
        case '--service':
          o.service = next();
          break;
        case '--hostname':
          o.hostnameOverride = next();
          break;
        case '--no-cbt':
          o.sendCbt = false;
          break;
        case '--mech': {
          const m = next();
          if (m !== 'spnego' && m !== 'krb5') throw new TypeError(`--mech takes spnego or krb5, not ${m}`);
          o.mech = m;
          break;
        }
        case '--preemptive':
          o.forcePreemptive = true;
          break;
        case '--cacert':
          tls.ca ??= [];
          tls.ca.push(readFileSync(next(), 'utf8'));
          break;
        case '-k':
        case '--insecure':
          tls.rejectUnauthorized = false;
          break;
        default:
          if (a.startsWith('-') && a !== '-') throw new TypeError(`unknown option ${a}`);
          if (url !== undefined) throw new TypeError('only one URL');
          url = a;
      }
    }
    if (url === undefined) throw new TypeError('no URL');
    if (!/^https?:\/\//i.test(url)) throw new TypeError(`not an http(s) URL: ${url}`);
  } catch (e) {
    err(`tskrb5 fetch: ${(e as Error).message}`);
    err(FETCH_USAGE);
    return 2;
  }

  const base = createNodeFetch(tls);
  o.fetch = async (u, init) => {
    if (verbose) {
      err(`> ${init?.method ?? 'GET'} ${u}`);
      const auth = (init?.headers as [string, string][] | undefined)?.find(([k]) => /^(proxy-)?authorization$/i.test(k));
      if (auth) decoded(`sending ${auth[0]}`, auth[1], err);
    }
    const r = await base(u, init);
    if (verbose) {
      err(`< ${r.status} ${r.statusText ?? ''}`);
      decoded('WWW-Authenticate', r.headers.get('www-authenticate'), err);
    }
    return r;
  };
  o.serverCertificate = async (u, res) => (res && base.peerCertificate(res)) ?? base.originCertificate(u);
  if (verbose) o.logger = { debug: (m) => err(`* ${m}`), warn: (m) => err(`* warning: ${m}`) };
  try {
    o.context = createKrb5Context({ env: ctx.env ?? process.env, ...(ctx.now ? { now: ctx.now } : {}) });
    const f = createNegotiateFetch(o);
    // As curl: a redirect is shown, not followed, unless -L.
    const r = await f(url, {
      method: method ?? (data !== undefined ? 'POST' : 'GET'),
      headers,
      redirect: follow ? 'follow' : 'manual',
      ...(data !== undefined ? { body: data } : {}),
    });
    if (include) {
      out(`HTTP ${r.status} ${r.statusText ?? ''}`.trimEnd());
      r.headers.forEach?.((v, k) => {
        out(`${k}: ${v}`);
      });
      out('');
    }
    const body = new Uint8Array(await r.arrayBuffer());
    (ctx.write ?? ((b: Uint8Array) => process.stdout.write(b)))(body);
    base.close();
    return r.status >= 400 ? 22 : 0;
  } catch (e) {
    base.close();
    const msg = e instanceof KerberosError ? `${e.message} (${e.code})` : (e as Error).message;
    err(`tskrb5 fetch: ${msg}`);
    if (!(e instanceof KerberosError) && !(e instanceof TypeError) && !(e instanceof RangeError) && !/ECONNREFUSED|ENOTFOUND|certificate|socket/i.test(msg)) throw e;
    return 1;
  }
}
