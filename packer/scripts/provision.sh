#!/bin/sh
# Makes a Debian machine (or a chroot of one) pacha-ready: Java, the pacha package, optionally the
# preloaded host key/config, the first-boot rebuild unit enabled, and first-boot state reset so
# every instance made from the image starts afresh. Run as root. Safe to run again.
#
# Inputs (environment):
#   PACHA_DEB               the pacha .deb to install (required)
#   PACHA_JAVA_PACKAGE      Java runtime package; default openjdk-17-jre-headless when the
#                           archive has it, else default-jre-headless
#   PACHA_HOST              host to rebuild at first boot: set as pacha.hostname in
#                           /etc/pacha/pacha.conf (what `pacha firstboot` reads); empty: none
#   PACHA_CONFIG_FILE       config to install as /etc/pacha/pacha.conf; empty: keep the package's
#   PACHA_SSH_KEY_FILE      private key for the master, installed as root's id_ed25519 / id_rsa
#   PACHA_KNOWN_HOSTS_FILE  the master's host keys, merged into root's known_hosts
#   PACHA_ENABLE_REBUILD    yes (default) / no: enable pacha-rebuild.service
#   PACHA_FIRST_BOOT_RESET  yes / no (default): cloud-init clean and machine-id reset, for images
#   PACHA_WAIT_CLOUD_INIT   auto (default: when cloud-init runs under systemd) / yes / no
#   PACHA_CLEANUP           a directory to remove at the end (the upload drop box); empty: none
#
# Exit codes: 0 done, 1 a step failed, 2 bad input.
set -eu

say() { echo "pacha-provision: $*"; }
die() { echo "pacha-provision: $*" >&2; exit "${2:-1}"; }

deb=${PACHA_DEB:-}
host=${PACHA_HOST:-}
config=${PACHA_CONFIG_FILE:-}
key=${PACHA_SSH_KEY_FILE:-}
known_hosts=${PACHA_KNOWN_HOSTS_FILE:-}
enable_rebuild=${PACHA_ENABLE_REBUILD:-yes}
reset=${PACHA_FIRST_BOOT_RESET:-no}
wait_cloud_init=${PACHA_WAIT_CLOUD_INIT:-auto}
cleanup=${PACHA_CLEANUP:-}

[ "$(id -u)" -eq 0 ] || die "run as root" 2
[ -n "$deb" ] || die "PACHA_DEB is not set: the pacha .deb to install (mvn package builds target/pacha.deb)" 2
[ -f "$deb" ] || die "PACHA_DEB=$deb: no such file" 2
for f in "$config" "$key" "$known_hosts"; do
  [ -z "$f" ] || [ -f "$f" ] || die "$f: no such file" 2
done
case "$host" in
  *[!A-Za-z0-9._-]*) die "PACHA_HOST=$host: not a valid host name" 2 ;;
esac

# cloud-init may still be installing packages on a fresh instance: wait, or apt races for the lock.
# Only under a running systemd: in a chroot cloud-init never runs and --wait would wait forever.
if command -v cloud-init >/dev/null 2>&1; then
  if [ "$wait_cloud_init" = yes ] || { [ "$wait_cloud_init" = auto ] && [ -d /run/systemd/system ]; }; then
    say "waiting for cloud-init to finish"
    # Exit 1/2 means cloud-init had (recoverable) errors; the image can still be made.
    timeout 900 cloud-init status --wait >/dev/null || say "cloud-init reported errors (status $?); going on"
  fi
fi

export DEBIAN_FRONTEND=noninteractive
apt_get() {
  # Waits for a dpkg lock held by unattended-upgrades instead of failing at once.
  apt-get -o DPkg::Lock::Timeout=300 -y -q "$@"
}

java_package=${PACHA_JAVA_PACKAGE:-}
say "updating the package lists"
apt_get update >/dev/null
if [ -z "$java_package" ]; then
  if apt-cache show openjdk-17-jre-headless >/dev/null 2>&1; then
    java_package=openjdk-17-jre-headless
  else
    java_package=default-jre-headless
  fi
fi
say "installing $java_package"
apt_get install --no-install-recommends "$java_package" >/dev/null

