#!/bin/sh
# Build the legacy-mode test ROMs and run each on QEMU (TCG).
# A ROM passes when QEMU exits with status 1 (isa-debug-exit value 0);
# status 2n+1 means check n failed.
# ROMs are built with -DQEMU_QUIRKS, which skips the few checks where QEMU
# is known to deviate from the SDM (each is explained where it is skipped).
# Usage: run-qemu.sh [name...]      (default: every *.asm here)
# Env:   OUT=dir (build output; default a temporary dir), VERBOSE=1,
#        QEMU=path, NASMFLAGS (e.g. -UQEMU_QUIRKS to see the deviations)
set -u
here=$(cd "$(dirname "$0")" && pwd)
out=${OUT:-$(mktemp -d)}
mkdir -p "$out"
qemu=${QEMU:-qemu-system-i386}
if [ $# -gt 0 ]; then names="$*"; else
    names=$(cd "$here" && ls *.asm | sed 's/\.asm$//'); fi
pass=0; fail=0
# Generated tables (bcd.asm includes bcd_tables.inc from the build dir).
if ! python3 "$here/gen_bcd.py" "$out/bcd_tables.inc"; then
    echo "FAIL gen_bcd.py"; exit 1
fi
for n in $names; do
    if ! nasm -f bin -DQEMU_QUIRKS ${NASMFLAGS:-} -I"$here/" -I"$out/" \
            -l "$out/$n.lst" -o "$out/$n.bin" "$here/$n.asm" \
            >"$out/$n.nasm.log" 2>&1; then
        echo "FAIL $n (build)"; cat "$out/$n.nasm.log"; fail=$((fail + 1)); continue
    fi
    timeout 20 "$qemu" -nodefaults -display none -m 32 -bios "$out/$n.bin" \
        -device isa-debug-exit,iobase=0xf4 -debugcon file:"$out/$n.log" \
        </dev/null >/dev/null 2>&1
    st=$?
    [ "${VERBOSE:-0}" = 1 ] && cat "$out/$n.log"
    if [ $st -eq 1 ]; then echo "PASS $n"; pass=$((pass + 1))
    else echo "FAIL $n (status $st)"; tail -n 5 "$out/$n.log"; fail=$((fail + 1)); fi
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
