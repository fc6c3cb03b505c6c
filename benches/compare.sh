#!/usr/bin/env bash
# Whole-process comparison: smtpstat against the tools admins use today and
# against the speed of merely reading the file, on the same generated logs
# with a warm page cache. Prints medians, MB/s and the ratios issue #4 sets
# targets for.
#
#   benches/compare.sh [SIZE] [RUNS]      SIZE of the logs (default 1G), RUNS per command (default 5)
#
# Needs: a release build (made here), ripgrep (`rg`), GNU grep, wc, zcat,
# pflogsumm and eximstats (Debian: apt-get install ripgrep pflogsumm exim4-base),
# /usr/bin/time. Logs go to $TMPDIR (default /tmp) and are reused when present.
set -euo pipefail
export LC_ALL=C # a `.` in $EPOCHREALTIME and in awk's numbers
cd "$(dirname "$0")/.."

SIZE=${1:-1G}
RUNS=${2:-5}
DIR=${TMPDIR:-/tmp}/smtpstat-compare
mkdir -p "$DIR"

cargo build --release --quiet
cargo build --release --quiet --example genlog
BIN=target/release/smtpstat
GEN=target/release/examples/genlog

PF=$DIR/postfix-$SIZE.log
EX=$DIR/exim-$SIZE.log
PF100=$DIR/postfix-100M.log
EX100=$DIR/exim-100M.log
[ -s "$PF" ] || $GEN --mta postfix --size "$SIZE" --seed 42 > "$PF"
[ -s "$EX" ] || $GEN --mta exim --size "$SIZE" --seed 42 > "$EX"
[ -s "$PF100" ] || $GEN --mta postfix --size 100M --seed 42 > "$PF100"
[ -s "$EX100" ] || $GEN --mta exim --size 100M --seed 42 > "$EX100"
[ -s "$PF.gz" ] || gzip -6 -c "$PF" > "$PF.gz"

bytes() { stat -c %s "$1"; }

