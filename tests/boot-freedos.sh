#!/bin/sh
# FreeDOS (kernel + FreeCOM, 1.44 MB floppy from ../shared/guests) boots
# through SeaBIOS and the 82077 floppy controller to its A:\> prompt; the
# VGA text screen is read back headless when relic is stopped.
#   boot-freedos.sh RELIC SOURCE_ROOT
relic=$1 img=$2/../shared/guests/freedos-kernel-freecom-1440k.img
if [ ! -f "$img" ]; then echo "SKIP: $img not found (../shared is absent)"; exit 77; fi
if [ ! -f /usr/share/seabios/bios.bin ]; then echo "SKIP: SeaBIOS not installed"; exit 77; fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
before=$(sha256sum <"$img")
timeout -s TERM 8 "$relic" -fda "$img" -boot a -display none -serial null -snapshot \
    -text-screen "$tmp/screen.txt" </dev/null 2>/dev/null
cat "$tmp/screen.txt"
if grep -q '^A:\\>' "$tmp/screen.txt" \
   && [ "$(sha256sum <"$img")" = "$before" ]; then
    echo "1 passed, 0 failed"; exit 0
fi
echo "0 passed, 1 failed"; exit 1
