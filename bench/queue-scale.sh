#!/usr/bin/env bash
# The 10,000-queued-transfers case: engine start (openStore + Queue.open, as the CLI does it) and `pinpoint ls`
# over a state folder holding N queued transfers. Each is a whole process under GNU time (wall s, peak RSS);
# the median of RUNS is quoted, after one untimed warm-up that also fills the page cache.
# Usage: queue-scale.sh DIR      (DIR/queue-state is created once and reused)
# Env:   N=10000 RUNS=5 NODE=<project's node>
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:?usage: $0 DIR}
N=${N:-10000}
RUNS=${RUNS:-5}
NODE=${NODE:-$root/node_modules/.bin/node}
TIME=/usr/bin/time
state="$dir/queue-state"
res="$dir/results"
mkdir -p "$res"
[[ -x $TIME ]] || { echo "need GNU time at $TIME (Debian package 'time')" >&2; exit 1; }

# A folder from an older schema or a different N is rebuilt rather than trusted.
if [[ ! -s $state/filled-$N ]]; then
  rm -rf "$state"
  "$NODE" "$root/bench/queue-scale.ts" fill "$state" "$N"
  touch "$state/filled-$N"
fi

declare -a NAMES=(engine-start pinpoint-ls)
declare -a CMDS=("$NODE $root/bench/queue-scale.ts start $state" "$NODE $root/bin/pinpoint.js ls --state-dir $state")
raw="$res/queue-raw.tsv"
printf 'case\tround\twall_s\tmaxrss_kb\tinner_ms\n' > "$raw"
for ((r = 0; r <= RUNS; r++)); do
  for c in "${!NAMES[@]}"; do
    out="$res/queue-out.txt"
    t0=$EPOCHREALTIME
    $TIME -f '%e %M' -o "$res/queue-time.out" bash -c "exec ${CMDS[c]}" > "$out" 2> "$res/queue-stderr.txt" \
      || { echo "FAILED: ${NAMES[c]}" >&2; cat "$res/queue-stderr.txt" >&2; exit 1; }
    t1=$EPOCHREALTIME
    if ((r == 0)); then
      # The warm-up checks that the case saw the whole queue.
      case ${NAMES[c]} in
        engine-start) grep -q ", $N queued" "$out" || { echo "engine-start did not see $N queued" >&2; cat "$out" >&2; exit 1; } ;;
        pinpoint-ls) [[ $(grep -c ' queued ' "$out") == "$N" ]] || { echo "ls did not list $N queued" >&2; exit 1; } ;;
      esac
      continue
    fi
    read -r _ rss < <(tail -1 "$res/queue-time.out")
    inner=$(sed -n 's/^engine start \([0-9.]*\) ms.*/\1/p' "$out")
    printf '%s\t%d\t%s\t%s\t%s\n' "${NAMES[c]}" "$r" "$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.4f", b-a}')" \
      "$rss" "${inner:--}" >> "$raw"
  done
done

echo
echo "# $N queued transfers in $state; $RUNS runs each; raw figures in $raw"
echo "| case | median wall s (min..max), whole process | in-process ms (median) | peak RSS MiB | target |"
echo "|---|---|---|---|---|"
awk -F'\t' '
  function median(s,   a, k, i, j, t) { k = split(s, a, " ");
    for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    return (k % 2) ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2 }
  function mn(s, a, k, i, m) { k = split(s, a, " "); m = a[1]; for (i = 2; i <= k; i++) if (a[i] + 0 < m + 0) m = a[i]; return m }
  function mx(s, a, k, i, m) { k = split(s, a, " "); m = a[1]; for (i = 2; i <= k; i++) if (a[i] + 0 > m + 0) m = a[i]; return m }
  NR == 1 { next }
  !($1 in w) { order[++no] = $1 }
  { w[$1] = w[$1] " " $3; rss[$1] = rss[$1] " " $4; if ($5 != "-") inner[$1] = inner[$1] " " $5 }
  END {
    for (i = 1; i <= no; i++) { c = order[i]; mw = median(w[c]); mr = median(rss[c]) / 1024
      ok = (mw < 1 && mr < 200) ? "met" : "NOT met"
      printf "| %s | %.3f (%.3f..%.3f) | %s | %.1f | < 1 s, < 200 MiB: %s |\n", c, mw, mn(w[c]), mx(w[c]),
        (c in inner) ? sprintf("%.0f", median(inner[c])) : "", mr, ok }
  }' "$raw"
