#!/bin/sh
# FreeDOS (kernel + FreeCOM, 1.44 MB floppy from ../shared/guests) boots
# through SeaBIOS and the 82077 floppy controller to its A:\> prompt, read
# headless from the VGA text screen through the monitor (screentext); then
# `ver` typed with sendkey (8042 keyboard, BIOS INT 16h) prints FreeCOM's
# version; `sendkey a 1000` shows the keyboard's typematic repeat.
# -snapshot leaves the image untouched; the monitor's `info status` names
# the engine. Run under the interpreter (-accel interp), and on x86-64
# hosts once more on the default engine, the translator (16-bit code: its
# helpers).
#   boot-freedos.sh RELIC SOURCE_ROOT
relic=$1 img=$2/../shared/guests/freedos-kernel-freecom-1440k.img
if [ ! -f "$img" ]; then echo "SKIP: $img not found (../shared is absent)"; exit 77; fi
if [ ! -f /usr/share/seabios/bios.bin ]; then echo "SKIP: SeaBIOS not installed"; exit 77; fi
before=$(sha256sum <"$img")
# dos [relic options]: the session above, with those options added
dos() {
python3 - "$relic" "$img" "$@" <<'PYEOF'
import os, select, subprocess, sys, time
relic, img, extra = sys.argv[1], sys.argv[2], sys.argv[3:]
want = "interpreter" if "interp" in extra or os.uname().machine != "x86_64" else "translator"
p = subprocess.Popen([relic, "-fda", img, "-boot", "a", "-display", "none", "-serial", "null",
                      "-snapshot", "-monitor", "stdio"] + extra,
                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
buf = b""
def reply():
    """What the monitor says up to its next prompt."""
    global buf
    end = time.monotonic() + 10
    while b"(relic) " not in buf and time.monotonic() < end:
        if select.select([p.stdout], [], [], 1)[0]:
            data = os.read(p.stdout.fileno(), 65536)
            if not data: break
            buf += data
    out, _, buf = buf.partition(b"(relic) ")
    return out.decode("utf-8", "replace")
def command(line):
    """Runs a monitor command; returns its output."""
    p.stdin.write(line.encode() + b"\n"); p.stdin.flush()
    return reply()
def wait_screen(text, seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        screen = command("screentext")
        if text in screen: return screen
        time.sleep(0.5)
    print(screen); return None
reply()                                       # the banner and first prompt
ok = 0
status = command("info status").strip()
print("engine:", " ".join(extra) or "default", "->", status)
if status == "VM status: running (%s)" % want: ok += 1
else: print("FAIL: info status, wanted the", want)
screen = wait_screen("A:\\>", 20)
if screen: ok += 1
else: print("FAIL: no A:\\> prompt on the text screen")
for key in ("v", "e", "r", "ret"):
    command("sendkey " + key)
screen = wait_screen("FreeCom version", 10)
if screen: ok += 1
else: print("FAIL: `ver` typed through sendkey printed no version")
print(screen or "")
# Held for 1 s, A repeats (typematic 0x2b: after 500 ms, every 91.74 ms)
# six times before its release: seven a's at the prompt. The exact timing
# is the unit test's (test_i8042); a host stall on a loaded machine may
# cost a repeat here, so this checks that the key repeated at all.
command("sendkey a 1000")
time.sleep(1.5)
screen = wait_screen("A:\\>aaaa", 5) or ""
typed = [l.rstrip() for l in screen.splitlines() if l.startswith("A:\\>")]
if typed and 4 <= len(typed[-1]) - 4 <= 7 and set(typed[-1][4:]) == {"a"}: ok += 1
else: print("FAIL: sendkey a 1000 typed", typed[-1:] or "nothing")
command("quit")
st = p.wait(timeout=10)
if st == 0: ok += 1
else: print("FAIL: quit: status", st)
print("%d passed, %d failed" % (ok, 5 - ok))
sys.exit(ok != 5)
PYEOF
}
dos -accel interp || exit 1
if [ "$(uname -m)" = x86_64 ]; then dos || exit 1; fi
if [ "$(sha256sum <"$img")" != "$before" ]; then echo "FAIL: the image changed under -snapshot"; exit 1; fi
