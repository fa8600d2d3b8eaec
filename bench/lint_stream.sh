#!/usr/bin/env bash
# Peak RSS and throughput of `redisfit lint` over a large manifest stream
# (docs/lint.md quotes the figures).
#
#   bench/lint_stream.sh [MB] [FORMATS]      (default 50 MB, "text json sarif")
#
# The stream is generated at run time from the repository's own fixtures
# (tests/lint/fixtures/*.yaml and real/*.yaml, minus the deliberately broken
# ones and the kubectl List whose items carry no top-level metadata): copy k
# of file j gets namespace `c<k>-f<j>` (replacing any it had), so copies never
# join each other and every copy is linted as the original is. Nothing is
# committed; the stream lives in a fresh directory under ${TMPDIR:-/tmp} and
# is removed at the end. Each format runs once on stdin (`lint -`, as
# `helm template | redisfit lint -` does) with GNU time's %M peak RSS;
# output goes to a file whose size is printed. REDISFIT=path picks the binary
# (e.g. an older build, to compare).
set -euo pipefail
cd "$(dirname "$0")/.."
mb=${1:-50}
formats=${2:-text json sarif}
redisfit=${REDISFIT:-build/redisfit}
[ -x "$redisfit" ] || { echo "build redisfit first (scripts/build.sh)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "GNU time missing (apt-get install time)" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/redisfit-lint-stream-XXXXXX")
trap 'rm -rf "$work"' EXIT

files=()
for f in tests/lint/fixtures/*.yaml tests/lint/fixtures/real/*.yaml; do
  case "$(basename "$f")" in broken.yaml|bad_quantity.yaml|kubectl_list.yaml) continue ;; esac
  files+=("$f")
done

# One round = every fixture once, each in its own namespace c<round>-f<j>:
# written once with a placeholder, then copied by one awk process.
template="$work/round.yaml"
j=0
for f in "${files[@]}"; do
  j=$((j + 1))
  awk -v ns="@ROUND@-f$j" '
    /^---/ { print; inmeta = 0; pending = 0; next }
    /^metadata:[[:space:]]*$/ { print; pending = 1; next }
    pending { match($0, /^ */); ind = substr($0, 1, RLENGTH); print ind "namespace: " ns; pending = 0; inmeta = 1 }
    inmeta && $0 ~ ("^" ind "namespace:") { next }
    /^[^ #]/ { inmeta = 0 }
    { print }' "$f"
  printf '\n---\n'
done >"$template"
stream="$work/stream.yaml"
round_bytes=$(stat -c %s "$template")
rounds=$(( (mb * 1000000 + round_bytes - 1) / round_bytes ))
awk -v n="$rounds" '{ t[NR] = $0 } END {
  for (k = 1; k <= n; ++k) for (i = 1; i <= NR; ++i) { l = t[i]; gsub(/@ROUND@/, "c" k, l); print l } }' \
  "$template" >"$stream"
round=$rounds
bytes=$(stat -c %s "$stream")
docs=$(grep -c '^---' "$stream" || true)
echo "stream: $((bytes / 1000000)) MB, $round rounds of ${#files[@]} fixtures, ~$docs documents"

for fmt in $formats; do
  out="$work/out.$fmt"
  start=$(date +%s.%N)
  /usr/bin/time -f '%M %e' -o "$work/time" "$redisfit" lint --fail-on never -o "$fmt" - <"$stream" >"$out" \
    2>"$work/err" || { echo "$fmt: exit $? ($(head -c 300 "$work/err"))"; continue; }
  read -r rss_kb secs <"$work/time"
  awk -v f="$fmt" -v kb="$rss_kb" -v s="$secs" -v b="$bytes" -v o="$(stat -c %s "$out")" 'BEGIN {
    printf "%-6s peak RSS %6.1f MiB  %6.2f s  %5.1f MB/s in  output %6.1f MB\n", f, kb / 1024, s, b / 1e6 / s, o / 1e6 }'
  [ -n "${KEEP_OUTPUT:-}" ] && cp "$out" "$KEEP_OUTPUT.$fmt"
done
