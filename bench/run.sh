#!/bin/sh
# Simple-loop benchmark: the same guest work (bench/loop.asm, 5 instructions
# per iteration) under relic's interpreter and translator, QEMU's TCG and
# natively.
# Prints the median of RUNS runs of each and the ratios.
#   bench/run.sh [ITER] [RUNS]     (needs a release build in build-release/)
set -eu
cd "$(dirname "$0")/.."
iter=${1:-100000000}
runs=${2:-5}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
[ -f build-release/build.ninja ] || meson setup build-release --buildtype=release >/dev/null
ninja -C build-release relic >/dev/null
nasm -f bin -DITER="$iter" -o "$out/loop.bin" bench/loop.asm
cc -O2 -o "$out/native" bench/native-loop.c

secs() { # command... -> wall seconds
    s=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s.%N)
    echo "$e - $s" | bc -l
}
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

r=$(for k in $(seq "$runs"); do secs build-release/relic -accel interp -bios "$out/loop.bin" -display none -device isa-debug-exit,iobase=0xf4; done | median)
j=$(for k in $(seq "$runs"); do secs build-release/relic -accel jit -bios "$out/loop.bin" -display none -device isa-debug-exit,iobase=0xf4; done | median)
q=$(for k in $(seq "$runs"); do secs qemu-system-i386 -nodefaults -display none -bios "$out/loop.bin" -device isa-debug-exit,iobase=0xf4; done | median)
n=$(for k in $(seq "$runs"); do "$out/native" "$iter"; done | median)
insns=$((iter * 5))
printf 'guest instructions: %d (median of %d runs)\n' "$insns" "$runs"
printf 'relic interp: %8.3f s  %7.1f M guest insns/s\n' "$r" "$(echo "$insns / $r / 1000000" | bc -l)"
printf 'relic jit:    %8.3f s  %7.1f M guest insns/s\n' "$j" "$(echo "$insns / $j / 1000000" | bc -l)"
printf 'qemu tcg:     %8.3f s  %7.1f M guest insns/s\n' "$q" "$(echo "$insns / $q / 1000000" | bc -l)"
printf 'native:       %8.3f s\n' "$n"
printf 'interp/qemu time ratio: %.2f   interp/native: %.1f\n' "$(echo "$r / $q" | bc -l)" "$(echo "$r / $n" | bc -l)"
printf 'jit/qemu time ratio:    %.2f   jit/native:    %.1f\n' "$(echo "$j / $q" | bc -l)" "$(echo "$j / $n" | bc -l)"
