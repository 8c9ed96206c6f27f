#!/usr/bin/env bash
# bench/run.sh: time veille's poll cycle against the shared feed server, in
# the same run (same feedserver, same sink, same machine) as the parser
# floor and, when installed, the peers (rss2email, urlwatch), then print one
# table with CPU time and the ratios to the floor.
#
# It builds veille, hands run-peers.sh a DAEMON_CMD that writes a veille
# config into the cell's state folder and runs `veille once` (--no-send for
# the prime run), and reads the /usr/bin/time -v files run-peers.sh keeps.
#
# Knobs (environment, defaults shown):
#   NS="100 2000 20000"  LATS="0ms 50ms"  ROTATE=2  HOSTS=100  FLOOR_C=64
#   TOOLS="floor urlwatch rss2email"   (peers that are not installed are skipped)
#   PEERS_MAX_N=2000                   (peers are left out above this N)
#   R2E_MAX_N=100                      (rss2email takes ~150 s at N=2000, 50 ms)
#   START_WAIT=90                      (seconds a server may take to start)
#   REPEAT=1                           (runs of each N; the table gives medians)
#   OUT=$(mktemp -d /tmp/veillebench.XXXXXX)
#   PROFILE_DIR=""                     (a folder: each veille run writes a CPU profile there)
set -u

TOP=$(git -C "$(dirname "$0")" rev-parse --show-toplevel) || exit 1
SHARED=${SHARED:-$TOP/../shared/bench}
if [ ! -x "$SHARED/run-peers.sh" ]; then
	echo "bench/run.sh: the shared benchmark harness is absent: no $SHARED/run-peers.sh" >&2
	echo "(it provides feedserver, smtpsink, floor and run-peers.sh; set SHARED=DIR to point at it)" >&2
	exit 2
fi
for t in /usr/bin/time timeout curl go; do
	command -v "$t" >/dev/null || { echo "bench/run.sh: missing $t (apt-get install -y time curl; Go toolchain)" >&2; exit 2; }
done

NS=${NS:-"100 2000 20000"}
LATS=${LATS:-"0ms 50ms"}
TOOLS=${TOOLS:-"floor urlwatch rss2email"}
PEERS_MAX_N=${PEERS_MAX_N:-2000}
R2E_MAX_N=${R2E_MAX_N:-100}
REPEAT=${REPEAT:-1}
OUT=${OUT:-$(mktemp -d /tmp/veillebench.XXXXXX)}
export ROTATE=${ROTATE:-2} HOSTS=${HOSTS:-100} FLOOR_C=${FLOOR_C:-64}
mkdir -p "$OUT/bin"

(cd "$TOP" && go build -o "$OUT/bin/veille" ./cmd/veille) || exit 1

# run-peers.sh refuses to start without r2e and urlwatch; when a peer is
# missing, a stub that fails at once stands in so the rest still runs, and
# its rows are dropped from the table.
STUBS=$OUT/stubs
mkdir -p "$STUBS"
for p in r2e urlwatch; do
	if ! command -v "$p" >/dev/null; then
		printf '#!/bin/sh\nexit 127\n' >"$STUBS/$p"; chmod +x "$STUBS/$p"
		echo "bench/run.sh: $p is not installed (apt-get install -y rss2email urlwatch): its rows are skipped" >&2
		TOOLS=$(echo " $TOOLS " | sed -e "s/ ${p/r2e/rss2email} / /")
	fi
done

# The veille side of one cell. The config lowers politeness for loopback
# only here: 64 concurrent fetches, no per-host gap, no robots.txt. One watch
# list; each prospect owns one feed. It is written during the prime run (a
# few ms even at N=20,000), so the poll run is the cycle alone.
export VEILLE_BIN=$OUT/bin/veille
export PROFILE_DIR=${PROFILE_DIR:-}
[ -z "$PROFILE_DIR" ] || mkdir -p "$PROFILE_DIR" || exit 1
# shellcheck disable=SC2016 # expanded by run-peers.sh's bash -c
DAEMON_CMD='
cfg=$BENCH_STATE/veille.yaml
if [ ! -f "$cfg" ]; then
	cat >"$cfg" <<YAML
timezone: Europe/Paris
store: veille.db
listen: ""
fetch:
  timeout: ${BENCH_FETCH_TIMEOUT}s
  concurrency: 64
  per_host_interval: 0s
  robots: false
