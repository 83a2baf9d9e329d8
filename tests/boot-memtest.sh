#!/bin/sh
# memtest86+ (Debian's memtest86+ package, the ia32 image) boots from
# -cdrom (an ISO with isolinux, both from Debian's packages) and, read
# headless from the VGA text screen after 25 s, is testing memory with no
# error.
#   boot-memtest.sh RELIC SOURCE_ROOT
relic=$1 src=$2
. "$src/tests/guests.sh"
need_guests memtest86+ia32.bin isolinux/isolinux.bin
command -v xorriso >/dev/null || { echo "SKIP: xorriso missing (scripts/setup.sh installs it)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/iso"
cp "$guests/isolinux/isolinux.bin" "$guests/isolinux/ldlinux.c32" "$tmp/iso/"
cp "$guests/memtest86+ia32.bin" "$tmp/iso/memtest.bin"
# LINUX, not KERNEL: isolinux would load a .bin file as a boot sector
printf 'DEFAULT memtest\nPROMPT 0\nLABEL memtest\n  LINUX memtest.bin\n' >"$tmp/iso/isolinux.cfg"
xorriso -as mkisofs -quiet -o "$tmp/mt.iso" -b isolinux.bin -c boot.cat -no-emul-boot \
    -boot-load-size 4 -boot-info-table "$tmp/iso" 2>/dev/null
timeout -s TERM 25 "$relic" -cdrom "$tmp/mt.iso" -boot d -display none -serial null -m 64 \
    -text-screen "$tmp/screen.txt" </dev/null 2>/dev/null
cat "$tmp/screen.txt"
if grep -q "Memtest86+" "$tmp/screen.txt" && grep -q "Status: Testing" "$tmp/screen.txt" \
   && grep -q "Errors: 0" "$tmp/screen.txt"; then
    echo "1 passed, 0 failed"; exit 0
fi
echo "0 passed, 1 failed"; exit 1