# timed ROUNDS VAR CMD [VAR CMD ...]: times the commands in turn, ROUNDS
# rounds after a warm-up each, so that a slow spell of a shared machine
# falls on all of them alike; sets each VAR to its command's median wall
# seconds, to the millisecond (`time -f %e` rounds to 10 ms, a step of
# 0.02 in a ratio near 0.5)
timed() {
    local rounds=$1
    shift
    local -a vars=() cmds=()
    while [ $# -gt 0 ]; do
        vars+=("$1")
        cmds+=("$2")
        shift 2
    done
    local i t0 t1
    for i in "${!cmds[@]}"; do
        bash -c "${cmds[$i]}" > /dev/null 2>&1 || true
        : > "$DIR/times.$i"
    done
    for _ in $(seq "$rounds"); do
        for i in "${!cmds[@]}"; do
            t0=$EPOCHREALTIME
            bash -c "${cmds[$i]}" > /dev/null 2>&1
            t1=$EPOCHREALTIME
            awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f\n", b - a}' >> "$DIR/times.$i"
        done
    done
    for i in "${!cmds[@]}"; do
        printf -v "${vars[$i]}" '%s' "$(sort -n "$DIR/times.$i" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
        rm -f "$DIR/times.$i"
    done
}

# peak RSS in MiB of one run
rss() {
    /usr/bin/time -f %M -o "$DIR/m" bash -c "$1" > /dev/null 2>&1
    awk '{printf "%.1f", $1/1024}' "$DIR/m"
}

mbps() { awk -v b="$1" -v s="$2" 'BEGIN {printf "%.0f", b/1e6/s}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", a/b}'; }
# how many times the speed of BYTES_A in T_A is that of BYTES_B in T_B
speedup() { awk -v a="$1" -v ta="$2" -v b="$3" -v tb="$4" 'BEGIN {printf "%.1f", (a/ta)/(b/tb)}'; }

line() { printf '%-44s %8s s %9s MB/s  %s\n' "$1" "$2" "$3" "${4:-}"; }

echo "smtpstat $(git describe --always --dirty 2>/dev/null || echo '?'), $(date -u +%F), $(nproc) cores, $(uname -r)"
echo "logs: $PF ($(bytes "$PF") bytes), $EX ($(bytes "$EX") bytes); median of $RUNS runs, warm cache"
echo "(the first five commands, and the two gzip ones, run in turn, round by round)"
echo

# time_line LABEL BYTES VAR CMD [RUNS]: times CMD, prints its line, keeps the median in VAR
time_line() {
    local label=$1 size=$2 var=$3 cmd=$4 runs=${5:-$RUNS}
    timed "$runs" "$var" "$cmd"
    line "$label" "${!var}" "$(mbps "$size" "${!var}")"
}

P=$(bytes "$PF")
P100=$(bytes "$PF100")
E=$(bytes "$EX")
E100=$(bytes "$EX100")
# The commands a target compares run in turn, round by round.
timed "$RUNS" t_s2 "$BIN --threads 2 $PF" t_s1 "$BIN --threads 1 $PF" t_rg "rg -c status= $PF | cat" \
    t_grep "grep -c status= $PF | cat" t_wc "wc -l $PF"
line "smtpstat (2 threads) postfix" "$t_s2" "$(mbps "$P" "$t_s2")"
line "smtpstat (1 thread) postfix" "$t_s1" "$(mbps "$P" "$t_s1")"
line "rg -c status=" "$t_rg" "$(mbps "$P" "$t_rg")"
line "grep -c status= | cat" "$t_grep" "$(mbps "$P" "$t_grep")"
line "wc -l" "$t_wc" "$(mbps "$P" "$t_wc")"
time_line "pflogsumm (100 MB slice)" "$P100" t_pfl "pflogsumm $PF100" 3
timed "$RUNS" t_gz "$BIN $PF.gz" t_zcat "zcat $PF.gz > /dev/null"
line "smtpstat postfix .gz (uncompressed MB/s)" "$t_gz" "$(mbps "$P" "$t_gz")"
line "zcat > /dev/null" "$t_zcat" "$(mbps "$P" "$t_zcat")"
time_line "smtpstat (2 threads) exim" "$E" t_e2 "$BIN $EX"
time_line "eximstats (100 MB slice)" "$E100" t_exs "eximstats $EX100" 3

r_file_1=$(rss "$BIN $PF")
r_stdin_1=$(rss "$BIN - < $PF")
cat "$PF" "$PF" "$PF" "$PF" > "$DIR/postfix-4x.log"
r_stdin_4=$(rss "$BIN - < $DIR/postfix-4x.log")
rm -f "$DIR/postfix-4x.log"
r_pfl=$(rss "pflogsumm $PF100")

echo
echo "ratios (target in brackets)"
printf '  smtpstat / rg -c            %s  [>= 0.5]\n' "$(ratio "$t_rg" "$t_s2")"
printf '  smtpstat / pflogsumm        %s  [>= 150]\n' "$(speedup "$P" "$t_s2" "$P100" "$t_pfl")"
printf '  smtpstat / eximstats        %s\n' "$(speedup "$E" "$t_e2" "$E100" "$t_exs")"
printf '  2 threads / 1 thread        %s  [>= 1.7]\n' "$(ratio "$t_s1" "$t_s2")"
printf '  gzip input / zcat           %s  [>= 0.9]\n' "$(ratio "$t_zcat" "$t_gz")"
printf '  peak RSS, 1x by path (map)  %s MiB\n' "$r_file_1"
printf '  peak RSS, 1x via stdin      %s MiB  [<= 64]\n' "$r_stdin_1"
printf '  peak RSS, 4x via stdin      %s MiB  [<= 64]\n' "$r_stdin_4"
printf '  pflogsumm peak RSS (100 MB) %s MiB\n' "$r_pfl"
