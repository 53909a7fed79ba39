#!/usr/bin/env bash
# Test setup for the console's browser test (tests/e2e): Debian's headless-capable Chromium and its
# chromedriver, from apt, installed only when missing. Selenium is given /usr/bin/chromedriver, so
# nothing is ever downloaded by Selenium Manager. Needs root (CI runs as root) or sudo.
set -euo pipefail

if [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]]; then
  exit 0
fi
SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "chromium.sh: run as root or install chromium chromium-driver" >&2; exit 1; }
  SUDO=sudo
fi
echo "==> Installing Debian chromium and chromium-driver for the console's browser test"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
/usr/bin/chromium --version
