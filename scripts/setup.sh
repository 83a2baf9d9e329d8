#!/bin/sh
# relic set-up: installs what relic needs from Debian's packages (idempotent),
# builds into build/, and boots the default guest (Linux to a shell).
#   scripts/setup.sh            install, build, boot the default guest
#   scripts/setup.sh --no-run   install and build only
set -eu
cd "$(dirname "$0")/.."

PKGS="bc xorriso cpio syslinux mtools dosfstools build-essential meson ninja-build pkg-config nasm python3 libsdl2-dev zlib1g-dev libcapstone-dev seabios qemu-system-x86 xvfb xdotool x11-apps"
# scripts/cross-test.sh: the core built for s390x and aarch64, run under qemu-user
PKGS="$PKGS gcc-s390x-linux-gnu libc6-dev-s390x-cross gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user-static"

missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "relic setup: installing:$missing"
    if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

if [ ! -f build/build.ninja ]; then
    meson setup build >/dev/null
fi
ninja -C build >/dev/null
echo "relic setup: built build/relic"

[ "${1:-}" = "--no-run" ] && exit 0
# The default guest: Debian 12's i386 kernel with a busybox initramfs,
# fetched from Debian's packages, booting through SeaBIOS to a shell on the
# serial console in this terminal, and when there is a display, another on
# the VGA screen in relic's window. Leaving the terminal's shell (exit)
# powers it off.
scripts/fetch-guests.sh
[ build/guests/initramfs.gz -nt scripts/mkinitramfs.sh ] || scripts/mkinitramfs.sh
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    exec build/relic -kernel build/guests/vmlinuz -initrd build/guests/initramfs.gz \
        -append "console=tty0 console=ttyS0 quiet" -m 256
fi
exec build/relic -kernel build/guests/vmlinuz -initrd build/guests/initramfs.gz \
    -append "console=ttyS0 quiet" -nographic -m 256
