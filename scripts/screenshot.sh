#!/usr/bin/env bash
# Make assets/dashboard.svg, the README's picture, from the real binary in demo mode:
# run it in tmux, wait until every account has loaded, select a token, capture the screen with
# its colours, and render that as SVG.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v tmux >/dev/null || { echo "tmux is needed: apt-get install -y tmux" >&2; exit 1; }
cargo build --release --quiet
sock="tokdash-shot-$$"
cols=130 rows=36
t() { tmux -L "$sock" "$@"; }
trap 't kill-server 2>/dev/null || true' EXIT
# A fixed TZ and a fresh state dir keep the picture the same from run to run.
t new-session -d -x "$cols" -y "$rows" \
  "env TZ=UTC XDG_STATE_HOME=$(mktemp -d) target/release/tokdash --demo"
wait_for() {
  for _ in $(seq 1 100); do
    t capture-pane -p | grep -q "$1" && return 0
    sleep 0.1
  done
  echo "timed out waiting for '$1'" >&2; t capture-pane -p >&2; exit 1
}
wait_for idle
t send-keys 2          # focus the tokens pane
t send-keys j j        # select the third token
wait_for idle
sleep 0.3
mkdir -p assets
t capture-pane -e -p | python3 scripts/ansi_to_svg.py "$cols" > assets/dashboard.svg
echo "wrote assets/dashboard.svg"
