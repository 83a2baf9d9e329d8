#!/bin/sh
# Debian 12's i386 kernel (linux-image-686) with a busybox initramfs boots
# through SeaBIOS and relic's loader ROM, runs `uname -a; cat /proc/cpuinfo;
# cat /proc/interrupts` on ttyS0, and `poweroff -f` ends relic with status 0.
# The kernel must not complain about lost timer ticks, spurious IRQs or an
# unknown CPU. Booted three times: with -kernel (relic's loader ROM) under
# the interpreter (-accel interp, so that it boots Linux on every host), and
# under the default engine (the translator on x86-64 hosts) from an ISO
# image through ATAPI and isolinux and from a raw hard-disk image (MBR,
# FAT16 partition, SYSLINUX) through IDE. The guest files come from Debian's
# packages (scripts/fetch-guests.sh, scripts/mkinitramfs.sh) and are cached
# in build/.
#   boot-linux.sh RELIC SOURCE_ROOT
relic=$1 src=$2
. "$src/tests/guests.sh"
need_guests vmlinuz busybox
[ "$guests/initramfs.gz" -nt "$src/scripts/mkinitramfs.sh" ] || RELIC_GUESTS=$guests "$src/scripts/mkinitramfs.sh" >/dev/null \
    || { echo "FAIL: building the initramfs"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
default_engine=interpreter
if [ "$(uname -m)" = x86_64 ]; then default_engine=translator; fi
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $1"; fail=$((fail + 1)); }

# boot WHAT relic-args...: boots, then checks the guest's output and status
boot() {
    what=$1; shift
    log=$tmp/$what.log
    start=$(date +%s)
    timeout 300 "$relic" "$@" -nographic -m 256 </dev/null >"$log" 2>&1
    st=$?
    engine=$default_engine
    case " $* " in *" -accel jit "*) engine=translator ;; *" -accel interp "*) engine=interpreter ;; esac
    echo "$what: boot to power-off in $(( $(date +%s) - start )) s ($engine)"
    f0=$fail
    [ "$st" -eq 0 ] && ok || bad "$what: relic exited with status $st (expected 0 from poweroff)"
    grep -q "^Linux .* i686 GNU/Linux" "$log" && ok || bad "$what: no uname -a output"
    grep -q "^vendor_id.*GenuineIntel" "$log" && ok || bad "$what: no /proc/cpuinfo"
    grep -q "XT-PIC.*timer" "$log" && ok || bad "$what: no /proc/interrupts"
    grep -q "reboot: Power down" "$log" && ok || bad "$what: no power-down"
    if grep -iE "lost .*tick|lost .*interrupt|spurious 8259A interrupt|unknown CPU|irq [0-9]+: nobody cared" "$log"; then
        bad "$what: the kernel complained (lines above)"
    else ok; fi
    [ "$fail" -eq "$f0" ] || tail -40 "$log"
}

# 1. -kernel/-initrd/-append through SeaBIOS and relic's loader ROM, on the
#    interpreter: the reference engine boots Linux too
boot kernel -accel interp -kernel "$guests/vmlinuz" -initrd "$guests/initramfs.gz" -append "console=ttyS0 relic.cmd=test"

# 2. the same kernel and initramfs from an ISO image through ATAPI and isolinux
if command -v xorriso >/dev/null && [ -f "$guests/isolinux/isolinux.bin" ]; then
    mkdir "$tmp/iso"
    cp "$guests/isolinux/isolinux.bin" "$guests/isolinux/ldlinux.c32" "$guests/vmlinuz" "$guests/initramfs.gz" "$tmp/iso/"
    printf 'SERIAL 0 115200\nDEFAULT linux\nPROMPT 0\nLABEL linux\n  KERNEL vmlinuz\n  APPEND initrd=initramfs.gz console=ttyS0 relic.cmd=test\n' >"$tmp/iso/isolinux.cfg"
    xorriso -as mkisofs -quiet -o "$tmp/linux.iso" -b isolinux.bin -c boot.cat -no-emul-boot \
        -boot-load-size 4 -boot-info-table "$tmp/iso" 2>/dev/null
    boot iso -cdrom "$tmp/linux.iso" -boot d
    grep -q "^ISOLINUX" "$tmp/iso.log" && ok || bad "iso: isolinux did not start"
else
    echo "SKIP: ISO boot (xorriso or isolinux missing)"
fi
# 3. from a raw hard-disk image: MBR (syslinux's mbr.bin), an active FAT16
#    partition at 1 MiB with SYSLINUX installed, booted by SeaBIOS from IDE
if command -v syslinux >/dev/null && command -v mcopy >/dev/null && command -v mkfs.fat >/dev/null \
   && [ -f "$guests/isolinux/mbr.bin" ]; then
    img=$tmp/disk.img
    truncate -s 64M "$img"
    # one active partition of type 0x0e (FAT16, LBA) from sector 2048 to the end
    python3 -c "import struct,sys; f=open(sys.argv[1],'r+b'); f.seek(446); f.write(struct.pack('<B3sB3sII',0x80,b'\xfe\xff\xff',0x0e,b'\xfe\xff\xff',2048,(64<<20)//512-2048)); f.seek(510); f.write(b'\x55\xaa')" "$img"
    mkfs.fat -F 16 --offset 2048 -n RELIC "$img" >/dev/null
    dd if="$guests/isolinux/mbr.bin" of="$img" conv=notrunc bs=440 count=1 2>/dev/null
    syslinux --install --offset $((2048 * 512)) "$img"
    printf 'SERIAL 0 115200\nDEFAULT linux\nPROMPT 0\nLABEL linux\n  KERNEL vmlinuz\n  APPEND initrd=initramfs.gz console=ttyS0 relic.cmd=test\n' >"$tmp/syslinux.cfg"
    mcopy -i "$img@@1M" "$guests/vmlinuz" "$guests/initramfs.gz" "$tmp/syslinux.cfg" ::/
    boot disk -hda "$img"
    grep -q "^SYSLINUX" "$tmp/disk.log" && ok || bad "disk: syslinux did not start"
else
    echo "SKIP: hard-disk boot (syslinux, mtools or dosfstools missing)"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
