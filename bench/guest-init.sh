# Runs inside the guest: bench/guest.sh installs it as the initramfs's
# /etc/relic-cmd. It runs the one workload named on the kernel command line
# (bench=boot|int|zip|fp|proc) and reports on the console, one line each:
#   bench: uptime0 SECONDS     (/proc/uptime before the workload)
#   bench: uptime1 SECONDS     (after it)
#   bench: digest HEX          (the same on every correct engine)
# then powers off. The data is generated here, deterministically, so the
# initramfs carries nothing but busybox.
# Sizes are chosen so that each workload takes a few seconds under QEMU.

bench_int() { # sha256 and md5 over 6.9 MB of seq output, twice
    seq 1000000 > /tmp/seq
    for _ in 1 2; do
        sha256sum /tmp/seq
        md5sum /tmp/seq
    done | md5sum
}

bench_zip() { # gzip -6 of 8 MiB of word salt with a text's redundancy
    # Park-Miller's generator: its products stay below 2^53, so awk's
    # doubles compute it exactly
    awk -v NWORDS=50000 'BEGIN {
        n = split("the of and to in a is that for it as was with be by on not he this are " \
            "or his from at which but have an they you were her she there one all we their " \
            "been has when who will more no if out so said what up its about into than them " \
            "can only other new some could time these two may then do first any my now such " \
            "like our over man me even most made after also did many before must through back " \
            "years where much your way well down should because each just those people how too " \
            "little state good very make world still own see men work long get here between " \
            "both life being under never day same another know while last might us great old " \
            "year off come since against go came right used take three", word)
        x = 20261208
        for (i = 0; i < NWORDS; i++) {
            x = (x * 16807) % 2147483647
            r = x / 2147483647
            # squaring the draw makes the first words commoner, as in text
            printf "%s", word[1 + int(r * r * n)]
            x = (x * 16807) % 2147483647
            if (x % 11 == 0) printf ".\n"; else if (x % 7 == 0) printf ", "; else printf " "
        }
    }' > /tmp/seed
    # 200 KB of seed repeated: gzip's window is 32 KiB, so the repeats do
    # not make it easier to compress than fresh text would be
    i=0
    while [ $i -lt 48 ]; do cat /tmp/seed; i=$((i + 1)); done | head -c 8388608 > /tmp/text
    # from standard input gzip records no name nor time: the same bytes on every run
    gzip -6 < /tmp/text > /tmp/text.gz
    md5sum < /tmp/text.gz
}

bench_fp() { # Newton's square roots in awk's doubles (x87 on i386)
    awk -v N=20000 'BEGIN {
        for (i = 1; i <= N; i++) {
            x = i * 1.0001 + 0.5
            g = x
            for (k = 0; k < 16; k++) g = (g + x / g) / 2
            printf "%.17g\n", g
        }
    }' | md5sum
}

bench_proc() { # 500 fork+exec: a path makes the shell exec busybox instead
               # of running the applet in the forked shell
    i=0 s=1
    while [ $i -lt 500 ]; do
        s=$(/bin/busybox expr \( $s \* 31 + $i \) % 1000003)
        i=$((i + 1))
    done
    echo "$s" | md5sum
}

workload=
for arg in $(cat /proc/cmdline); do
    case $arg in bench=*) workload=${arg#bench=} ;; esac
done
cd /tmp
read -r up0 _ < /proc/uptime
case $workload in
boot) digest=- ;;
int | zip | fp | proc) set -- $(bench_$workload); digest=$1 ;;
*) echo "bench: unknown workload '$workload'"; digest=unknown ;;
esac
read -r up1 _ < /proc/uptime
echo "bench: uptime0 $up0"
echo "bench: uptime1 $up1"
echo "bench: digest $digest"
poweroff -f
