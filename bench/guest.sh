#!/bin/sh
# Guest-workload benchmark: Debian's i386 kernel and busybox run the same
# workloads under relic's translator and interpreter and QEMU's TCG, and the
# times are compared as ratios to QEMU's, medians of REPEATS runs.
#
#   bench/guest.sh [-n REPEATS] [--peers jit,qemu,interp]
#                  [--workloads boot,int,zip,fp,proc] [--timeout SECONDS] [--out DIR]
#
# Workloads (bench/guest-init.sh, run by the initramfs's init, one per boot,
# chosen by bench=W on the kernel command line):
#   boot  power off as soon as init runs
#   int   sha256sum and md5sum over 6.9 MB of seq output, twice
#   zip   gzip -6 of 8 MiB of generated text
#   fp    awk's Newton square roots, 20000 of them (x87 doubles)
#   proc  500 fork+exec of busybox from a shell loop
# Each run is a whole boot: wall(W) - wall(boot), with each peer's median
# boot, is the workload's time. The guest's own view (/proc/uptime after
# minus before the workload) is the second column, with its own ratio: it
# leaves out the noise of the boot, but it is the guest kernel's clock (which
# may lose time when the engine is slow). Every run of a workload
# must print the same digest: the script prints MISMATCH and exits 1 if not,
# and exits 1 if a run fails or exceeds the time limit.
#
# Peers run alternately (jit, qemu, interp, jit, qemu, ...), so that a change
# in the machine's load falls on all of them. Needs a release build of relic
# (made in build-release/), qemu-system-i386, the Debian guest files
# ($RELIC_GUESTS, else build/guests, from scripts/fetch-guests.sh) and
# python3. A run is killed after --timeout seconds (900). Logs, the
# initramfs and the table go to DIR (build/bench).
set -eu
cd "$(dirname "$0")/.."

repeats=3
peers=jit,qemu,interp
workloads=boot,int,zip,fp,proc
limit=900
out=build/bench
usage() {
    sed -n '6,7p' "$0" | sed 's/^# //' >&2
    exit 2
}
while [ $# -gt 0 ]; do
    [ $# -ge 2 ] || usage
    case $1 in
    -n) repeats=$2 ;;
    --peers) peers=$2 ;;
    --workloads) workloads=$2 ;;
    --timeout) limit=$2 ;;
    --out) out=$2 ;;
    *) usage ;;
    esac
    shift 2
done
die() { echo "guest.sh: error: $*" >&2; exit 1; }

peers=$(echo "$peers" | tr ',' ' ')
for p in $peers; do
    case $p in jit | interp | qemu) ;; *) die "unknown peer $p (jit, interp, qemu)" ;; esac
done
# every workload's time is measured from the boot's
workloads="boot $(echo "$workloads" | tr ',' '\n' | grep -vx boot | tr '\n' ' ')"
for w in $workloads; do
    case $w in boot | int | zip | fp | proc) ;; *) die "unknown workload $w" ;; esac
done
case $repeats in '' | *[!0-9]* | 0) die "-n wants a positive count" ;; esac

guests=${RELIC_GUESTS:-build/guests}
kernel=$guests/vmlinuz
[ -f "$kernel" ] && [ -f "$guests/busybox" ] ||
    die "no Debian guest files in $guests (run scripts/fetch-guests.sh, or set RELIC_GUESTS)"
command -v qemu-system-i386 >/dev/null || die "qemu-system-i386 not found (scripts/setup.sh installs it)"
command -v python3 >/dev/null || die "python3 not found"

[ -f build-release/build.ninja ] || meson setup build-release --buildtype=release >/dev/null
ninja -C build-release relic roms/linuxboot.bin >/dev/null
mkdir -p "$out"
initrd=$out/initramfs.gz
# -k '': the benchmark needs no disk drivers, and they would lengthen the boot
RELIC_GUESTS=$guests scripts/mkinitramfs.sh -k '' -s bench/guest-init.sh -o "$initrd" >/dev/null

run() { # PEER WORKLOAD LOG -> "WALL RSS STATUS"
    append="console=ttyS0 quiet bench=$2"
    case $1 in
    qemu)
        python3 bench/measure.py "$limit" "$3" qemu-system-i386 -accel tcg -m 256M -nodefaults \
            -display none -no-reboot -serial stdio -kernel "$kernel" -initrd "$initrd" -append "$append" ;;
    *)
        python3 bench/measure.py "$limit" "$3" build-release/relic -accel "$1" -m 256 \
            -display none -no-reboot -serial stdio -kernel "$kernel" -initrd "$initrd" -append "$append" ;;
    esac
}
bench_line() { # LOG NAME -> the value the guest printed as "bench: NAME VALUE"
    tr -d '\r' < "$1" | sed -n "s/^bench: $2 //p" | tail -n 1
}

