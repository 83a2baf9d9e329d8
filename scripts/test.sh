#!/bin/sh
# relic's whole test suite: set-up (install + build, no guest run), the
# meson suite (unit tests, reference vectors, test ROMs), the unit tests
# again under AddressSanitizer + UndefinedBehaviorSanitizer, and the core
# cross-built for s390x and aarch64 with every reference vector and the
# portable unit tests run there under qemu-user (scripts/cross-test.sh).
set -eu
cd "$(dirname "$0")/.."
scripts/setup.sh --no-run

jobs=$(nproc 2>/dev/null || echo 2)
status=0
meson test -C build --num-processes "$jobs" --print-errorlogs || status=1

if [ ! -f build-asan/build.ninja ]; then
    meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug >/dev/null
fi
ninja -C build-asan >/dev/null
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    meson test -C build-asan --suite unit --num-processes "$jobs" --print-errorlogs || status=1

scripts/cross-test.sh || status=1

python3 scripts/summary.py build/meson-logs/testlog.json build-asan/meson-logs/testlog.json \
    build-s390x/meson-logs/testlog.json build-aarch64/meson-logs/testlog.json
exit $status
