#!/bin/sh
# The interpreter stays portable: builds the emulator core (-Dcore_only=true:
# src/mmu, src/cpu, src/jit, src/devices, all with -Werror) for other hosts
# with Debian's cross compilers and runs its portable tests there under
# qemu-user: every recorded CPU vector (suite cpu) and the unit tests that
# need nothing host-specific (suite unit). s390x is big-endian; aarch64 is
# little-endian but has no translator backend.
#
#   scripts/cross-test.sh [TARGET...]     (default: s390x aarch64)
#
# Per target: build-cross/TARGET/sysroot holds the target's zlib from its
# Debian package (apt confined to build-cross/TARGET/apt, the host's dpkg
# architectures left alone); build-TARGET is the meson build with the cross
# file build-cross/TARGET/cross.ini (exe_wrapper: qemu-TARGET-static), and
# its meson-logs/testlog.json names each test after the target
# (s390x/vectors-alu). Idempotent: what is there is
# reused (rm -rf build-cross build-s390x build-aarch64 starts over). The
# compilers and qemu-user come from scripts/setup.sh's package list.
set -eu
cd "$(dirname "$0")/.."

say() { echo "cross-test: $*" >&2; }
die() { echo "cross-test: error: $*" >&2; exit 1; }

# target -> Debian architecture, GNU triplet, byte order
target_info() {
    case $1 in
    s390x)   echo "s390x s390x-linux-gnu big" ;;
    aarch64) echo "arm64 aarch64-linux-gnu little" ;;
    *) die "unknown target $1 (s390x or aarch64)" ;;
    esac
}

# apt for architecture $ARCH with its own lists and cache under $APTDIR
apt_target() {
    apt-get -q \
        -o APT::Architecture="$ARCH" -o APT::Architectures="$ARCH" \
        -o Dir::State::Lists="$APTDIR/lists" \
        -o Dir::State::status="$APTDIR/status.empty" \
        -o Dir::Cache="$APTDIR/cache" \
        -o Debug::NoLocking=1 -o APT::Sandbox::User=root "$@"
}

# The target's zlib (zlib.h, libz.a, zlib.pc) unpacked into $SYSROOT.
fetch_zlib() {
    [ -e "$SYSROOT/.done" ] && return 0
    mkdir -p "$APTDIR/lists/partial" "$APTDIR/cache/archives/partial" "$APTDIR/debs"
    : > "$APTDIR/status.empty"
    if ! ls "$APTDIR/lists/"*_Packages* >/dev/null 2>&1; then
        say "apt-get update ($ARCH lists in $APTDIR/lists)"
        # The security archive's index sometimes fails here; the main
        # archive's lists are enough, so only a total failure is fatal.
        apt_target update >/dev/null || say "apt-get update reported errors (continuing with what was fetched)"
        ls "$APTDIR/lists/"*_Packages* >/dev/null 2>&1 || die "no $ARCH package lists fetched (network? sources.list?)"
    fi
    rm -f "$APTDIR/debs/"*.deb
    (cd "$APTDIR/debs" && apt_target download "zlib1g:$ARCH" "zlib1g-dev:$ARCH" >/dev/null) ||
        die "could not download zlib1g and zlib1g-dev for $ARCH"
    rm -rf "$SYSROOT"
    mkdir -p "$SYSROOT"
    for deb in "$APTDIR/debs/"*.deb; do
        dpkg -x "$deb" "$SYSROOT" || die "dpkg -x $deb failed"
        say "$(basename "$deb") -> $SYSROOT"
    done
    [ -e "$SYSROOT/usr/lib/$TRIPLET/libz.a" ] || die "zlib1g-dev for $ARCH has no usr/lib/$TRIPLET/libz.a"
    touch "$SYSROOT/.done"
}

# The meson cross file, rewritten only when it changes (ninja then runs
# meson again by itself). Static linking: qemu-user needs no target libraries
# at run time. -isystem puts the target's zlib.h ahead of the host's
# /usr/include, which Debian's cross compilers also search.
write_cross_file() {
    cat > "$CROSS.new" <<EOF
[binaries]
c = '$TRIPLET-gcc'
ar = '$TRIPLET-ar'
strip = '$TRIPLET-strip'
pkgconfig = 'pkg-config'
exe_wrapper = ['qemu-$CPU-static']

[properties]
sys_root = '$SYSROOT'
pkg_config_libdir = ['$SYSROOT/usr/lib/$TRIPLET/pkgconfig']

[built-in options]
c_args = ['-isystem', '$SYSROOT/usr/include']
c_link_args = ['-static']

[host_machine]
system = 'linux'
cpu_family = '$CPU'
cpu = '$CPU'
endian = '$ENDIAN'
EOF
    if cmp -s "$CROSS.new" "$CROSS"; then rm "$CROSS.new"; else mv "$CROSS.new" "$CROSS"; fi
}

# Sets BUILD; fetches, sets up (once) and builds the core for target $1.
build_target() {
    info=$(target_info "$1") || exit 1
    # shellcheck disable=SC2086   # the fields, split on purpose
    set -- "$1" $info
    CPU=$1 ARCH=$2 TRIPLET=$3 ENDIAN=$4
    BUILD=build-$CPU
    SYSROOT=$PWD/build-cross/$CPU/sysroot
    APTDIR=$PWD/build-cross/$CPU/apt
    CROSS=$PWD/build-cross/$CPU/cross.ini
    # a log left by an earlier run must not stand in for this one's
    rm -f "$BUILD/meson-logs/testlog.json"
    for tool in "$TRIPLET-gcc" "qemu-$CPU-static" apt-get dpkg pkg-config meson ninja; do
        command -v "$tool" >/dev/null || die "$tool not found (scripts/setup.sh --no-run installs it)"
    done
    fetch_zlib
    write_cross_file
    if [ ! -f "$BUILD/build.ninja" ]; then
        say "meson setup $BUILD"
        rm -rf "$BUILD"
        meson setup "$BUILD" --cross-file "$CROSS" -Dcore_only=true >/dev/null ||
            die "meson setup $BUILD failed"
    fi
    ninja -C "$BUILD" > "$BUILD/ninja.log" 2>&1 || { cat "$BUILD/ninja.log"; die "the build for $CPU failed"; }
}

jobs=$(nproc 2>/dev/null || echo 2)
status=0
[ $# -gt 0 ] || set -- s390x aarch64
for t in "$@"; do
    start=$(date +%s)
    build_target "$t"
    built=$(date +%s)
    meson test -C "$BUILD" --num-processes "$jobs" --print-errorlogs || status=1
    say "$CPU: built in $((built - start)) s, tests ran in $(($(date +%s) - built)) s"
done
exit $status
