#!/bin/sh
# Builds a small initramfs (cpio newc, gzip) around a static i386 busybox,
# for booting test kernels on relic (or QEMU) with a serial console.
#
#   scripts/mkinitramfs.sh [-b BUSYBOX] [-k MODDIR] [-o OUT] [-s SCRIPT]
#     -b BUSYBOX  static busybox binary (default: $RELIC_GUESTS/busybox, else
#                 build/guests/busybox in the repo, from fetch-guests.sh)
#     -k MODDIR   the kernel's /lib/modules/VERSION (default: the one
#                 fetch-guests.sh unpacked, if any); the disk drivers
#                 (IDE/ATAPI, SCSI disk and CD, FAT, ISO 9660) and what they
#                 depend on are copied in, and `relic-disks` loads them
#     -o OUT      output file (default: $RELIC_GUESTS/initramfs.gz, else build/guests/initramfs.gz)
#     -s SCRIPT   also install SCRIPT as /etc/relic-cmd and run it by default instead of a shell
#
# What /init does: mounts proc, sysfs, devtmpfs; prints a banner; then
#   - kernel cmdline relic.cmd=test   runs /etc/relic-test (uname, cpuinfo, interrupts, poweroff)
#   - kernel cmdline relic.cmd=PATH   runs the script PATH from the initramfs
#   - else, with -s, runs /etc/relic-cmd
#   - else a shell on the console (setsid cttyhack sh: job control works),
#     and with console=tty0 on the command line one more on the VGA screen
#     (tty1); leaving the console's shell powers off.
# A script that returns powers the machine off too (poweroff -f), so QEMU or
# relic exits. Needs: sh, cpio, gzip, find (Debian base + cpio).
set -eu

