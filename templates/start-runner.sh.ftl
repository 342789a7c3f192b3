#!/bin/sh
# Starts pacha's first-boot rebuild runner once per instance. This runs inside cloud-final:
# start the unit without waiting for it (--no-block), or cloud-final and the unit would wait on
# each other. Without systemd, run the runner in the background.
<#if installUrl??>
set -e
install -d -m 0700 /var/lib/pacha
curl -fsSL --retry 10 --retry-connrefused -o /var/lib/pacha/pacha.deb '${installUrl}'
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq || true  # a fresh image may have no package lists yet
apt-get install -y /var/lib/pacha/pacha.deb
set +e
</#if>
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
  systemctl enable pacha-rebuild.service
  systemctl start --no-block pacha-rebuild.service
else
  nohup sh -c '/usr/bin/pacha firstboot --no-daemon && /usr/bin/pacha daemon start' \
    >>/var/log/pacha-firstboot.log 2>&1 &
fi
