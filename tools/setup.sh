#!/usr/bin/env bash
# Installs the system packages charvec builds against (Debian): zlib, OpenBLAS, pkg-config.
# Does nothing when they are already there. Needs root (or sudo) only when something is missing.
set -euo pipefail
missing=()
for pkg in zlib1g-dev libopenblas-dev pkg-config; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}" >&2
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
