#!/usr/bin/env python3
"""Archive benchmarks: a 200 MB upload against cp of the same file (the ceiling), the
server's memory while it streams, and picture uploads (thumbnail + upright copy) per second.

usage: archive_bench.py PORT TOKEN SERVER_PID WORKDIR
Prints one JSON object.
"""
import json
import os
import subprocess
import sys
import threading
import time

port, token, pid, work = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
size_mb = int(os.environ.get("BENCH_UPLOAD_MB", "200"))
base = "http://127.0.0.1:%s" % port


def rss_kib():
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def household():
    out = subprocess.run(["curl", "-sf", "-H", "Authorization: Bearer " + token,
                          base + "/api/v1/households?limit=1"], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)["items"][0]["id"]


# A WAV file of size_mb megabytes: a real RIFF header (sniffed as audio), then silence.
big = os.path.join(work, "big.wav")
data_len = size_mb * 1000 * 1000
with open(big, "wb") as f:
    f.write(b"RIFF" + (36 + data_len).to_bytes(4, "little") + b"WAVEfmt " + (16).to_bytes(4, "little")
            + (1).to_bytes(2, "little") + (1).to_bytes(2, "little") + (44100).to_bytes(4, "little")
            + (88200).to_bytes(4, "little") + (2).to_bytes(2, "little") + (16).to_bytes(2, "little")
            + b"data" + data_len.to_bytes(4, "little"))
    chunk = b"\0" * (1 << 20)
    left = data_len
    while left:
        n = min(left, len(chunk))
        f.write(chunk[:n])
        left -= n
subprocess.run(["sync"], check=True)

# ceiling: cp of the same file, flushed to disk as the server flushes its copy
dest = os.path.join(work, "copy.wav")
t0 = time.perf_counter()
subprocess.run(["cp", big, dest], check=True)
subprocess.run(["sync", "-f", dest], check=True)
cp_s = time.perf_counter() - t0
os.remove(dest)

hid = household()
samples, done = [], threading.Event()


def watch():
    while not done.is_set():
        samples.append(rss_kib())
        time.sleep(0.02)


rss_before = rss_kib()
th = threading.Thread(target=watch)
th.start()
t0 = time.perf_counter()
r = subprocess.run(["curl", "-sf", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Authorization: Bearer " + token,
                    "-F", "title=bench", "-F", "doc_type=media_report", "-F", "file=@%s" % big,
                    base + "/api/v1/households/%d/items" % hid], capture_output=True, text=True)
up_s = time.perf_counter() - t0
done.set()
th.join()
if r.stdout != "201":
    sys.exit("upload failed: %s %s" % (r.stdout, r.stderr))
os.remove(big)

# pictures: 1600x1200 JPEGs, each thumbnailed and turned upright by the server
n_pics = int(os.environ.get("BENCH_PICTURES", "40"))
pics = []
for i in range(n_pics):
    p = os.path.join(work, "pic%d.jpg" % i)
    subprocess.run(["convert", "-size", "1600x1200", "plasma:fractal", "-seed", str(i), p], check=True,
                   capture_output=True)
    pics.append(p)
t0 = time.perf_counter()
for p in pics:
    r = subprocess.run(["curl", "-sf", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Authorization: Bearer " + token,
                        "-F", "title=pic", "-F", "doc_type=photos_before_after", "-F", "file=@%s" % p,
                        base + "/api/v1/households/%d/items" % hid], capture_output=True, text=True)
    if r.stdout != "201":
        sys.exit("picture upload failed: %s" % r.stdout)
pic_s = time.perf_counter() - t0
for p in pics:
    os.remove(p)

print(json.dumps({
    "upload_mb": size_mb, "upload_s": round(up_s, 2), "upload_mb_s": round(size_mb / up_s, 1),
    "cp_s": round(cp_s, 2), "cp_mb_s": round(size_mb / cp_s, 1),
    "ratio_pct": round(100 * cp_s / up_s, 1),
    "rss_before_mib": round(rss_before / 1024, 1), "rss_peak_mib": round(max(samples) / 1024, 1),
    "pictures": n_pics, "pictures_per_s": round(n_pics / pic_s, 2),
}))
