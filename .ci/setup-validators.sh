#!/usr/bin/env bash
# Install the official AMP validator (offline engine from next@15.5.29) and the Nu Html Checker into .cache/.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
ENGINE_SHA=f1f4629ab36f555f5a9937a5cf00f0ef780bf025883c035d06389b151c896f26

# 1. AMP: amphtml-validator@1.0.38 runner + validator_wasm.js engine, sha256-checked (see shared AMP.md).
AMP="$ROOT/.cache/ampval"
mkdir -p "$AMP/vendor"
cd "$AMP"
if [ ! -x node_modules/.bin/amphtml-validator ]; then
  [ -f package.json ] || npm init -y >/dev/null
  npm install --no-audit --no-fund --silent --save-exact amphtml-validator@1.0.38 >/dev/null
fi
if ! echo "$ENGINE_SHA  vendor/validator_wasm.js" | sha256sum -c --status - 2>/dev/null; then
  rm -f vendor/validator_wasm.js next-15.5.29.tgz
  npm pack next@15.5.29 --silent >/dev/null
  tar xzf next-15.5.29.tgz -C vendor --strip-components=4 \
      package/dist/compiled/amphtml-validator/validator_wasm.js
  rm -f next-15.5.29.tgz
  echo "$ENGINE_SHA  vendor/validator_wasm.js" | sha256sum -c --quiet -
fi

# 2. The Nu Html Checker: npm vnu-jar, run with java -jar.
NU="$ROOT/.cache/vnu"
mkdir -p "$NU"
cd "$NU"
if [ ! -f node_modules/vnu-jar/build/dist/vnu.jar ]; then
  [ -f package.json ] || npm init -y >/dev/null
  npm install --no-audit --no-fund --silent vnu-jar >/dev/null
fi
test -f node_modules/vnu-jar/build/dist/vnu.jar
command -v java >/dev/null || { echo "setup-validators: java is missing (the Nu checker needs it)" >&2; exit 1; }
echo "validators ready in $ROOT/.cache (ampval, vnu)"
