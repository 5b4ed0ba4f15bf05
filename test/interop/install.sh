#!/bin/sh
# Install the real Kerberos peers used by the interop harness (Debian 12, run as root).
# Idempotent and non-interactive. MIT krb5 KDC/admin/client, Apache + mod_auth_gssapi,
# python3-gssapi, python3-kdcproxy, krb5-k5tls (MIT's HTTPS for KDC proxies), curl, tshark, openssl,
# the browsers (chromium, firefox-esr; libnss3-tools for certutil), redis-server (the replay cache's farm
# store; test/interop/redis.mjs starts its own, never the system's), Samba 4.17 as an AD DC (samba, samba-ad-dc, its schema in
# samba-ad-provision, ldb-tools for ldbsearch/ldbmodify; test/interop/samba.mjs provisions its own in a temp dir, never the
# system's, whose units policy-rc.d keeps stopped) from apt; Heimdal's client tools and KDC unpacked into a
# private prefix (HEIMDAL_PREFIX, default /opt/tskrb5-heimdal) because Heimdal conflicts
# with MIT in apt. Usage: sh test/interop/install.sh
set -eu

HEIMDAL_PREFIX=${HEIMDAL_PREFIX:-/opt/tskrb5-heimdal}
NTLMSSP_PREFIX=${NTLMSSP_PREFIX:-/opt/tskrb5-ntlmssp}
PKGS="krb5-kdc krb5-admin-server krb5-user libkrb5-dev krb5-gss-samples apache2 \
libapache2-mod-auth-gssapi python3-gssapi python3-requests-kerberos python3-kdcproxy krb5-k5tls curl tshark openssl sssd-kcm \
chromium firefox-esr libnss3-tools redis-server \
samba samba-ad-dc samba-ad-provision samba-dsdb-modules ldb-tools"
# MIT's LDAP KDB (krbAllowedToDelegateTo: classic constrained delegation, S4U2Proxy) over a private slapd
PKGS="$PKGS krb5-kdc-ldap slapd ldap-utils"

