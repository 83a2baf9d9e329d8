#!/bin/sh
# Command-line behaviour: bad input gets one 'relic:' line and status 1;
# the demo ROM (the default guest) boots and powers off.
#   cli.sh RELIC DEMO_ROM
relic=$1 demo=$2
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

out=$("$relic" -bios "$demo" -nographic -device isa-debug-exit,iobase=0xf4 </dev/null 2>&1)
st=$?
if [ "$st" -eq 1 ] && echo "$out" | grep -q "primes below 100: 2 3 5 7"; then
    pass=$((pass + 1))
else
    echo "FAIL: demo ROM: status $st, output: $out"; fail=$((fail + 1))
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
