#!/bin/sh
# Fetches the guest software relic's boot tests use, from Debian 12 (bookworm)
# i386, without adding i386 to the host's dpkg architectures: apt runs with
# its own lists and cache under the cache directory.
#
#   scripts/fetch-guests.sh [CACHE_DIR]      (default: $RELIC_GUESTS, else build/guests in the repo)
#
# Result (under CACHE_DIR):
#   vmlinuz            Debian 12 i386 kernel (linux-image-6.1.0-*-686), a bzImage
#   busybox            static i386 busybox (busybox-static)
#   memtest86+ia32.bin memtest86+ for 32-bit BIOS machines (plus the other files it ships, under memtest/)
#   isolinux/          isolinux.bin and the BIOS syslinux modules (ldlinux.c32 ...)
#   versions.txt       which package versions these came from
# Idempotent: a file already present is not fetched again (delete it to refresh).
set -eu

REPO=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${1:-${RELIC_GUESTS:-$REPO/build/guests}}
mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd)
APTDIR=$CACHE/apt
DEBS=$CACHE/debs
mkdir -p "$APTDIR/lists/partial" "$APTDIR/cache/archives/partial" "$DEBS"
: > "$APTDIR/status.empty"

say() { echo "fetch-guests: $*" >&2; }
die() { echo "fetch-guests: error: $*" >&2; exit 1; }

command -v apt-get >/dev/null || die "apt-get not found (a Debian/Ubuntu host is needed)"
command -v dpkg >/dev/null || die "dpkg not found"

# apt confined to the cache directory and to i386.
apt_i386() {
    apt-get -q \
        -o APT::Architecture=i386 -o APT::Architectures=i386 \
        -o Dir::State::Lists="$APTDIR/lists" \
        -o Dir::State::status="$APTDIR/status.empty" \
        -o Dir::Cache="$APTDIR/cache" \
        -o Debug::NoLocking=1 -o APT::Sandbox::User=root "$@"
}
cache_i386() {
    apt-cache \
        -o APT::Architecture=i386 -o APT::Architectures=i386 \
        -o Dir::State::Lists="$APTDIR/lists" \
        -o Dir::State::status="$APTDIR/status.empty" \
        -o Dir::Cache="$APTDIR/cache" "$@"
}

lists_ready=0
update_lists() {
    [ $lists_ready = 1 ] && return 0
    if ! ls "$APTDIR/lists/"*_Packages* >/dev/null 2>&1; then
        say "apt-get update (i386 lists in $APTDIR/lists)"
        # The security archive's index sometimes fails here; the main
        # archive's lists are enough, so only a total failure is fatal.
        apt_i386 update || say "apt-get update reported errors (continuing with what was fetched)"
        ls "$APTDIR/lists/"*_Packages* >/dev/null 2>&1 || die "no package lists fetched (network? sources.list?)"
    fi
    lists_ready=1
}

# download PKG -> prints the path of the .deb (in $DEBS)
download() {
    update_lists
    deb=$(ls "$DEBS/$1"_*_*.deb 2>/dev/null | head -n 1 || true)
    if [ -z "$deb" ]; then
        say "apt-get download $1"
        (cd "$DEBS" && apt_i386 download "$1" >&2) || die "could not download $1"
        deb=$(ls "$DEBS/$1"_*_*.deb 2>/dev/null | head -n 1 || true)
        [ -n "$deb" ] || die "download of $1 left no .deb in $DEBS"
    fi
    echo "$deb"
}

# extract PKG into DIR (once)
extract() {
    deb=$(download "$1")
    if [ ! -e "$2/.done" ]; then
        say "dpkg -x $(basename "$deb") $2"
        rm -rf "$2"
        mkdir -p "$2"
        dpkg -x "$deb" "$2" || die "dpkg -x $deb failed"
        touch "$2/.done"
    fi
    echo "$1 $(dpkg-deb -f "$deb" Version) $(dpkg-deb -f "$deb" Architecture)" >> "$CACHE/versions.new"
}

: > "$CACHE/versions.new"

# --- kernel: linux-image-686 is a metapackage; its dependency names the real one.
if [ ! -e "$CACHE/vmlinuz" ]; then
    update_lists
    kpkg=$(cache_i386 depends linux-image-686 2>/dev/null |
           sed -n 's/^ *Depends: *\(linux-image-[0-9][^ ]*-686\)$/\1/p' | head -n 1)
    [ -n "$kpkg" ] || die "cannot resolve linux-image-686 to a kernel package"
    say "linux-image-686 -> $kpkg"
    extract "$kpkg" "$CACHE/x/kernel" >/dev/null
    k=$(ls "$CACHE/x/kernel/boot/"vmlinuz-* | head -n 1)
    cp "$k" "$CACHE/vmlinuz"
    say "kernel: $CACHE/vmlinuz ($(basename "$k"))"
    grep "^$kpkg " "$CACHE/versions.new" > "$CACHE/kernel.version" || true
else
    say "kernel: $CACHE/vmlinuz already there"
    cat "$CACHE/kernel.version" >> "$CACHE/versions.new" 2>/dev/null || true
fi

# --- busybox (static, i386)
if [ ! -e "$CACHE/busybox" ]; then
    extract busybox-static "$CACHE/x/busybox" >/dev/null
    cp "$CACHE/x/busybox/bin/busybox" "$CACHE/busybox"
    say "busybox: $CACHE/busybox"
else
    say "busybox: $CACHE/busybox already there"
fi

# --- memtest86+ (Debian 12 ships memtest86+ia32.bin / x64.bin and EFI images in /boot)
if [ ! -e "$CACHE/memtest86+ia32.bin" ]; then
    extract memtest86+ "$CACHE/x/memtest" >/dev/null
    m=$(ls "$CACHE/x/memtest/boot/"*ia32*.bin 2>/dev/null | head -n 1 || true)
    [ -n "$m" ] || die "memtest86+ package has no ia32 .bin (contents: $(ls "$CACHE/x/memtest/boot"))"
    cp "$m" "$CACHE/memtest86+ia32.bin"
    rm -rf "$CACHE/memtest"
    cp -r "$CACHE/x/memtest/boot" "$CACHE/memtest"
    say "memtest86+: $CACHE/memtest86+ia32.bin"
else
    say "memtest86+: $CACHE/memtest86+ia32.bin already there"
fi

# --- isolinux + syslinux BIOS modules (both Architecture: all)
if [ ! -e "$CACHE/isolinux/isolinux.bin" ]; then
    extract isolinux "$CACHE/x/isolinux" >/dev/null
    extract syslinux-common "$CACHE/x/syslinux-common" >/dev/null
    mkdir -p "$CACHE/isolinux"
    cp "$CACHE/x/isolinux/usr/lib/ISOLINUX/isolinux.bin" "$CACHE/isolinux/"
    cp "$CACHE/x/syslinux-common/usr/lib/syslinux/modules/bios/"*.c32 "$CACHE/isolinux/"
    cp "$CACHE/x/syslinux-common/usr/lib/syslinux/mbr/"mbr.bin "$CACHE/isolinux/" 2>/dev/null || true
    say "isolinux: $CACHE/isolinux/"
else
    say "isolinux: $CACHE/isolinux/ already there"
fi

# Keep the record of versions across runs (a cached file keeps its version line).
if [ -e "$CACHE/versions.txt" ]; then
    cat "$CACHE/versions.txt" >> "$CACHE/versions.new"
fi
sort -u "$CACHE/versions.new" > "$CACHE/versions.txt"
rm -f "$CACHE/versions.new"
say "done; versions:"
sed 's/^/  /' "$CACHE/versions.txt"