die() { echo "install.sh: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "must run as root (apt-get, dpkg)"
command -v apt-get >/dev/null 2>&1 || die "apt-get not found: this script needs Debian 12"

export DEBIAN_FRONTEND=noninteractive
UPDATED=
apt_update() {
  if [ -z "$UPDATED" ]; then
    apt-get update -qq -o DPkg::Lock::Timeout=600 >/dev/null || die "apt-get update failed"
    UPDATED=1
  fi
}

missing=
for p in $PKGS; do
  s=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [ "$s" = "install ok installed" ] || missing="$missing $p"
done

if [ -n "$missing" ]; then
  echo "install.sh: installing:$missing"
  apt_update
  debconf-set-selections <<'SEL'
krb5-config krb5-config/default_realm string TSKRB5.TEST
krb5-config krb5-config/kerberos_servers string 127.0.0.1
krb5-config krb5-config/admin_server string 127.0.0.1
krb5-config krb5-config/add_servers_realm string TSKRB5.TEST
krb5-config krb5-config/add_servers boolean false
krb5-config krb5-config/read_conf boolean true
krb5-admin-server krb5-admin-server/kadmind boolean false
krb5-kdc krb5-kdc/debconf boolean false
wireshark-common wireshark-common/install-setuid boolean false
SEL
  created_policy=
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    created_policy=1
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT INT TERM
  fi
  rc=0
  # shellcheck disable=SC2086
  apt-get install -y -qq -o DPkg::Lock::Timeout=600 --no-install-recommends -o Dpkg::Options::=--force-confdef \
    -o Dpkg::Options::=--force-confold $missing >/tmp/tskrb5-apt.log 2>&1 || rc=$?
  if [ -n "$created_policy" ]; then rm -f /usr/sbin/policy-rc.d; trap - EXIT INT TERM; fi
  if [ "$rc" != 0 ]; then
    tail -n 30 /tmp/tskrb5-apt.log >&2
    die "apt-get install failed (log: /tmp/tskrb5-apt.log)"
  fi
  # Packages may have started daemons despite policy-rc.d on systems without it honoured;
  # we never rely on the system services.
fi

# Heimdal client tools, unpacked (not installed) into a private prefix.
if [ ! -x "$HEIMDAL_PREFIX/usr/bin/heimtools" ] && [ ! -x "$HEIMDAL_PREFIX/usr/bin/kinit" ]; then
  echo "install.sh: unpacking Heimdal clients into $HEIMDAL_PREFIX"
  apt_update
  # heimdal-clients and its heimdal library dependencies (names vary: libhcrypto5t64-heimdal …)
  deps=$(apt-cache depends heimdal-clients 2>/dev/null \
    | sed -n 's/^ *Depends: \(lib[^ ]*heimdal\)$/\1/p' | sort -u)
  [ -n "$deps" ] || die "apt-cache depends heimdal-clients gave nothing (is apt-get update done?)"
  # their own heimdal dependencies, one level further
  more=$(for d in $deps; do apt-cache depends "$d" 2>/dev/null \
    | sed -n 's/^ *Depends: \(lib[^ ]*heimdal\)$/\1/p'; done | sort -u)
  tmp=$(mktemp -d)
  (
    cd "$tmp"
    # shellcheck disable=SC2086
    apt-get download -qq heimdal-clients $deps $more >/dev/null 2>&1
  ) || { rm -rf "$tmp"; die "apt-get download of Heimdal packages failed"; }
  mkdir -p "$HEIMDAL_PREFIX"
  : > "$HEIMDAL_PREFIX/VERSIONS"
  for f in "$tmp"/*.deb; do
    dpkg -x "$f" "$HEIMDAL_PREFIX" || { rm -rf "$tmp"; die "dpkg -x $f failed"; }
    dpkg-deb -W "$f" >> "$HEIMDAL_PREFIX/VERSIONS"
  done
  rm -rf "$tmp"
  [ -x "$HEIMDAL_PREFIX/usr/bin/heimtools" ] || [ -x "$HEIMDAL_PREFIX/usr/bin/kinit" ] \
    || die "Heimdal unpacked but no kinit/heimtools in $HEIMDAL_PREFIX/usr/bin"
fi

# Heimdal's KDC (heimdal-kdc: usr/lib/heimdal-servers/kdc) and the heimdal libraries it needs
# that the client step did not bring (libkdc2-heimdal …), unpacked into the same prefix.
# Checked apart from the clients, so a prefix with only the clients gets the KDC added.
HEIMDAL_KDC="$HEIMDAL_PREFIX/usr/lib/heimdal-servers/kdc"
if [ ! -x "$HEIMDAL_KDC" ]; then
  echo "install.sh: unpacking the Heimdal KDC into $HEIMDAL_PREFIX"
  apt_update
  kdeps=$(apt-cache depends heimdal-kdc 2>/dev/null \
    | sed -n 's/^ *Depends: \(lib[^ ]*heimdal\)$/\1/p' | sort -u)
  [ -n "$kdeps" ] || die "apt-cache depends heimdal-kdc gave nothing (is apt-get update done?)"
  kmore=$(for d in $kdeps; do apt-cache depends "$d" 2>/dev/null \
    | sed -n 's/^ *Depends: \(lib[^ ]*heimdal\)$/\1/p'; done | sort -u)
  want=heimdal-kdc
  for d in $kdeps $kmore; do
    grep -q "^$d	" "$HEIMDAL_PREFIX/VERSIONS" 2>/dev/null || want="$want $d"
  done
  want=$(echo "$want" | tr ' ' '\n' | sort -u | tr '\n' ' ')
  tmp=$(mktemp -d)
  chmod 755 "$tmp"
  (
    cd "$tmp"
    # shellcheck disable=SC2086
    apt-get download -qq $want >/dev/null 2>&1
  ) || { rm -rf "$tmp"; die "apt-get download of the Heimdal KDC packages failed ($want)"; }
  mkdir -p "$HEIMDAL_PREFIX"
  for f in "$tmp"/*.deb; do
    dpkg -x "$f" "$HEIMDAL_PREFIX" || { rm -rf "$tmp"; die "dpkg -x $f failed"; }
    dpkg-deb -W "$f" >> "$HEIMDAL_PREFIX/VERSIONS"
  done
  rm -rf "$tmp"
  [ -x "$HEIMDAL_KDC" ] || die "Heimdal KDC unpacked but no $HEIMDAL_KDC"
fi
if LD_LIBRARY_PATH="$HEIMDAL_PREFIX/usr/lib/x86_64-linux-gnu" ldd "$HEIMDAL_KDC" 2>/dev/null | grep -q 'not found'; then
  die "Heimdal KDC $HEIMDAL_KDC lacks libraries: $(LD_LIBRARY_PATH="$HEIMDAL_PREFIX/usr/lib/x86_64-linux-gnu" ldd "$HEIMDAL_KDC" | grep 'not found' | tr -s ' \t\n' ' ')"
fi

# gss-ntlmssp (MIT's GSS-API NTLM mechanism) and its libwbclient, unpacked (not installed) into
# a private prefix: registered in /etc/gss/mech.d it would change what every SPNEGO initiator on
# the machine offers. Tests name it with GSS_MECH_CONFIG (test/interop/ntlmssp.mjs), so that
# MIT's SPNEGO initiator can offer NTLM before Kerberos.
NTLMSSP_SO="$NTLMSSP_PREFIX/usr/lib/x86_64-linux-gnu/gssntlmssp/gssntlmssp.so"
if [ ! -e "$NTLMSSP_SO" ]; then
  echo "install.sh: unpacking gss-ntlmssp into $NTLMSSP_PREFIX"
  apt_update
  tmp=$(mktemp -d)
  chmod 777 "$tmp"
  (cd "$tmp" && apt-get download -qq gss-ntlmssp libwbclient0 >/dev/null 2>&1) || { rm -rf "$tmp"; die "apt-get download gss-ntlmssp libwbclient0 failed"; }
  mkdir -p "$NTLMSSP_PREFIX"
  : > "$NTLMSSP_PREFIX/VERSIONS"
  for f in "$tmp"/*.deb; do
    dpkg -x "$f" "$NTLMSSP_PREFIX" || { rm -rf "$tmp"; die "dpkg -x $f failed"; }
    dpkg-deb -W "$f" >> "$NTLMSSP_PREFIX/VERSIONS"
  done
  rm -rf "$tmp"
  [ -e "$NTLMSSP_SO" ] || die "gss-ntlmssp unpacked but no $NTLMSSP_SO"
fi
if LD_LIBRARY_PATH="$NTLMSSP_PREFIX/usr/lib/x86_64-linux-gnu" ldd "$NTLMSSP_SO" 2>/dev/null | grep -q 'not found'; then
  die "gss-ntlmssp $NTLMSSP_SO lacks libraries: $(LD_LIBRARY_PATH="$NTLMSSP_PREFIX/usr/lib/x86_64-linux-gnu" ldd "$NTLMSSP_SO" | grep 'not found' | tr -s ' \t\n' ' ')"
fi

for b in krb5kdc kdb5_util kadmin.local kinit klist kvno curl apache2 openssl redis-server samba samba-tool ldbsearch ldbmodify; do
  command -v "$b" >/dev/null 2>&1 || [ -x "/usr/sbin/$b" ] || die "missing after install: $b"
done
/usr/bin/python3 -c 'import gssapi' 2>/dev/null || die "/usr/bin/python3 cannot import gssapi"
[ -e /usr/lib/apache2/modules/mod_auth_gssapi.so ] || die "mod_auth_gssapi.so missing"
[ -d /usr/share/samba/setup/ad-schema ] || die "samba's AD schema missing (samba-ad-provision)"
echo "install.sh: ok"