REPO=$(cd "$(dirname "$0")/.." && pwd)
GUESTS=${RELIC_GUESTS:-$REPO/build/guests}
BUSYBOX=$GUESTS/busybox
MODDIR=$(ls -d "$GUESTS"/x/kernel/lib/modules/* 2>/dev/null | head -n 1)
OUT=$GUESTS/initramfs.gz
SCRIPT=
while getopts b:k:o:s: opt; do
    case $opt in
    b) BUSYBOX=$OPTARG ;;
    k) MODDIR=$OPTARG ;;
    o) OUT=$OPTARG ;;
    s) SCRIPT=$OPTARG ;;
    *) echo "usage: $0 [-b BUSYBOX] [-k MODDIR] [-o OUT] [-s SCRIPT]" >&2; exit 2 ;;
    esac
done

die() { echo "mkinitramfs: error: $*" >&2; exit 1; }
[ -f "$BUSYBOX" ] || die "no busybox at $BUSYBOX (run scripts/fetch-guests.sh, or pass -b)"
command -v cpio >/dev/null || die "cpio not found (apt-get install cpio)"
command -v gzip >/dev/null || die "gzip not found"
[ -z "$SCRIPT" ] || [ -f "$SCRIPT" ] || die "no script $SCRIPT"

ROOT=$(mktemp -d)
trap 'rm -rf "$ROOT"' EXIT
mkdir -p "$ROOT/bin" "$ROOT/sbin" "$ROOT/etc" "$ROOT/proc" "$ROOT/sys" "$ROOT/dev" \
         "$ROOT/tmp" "$ROOT/root" "$ROOT/usr/bin" "$ROOT/usr/sbin"
cp "$BUSYBOX" "$ROOT/bin/busybox"
chmod 755 "$ROOT/bin/busybox"
# Applet links are made at boot (busybox --install -s) so the image does not
# depend on the host being able to run an i386 binary.

cat > "$ROOT/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root TERM=${TERM:-vt100}
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null || mdev -s
mkdir -p /dev/pts && mount -t devpts devpts /dev/pts 2>/dev/null
echo
echo "relic initramfs: $(uname -sr) on $(uname -m), busybox $(busybox | head -n 1 | cut -d' ' -f2)"
cmd=
for arg in $(cat /proc/cmdline); do
    case $arg in relic.cmd=*) cmd=${arg#relic.cmd=} ;; esac
done
case $cmd in
"") [ -x /etc/relic-cmd ] && cmd=/etc/relic-cmd ;;
/*) ;;
*) cmd=/etc/relic-$cmd ;;
esac
if [ -n "$cmd" ]; then
    echo "relic initramfs: running $cmd"
    sh "$cmd"
    echo "relic initramfs: $cmd exited with $?"
else
    echo "relic initramfs: shell on the console (exit to power off)"
    # with the VGA console too (console=tty0), a second shell on the screen
    if grep -q 'console=tty0' /proc/cmdline && [ -c /dev/tty1 ]; then
        setsid -c sh -l </dev/tty1 >/dev/tty1 2>&1 &
    fi
    setsid cttyhack sh -l
fi
sync
poweroff -f
EOF
chmod 755 "$ROOT/init"

cat > "$ROOT/etc/relic-test" <<'EOF'
# The standard relic boot check: identify the machine, then power off.
uname -a
cat /proc/cpuinfo
cat /proc/interrupts
echo "relic-test: done"
poweroff -f
EOF
chmod 755 "$ROOT/etc/relic-test"

# Disk drivers: the Debian kernel builds libata, SCSI disk/CD and the file
# systems as modules. They are copied with what they depend on (the
# "depends=" of each module's .modinfo, and the crypto "softdep"s that have
# a generic implementation), in an order where every module follows its
# dependencies, and loaded on demand by relic-disks: probing costs boot time.
DISK_MODULES="crct10dif_generic crc64_rocksoft_generic ata_piix sd_mod sr_mod vfat nls_cp437 nls_ascii isofs"
modinfo_field() { # KO FIELD -> values, one per line
    tr '\000' '\n' < "$1" | sed -n "s/^$2=//p" | tr ', ' '\n\n' | sed '/^$/d; /^pre:$/d; /^post:$/d'
}
ko_path() { # module name -> its file ('-' and '_' are the same in names)
    grep -m 1 "/$(echo "$1" | tr '-' '_')\.ko|" "$KOMAP" | cut -d'|' -f2 || true
}
add_module() { # NAME [soft]: its dependencies first, then itself (recursive:
               # no variable may be relied on across the inner calls)
    # a soft dependency may name an alias (crct10dif): DISK_MODULES lists those
    [ -n "$(ko_path "$1")" ] || { [ -n "${2:-}" ] || echo "mkinitramfs: note: no module $1 in $MODDIR" >&2; return 0; }
    grep -qx "$(basename "$(ko_path "$1")")" "$ROOT/lib/modules/order" && return 0
    for dep in $(modinfo_field "$(ko_path "$1")" depends); do add_module "$dep"; done
    for dep in $(modinfo_field "$(ko_path "$1")" softdep); do add_module "$dep" soft; done
    cp "$(ko_path "$1")" "$ROOT/lib/modules/"
    basename "$(ko_path "$1")" >> "$ROOT/lib/modules/order"
}
if [ -n "$MODDIR" ] && [ -d "$MODDIR/kernel" ]; then
    mkdir -p "$ROOT/lib/modules"
    : > "$ROOT/lib/modules/order"
    # "normalised name|file": crc-t10dif.ko is found as crc_t10dif
    KOMAP=$(mktemp)
    find "$MODDIR/kernel" -name '*.ko' | awk -F/ '{ n = $NF; gsub("-", "_", n); print "/" n "|" $0 }' \
        | LC_ALL=C sort > "$KOMAP"
    for m in $DISK_MODULES; do add_module "$m"; done
    rm -f "$KOMAP"
    echo "mkinitramfs: $(wc -l < "$ROOT/lib/modules/order") disk driver modules from $MODDIR"
fi
cat > "$ROOT/bin/relic-disks" <<'EOF2'
#!/bin/sh
# Loads the disk drivers (IDE disks and CD-ROMs, FAT, ISO 9660): then
# -hda.. appear as /dev/sda.., -cdrom as /dev/sr0.
[ -f /lib/modules/order ] || { echo "relic-disks: no modules in this initramfs" >&2; exit 1; }
while read -r m; do
    grep -q "^$(basename "$m" .ko | tr '-' '_') " /proc/modules || insmod "/lib/modules/$m" || exit 1
done < /lib/modules/order
# libata probes its channels in the background: a scan through sysfs waits
# until the probe is done, so the disks exist when this returns
for scan in /sys/class/scsi_host/host*/scan; do
    [ -e "$scan" ] && echo "- - -" > "$scan"
done
mdev -s 2>/dev/null
EOF2
chmod 755 "$ROOT/bin/relic-disks"

if [ -n "$SCRIPT" ]; then
    cp "$SCRIPT" "$ROOT/etc/relic-cmd"
    chmod 755 "$ROOT/etc/relic-cmd"
fi
echo 'root:x:0:0:root:/root:/bin/sh' > "$ROOT/etc/passwd"
echo 'root:x:0:' > "$ROOT/etc/group"
echo 'export PS1="relic# "' > "$ROOT/etc/profile"

mkdir -p "$(dirname "$OUT")"
OUTABS=$(cd "$(dirname "$OUT")" && pwd)/$(basename "$OUT")
# Device nodes the kernel needs before devtmpfs is mounted are created by
# the kernel itself (CONFIG_DEVTMPFS); owner root for every file.
(cd "$ROOT" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip -9 > "$OUTABS")
echo "mkinitramfs: wrote $OUT ($(wc -c < "$OUTABS") bytes)"