# apt needs a path with a slash to take a local file rather than a package name.
case "$deb" in
  /*) deb_path=$deb ;;
  *) deb_path=./$deb ;;
esac
say "installing $(basename "$deb")"
apt_get install --no-install-recommends "$deb_path" >/dev/null
command -v pacha >/dev/null || die "the package installed no pacha command"

if [ -n "$config" ]; then
  say "installing the config as /etc/pacha/pacha.conf"
  install -D -m 0644 -o root -g root "$config" /etc/pacha/pacha.conf
fi

if [ -n "$key" ] || [ -n "$known_hosts" ]; then
  install -d -m 0700 -o root -g root /root/.ssh
fi
if [ -n "$key" ]; then
  # pacha looks for ~/.ssh/id_ed25519, then id_rsa (pacha.ssh.identity says otherwise).
  case "$(ssh-keygen -l -f "$key" 2>/dev/null | awk '{print $NF}')" in
    "(ED25519)") key_name=id_ed25519 ;;
    "(RSA)") key_name=id_rsa ;;
    *) die "$key: not an ed25519 or RSA private key without passphrase" 2 ;;
  esac
  say "installing the master key as /root/.ssh/$key_name"
  install -m 0600 -o root -g root "$key" "/root/.ssh/$key_name"
fi
if [ -n "$known_hosts" ]; then
  say "adding the master's host keys to /root/.ssh/known_hosts"
  touch /root/.ssh/known_hosts
  chmod 0644 /root/.ssh/known_hosts
  # Line by line, so a second run adds nothing twice.
  while IFS= read -r line || [ -n "$line" ]; do
    [ -n "$line" ] || continue
    grep -qxF -- "$line" /root/.ssh/known_hosts || printf '%s\n' "$line" >>/root/.ssh/known_hosts
  done <"$known_hosts"
fi

if [ -n "$host" ]; then
  # `pacha firstboot` rebuilds the host named by pacha.hostname. Set it in place (a second run
  # replaces its own line), else as the first key of [DEFAULT], else at the top. User-data that
  # brings a whole config at first boot replaces this file, and with it this name.
  conf=/etc/pacha/pacha.conf
  [ -f "$conf" ] || die "$conf is missing after installing the package; cannot set pacha.hostname = $host"
  say "first boot rebuilds $host (pacha.hostname in $conf)"
  if grep -qE '^[[:space:]]*pacha\.hostname[[:space:]]*[=:]' "$conf"; then
    sed -i -E "s/^[[:space:]]*pacha\.hostname[[:space:]]*[=:].*$/pacha.hostname = $host/" "$conf"
  elif grep -qE '^[[:space:]]*\[DEFAULT\][[:space:]]*$' "$conf"; then
    sed -i -E "0,/^[[:space:]]*\[DEFAULT\][[:space:]]*$/s//[DEFAULT]\npacha.hostname = $host/" "$conf"
  else
    { printf 'pacha.hostname = %s\n' "$host"; cat "$conf"; } >"$conf.pacha-new"
    chmod 0644 "$conf.pacha-new"
    mv "$conf.pacha-new" "$conf"
  fi
fi

if [ "$enable_rebuild" = yes ]; then
  say "enabling pacha-rebuild.service"
  # Works in a chroot too: enable only makes the symlinks.
  systemctl enable pacha-rebuild.service >/dev/null 2>&1 ||
    die "systemctl enable pacha-rebuild.service failed"
fi

if [ -n "$cleanup" ]; then
  rm -rf -- "$cleanup"
fi

if [ "$reset" = yes ]; then
  apt_get clean
  if command -v cloud-init >/dev/null 2>&1; then
    say "resetting cloud-init: every instance runs first boot afresh"
    cloud-init clean --logs
  fi
  # An empty machine-id makes systemd create a new one at boot; copies of the image must not
  # share it (DHCP client ids, journald).
  say "resetting the machine-id"
  : >/etc/machine-id
  if [ -e /var/lib/dbus/machine-id ] && [ ! -L /var/lib/dbus/machine-id ]; then
    rm -f /var/lib/dbus/machine-id
    ln -s /etc/machine-id /var/lib/dbus/machine-id
  fi
fi
say "done"
