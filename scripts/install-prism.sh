#!/usr/bin/env bash
# Install Prism (the OpenAPI mock server the contract tests use) into .tools/prism.
# 5.14.2 is the newest release that runs on Node 20.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.tools/prism/node_modules/.bin/prism
if [ -x "$bin" ] && "$bin" --version 2>/dev/null | grep -q '^5\.14\.2$'; then
  echo "Prism $("$bin" --version) already installed"
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "npm is missing: install Node.js 20 (apt-get install -y nodejs npm) to run the contract tests" >&2
  exit 1
fi
mkdir -p .tools/prism
npm install --prefix .tools/prism --no-audit --no-fund --loglevel=error @stoplight/prism-cli@5.14.2 >/dev/null
echo "Prism $("$bin" --version) installed in .tools/prism"