smtp: {host: ${BENCH_SMTP%:*}, port: ${BENCH_SMTP#*:}, tls: none, from: "Veille <veille@localhost>"}
reps: [{id: rep, name: Bench Rep, email: rep@localhost}]
admins: [ops@localhost]
watchlists:
  - id: bench
    owner: rep
    prospects_csv: prospects.csv
YAML
	awk '\''BEGIN{print "name,feeds"} {printf "Prospect %d,%s\n", NR, $0}'\'' "$BENCH_FEEDS_FILE" >"$BENCH_STATE/prospects.csv"
fi
"$VEILLE_BIN" once -c "$cfg" $([ "$BENCH_PHASE" = prime ] && echo --no-send) \
	$([ -n "$PROFILE_DIR" ] && echo --cpuprofile "$PROFILE_DIR/cpu.$BENCH_N.$BENCH_PHASE.$$.pprof")
'
export DAEMON_CMD

# run-peers.sh waits 10 s for each server to start; the feed server needs
# about 22 s to build 20,000 feeds on 2 cores. A copy of the script, with
# its folder and a longer wait (START_WAIT seconds), runs instead; the
# shared one is left as it is.
START_WAIT=${START_WAIT:-90}
PEERS=$OUT/run-peers.sh
sed -e "s|^HERE=.*|HERE=$(cd "$SHARED" && pwd)|" -e "s|for _ in \$(seq 100); do|for _ in \$(seq $((START_WAIT * 10))); do|" \
	"$SHARED/run-peers.sh" >"$PEERS" && chmod +x "$PEERS"
grep -q "seq $((START_WAIT * 10))" "$PEERS" || { echo "bench/run.sh: could not lengthen run-peers.sh's start wait (its text changed?)" >&2; exit 2; }

# One row per tool, cell, phase and run; the run number is the last column.
RES=$OUT/results.tsv
: >"$RES"
for n in $NS; do
	tools=""
	for t in $TOOLS; do
		case $t in
		floor) tools="$tools floor" ;;
		rss2email) [ "$n" -le "$R2E_MAX_N" ] && tools="$tools rss2email" ;;
		*) [ "$n" -le "$PEERS_MAX_N" ] && tools="$tools $t" ;;
		esac
	done
	for r in $(seq "$REPEAT"); do
		run=$OUT/run.$n.$r
		PATH="$STUBS:$PATH" NS=$n LATS=$LATS TOOLS="$tools" OUT=$run "$PEERS" >"$run.log" 2>&1
		if grep -q '^did not start' "$run.log"; then
			echo "bench/run.sh: N=$n: the feed server did not start within ${START_WAIT} s; no rows for this run (see $run.log)" >&2
		fi
		tail -n +2 "$run/results.tsv" 2>/dev/null | while IFS=$'\t' read -r tool N lat phase wall rss fps emails fetched errors rc; do
			tf=$run/time.$tool.$N.$lat.$phase
			cpu=$(awk -F': ' '/User time/{u=$2} /System time/{s=$2} END{printf "%.2f", u+s}' "$tf" 2>/dev/null)
			[ "$tool" = daemon ] && tool=veille
			printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$tool" "$N" "$lat" "$phase" "$wall" "${cpu:-NA}" "$rss" "$fps" "$emails" "$fetched" "$errors" "$rc" "$r"
		done >>"$RES"
	done
done

# Ratios to the floor of the same cell, phase and run: wall / floor wall and
# CPU / floor CPU (1.0 = as cheap as fetch + gofeed alone). The floor moves
# with the host's load as much as veille does, so each run is held against
# its own floor; over several runs (REPEAT), each figure is the median of
# the runs' (the peak RSS their highest), and `runs` says how many.
{
	printf 'tool\tN\tlatency\tphase\truns\twall_s\tcpu_s\tpeak_rss_MB\tfeeds_per_s\twall/floor\tcpu/floor\temails\tfetched\terrors\trc\n'
	awk -F'\t' '
		function median(list,    v, n, i, j, t) {
			n = split(list, v, " ")
			for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j-1]+0 > v[j]+0; j--) { t = v[j]; v[j] = v[j-1]; v[j-1] = t }
			return n % 2 ? v[(n+1)/2] : (v[n/2] + v[n/2+1]) / 2
		}
		function add(arr, k, x) { arr[k] = (k in arr) ? arr[k] " " x : x }
		{ row[NR] = $0; if ($1 == "floor") { fw[$2,$3,$4,$13] = $5; fc[$2,$3,$4,$13] = $6 } }
		END {
			for (i = 1; i <= NR; i++) {
				split(row[i], f, "\t"); k = f[1] "\t" f[2] "\t" f[3] "\t" f[4]; r = f[2] SUBSEP f[3] SUBSEP f[4] SUBSEP f[13]
				if (!(k in runs)) order[++nk] = k
				runs[k]++; add(wall, k, f[5]); add(cpu, k, f[6]); add(fps, k, f[8]); add(emails, k, f[9]); add(fetched, k, f[10]); add(errs, k, f[11])
				if (f[7]+0 > rss[k]+0) rss[k] = f[7]
				if (f[12] != 0) rc[k] = f[12]; else if (!(k in rc)) rc[k] = 0
				if (fw[r] > 0) add(wr, k, f[5] / fw[r])
				if (fc[r] > 0) add(cr, k, f[6] / fc[r])
			}
			for (i = 1; i <= nk; i++) { k = order[i]
				w = (k in wr) ? sprintf("%.2f", median(wr[k])) : "NA"; c = (k in cr) ? sprintf("%.2f", median(cr[k])) : "NA"
				printf "%s\t%d\t%.2f\t%.2f\t%s\t%.1f\t%s\t%s\t%d\t%d\t%d\t%s\n", k, runs[k], median(wall[k]), median(cpu[k]), rss[k], median(fps[k]), w, c,
					median(emails[k]), median(fetched[k]), median(errs[k]), rc[k]
			}
		}' "$RES"
} >"$OUT/table.tsv"
column -t -s $'\t' "$OUT/table.tsv"
echo "(table: $OUT/table.tsv; every run's rows: $RES; per-run logs and /usr/bin/time -v output under $OUT/run.N.RUN/)"
