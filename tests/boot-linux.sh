#!/bin/sh
# Debian 12's i386 kernel (linux-image-686) with a busybox initramfs boots
# through SeaBIOS and relic's loader ROM, runs `uname -a; cat /proc/cpuinfo;
# cat /proc/interrupts` on ttyS0, and `poweroff -f` ends relic with status 0.
# The kernel must not complain about lost timer ticks, spurious IRQs or an
# unknown CPU. The guest files come from Debian's packages
# (scripts/fetch-guests.sh, scripts/mkinitramfs.sh) and are cached in build/.
#   boot-linux.sh RELIC SOURCE_ROOT
relic=$1 src=$2
guests=${RELIC_GUESTS:-$src/build/guests}
if [ ! -f "$guests/vmlinuz" ] || [ ! -f "$guests/busybox" ]; then
    "$src/scripts/fetch-guests.sh" "$guests" >/dev/null || { echo "FAIL: fetching the guests"; exit 1; }
fi
[ -f "$guests/initramfs.gz" ] || RELIC_GUESTS=$guests "$src/scripts/mkinitramfs.sh" >/dev/null \
    || { echo "FAIL: building the initramfs"; exit 1; }
log=$(mktemp)
trap 'rm -f "$log"' EXIT
start=$(date +%s)
timeout 300 "$relic" -kernel "$guests/vmlinuz" -initrd "$guests/initramfs.gz" \
    -append "console=ttyS0 relic.cmd=test" -nographic -m 256 </dev/null >"$log" 2>&1
st=$?
secs=$(( $(date +%s) - start ))
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $1"; fail=$((fail + 1)); }
[ "$st" -eq 0 ] && ok || bad "relic exited with status $st (expected 0 from poweroff)"
grep -q "^Linux .* i686 GNU/Linux" "$log" && ok || bad "no uname -a output"
grep -q "^vendor_id.*GenuineIntel" "$log" && ok || bad "no /proc/cpuinfo"
grep -q "XT-PIC.*timer" "$log" && ok || bad "no /proc/interrupts"
grep -q "reboot: Power down" "$log" && ok || bad "no power-down"
if grep -iE "lost .*tick|lost .*interrupt|spurious 8259A interrupt|unknown CPU|irq [0-9]+: nobody cared" "$log"; then
    bad "the kernel complained (lines above)"
else ok; fi
echo "boot to power-off: ${secs} s (interpreter)"
[ "$fail" -eq 0 ] || tail -40 "$log"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
