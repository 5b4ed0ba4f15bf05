// gss-ntlmssp, MIT's GSS-API NTLM mechanism, as install.sh unpacks it into a private prefix
// (NTLMSSP_PREFIX, default /opt/tskrb5-ntlmssp; never registered in /etc/gss/mech.d). ntlmsspEnv
// writes a mech file naming it and an NTLM user file, and returns the environment under which
// MIT's SPNEGO initiator (python3-gssapi, curl) offers NTLM too: GSS_MECH_CONFIG, LD_LIBRARY_PATH
// (for its libwbclient), NTLM_USER_FILE.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const NTLMSSP_PREFIX = process.env.NTLMSSP_PREFIX ?? '/opt/tskrb5-ntlmssp';
const LIB = join(NTLMSSP_PREFIX, 'usr/lib/x86_64-linux-gnu');
const SO = join(LIB, 'gssntlmssp/gssntlmssp.so');

/** What is missing to use gss-ntlmssp: [] or ['gss-ntlmssp (run test/interop/install.sh)']. */
export function ntlmsspMissing() {
  return existsSync(SO) && existsSync(join(LIB, 'libwbclient.so.0')) ? [] : [`gss-ntlmssp in ${NTLMSSP_PREFIX} (run test/interop/install.sh)`];
}

/** Writes dir/gss-mech.conf and dir/ntlm-users (DOMAIN:user:password lines) and returns the env to add. */
export function ntlmsspEnv(dir, users = [['TSKRB5', 'alice', 'Ntlm-Pa55word']]) {
  const mech = join(dir, 'gss-mech.conf');
  writeFileSync(mech, `gssntlmssp_v1\t1.3.6.1.4.1.311.2.2.10\t${SO}\n`);
  const file = join(dir, 'ntlm-users');
  writeFileSync(file, users.map((u) => u.join(':')).join('\n') + '\n');
  return { GSS_MECH_CONFIG: mech, LD_LIBRARY_PATH: LIB, NTLM_USER_FILE: file };
}
