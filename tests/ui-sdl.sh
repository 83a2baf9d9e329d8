#!/bin/sh
# The SDL window, on a private Xvfb server: FreeDOS (from ../shared/guests,
# through SeaBIOS) boots in a window relic opens by itself because DISPLAY
# is set; keys typed into the window with xdotool reach the guest (`ver`
# prints FreeCOM's version) while Ctrl-Alt-G stays with the host (title);
# the window shows the picture of the monitor's screendump at 4:3 (720x400
# text in 720x540), letterboxed when the window has another shape; the
# title names the engine (the default: the translator on x86-64 hosts) and
# shows stop; closing the window as a window manager does
# (WM_DELETE_WINDOW) ends relic with status 0. Without a display,
# -display sdl fails in one line with status 1.
#   ui-sdl.sh RELIC SOURCE_ROOT
relic=$1 img=$2/../shared/guests/freedos-kernel-freecom-1440k.img
for tool in Xvfb xdotool xwd; do
    if ! command -v $tool >/dev/null; then
        echo "SKIP: $tool not installed (scripts/setup.sh installs xvfb xdotool x11-apps)"; exit 77
    fi
done
if [ ! -f "$img" ]; then echo "SKIP: $img not found (../shared is absent)"; exit 77; fi
if [ ! -f /usr/share/seabios/bios.bin ]; then echo "SKIP: SeaBIOS not installed"; exit 77; fi
exec python3 - "$relic" "$img" <<'PYEOF'
import os, shutil, socket, struct, subprocess, sys, tempfile, time
relic, img = sys.argv[1:3]
TITLE = "relic (%s)" % ("translator" if os.uname().machine == "x86_64" else "interpreter")
tmp = tempfile.mkdtemp(prefix="relic-ui-")
ok = failed = 0

def check(cond, what):
    global ok, failed
    if cond: ok += 1
    else:
        failed += 1
        print("FAIL:", what)
    return cond

# ---- a private X server ----

