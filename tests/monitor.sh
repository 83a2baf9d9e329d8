#!/bin/sh
# The human monitor: -monitor stdio, -monitor unix:...,server and the
# -nographic stdio mux, driven like a user would, against a guest that
# idles (tests/roms/dev/idle.asm: a line on the text screen, COM1 echo).
# `info status` and `info jit` under both engines: the default (the
# translator on x86-64 hosts) and -accel interp.
#   monitor.sh RELIC IDLE_ROM
exec python3 - "$@" <<'PYEOF'
import os, re, select, shutil, socket, subprocess, sys, tempfile, time

relic, rom = sys.argv[1:3]
default_engine = b"translator" if os.uname().machine == "x86_64" else b"interpreter"
tmp = tempfile.mkdtemp()
failures = []
PROMPT = b"(relic) "

def check(ok, what, got=b""):
    if not ok:
        failures.append(what)
        print("FAIL: %s; got %r" % (what, got[-600:]))

class Conn:
    """Reads what relic says until an expected string shows up."""
    def __init__(self, rfd, send):
        self.rfd, self.send, self.buf = rfd, send, b""
    def expect(self, text, timeout=10):
        end = time.monotonic() + timeout
        while text not in self.buf:
            left = end - time.monotonic()
            if left <= 0 or not select.select([self.rfd], [], [], left)[0]:
                got, self.buf = self.buf, b""
                return got, False
            data = os.read(self.rfd, 4096)
            if not data:
                break
            self.buf += data
        i = self.buf.find(text)
        if i < 0:
            got, self.buf = self.buf, b""
            return got, False
        got, self.buf = self.buf[:i + len(text)], self.buf[i + len(text):]
        return got, True
    def cmd(self, line):
        """Sends a command line; returns its output, up to the next prompt."""
        self.send(line.encode() + b"\n")
        got, ok = self.expect(PROMPT)
        check(ok, "prompt after %r" % line, got)
        return got

