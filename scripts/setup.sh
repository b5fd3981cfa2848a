#!/usr/bin/env bash
# Set up everything powers needs on a fresh Debian machine, then run one job.
#   scripts/setup.sh demo   build the demo site from inventories/ into site/
#   scripts/setup.sh test   run the whole test suite
set -euo pipefail
cd "$(dirname "$0")/.."
job="${1:-demo}"

missing=()
command -v dot >/dev/null 2>&1 || missing+=(graphviz)
# WeasyPrint (the printable 清单 as PDF) loads Pango; Graphviz usually brings it
ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so' || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
if ! (command -v fc-list >/dev/null 2>&1 && fc-list :lang=zh family | grep -q .); then
  missing+=(fonts-noto-cjk)
fi
if [ "$job" = test ] && ! command -v chromium >/dev/null 2>&1; then
  missing+=(chromium)
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" fontconfig >/dev/null
  else
    echo "缺少系统软件包 / missing system packages: ${missing[*]}" >&2
    echo "请以 root 身份运行 / run as root:  apt-get update && apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
.venv/bin/python -m pip install -q -e '.[test]'

case "$job" in
  demo) .venv/bin/powers build inventories/ -o site/ --base-url https://example.gov.cn/qlqd/ --demo ;;
  test) .venv/bin/python -m pytest -q ;;
  *) echo "unknown job: $job (demo|test)" >&2; exit 2 ;;
esac
