#!/bin/sh
# Runs a self-checking test ROM headless. The ROM reports through
# isa-debug-exit at 0xf4: value 0 (exit status 1) is a pass, value n
# (status 2n+1) names the failing check. Anything else is a failure.
#   run-rom.sh RELIC ROM [extra relic options]
relic=$1 rom=$2
shift 2
timeout 60 "$relic" -bios "$rom" -display none -serial null -m 32 \
    -device isa-debug-exit,iobase=0xf4 "$@"
st=$?
if [ "$st" -eq 1 ]; then
    exit 0
fi
if [ "$st" -eq 124 ]; then
    echo "FAIL: $rom timed out" >&2
elif [ $((st & 1)) -eq 1 ]; then
    echo "FAIL: $rom reported failing check $(( (st - 1) / 2 ))" >&2
else
    echo "FAIL: $rom exited with status $st" >&2
fi
exit 1
