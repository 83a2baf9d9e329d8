#!/bin/sh
# SeaBIOS (Debian's, the default firmware of the PC platform) POSTs on
# relic, finds an IDE disk, loads its boot sector and runs it: the sector
# prints through INT 10h (VGA BIOS) and exits through isa-debug-exit.
#   boot-seabios.sh RELIC BOOTSECTOR
relic=$1 bs=$2
bios=/usr/share/seabios/bios.bin
if [ ! -f "$bios" ]; then echo "SKIP: $bios not installed (scripts/setup.sh installs it)"; exit 77; fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$bs" "$tmp/disk.img" && truncate -s 1M "$tmp/disk.img"
timeout 60 "$relic" -bios "$bios" -display none -serial null -hda "$tmp/disk.img" \
    -device isa-debug-exit,iobase=0xf4 -text-screen "$tmp/screen.txt" </dev/null
st=$?
cat "$tmp/screen.txt"
if [ "$st" -eq 1 ] && grep -q "^SeaBIOS (version" "$tmp/screen.txt" \
   && grep -q "hello from a boot sector via SeaBIOS" "$tmp/screen.txt"; then
    echo "1 passed, 0 failed"; exit 0
fi
echo "FAIL: status $st"; echo "0 passed, 1 failed"; exit 1
