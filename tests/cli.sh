#!/bin/sh
# Command-line behaviour: bad input gets one 'relic:' line and status 1;
# the demo ROM (the default guest) boots and powers off; -d out_asm and
# -d jit show the translator's code and counters.
#   cli.sh RELIC DEMO_ROM TEXTSCREEN_ROM IDEWRITE_ROM
relic=$1 demo=$2 textrom=$3 iderom=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
expect_error() { # description, args...
    what=$1; shift
    "$relic" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    st=$?
    if [ "$st" -eq 1 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q '^relic: ' "$tmp/err"; then
        pass=$((pass + 1))
    else
        echo "FAIL: $what: status $st, stderr:"; cat "$tmp/err"; fail=$((fail + 1))
    fi
}
: >"$tmp/empty.bin"
head -c 1000 /dev/zero >"$tmp/odd.bin"
expect_error "missing BIOS" -bios "$tmp/none.bin" -display none
expect_error "directory as BIOS" -bios "$tmp" -display none
expect_error "empty BIOS" -bios "$tmp/empty.bin" -display none
expect_error "BIOS not a multiple of 4 KiB" -bios "$tmp/odd.bin" -display none
expect_error "unknown option" -frobnicate
expect_error "-m 0" -m 0 -bios "$demo"
expect_error "-m too large" -m 100000 -bios "$demo"
expect_error "bad -serial" -serial bogus: -bios "$demo"
expect_error "bad accelerator" -accel kvm -bios "$demo"
expect_error "missing option argument" -bios
expect_error "missing disk image" -bios "$demo" -hda "$tmp/none.img"
expect_error "directory as disk image" -bios "$demo" -hda "$tmp"
expect_error "zero-length disk image" -bios "$demo" -hda "$tmp/empty.bin"
expect_error "disk image of odd size" -bios "$demo" -hda "$tmp/odd.bin"
expect_error "-cdrom with -hdc" -bios "$demo" -cdrom "$demo" -hdc "$demo"
expect_error "bad -boot" -boot order=xyz -bios "$demo"
head -c 1048576 /dev/zero >"$tmp/ro.img"
chmod 444 "$tmp/ro.img"
expect_error "read-only disk image" -bios "$demo" -hda "$tmp/ro.img"
if "$relic" -bios "$demo" -display none -serial null -device isa-debug-exit,iobase=0xf4 -hda "$tmp/ro.img" -snapshot </dev/null 2>"$tmp/err"; [ $? -eq 1 ]; then
    pass=$((pass + 1))
else echo "FAIL: read-only image with -snapshot:"; cat "$tmp/err"; fail=$((fail + 1)); fi

# A guest write reaches the image; with -snapshot the image stays byte-for-byte.
head -c 1048576 /dev/zero >"$tmp/disk.img"
before=$(sha256sum <"$tmp/disk.img")
"$relic" -bios "$iderom" -display none -device isa-debug-exit,iobase=0xf4 -hda "$tmp/disk.img" -snapshot </dev/null
st=$?
if [ "$st" -eq 1 ] && [ "$(sha256sum <"$tmp/disk.img")" = "$before" ]; then pass=$((pass + 1))
else echo "FAIL: -snapshot: status $st, image changed or guest failed"; fail=$((fail + 1)); fi
"$relic" -bios "$iderom" -display none -device isa-debug-exit,iobase=0xf4 -hda "$tmp/disk.img" </dev/null
st=$?
if [ "$st" -eq 1 ] && [ "$(dd if="$tmp/disk.img" bs=1 skip=512 count=8 2>/dev/null)" = "$(printf 'relic!\r\n')" ]; then pass=$((pass + 1))
else echo "FAIL: IDE write: status $st, sector 1 does not hold the guest's bytes"; fail=$((fail + 1)); fi

out=$("$relic" -bios "$demo" -nographic -device isa-debug-exit,iobase=0xf4 </dev/null 2>&1)
st=$?
if [ "$st" -eq 1 ] && echo "$out" | grep -q "primes below 100: 2 3 5 7"; then
    pass=$((pass + 1))
else
    echo "FAIL: demo ROM: status $st, output: $out"; fail=$((fail + 1))
fi
out=$("$relic" -bios "$textrom" -display none -device isa-debug-exit,iobase=0xf4 -text-screen - </dev/null 2>/dev/null)
if [ "$(echo "$out" | head -1)" = "relic text screen" ] && [ "$(echo "$out" | sed -n 25p)" = ">" ]; then
    pass=$((pass + 1))
else
    echo "FAIL: -text-screen: got:"; echo "$out"; fail=$((fail + 1))
fi
"$relic" -bios "$textrom" -display none -device isa-debug-exit,iobase=0xf4 -d post -D "$tmp/post.log" </dev/null
if [ "$(cat "$tmp/post.log")" = "$(printf 'POST: 0x01\nPOST: 0x55\nPOST: 0xaa')" ]; then
    pass=$((pass + 1))
else
    echo "FAIL: -d post: got:"; cat "$tmp/post.log"; fail=$((fail + 1))
fi
# the translator (x86-64 hosts): -d out_asm disassembles each new block's
# host code in QEMU's layout, starting with the block at the reset vector
# (whose entry charges the budget for the block, and which
# calls an interpreter handler);
# -d jit prints its counters at exit
if [ "$(uname -m)" = x86_64 ]; then
    "$relic" -accel jit -bios "$demo" -display none -serial null -device isa-debug-exit,iobase=0xf4 -d out_asm,jit -D "$tmp/jit.log" </dev/null
    if grep -q '^OUT: \[size=[1-9][0-9]*\]$' "$tmp/jit.log" &&
       [ "$(sed -n 2p "$tmp/jit.log")" = "  -- guest addr 0xfffffff0 + tb prologue" ] &&
       [ -n "$(sed -n '3,8{/^0x[0-9a-f]\{8,\}:  .*subl  *\$[0-9]*, 0x[0-9a-f]*(%rbp)$/p}' "$tmp/jit.log")" ] &&
       grep -Eq '^0x[0-9a-f]{8,}:  e8( [0-9a-f]{2}){4} +callq +0x[0-9a-f]+$' "$tmp/jit.log"; then
        pass=$((pass + 1))
    else echo "FAIL: -d out_asm: got:"; head -40 "$tmp/jit.log"; fail=$((fail + 1)); fi
    blocks=$(sed -n 's/^blocks translated *\([0-9]*\)$/\1/p' "$tmp/jit.log")
    outs=$(grep -c '^OUT: ' "$tmp/jit.log")
    if [ "${blocks:-0}" -gt 0 ] && [ "$blocks" -eq "$outs" ] && grep -q '^Commonest helpers:$' "$tmp/jit.log" &&
       grep -Eq '^dispatcher +[1-9][0-9]* \(' "$tmp/jit.log"; then
        pass=$((pass + 1))
    else echo "FAIL: -d jit ($outs blocks shown): got:"; grep -v '^0x\|^OUT\|^  --\|^$' "$tmp/jit.log"; fail=$((fail + 1)); fi
fi
"$relic" -accel interp -bios "$demo" -display none -serial null -device isa-debug-exit,iobase=0xf4 -d out_asm,jit -D "$tmp/interp.log" </dev/null
if [ "$(cat "$tmp/interp.log")" = "Translator information is only available with -accel jit (the interpreter runs this machine)." ]; then
    pass=$((pass + 1))
else echo "FAIL: -d out_asm,jit under the interpreter: got:"; head -5 "$tmp/interp.log"; fail=$((fail + 1)); fi

# what the host cannot give: more than its memory and swap, and more than
# an address-space limit lets relic allocate
relic_unlimited=$relic
relic=$tmp/relic-limited
printf '#!/bin/sh\nulimit -v 1048576 && exec "%s" "$@"\n' "$relic_unlimited" >"$relic"
chmod +x "$relic"
expect_error "-m beyond an address-space limit" -m 2048 -bios "$demo" -display none
relic=$relic_unlimited
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
