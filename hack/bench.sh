#!/usr/bin/env bash
# End-to-end numbers for docs/performance.md: wall time, CPU (user+sys) and
# peak RSS (/usr/bin/time) of `podreach matrix -o json` and `-o json-compact`
# (output counted, not kept) and `podreach check --mesh linkerd` on clusters
# from `podreach generate`, per size and input format.
#
#   hack/bench.sh [SIZE...]        default: S M L dense (XL and XXL by name;
#                                  they run check only: their matrix has
#                                  billions of pairs); SIZE-tiered (L-tiered)
#                                  adds the cluster policy tiers (--tiered)
#   PODREACH_BIN=path              measure that binary instead of a fresh build
#   PODREACH_BENCH_DIR=dir         keep the generated manifests there
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bin=${PODREACH_BIN:-}
if [ -z "$bin" ]; then
  bin=$work/podreach
  go build -o "$bin" ./cmd/podreach
fi
gen=${PODREACH_GEN:-$bin}
dir=${PODREACH_BENCH_DIR:-$work}
mkdir -p "$dir"

echo "| size | input | input MB | command | wall s | CPU s (user+sys) | peak RSS MiB | output MB |"
echo "|---|---|---|---|---|---|---|---|"
for size in ${*:-S M L dense}; do
  for format in yaml json; do
    in=$dir/$size.$format
    tiered=()
    [ "${size%-tiered}" = "$size" ] || tiered=(--tiered)
    [ -s "$in" ] || "$gen" generate --size "${size%-tiered}" ${tiered[@]+"${tiered[@]}"} -o "$format" > "$in"
    mb=$(awk -v b="$(stat -c %s "$in")" 'BEGIN { printf "%.1f", b / 1e6 }')
    cmds=("matrix -o json --force" "matrix -o json-compact" "check --mesh linkerd")
    case ${size%-tiered} in XL | XXL) cmds=("check --mesh linkerd") ;; esac
    for cmd in "${cmds[@]}"; do
      # shellcheck disable=SC2086 # cmd is words
      { /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$bin" $cmd -f "$in" 2>/dev/null || true; } | wc -c > "$work/bytes"
      read -r wall user sys rss < <(tail -n 1 "$work/time")
      awk -v s="$size" -v f="$format" -v mb="$mb" -v c="$cmd" -v w="$wall" -v u="$user" -v y="$sys" -v r="$rss" -v o="$(cat "$work/bytes")" \
        'BEGIN { printf "| %s | %s | %s | `%s` | %.2f | %.2f | %.0f | %.1f |\n", s, f, mb, c, w, u + y, r / 1024, o / 1e6 }'
    done
  done
done
