#!/bin/sh
# -kernel with Multiboot (v1) kernels through SeaBIOS and relic's loader
# ROM: the test kernel (roms/boot/multiboot.asm) checks the machine state
# and the information structure and exits through isa-debug-exit (0 =
# pass, status 1). Both loader paths (a.out-kludge address fields, ELF32)
# must pass; bad images must be refused with one "relic:" line, status 1.
#   boot-multiboot.sh RELIC AOUT ELF FAR_ELF BADSUM BADFLAGS MODULE
abs() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
relic=$(abs "$1") aout=$(abs "$2") elf=$(abs "$3") far=$(abs "$4")
badsum=$(abs "$5") badflags=$(abs "$6") module=$(abs "$7")
bios=/usr/share/seabios/bios.bin
if [ ! -f "$bios" ]; then echo "SKIP: $bios not installed (scripts/setup.sh installs it)"; exit 77; fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$module" "$tmp/mod.bin"
pass=0 fail=0
# The kernel expects its file name "kernel" in the command line: run from $tmp.
run() { # image, extra options
    cp "$1" "$tmp/kernel"
    shift
    (cd "$tmp" && timeout 60 "$relic" -kernel kernel -m 64 -display none -serial stdio \
        -device isa-debug-exit,iobase=0xf4,iosize=4 "$@" </dev/null >out.txt 2>err.txt)
}
good() { # what, image
    run "$2" -append "hello=world" -initrd "mod.bin modarg=1,mod.bin"
    st=$?
    if [ "$st" -eq 1 ] && grep -q "^multiboot: PASS" "$tmp/out.txt"; then
        pass=$((pass + 1))
    else
        echo "FAIL: $1: status $st"; cat "$tmp/out.txt" "$tmp/err.txt"; fail=$((fail + 1))
    fi
}
refused() { # what, image, expected text of the error
    run "$2"
    st=$?
    if [ "$st" -eq 1 ] && [ "$(wc -l <"$tmp/err.txt")" -eq 1 ] && grep -q "^relic: .*$3" "$tmp/err.txt"; then
        pass=$((pass + 1))
    else
        echo "FAIL: $1: status $st, stderr:"; cat "$tmp/err.txt"; fail=$((fail + 1))
    fi
}
good "a.out-kludge kernel" "$aout"
good "ELF32 kernel" "$elf"
refused "bad checksum" "$badsum" "bad checksum"
refused "unknown required flag" "$badflags" "requires features"
refused "segment beyond the RAM" "$far" "outside the usable RAM"
head -c 200 "$elf" >"$tmp/short"
refused "truncated ELF" "$tmp/short" "truncated"
printf 'not a kernel\n' >"$tmp/junk"
refused "neither bzImage nor Multiboot" "$tmp/junk" "neither a Linux bzImage nor a Multiboot kernel"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
