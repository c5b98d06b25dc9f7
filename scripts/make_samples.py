#!/usr/bin/env python3
"""Writes the small samples in datasets/ from the full data in ../shared/datasets (run from the checkout).

- faithful.csv, iris.csv: copied whole.
- brown-sample/: every 10th file of the Brown corpus in sorted name order (ca01, ca11, ...), copied verbatim.
- mnist-sample/: the first 2,000 training and first 1,000 test digits, as gzipped IDX (same format as MNIST).
- universal-tags/: the Brown -> universal tag map and its licence, copied.
Deterministic: the same inputs give byte-identical outputs (gzip mtime fixed at 0).
"""
import gzip, os, shutil, struct, sys

src = os.path.join("..", "shared", "datasets")
dst = "datasets"
if not os.path.isdir(src):
    sys.exit(f"make_samples: {src} not found")

for name in ("faithful.csv", "iris.csv"):
    shutil.copyfile(os.path.join(src, name), os.path.join(dst, name))

os.makedirs(os.path.join(dst, "universal-tags"), exist_ok=True)
for name in ("en-brown.map", "LICENSE"):
    shutil.copyfile(os.path.join(src, "universal-tags", name), os.path.join(dst, "universal-tags", name))

brown = sorted(f for f in os.listdir(os.path.join(src, "brown")) if len(f) == 4 and f[0] == "c")
out = os.path.join(dst, "brown-sample")
os.makedirs(out, exist_ok=True)
for f in brown[::10]:
    shutil.copyfile(os.path.join(src, "brown", f), os.path.join(out, f))

def take_idx(name, count, out_name):
    with gzip.open(os.path.join(src, "mnist", name), "rb") as fh:
        data = fh.read()
    magic = struct.unpack(">I", data[:4])[0]
    dims = magic & 0xFF
    shape = list(struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims]))
    item = 1
    for s in shape[1:]:
        item *= s
    body = data[4 + 4 * dims: 4 + 4 * dims + count * item]
    shape[0] = count
    header = struct.pack(">I", magic) + struct.pack(">" + "I" * dims, *shape)
    os.makedirs(os.path.join(dst, "mnist-sample"), exist_ok=True)
    with open(os.path.join(dst, "mnist-sample", out_name), "wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
            gz.write(header + body)

take_idx("train-images-idx3-ubyte.gz", 2000, "train-images-idx3-ubyte.gz")
take_idx("train-labels-idx1-ubyte.gz", 2000, "train-labels-idx1-ubyte.gz")
take_idx("t10k-images-idx3-ubyte.gz", 1000, "t10k-images-idx3-ubyte.gz")
take_idx("t10k-labels-idx1-ubyte.gz", 1000, "t10k-labels-idx1-ubyte.gz")
print("make_samples: wrote", dst)
