#!/bin/sh
# Makes a NoCloud seed for the qemu build: a throw-away SSH key and the user-data that lets the
# build log in with it. The image keeps neither (ssh_clear_authorized_keys, cloud-init clean).
#   usage: qemu-seed.sh DIR [USER]
# then:    --var qemu_seed_dir=DIR --var qemu_ssh_private_key_file=DIR/id_ed25519
set -eu
dir=${1:?usage: qemu-seed.sh DIR [USER]}
user=${2:-debian}
mkdir -p "$dir"
chmod 0700 "$dir"
[ -f "$dir/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C "pacha-bake" -f "$dir/id_ed25519"
cat >"$dir/user-data" <<SEED
#cloud-config
users:
  - name: $user
    sudo: ALL=(ALL) NOPASSWD:ALL
    shell: /bin/bash
    lock_passwd: true
    ssh_authorized_keys:
      - $(cat "$dir/id_ed25519.pub")
ssh_pwauth: false
SEED
printf 'instance-id: pacha-bake\nlocal-hostname: pacha-bake\n' >"$dir/meta-data"
echo "$dir"
