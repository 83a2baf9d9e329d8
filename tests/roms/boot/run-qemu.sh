#!/bin/sh
# Builds the Multiboot test kernel (both loader paths) and its module and
# boots them on QEMU's -kernel, the reference the test kernel was checked
# against: each must say PASS and exit with status 1 (isa-debug-exit 0).
# Env: QEMU=binary (default qemu-system-i386), VERBOSE=1 (show the serial log)
set -u
here=$(cd "$(dirname "$0")" && pwd)
qemu=${QEMU:-qemu-system-i386}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
nasm -f bin -o "$tmp/mod.bin" "$here/multiboot-mod.asm" || exit 1
pass=0 fail=0
for v in "aout:" "elf:-DELF"; do
    name=${v%%:*}
    # shellcheck disable=SC2086 # the defines are words
    nasm -f bin -Werror ${v#*:} -o "$tmp/kernel" "$here/multiboot.asm" || exit 1
    (cd "$tmp" && timeout 30 "$qemu" -kernel kernel -append hello=world \
        -initrd "mod.bin modarg=1,mod.bin" -m 64 -display none -serial file:serial.log \
        -device isa-debug-exit,iobase=0xf4,iosize=4 </dev/null >/dev/null 2>&1)
    st=$?
    [ "${VERBOSE:-0}" = 1 ] && cat "$tmp/serial.log"
    if [ $st -eq 1 ] && grep -q "^multiboot: PASS" "$tmp/serial.log"; then
        echo "PASS $name"; pass=$((pass + 1))
    else
        echo "FAIL $name (status $st)"; cat "$tmp/serial.log"; fail=$((fail + 1))
    fi
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
