#!/bin/sh
# SeaBIOS (Debian's, the default firmware of the PC platform) POSTs on
# relic and boots (1) an IDE hard disk and (2) an El Torito CD through the
# ATAPI drive: the boot sector prints through INT 10h (VGA BIOS) and exits
# through isa-debug-exit; the text screen is read back headless.
#   boot-seabios.sh RELIC BOOTSECTOR
relic=$1 bs=$2
bios=/usr/share/seabios/bios.bin
if [ ! -f "$bios" ]; then echo "SKIP: $bios not installed (scripts/setup.sh installs it)"; exit 77; fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
check() { # what, status, expected boot line
    if [ "$2" -eq 1 ] && grep -q "^SeaBIOS (version" "$tmp/screen.txt" && grep -q "^$3" "$tmp/screen.txt" \
       && grep -q "hello from a boot sector via SeaBIOS" "$tmp/screen.txt"; then
        pass=$((pass + 1))
    else
        echo "FAIL: $1: status $2, screen:"; cat "$tmp/screen.txt"; fail=$((fail + 1))
    fi
}
run() { timeout 60 "$relic" -bios "$bios" -display none -serial null -device isa-debug-exit,iobase=0xf4 \
        -text-screen "$tmp/screen.txt" "$@" </dev/null; }

cp "$bs" "$tmp/disk.img" && truncate -s 1M "$tmp/disk.img"
run -hda "$tmp/disk.img"
check "IDE disk boot" $? "Booting from Hard Disk"

if command -v xorriso >/dev/null; then
    mkdir "$tmp/iso" && cp "$bs" "$tmp/iso/boot.bin"
    xorriso -as mkisofs -quiet -o "$tmp/cd.iso" -b boot.bin -no-emul-boot -boot-load-size 4 "$tmp/iso" 2>/dev/null
    run -cdrom "$tmp/cd.iso" -boot d
    check "CD boot (El Torito, ATAPI)" $? "Booting from DVD/CD"
else
    echo "SKIP: CD boot (xorriso missing)"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
