#!/usr/bin/env bash
# Installs the Debian packages ccctl needs on the host (idempotent).
# Run as root on Debian 12/13. Nothing here names a package host: apt uses the
# machine's own sources.
set -euo pipefail

PKGS=(
  debootstrap          # builds the Debian sid root that carries Asterisk 22
  sip-tester           # SIPp: test callers and answering agent phones
  espeak-ng sox        # standard Swedish/English prompts (espeak-ng: every language)
  flite                # a more natural offline English voice for prompts
  libsox-fmt-mp3       # importing an organisation's MP3 recordings
  python3-venv         # the project's virtualenv
  sqlite3
  postgresql           # the optional PostgreSQL store is tested against a real server
  procps iproute2 psmisc
  chromium             # the web UI tests: headless, driven by Playwright for Python
)

# Node.js and npm build the browser softphone (make softphone). Many machines have
# them from elsewhere already; otherwise Debian's own packages do.
command -v npm >/dev/null 2>&1 || PKGS+=(nodejs npm)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done

if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "host-deps: missing Debian packages: ${missing[*]}; run 'make deps' as root" >&2
  exit 1
fi

echo "host-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
