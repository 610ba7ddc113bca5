#!/usr/bin/env bash
# Real clients against `promptcache gateway` in front of `promptcache simulator`: curl, then the official OpenAI
# Node client (npm `openai`, pinned in package.json). Each must see llm, exact, semantic by the gateway's header.
# Needs target/promptcache.jar (mvn package) and Node.js with npm. Run from the repository root:
#   bash src/it/gateway-clients/run.sh
set -euo pipefail
root="$(pwd)"
here="$root/src/it/gateway-clients"
jar="$root/target/promptcache.jar"
[ -f "$jar" ] || { echo "run.sh: $jar is missing; run 'mvn -q package -DskipTests' first" >&2; exit 2; }
work="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# Starts a command that prints its address on its first line; sets $url to it.
start() {
  local name="$1"; shift
  java -jar "$jar" "$@" >"$work/$name.out" 2>"$work/$name.err" &
  pids+=($!)
  for _ in $(seq 1 600); do
    url="$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$work/$name.out" | head -1 || true)"
    [ -n "$url" ] && return 0
    kill -0 "${pids[-1]}" 2>/dev/null || { cat "$work/$name.err" >&2; echo "run.sh: $name did not start" >&2; exit 1; }
    sleep 0.2
  done
  echo "run.sh: $name printed no address" >&2; exit 1
}

start simulator simulator --port 0
simulator="$url"
start gateway gateway --upstream "$simulator" --port 0
gateway="$url"
echo "simulator $simulator, gateway $gateway"

# curl: the header of each answer
ask() {
  curl -s -o "$work/body.json" -D "$work/headers.txt" -H 'Authorization: Bearer sk-curl' -H 'Content-Type: application/json' \
    -d "{\"model\":\"deepseek-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"$1\"}]$2}" "$gateway/v1/chat/completions"
  tr -d '\r' <"$work/headers.txt" | awk -F': ' 'tolower($1)=="x-promptcache-source"{print $2}'
}
expect() {
  if [ "$2" != "$3" ]; then echo "curl $1: expected $3, got '$2'" >&2; cat "$work/body.json" >&2; exit 1; fi
  echo "curl $1: $2"
}
expect "first" "$(ask 'How do I reset my password?' '')" llm
expect "repeat" "$(ask 'How do I reset my password?' '')" exact
expect "paraphrase" "$(ask 'How can I reset my password?' '')" semantic
expect "streamed repeat" "$(ask 'How do I reset my password?' ',"stream":true')" exact
grep -q 'data: \[DONE\]' "$work/body.json" || { echo "curl streamed repeat: no [DONE]" >&2; exit 1; }
status="$(curl -s -o "$work/body.json" -w '%{http_code}' -H 'Content-Type: application/json' -d 'not json' "$gateway/v1/chat/completions")"
[ "$status" = 400 ] && grep -q 'not valid JSON' "$work/body.json" || { echo "curl bad body: got $status" >&2; cat "$work/body.json" >&2; exit 1; }
echo "curl not JSON: 400 $(cat "$work/body.json")"

# the OpenAI Node client, installed from the npm registry at the pinned version
cp "$here/package.json" "$here/node-client.mjs" "$work/"
(cd "$work" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
GATEWAY_URL="$gateway" node "$work/node-client.mjs"
