#!/usr/bin/env bash
# Installs what keyless's demo and tests use on a Debian/Ubuntu machine, then the npm packages.
# Debian packages, used for real: a Secret Service (gnome-keyring on a private D-Bus session) and
# secret-tool to look inside it; Debian's AWS CLI v2 and boto3 as credential_process consumers;
# the shells shell-init supports; tmux to drive the picker; curl as the demo's and tests' browser.
set -euo pipefail
cd "$(dirname "$0")/.."

export DEBIAN_FRONTEND=noninteractive
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"

packages=(dbus gnome-keyring libsecret-tools awscli python3-boto3 bash zsh fish tmux curl systemd)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

npm ci --no-audit --no-fund