def start_xvfb():
    """Xvfb on the first free display number from 90; (process, number)."""
    for n in range(90, 200):
        if os.path.exists("/tmp/.X11-unix/X%d" % n) or os.path.exists("/tmp/.X%d-lock" % n):
            continue
        x = subprocess.Popen(["Xvfb", ":%d" % n, "-screen", "0", "1024x768x24", "-nolisten", "tcp"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        end = time.monotonic() + 10
        while x.poll() is None and time.monotonic() < end:
            if os.path.exists("/tmp/.X11-unix/X%d" % n): return x, n
            time.sleep(0.1)
        x.kill(); x.wait()                # lost a race for n, or too slow: try the next
    sys.exit("FAIL: could not start Xvfb")

def x11_close(display, win):
    """Asks win to close as a window manager does: a WM_DELETE_WINDOW
    client message, sent with a few raw X11 requests."""
    s = socket.socket(socket.AF_UNIX)
    s.connect("/tmp/.X11-unix/X%d" % display)
    def recv(n):
        b = b""
        while len(b) < n:
            c = s.recv(n - len(b))
            if not c: raise OSError("X server closed the connection")
            b += c
        return b
    s.sendall(struct.pack("<BxHHHHxx", ord("l"), 11, 0, 0, 0))
    head = recv(8)
    if head[0] != 1: raise OSError("X server refused the connection")
    recv(struct.unpack("<H", head[6:8])[0] * 4)
    def atom(name):
        n = name.encode(); pad = -len(n) % 4
        s.sendall(struct.pack("<BBHHxx", 16, 0, 2 + (len(n) + pad) // 4, len(n)) + n + b"\0" * pad)
        return struct.unpack("<I", recv(32)[8:12])[0]
    protocols, delete = atom("WM_PROTOCOLS"), atom("WM_DELETE_WINDOW")
    event = struct.pack("<BBHII5I", 33, 32, 0, win, protocols, delete, 0, 0, 0, 0)
    s.sendall(struct.pack("<BBHII", 25, 0, 11, win, 0) + event)
    s.sendall(struct.pack("<BxH", 43, 1))  # GetInputFocus: its reply means the event went out
    recv(32)
    s.close()

# ---- pictures: XWD from the window, PPM from the monitor ----

def read_xwd(data):
    """(width, height, rows of 0xRRGGBB) from an XWD file of a TrueColor window."""
    f = struct.unpack(">25I", data[:100])
    header, w, h, byte_order, bpp, bpl, ncolors = f[0], f[4], f[5], f[7], f[11], f[12], f[19]
    if bpp != 32: sys.exit("FAIL: xwd gave %d bits a pixel, the test reads 32" % bpp)
    masks = f[14:17]
    shifts = [(m & -m).bit_length() - 1 for m in masks]
    off, e = header + ncolors * 12, "<" if byte_order == 0 else ">"
    rows = []
    for y in range(h):
        row = struct.unpack(e + "%dI" % w, data[off + y * bpl: off + y * bpl + w * 4])
        rows.append([(((p & masks[0]) >> shifts[0]) << 16) | (((p & masks[1]) >> shifts[1]) << 8)
                     | ((p & masks[2]) >> shifts[2]) for p in row])
    return w, h, rows

def read_ppm(path):
    data = open(path, "rb").read()
    fields, pos = [], 0
    while len(fields) < 4:                 # P6 width height maxval, no comments from relic
        while data[pos:pos + 1].isspace(): pos += 1
        start = pos
        while not data[pos:pos + 1].isspace(): pos += 1
        fields.append(data[start:pos])
    pos += 1
    w, h = int(fields[1]), int(fields[2])
    px = data[pos:]
    return w, h, [[(px[3 * (y * w + x)] << 16) | (px[3 * (y * w + x) + 1] << 8) | px[3 * (y * w + x) + 2]
                   for x in range(w)] for y in range(h)]

def luma(p):
    return ((p >> 16) * 3 + ((p >> 8) & 255) * 6 + (p & 255)) / 10

def mean(rows, x0, y0, x1, y1):
    total = sum(luma(p) for row in rows[y0:y1] for p in row[x0:x1])
    return total / max(1, (x1 - x0) * (y1 - y0))

def compare(win, ppm, cols, lines):
    """Compares the window with the screendump cell by cell (text cells of
    the 80x25 screen), where the frame should appear at 4:3, centred;
    returns (worst difference of a cell's mean brightness, cells with
    text, brightest pixel in the bars), brightness on a 0..255 scale."""
    ww, wh, wrows = win
    fw, fh, frows = ppm
    pw, ph = (wh * 4 // 3, wh) if ww * 3 > wh * 4 else (ww, ww * 3 // 4)
    px, py = (ww - pw) // 2, (wh - ph) // 2
    worst, text = 0, 0
    for r in range(lines):
        for c in range(cols):
            fx0, fx1 = c * fw // cols, (c + 1) * fw // cols
            fy0, fy1 = r * fh // lines, (r + 1) * fh // lines
            want = mean(frows, fx0, fy0, fx1, fy1)
            got = mean(wrows, px + fx0 * pw // fw, py + fy0 * ph // fh, px + fx1 * pw // fw, py + fy1 * ph // fh)
            worst = max(worst, abs(want - got))
            text += want > 10
    bars = [p for row in wrows for p in row[:px] + row[px + pw:]] + \
           [p for row in wrows[:py] + wrows[py + ph:] for p in row]
    return worst, text, max((luma(p) for p in bars), default=0)

# ---- relic and its monitor ----

class Monitor:
    def __init__(self, path):
        end = time.monotonic() + 10
        while not os.path.exists(path) and time.monotonic() < end: time.sleep(0.1)
        self.s = socket.socket(socket.AF_UNIX)
        self.s.connect(path)
        self.s.settimeout(10)
        self.buf = b""
        self.command(None)
    def command(self, line):
        if line is not None: self.s.sendall(line.encode() + b"\n")
        while b"(relic) " not in self.buf:
            data = self.s.recv(65536)
            if not data: break
            self.buf += data
        out, _, self.buf = self.buf.partition(b"(relic) ")
        return out.decode("utf-8", "replace")
    def wait_screen(self, text, seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            screen = self.command("screentext")
            if text in screen: return screen
            time.sleep(0.3)
        print(screen)
        return None

def xdo(*args):
    return subprocess.run(["xdotool"] + list(args), capture_output=True, text=True, timeout=20).stdout.strip()

def capture(win):
    return read_xwd(subprocess.run(["xwd", "-id", win, "-silent"], capture_output=True, timeout=20).stdout)

def title_is(win, want, seconds=3):
    end = time.monotonic() + seconds
    while xdo("getwindowname", win) != want and time.monotonic() < end: time.sleep(0.1)
    got = xdo("getwindowname", win)
    return check(got == want, "title '%s', wanted '%s'" % (got, want))

def no_display_fails():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER")}
    r = subprocess.run([relic, "-display", "sdl", "-serial", "null"], env=env, capture_output=True, text=True, timeout=20)
    lines = r.stderr.splitlines()
    check(r.returncode == 1 and len(lines) == 1 and lines[0].startswith("relic: cannot open a window"),
          "-display sdl without a display: status %d, stderr %r" % (r.returncode, r.stderr))

def run(display):
    sock = os.path.join(tmp, "monitor.sock")
    os.environ["DISPLAY"] = ":%d" % display      # for relic, xdotool and xwd
    for var in ("WAYLAND_DISPLAY", "SDL_VIDEODRIVER"): os.environ.pop(var, None)
    # no -display: with DISPLAY set relic opens its window, as QEMU does
    p = subprocess.Popen([relic, "-fda", img, "-boot", "a", "-snapshot", "-serial", "null",
                          "-monitor", "unix:%s,server,nowait" % sock],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        mon = Monitor(sock)
        if not check(mon.wait_screen("A:\\>", 30), "no A:\\> prompt"): return p
        win = xdo("search", "--sync", "--limit", "1", "--name", "^relic")
        if not check(win, "no window named relic"): return p
        title_is(win, TITLE)
        xdo("windowmove", "--sync", win, "0", "0")
        xdo("windowfocus", "--sync", win)

        # keys: Ctrl-Alt-G is the host's (grab), `ver` is the guest's
        xdo("key", "ctrl+alt+g")
        title_is(win, TITLE + " - press Ctrl-Alt-G to release the mouse")
        xdo("key", "ctrl+alt+g")
        title_is(win, TITLE)
        xdo("key", "--delay", "80", "v", "e", "r", "Return")
        screen = mon.wait_screen("FreeCom version", 10)
        check(screen, "`ver` typed into the window printed no version")
        check(screen and "A:\\>ver" in screen, "the prompt line is not 'A:\\>ver' (a host key leaked?)")

        # the picture: text mode 720x400 fills a 720x540 window (4:3)
        time.sleep(0.5)
        ppm_path = os.path.join(tmp, "screen.ppm")
        mon.command("screendump " + ppm_path)
        ppm = read_ppm(ppm_path)
        check(ppm[:2] == (720, 400), "screendump is %dx%d, not 720x400" % ppm[:2])
        shot = capture(win)
        check(shot[:2] == (720, 540), "window is %dx%d, not 720x540" % shot[:2])
        worst, text, bars = compare(shot, ppm, 80, 25)
        check(text >= 20 and worst < 24, "window differs from the screendump: worst cell %.1f, %d text cells" % (worst, text))

        # another shape: the picture keeps 4:3 between black bars
        xdo("windowsize", "--sync", win, "800", "400")
        time.sleep(0.5)
        shot = capture(win)
        worst, text, bars = compare(shot, ppm, 80, 25)
        check(shot[:2] == (800, 400) and worst < 24 and bars < 8,
              "800x400 window: %dx%d, worst cell %.1f, bars up to %.1f" % (shot[0], shot[1], worst, bars))

        mon.command("stop")
        title_is(win, TITLE + " - paused")
        mon.command("cont")
        title_is(win, TITLE)

        x11_close(display, int(win))
        st = p.wait(timeout=15)
        check(st == 0, "closing the window: status %s" % st)
    finally:
        if p.poll() is None: p.kill(); p.wait()
    return p

no_display_fails()
xvfb, display = start_xvfb()
try:
    p = run(display)
    err = p.stderr.read().decode("utf-8", "replace")
    if failed and err: print("relic's stderr:\n" + err)
finally:
    xvfb.terminate(); xvfb.wait()
    shutil.rmtree(tmp, ignore_errors=True)
print("%d passed, %d failed" % (ok, failed))
sys.exit(1 if failed else 0)
PYEOF
