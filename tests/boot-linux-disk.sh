#!/bin/sh
# Linux writes to the second IDE disk: Debian 12's i386 kernel, with the disk
# drivers from its own package loaded by relic-disks (ata_piix, sd_mod,
# vfat), mounts a FAT file system on -hdb (found by its SCSI address 0:0:1:0:
# sd names disks in the order its probes finish),
# writes two files, syncs, unmounts, mounts again and reads them back, and
# writes a line to COM2 (ttyS1). The host then finds the files in the image
# (mtools) and the line in COM2's file. Booted again with -snapshot: the
# guest still reads back what it wrote, and the image is byte-for-byte what
# it was (sha256 before and after). It runs on the default engine, the
# translator on x86-64 hosts, which makes it the translator's disk, DMA and
# serial workout; boot-linux.sh boots Linux on the interpreter too.
#   boot-linux-disk.sh RELIC SOURCE_ROOT
relic=$1 src=$2
. "$src/tests/guests.sh"
need_guests vmlinuz busybox
for tool in mkfs.fat mcopy sha256sum; do
    command -v $tool >/dev/null || { echo "FAIL: $tool missing (scripts/setup.sh installs it)"; exit 1; }
done
engine=interpreter
if [ "$(uname -m)" = x86_64 ]; then engine=translator; fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $1"; fail=$((fail + 1)); }

cat >"$tmp/diskwrite" <<'GUEST'
relic-disks || echo "diskwrite: relic-disks failed"
# sd names disks in the order its probes finish: find -hdb by its SCSI
# address (host 0 = primary channel, target 1 = slave)
disk=
for b in /sys/block/sd*; do
    [ "$(basename "$(readlink "$b/device")")" = "0:0:1:0" ] && disk=/dev/$(basename "$b")
done
echo "diskwrite: -hdb is ${disk:-missing}"
mkdir -p /mnt
if [ -n "$disk" ] && mount -t vfat "$disk" /mnt; then
    seq 1 20000 > /mnt/SEQ.TXT
    echo "relic was here" > /mnt/HELLO.TXT
    sync
    umount /mnt
    # the last close of the disk drops its cache: this reads the disk again
    mount -t vfat -o ro "$disk" /mnt && md5sum /mnt/SEQ.TXT /mnt/HELLO.TXT | sed 's/^/diskwrite: /'
    umount /mnt
else
    echo "diskwrite: mount failed"
fi
echo "relic-com2: hello from ttyS1" > /dev/ttyS1
dmesg | grep -E "ttyS1|ata[12]\.0[01]: [0-9]+ sectors|\[sd[ab]\] [0-9]+ 512-byte" | sed 's/^/diskwrite: dmesg: /'
GUEST
RELIC_GUESTS=$guests "$src/scripts/mkinitramfs.sh" -s "$tmp/diskwrite" -o "$tmp/initramfs.gz" >"$tmp/mkinitramfs.log" 2>&1 \
    || { cat "$tmp/mkinitramfs.log"; echo "FAIL: building the initramfs"; exit 1; }
grep -q "disk driver modules" "$tmp/mkinitramfs.log" || { cat "$tmp/mkinitramfs.log"; echo "FAIL: no disk driver modules in the initramfs"; exit 1; }

truncate -s 4M "$tmp/hda.img"
want_seq=$(seq 1 20000 | md5sum | cut -d' ' -f1)
want_hello=$(echo "relic was here" | md5sum | cut -d' ' -f1)

# run NAME relic-args...: boots with a fresh FAT image on -hdb
run() {
    what=$1; shift
    rm -f "$tmp/hdb.img"
    mkfs.fat -C -n RELICDATA "$tmp/hdb.img" 32768 >/dev/null
    before=$(sha256sum <"$tmp/hdb.img")
    log=$tmp/$what.log
    start=$(date +%s)
    timeout 300 "$relic" -kernel "$guests/vmlinuz" -initrd "$tmp/initramfs.gz" -append "console=ttyS0 quiet" \
        -m 256 -nographic -hda "$tmp/hda.img" -hdb "$tmp/hdb.img" \
        -serial stdio -serial "file:$tmp/$what.com2" "$@" </dev/null >"$log" 2>&1
    st=$?
    echo "$what: boot to power-off in $(( $(date +%s) - start )) s ($engine)"
    after=$(sha256sum <"$tmp/hdb.img")
    f0=$fail
    [ "$st" -eq 0 ] && ok || bad "$what: relic exited with status $st"
    grep -q "^diskwrite: $want_seq  /mnt/SEQ.TXT" "$log" && ok || bad "$what: the guest did not read SEQ.TXT back"
    grep -q "^diskwrite: $want_hello  /mnt/HELLO.TXT" "$log" && ok || bad "$what: the guest did not read HELLO.TXT back"
    grep -q "^diskwrite: dmesg: .*ata1.01: 65536 sectors" "$log" && ok || bad "$what: the kernel did not find the second disk"
    grep -q "^diskwrite: dmesg: .*ttyS1 at I/O 0x2f8 (irq = 3" "$log" && ok || bad "$what: no ttyS1 (COM2)"
    grep -q "^relic-com2: hello from ttyS1" "$tmp/$what.com2" && ok || bad "$what: COM2's file lacks the guest's line"
}

run write
[ "$after" != "$before" ] && ok || bad "write: the image did not change"
[ "$(mcopy -i "$tmp/hdb.img" ::SEQ.TXT - 2>/dev/null | md5sum | cut -d' ' -f1)" = "$want_seq" ] && ok \
    || bad "write: SEQ.TXT in the image does not hold the guest's bytes"
[ "$(mcopy -i "$tmp/hdb.img" ::HELLO.TXT - 2>/dev/null)" = "relic was here" ] && ok \
    || bad "write: HELLO.TXT in the image does not hold the guest's bytes"
[ "$fail" -eq 0 ] || tail -30 "$tmp/write.log"

f0=$fail
run snapshot -snapshot
[ "$after" = "$before" ] && ok || bad "snapshot: the image changed under -snapshot"
mcopy -i "$tmp/hdb.img" ::SEQ.TXT - >/dev/null 2>&1 && bad "snapshot: SEQ.TXT reached the image" || ok
[ "$fail" -eq "$f0" ] || tail -30 "$tmp/snapshot.log"

echo "boot-linux-disk: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
