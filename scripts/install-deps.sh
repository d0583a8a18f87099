#!/usr/bin/env bash
# Installs the system packages GridClear needs, only when something is missing.
# Called by `make run` and `make test`; safe to run repeatedly.
set -euo pipefail
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
need=()
[ -f /usr/include/glpk.h ] || need+=(libglpk-dev)
[ -f /usr/include/gmp.h ] || [ -f /usr/include/x86_64-linux-gnu/gmp.h ] || [ -f /usr/include/aarch64-linux-gnu/gmp.h ] || need+=(libgmp-dev)
pkg-config --exists openblas 2>/dev/null || need+=(libopenblas-dev)
[ -f /usr/include/sodium.h ] || need+=(libsodium-dev)
pkg-config --exists libcrypto 2>/dev/null || [ -f /usr/include/openssl/sha.h ] || need+=(libssl-dev)
command -v pkg-config >/dev/null || need+=(pkg-config)
if [ "${1:-}" = "--test" ]; then
  # Peers for the external-oracle tests (serial pty pairs).
  command -v socat >/dev/null || need+=(socat)
  # A real 3-member etcd cluster for the etcd replication mode's tests (issue 18).
  command -v etcd >/dev/null || [ -x /usr/bin/etcd ] || need+=(etcd-server)
  command -v etcdctl >/dev/null || need+=(etcd-client)
  # Headless browser for the results-page screenshot test (issue 15).
  command -v chromium >/dev/null || need+=(chromium)
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "installing system packages: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq "${need[@]}"
fi