def start(*args):
    return subprocess.Popen([relic, "-bios", rom, "-display", "none", *args],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

def finish(p, what):
    try:
        st = p.wait(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
        st = "timeout"
    err = p.stderr.read()
    check(st == 0, "%s: exit status %s" % (what, st), err)

def pipe_conn(p):
    def send(b):
        p.stdin.write(b)
        p.stdin.flush()
    return Conn(p.stdout.fileno(), send)

def commands(c, label):
    out = c.cmd("info registers")
    check(b"EIP=" in out and b"CR0=" in out, label + ": info registers", out)
    out = c.cmd("xp /4xb 0xb8000")
    check(b"00000000000b8000: 0x72 0x07 0x65 0x07\n" in out, label + ": xp /4xb", out)
    out = c.cmd("x/2xh 0xb8000")
    check(b"000b8000: 0x0772 0x0765\n" in out, label + ": x/2xh", out)
    out = c.cmd("x /3c 0xb8000")
    check(b"000b8000: 'r' '\\x07' 'e'\n" in out, label + ": x /3c", out)
    out = c.cmd("screentext")
    check(out.startswith(b"relic monitor test\n"), label + ": screentext", out)
    path = os.path.join(tmp, label + ".txt")
    c.cmd("screentext " + path)
    check(os.path.exists(path) and open(path, "rb").read().startswith(b"relic monitor test\n"),
          label + ": screentext FILE")
    ppm = os.path.join(tmp, label + ".ppm")
    out = c.cmd("screendump " + ppm)
    data = open(ppm, "rb").read() if os.path.exists(ppm) else b""
    head = data.split(b"\n", 3)
    ok = len(head) == 4 and head[0] == b"P6" and head[2] == b"255"
    if ok:
        w, h = map(int, head[1].split())
        ok = w > 0 and h > 0 and len(head[3]) == w * h * 3
    check(ok, label + ": screendump writes a PPM", out + data[:40])
    c.cmd("stop")
    out = c.cmd("info status")
    check(b"VM status: paused (" + default_engine + b")\n" in out, label + ": stop", out)
    out = c.cmd("info registers")
    check(b"EIP=" in out, label + ": registers while paused", out)
    c.cmd("cont")
    out = c.cmd("info status")
    check(b"VM status: running (" + default_engine + b")\n" in out, label + ": cont", out)
    out = c.cmd("info version")
    check(out[:1].isdigit(), label + ": info version", out)
    out = c.cmd("sendkey ctrl-alt-delete")
    check(out == PROMPT, label + ": sendkey", out)
    out = c.cmd("sendkey a 1000")
    check(out == PROMPT, label + ": sendkey with a hold time", out)
    out = c.cmd("sendkey a 1x")
    check(b"invalid hold time: 1x\n" in out, label + ": sendkey with a bad hold time", out)
    out = c.cmd("sendkey ctrl-bogus")
    check(b"invalid parameter: bogus\n" in out, label + ": sendkey with a bad key", out)
    out = c.cmd("frobnicate 1 2")
    check(b"unknown command: 'frobnicate'\n" in out, label + ": unknown command", out)
    out = c.cmd("help")
    check(b"screentext" in out and b"quit|q" in out, label + ": help", out)
    out = c.cmd("xp /2xz 0")
    check(b"invalid char in format: 'z'" in out, label + ": bad format", out)

def counter(out, name):
    m = re.search(name.encode() + rb" +(\d+)", out)
    return int(m.group(1)) if m else -1

def info_jit(c, engine, label):
    """`info jit`: the translator's counters, which have counted by now, or
    the line that says the interpreter runs."""
    out = c.cmd("info jit")
    if engine == b"interpreter":
        check(b"only available with -accel jit" in out and b"blocks translated" not in out,
              label + ": info jit under the interpreter", out)
        return
    check(counter(out, "blocks translated") > 0 and counter(out, "Block exits:") > 0
          and counter(out, "dispatcher") > 0 and counter(out, "helper calls") > 0,
          label + ": info jit counters", out)
    check(b"Commonest helpers:\n" in out, label + ": info jit helpers", out)

# -monitor stdio
p = start("-monitor", "stdio", "-serial", "null")
c = pipe_conn(p)
got, ok = c.expect(PROMPT)
check(ok, "stdio: first prompt", got)
commands(c, "stdio")
info_jit(c, default_engine, "stdio")
c.send(b"quit\n")
finish(p, "stdio: quit")

# the interpreter by name
p = start("-monitor", "stdio", "-serial", "null", "-accel", "interp")
c = pipe_conn(p)
c.expect(PROMPT)
out = c.cmd("info status")
check(b"VM status: running (interpreter)\n" in out, "interp: info status", out)
info_jit(c, b"interpreter", "interp")
c.send(b"quit\n")
finish(p, "interp: quit")

# -monitor unix:PATH,server,nowait: the guest runs with nobody connected,
# and a second client is served after the first leaves.
sock = os.path.join(tmp, "mon.sock")
p = start("-monitor", "unix:%s,server,nowait" % sock, "-serial", "null")
def connect():
    end = time.monotonic() + 10
    while True:
        s = socket.socket(socket.AF_UNIX)
        try:
            s.connect(sock)
            return s
        except OSError:
            s.close()
            if time.monotonic() > end:
                raise
            time.sleep(0.02)
s = connect()
c = Conn(s.fileno(), s.sendall)
got, ok = c.expect(PROMPT)
check(ok, "unix: first prompt", got)
commands(c, "unix")
s.close()
s = connect()
c = Conn(s.fileno(), s.sendall)
c.expect(PROMPT)
out = c.cmd("info status")
check(out.startswith(b"VM status: running ("), "unix: second client", out)
s.sendall(b"q\r\n")
finish(p, "unix: quit")
s.close()
check(not os.path.exists(sock), "unix: socket removed at exit")

# wait (QEMU's default for a server): the guest starts once a client comes
os.unlink(sock) if os.path.exists(sock) else None
p = start("-monitor", "unix:%s,server" % sock, "-serial", "null")
got, ok = Conn(p.stderr.fileno(), None).expect(b"waiting for a monitor connection")
check(ok, "unix wait: waits", got)
s = connect()
c = Conn(s.fileno(), s.sendall)
c.expect(PROMPT)
out = c.cmd("xp /1xb 0xb8000")
check(b"0x72" in out, "unix wait: guest ran after connecting", out)
s.sendall(b"quit\n")
finish(p, "unix wait: quit")
s.close()

# -nographic: COM1 and the monitor share stdio. Keys go to the guest (which
# echoes them), Ctrl-C included; Ctrl-A c switches, Ctrl-A x ends relic.
p = start("-nographic")
c = pipe_conn(p)
c.send(b"hi\x03\x01\x01")
got, ok = c.expect(b"hi\x03\x01")
check(ok, "mux: keys reach the guest", got)
c.send(b"\x01c")
got, ok = c.expect(PROMPT)
check(ok, "mux: Ctrl-A c shows the monitor", got)
out = c.cmd("info status")
check(out.startswith(b"VM status: running ("), "mux: info status", out)
c.send(b"\x01h")
got, ok = c.expect(b"C-a x")
check(ok, "mux: Ctrl-A h", got)
c.send(b"\x01cok")
got, ok = c.expect(b"ok")
check(ok, "mux: back to the guest", got)
c.send(b"\x01x")
got, ok = c.expect(b"relic: terminated")
check(ok, "mux: Ctrl-A x", got)
finish(p, "mux: Ctrl-A x")

shutil.rmtree(tmp, ignore_errors=True)
print("%d failed" % len(failures))
sys.exit(1 if failures else 0)
PYEOF
