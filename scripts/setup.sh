#!/usr/bin/env bash
# Sets up a fresh Debian 12 / Node 20 machine for Atelier: system packages the tests use as peers and
# oracles, pnpm itself, the workspace's dependencies (native ones built from source), then the release
# form of the atelier command, linked onto the PATH.
set -euo pipefail
cd "$(dirname "$0")/.."

# socat: pseudo-terminals for the ELM327 emulator; scram: fault-tree oracle; python3-can: CAN log
# oracle; chromium: browser tests; can-utils/iproute2/kmod: vcan where the kernel allows it;
# postgresql: the server programs (initdb, pg_ctl, pg_dump) — the workshop's tests start a private
# server of their own in a temporary directory, so the package's own cluster need not be running;
# libxml2-utils (xmllint: the Factur-X XML against its XSD), poppler-utils and qpdf (the invoice PDF
# read back), liblcms2-utils (transicc: the PDF's sRGB profile read by LittleCMS); tshark (Wireshark's
# tshark, editcap, mergecap, text2pcap: the oracle of the pcap/pcapng CAN reader and writer; installed
# without recommends, so no GUI, and non-interactively, so debconf's question about capture rights
# keeps its default: nobody but root captures, which the tests never do).
APT_PACKAGES=(socat scram python3-can chromium can-utils iproute2 kmod postgresql libxml2-utils poppler-utils qpdf liblcms2-utils tshark)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

want_pnpm=10.34.8
if ! command -v pnpm >/dev/null || [ "$(pnpm -v 2>/dev/null)" != "$want_pnpm" ]; then
  npm install -g "pnpm@$want_pnpm" >/dev/null
fi
# Should the install fail all the same (a damaged package in a shared pnpm store links an empty
# folder, and the first native build that needs it fails), it is tried once more from a fresh store of
# Atelier's own, downloaded from the npm registry.
if ! pnpm install --frozen-lockfile; then
  fresh_store="${XDG_CACHE_HOME:-$HOME/.cache}/atelier/pnpm-store"
  echo "setup: pnpm install failed (above); trying once more with a fresh package store, $fresh_store" >&2
  rm -rf node_modules packages/*/node_modules apps/*/node_modules
  pnpm install --frozen-lockfile --store-dir "$fresh_store"
fi

# The release form of the `atelier` command (bundled, one chunk per command), put on the PATH.
# ATELIER_BIN_DIR picks where the link goes (default /usr/local/bin, through sudo when needed).
pnpm -s build:cli
bin_dir="${ATELIER_BIN_DIR:-/usr/local/bin}"
target="$PWD/dist/atelier/bin/atelier.js"
if mkdir -p "$bin_dir" 2>/dev/null && [ -w "$bin_dir" ]; then
  ln -sfn "$target" "$bin_dir/atelier"
elif command -v sudo >/dev/null; then
  sudo ln -sfn "$target" "$bin_dir/atelier"
else
  bin_dir="$HOME/.local/bin"
  mkdir -p "$bin_dir"
  ln -sfn "$target" "$bin_dir/atelier"
fi
case ":$PATH:" in
  *":$bin_dir:"*) echo "atelier: $bin_dir/atelier -> $target" ;;
  *) echo "atelier: $bin_dir/atelier -> $target (add $bin_dir to your PATH)" ;;
esac