results=$out/results.txt
: > "$results"
load0=$(cut -d' ' -f1-3 /proc/loadavg)
commit=$(git describe --always --dirty 2>/dev/null || echo unknown)
total=$((repeats * $(echo $workloads | wc -w) * $(echo $peers | wc -w)))
k=0
for rep in $(seq "$repeats"); do
    for w in $workloads; do
        for p in $peers; do
            k=$((k + 1))
            log=$out/$w-$p-$rep.log
            set -- $(run "$p" "$w" "$log")
            wall=$1 rss=$2 status=$3
            up0=$(bench_line "$log" uptime0) up1=$(bench_line "$log" uptime1)
            digest=$(bench_line "$log" digest)
            [ "$status" = 0 ] && [ -n "$digest" ] && [ -n "$up0" ] && [ -n "$up1" ] || {
                status=failed:$status
                digest=none up0=0 up1=0
            }
            echo "$w $p $rep $wall $rss $status $up0 $up1 $digest" >> "$results"
            printf '[%d/%d] %-4s %-6s %8.2f s  %s\n' "$k" "$total" "$w" "$p" "$wall" "$status" >&2
        done
    done
done
load1=$(cut -d' ' -f1-3 /proc/loadavg)

# results.txt: WORKLOAD PEER REPEAT WALL RSS STATUS UPTIME0 UPTIME1 DIGEST
median() { sort -g | awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)]; else print "nan" }'; }
stat_of() { # WORKLOAD PEER AWK-EXPRESSION -> its median over the good runs
    awk -v w="$1" -v p="$2" '$1 == w && $2 == p && $6 == 0 { print '"$3"' }' "$results" | median
}

report() {
    echo "relic guest benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "host: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(nproc) CPUs," \
         "load average $load0 before, $load1 after"
    echo "relic $commit (release build)," \
         "$(qemu-system-i386 --version | head -n 1)"
    echo "guest: $(sed -n 's/^\(linux-image[^ ]*\) \([^ ]*\) .*/\1 \2/p' "$guests/versions.txt" 2>/dev/null)," \
         "busybox $(sed -n 's/^busybox-static \([^ ]*\) .*/\1/p' "$guests/versions.txt" 2>/dev/null);" \
         "median of $repeats run(s)"
    echo
    printf '%-8s %-6s %8s %8s %6s %8s %6s %7s  %s\n' \
        workload peer "wall s" "work s" /qemu "guest s" /qemu "RSS MiB" digest
    for w in $workloads; do
        for p in $peers; do
            row "$w" "$p"
        done
    done
    echo
    echo "wall: whole run, boot to power-off; work: wall - the peer's median boot wall; guest:"
    echo "/proc/uptime after - before the workload (boot: uptime when init ran); /qemu: the"
    echo "column before over QEMU's (boot: wall); RSS: peak resident set of the boot run;"
    echo "digest: the workload's result, equal for every run."
}
row() { # WORKLOAD PEER -> its line of the table
    wall=$(stat_of "$1" "$2" '$4') qwall=$(stat_of "$1" qemu '$4')
    if [ "$1" = boot ]; then
        work=- guest=$(stat_of boot "$2" '$7') qguest=$(stat_of boot qemu '$7')
        wratio=$(ratio "$wall" "$qwall")
        rss=$(stat_of boot "$2" '$5 / 1024' | awk '{ printf "%.0f", $1 }')
    else
        work=$(echo "$wall $(stat_of boot "$2" '$4')" | awk '{ printf "%.2f", $1 - $2 }')
        qwork=$(echo "$qwall $(stat_of boot qemu '$4')" | awk '{ printf "%.2f", $1 - $2 }')
        guest=$(stat_of "$1" "$2" '$8 - $7') qguest=$(stat_of "$1" qemu '$8 - $7')
        wratio=$(ratio "$work" "$qwork")
        rss=-
    fi
    printf '%-8s %-6s %8.2f %8s %6s %8.2f %6s %7s  %s\n' "$1" "$2" "$wall" "$work" "$wratio" \
        "$guest" "$(ratio "$guest" "$qguest")" "$rss" "$(digest_of "$1" "$2")"
}
ratio() { # A B -> A/B; - unless both are positive (no QEMU run, or a
          # workload shorter than the boot's noise)
    echo "$1 $2" | awk '{
        if ($1 ~ /^[0-9.]+$/ && $2 ~ /^[0-9.]+$/ && $1 > 0 && $2 > 0) printf "%.2f", $1 / $2
        else print "-"
    }'
}
digest_of() { # WORKLOAD PEER -> the digest of its runs, or MISMATCH / FAILED
    all=$(awk -v w="$1" '$1 == w { print $9 }' "$results" | sort -u)
    mine=$(awk -v w="$1" -v p="$2" '$1 == w && $2 == p { print $9 }' "$results" | sort -u)
    if echo "$mine" | grep -qx none; then
        echo FAILED
    elif [ "$(echo "$all" | grep -vx none | wc -l)" -gt 1 ]; then
        echo "MISMATCH $(echo "$mine" | tr '\n' ' ')"
    else
        echo "$mine" | cut -c1-16
    fi
}

report | tee "$out/table.txt"
if grep -q -e MISMATCH -e FAILED "$out/table.txt"; then
    echo "guest.sh: some runs failed or disagree (logs in $out)" >&2
    exit 1
fi
