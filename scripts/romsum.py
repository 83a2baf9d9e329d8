#!/usr/bin/env python3
"""Option ROM checksum: sets the last byte so all bytes add up to 0 mod 256
(the BIOS skips a ROM whose sum is not 0). Usage: romsum.py IN OUT"""
import sys

data = bytearray(open(sys.argv[1], "rb").read())
data[-1] = (-sum(data[:-1])) & 0xFF
open(sys.argv[2], "wb").write(data)
