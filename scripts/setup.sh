#!/usr/bin/env bash
# Installs what sohoa needs on a fresh Debian machine, as root; safe to run again.
#   scripts/setup.sh          the program: Tesseract (vie, eng, osd), poppler, fonts, a venv
#   scripts/setup.sh --test   also what the tests start: PostgreSQL, SeaweedFS, test tools,
#                             Chromium for the review page's browser test
set -euo pipefail
cd "$(dirname "$0")/.."

with_tests=false
[[ "${1:-}" == "--test" ]] && with_tests=true

packages=(tesseract-ocr tesseract-ocr-vie tesseract-ocr-eng tesseract-ocr-osd poppler-utils
          fonts-dejavu-core fonts-liberation2 fonts-noto-core fonts-roboto-unhinted fonts-ebgaramond
          fonts-texgyre fontconfig
          libtesseract-dev libleptonica-dev pkg-config g++ python3-dev)
$with_tests && packages+=(postgresql chromium chromium-driver)
python3 -c 'import ensurepip, venv' 2>/dev/null || packages+=(python3-venv)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

[[ -x .venv/bin/python ]] || python3 -m venv .venv
# pip and setuptools come from the venv's bundled wheels, often with known advisories
# (scripts/audit.sh would report them): upgraded before anything else is installed.
.venv/bin/python -m pip install -q --upgrade pip setuptools
if $with_tests; then
  .venv/bin/python -m pip install -q -e ".[test]"
else
  .venv/bin/python -m pip install -q -e .
fi
# The warm OCR engine (OcrOptions.engine = "tesserocr", the default), built here against the
# system's libtesseract (libtesseract-dev, libleptonica-dev, pkg-config, g++ above): PyPI's
# wheel bundles another Tesseract (5.5.4 against Debian's 5.3.0), whose readings differ from
# the CLI's (0.5-1 % of words on the sample scans).
.venv/bin/python -c 'import tesserocr' 2>/dev/null \
  || .venv/bin/python -m pip install -q --no-binary tesserocr "tesserocr>=2.13,<3" \
  || echo "setup: WARNING: tesserocr did not build; pages will be read by the tesseract program" \
          "(the CLI engine, slower)" >&2
# A local Prefect server on a new database migrates it first (~9 s); the first one keeps a
# copy of the migrated empty database for every later fresh data folder (flows/
# server_database.py). Made here, at install, so that a user's first run does not wait.
scratch=$(mktemp -d)
if SOHOA_DATA_DIR="$scratch" .venv/bin/sohoa server start >/dev/null; then
  SOHOA_DATA_DIR="$scratch" .venv/bin/sohoa server stop >/dev/null
  rm -rf "$scratch"
else
  echo "setup: WARNING: the local Prefect server did not start; see $scratch/prefect" >&2
fi
echo "setup: ready ($(.venv/bin/sohoa --version 2>/dev/null || echo sohoa installed))"
