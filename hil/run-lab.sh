#!/usr/bin/env bash
# `make run`, part one: the modem. Starts the simulated modem on a real pseudo-terminal, then
# shows `ztgw modem info` and a few seconds of `ztgw modem watch` against it, through the same serial
# code path a real modem uses. PROFILE picks the simulated firmware family (default quectel-ec25).
set -euo pipefail
cd "$(dirname "$0")/.."
PROFILE="${PROFILE:-quectel-ec25}"
WATCH_MS="${WATCH_MS:-4000}"
dir="$(mktemp -d /tmp/ztgw-lab.XXXXXX)"
fifo="$dir/ctl"
mkfifo "$fifo"
cleanup() {
  if [ -n "${sim_pid:-}" ]; then
    kill "$sim_pid" 2>/dev/null || true
    wait "$sim_pid" 2>/dev/null || true
  fi
  exec 3>&- 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT INT TERM
# The simulator reads control lines on stdin; keep it open through a fifo.
node build/js/hil/sim-modem/main.js --profile "$PROFILE" --dir "$dir" --drift <"$fifo" >"$dir/sim.out" 2>"$dir/sim.err" &
sim_pid=$!
exec 3>"$fifo"
for _ in $(seq 1 100); do
  grep -q agentPath "$dir/sim.out" 2>/dev/null && break
  kill -0 "$sim_pid" 2>/dev/null || { cat "$dir/sim.err" >&2; exit 1; }
  sleep 0.1
done
port="$(sed -n 's/.*"agentPath":"\([^"]*\)".*/\1/p' "$dir/sim.out" | head -n 1)"
[ -n "$port" ] || { echo "simulated modem did not start" >&2; cat "$dir/sim.err" >&2; exit 1; }
echo "== simulated modem ($PROFILE) on $port"
echo
echo "== ztgw modem info --port $port"
build/ztgw modem info --port "$port"
echo
echo "== ztgw modem info --port $port --json"
build/ztgw modem info --port "$port" --json
echo
echo "== ztgw modem watch --port $port (for $((WATCH_MS / 1000)) s; the simulator drifts the signal and roams once)"
( sleep 3; echo '{"state":{"registration":{"eps":{"state":"roaming"}}}}' >&3 ) &
roam_pid=$!
build/ztgw modem watch --port "$port" --interval-ms 1000 --duration-ms "$WATCH_MS"
wait "$roam_pid"
