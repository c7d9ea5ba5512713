"""End-to-end tests of the archive: uploads, versions, downloads, completeness, fsck.

usage: test_archive.py PATH/TO/anju
Real files are made here with Debian's tools (ImageMagick, ffmpeg) when they are there;
the PNG is written by hand so the core of the test needs nothing but Python.
"""
import json
import os
import re
import socket
import sqlite3
import struct
import subprocess
import sys
import time
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Runner, Server, expect, id_number, form_multipart  # noqa: E402

S = Server(env={"ANJU_MAX_UPLOAD": str(3 << 20)})
S.cli("migrate")
S.add_user("admin", "admin")
S.add_user("keeper", "archivist", "520628")
S.add_user("panshi", "town", "520628101")
S.add_user("watcher", "auditor", "520628")
S.start()
ADMIN = S.login("admin")
BOUNDARY = "anjuTestBoundary7MA4YWxkTrZu0gW"


def png(width=8, height=6, seed=0):
    """A real PNG, built by hand: width x height RGB pixels."""
    raw = b"".join(b"\x00" + bytes(((x * 31 + y * 17 + seed) % 256, seed % 256, 90) * 1)
                   for y in range(height) for x in range(1) ) if False else b""
    rows = []
    for y in range(height):
        row = bytearray([0])
        for x in range(width):
            row += bytes([(x * 40 + seed) % 256, (y * 40) % 256, (seed * 7) % 256])
        rows.append(bytes(row))
    raw = b"".join(rows)

    def chunk(kind, data):
        c = struct.pack(">I", len(data)) + kind + data
        return c + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def multipart(fields, files):
    return form_multipart(fields, files, BOUNDARY)


def upload(path, fields, files, token=ADMIN, **kw):
    return S.request("POST", path, raw=multipart(fields, files), token=token,
                     content_type="multipart/form-data; boundary=" + BOUNDARY, **kw)


def new_household(village="520628118201", community="520628002030"):
    seq = new_household.n = getattr(new_household, "n", 100) + 2
    r = S.request("POST", "/api/v1/households", {
        "category": "registered_poor", "origin_village": village, "dest_community": community,
        "members": [{"id_number": id_number("52062819700101%03d" % (seq + 1)), "name": "龙志军",
                     "relation": "head"}]}, token=ADMIN)
    expect(r.status == 201, "household %r" % r)
    return r.json


def settled(before, seconds=5):
    """The server removes a refused upload's temporary file when the request ends, which
    may be a moment after the answer was sent."""
    for _ in range(int(seconds * 20)):
        if state() == before:
            return True
        time.sleep(0.05)
    return False


def state():
    """Rows and stored files: what bad uploads must not change."""
    db = sqlite3.connect(S.db)
    rows = tuple(db.execute("SELECT count(*) FROM %s" % t).fetchone()[0] for t in ("items", "files", "blobs"))
    db.close()
    blobs = sum(len(f) for _, _, f in os.walk(os.path.join(S.dir, "data", "blobs")))
    tmp = os.listdir(os.path.join(S.dir, "data", "tmp"))
    return rows, blobs, tmp


def test_upload_download_and_dedupe():
    h = new_household()
    data = png(seed=1)
    r = upload("/api/v1/households/%d/items" % h["id"],
               {"title": "旧房照片", "doc_type": "photos_before_after", "date": "2019-05-01",
                "retention": "permanent", "paper_location": "档案室 A柜 1盒 2号"},
               [("file", "旧房 照片.png", data, "application/octet-stream")])
    expect(r.status == 201, "upload %r" % r)
    item = r.json
    expect(item["reference_code"] == "520628-2019-Y-%s-0001" % h["number"], item["reference_code"])
    f = item["files"][0]
    expect(f["mime"] == "image/png" and f["size"] == len(data) and len(f["sha256"]) == 64, "file %r" % f)
    d = S.request("GET", "/api/v1/files/%d" % f["id"], token=ADMIN)
    expect(d.status == 200 and d.body == data, "download")
    expect(d.header("ETag") == '"%s"' % f["sha256"], "etag")
    cd = d.header("Content-Disposition")
    expect("filename*=UTF-8''%E6%97%A7%E6%88%BF%20%E7%85%A7%E7%89%87.png" in cd, cd)
    expect(S.request("GET", "/api/v1/files/%d" % f["id"], token=ADMIN,
                     headers={"If-None-Match": d.header("ETag")}).status == 304, "304")
    p = S.request("GET", "/api/v1/files/%d" % f["id"], token=ADMIN, headers={"Range": "bytes=8-15"})
    expect(p.status == 206 and p.body == data[8:16], "range %r" % p)
    expect(p.header("Content-Range") == "bytes 8-15/%d" % len(data), p.header("Content-Range"))
    p = S.request("GET", "/api/v1/files/%d" % f["id"], token=ADMIN, headers={"Range": "bytes=-4"})
    expect(p.status == 206 and p.body == data[-4:], "suffix range")
    p = S.request("GET", "/api/v1/files/%d" % f["id"], token=ADMIN, headers={"Range": "bytes=%d-" % len(data)})
    expect(p.status == 416 and p.header("Content-Range") == "bytes */%d" % len(data), "416 %r" % p)
    before = state()
    r = upload("/api/v1/households/%d/items" % h["id"], {"title": "同一张照片", "doc_type": "other"},
               [("file", "copy.png", data, "image/png")])
    expect(r.status == 201 and r.json["files"][0]["sha256"] == f["sha256"], "second upload")
    after = state()
    expect(after[0][2] == before[0][2] and after[1] == before[1], "identical bytes stored once")
    expect(after[2] == [], "no temporary files")


def test_versions_and_removal_keep_everything():
    h = new_household()
    r = upload("/api/v1/households/%d/items" % h["id"], {"title": "搬迁协议", "doc_type": "relocation_agreement"},
               [("file", "v1.png", png(seed=2), "image/png")])
    item = r.json
    first = item["files"][0]["id"]
    r = upload("/api/v1/items/%d/files" % item["id"], {"replaces": str(first)},
               [("file", "v2.png", png(seed=3), "image/png")])
    expect(r.status == 201 and r.json["version"] == 2, "new version %r" % r)
    files = {x["id"]: x for x in r.json["files"]}
    expect(files[first]["superseded"] is True and len(files) == 2, "old kept, superseded")
    expect(S.request("GET", "/api/v1/files/%d" % first, token=ADMIN).status == 200, "old bytes still served")
    r = S.request("POST", "/api/v1/items/%d/remove" % item["id"], {}, token=ADMIN)
    expect(r.status == 422 and r.field_codes() == {"reason": "required"}, "reason required %r" % r)
    r = S.request("POST", "/api/v1/items/%d/remove" % item["id"], {"reason": "重复扫描"}, token=ADMIN)
    expect(r.status == 200 and r.json["status"] == "removed" and r.json["removed_reason"] == "重复扫描", "removed")
    expect(S.request("GET", "/api/v1/files/%d" % first, token=ADMIN).status == 200, "bytes kept after removal")
    r = S.request("GET", "/api/v1/audit?entity=item&id=%d" % item["id"], token=ADMIN)
    changes = [x for x in r.json["items"] if "records" not in x]    # not the read events
    actions = [x["action"] for x in changes]
    expect(actions == ["remove", "add_files", "create"], "audit %r" % actions)
    expect(changes[0]["after"]["removed_reason"] == "重复扫描", "before/after kept")
    ps = S.login("panshi")
    expect(S.request("GET", "/api/v1/audit?entity=item&id=%d" % item["id"], token=ps).status == 404, "scope")


def test_bad_uploads_leave_nothing():
    h = new_household()
    path = "/api/v1/households/%d/items" % h["id"]
    good = {"title": "照片", "doc_type": "other"}
    before = state()
    cases = [
        ("spoofed type", good, [("file", "photo.png", b"#!/bin/sh\nrm -rf /\n", "image/png")], 415),
        ("executable", good, [("file", "a.exe", b"MZ\x90\x00" + b"\x00" * 200, "image/png")], 415),
        ("empty file", good, [("file", "empty.png", b"", "image/png")], 422),
        ("path in name", good, [("file", "../../etc/passwd.png", png(), "image/png")], 422),
        ("control char in name", good, [("file", "a\x01b.png", png(), "image/png")], 422),
        ("300-character name", good, [("file", "张" * 100 + ".png", png(), "image/png")], 422),
        ("unknown doc type", {"title": "x", "doc_type": "nonsense"}, [("file", "a.png", png(), "image/png")], 422),
        ("no title", {"doc_type": "other"}, [("file", "a.png", png(), "image/png")], 422),
        ("nothing at all", good, [], 422),
        ("bad date", dict(good, date="2019-13-01"), [("file", "a.png", png(), "image/png")], 422),
        ("unknown field", dict(good, colour="red"), [("file", "a.png", png(), "image/png")], 422),
    ]
    for what, fields, files, status in cases:
        r = upload(path, fields, files)
        expect(r.status == status, "%s: %r" % (what, r))
        expect(settled(before), "%s changed something: %r vs %r" % (what, state(), before))
    r = S.request("POST", path, raw=b'{"title": "x"}', token=ADMIN)
    expect(r.status == 415, "JSON instead of multipart %r" % r)
    nul = multipart(good, [("file", "a\x00b.png", png(), "image/png")])
    r = S.request("POST", path, raw=nul, token=ADMIN, content_type="multipart/form-data; boundary=" + BOUNDARY)
    # a NUL inside a part's headers is a malformed body, refused whole (it used to make the
    # old parser drop the file part, answered 422)
    expect(r.status == 400 and r.field_codes().get("body") == "malformed_multipart", "NUL in name %r" % r)
    r = upload("/api/v1/households/999999/items", good, [("file", "a.png", png(), "image/png")])
    expect(r.status == 404, "unknown household %r" % r)
    ps = S.login("panshi")
    r = upload(path, good, [("file", "a.png", png(), "image/png")], token=ps)
    expect(r.status == 404, "out of scope %r" % r)
    # refused on the headers, before a large body is read
    r = upload(path, good, [("file", "big.png", png() + b"\0" * (2 << 20), "image/png")], token=ps)
    expect(r.status == 404, "out of scope, large %r" % r)
    w = S.login("watcher")
    r = upload(path, good, [("file", "a.png", png(), "image/png")], token=w)
    expect(r.status == 403, "auditor %r" % r)
    expect(state() == before, "nothing changed")


def test_oversized_and_dropped_uploads():
    h = new_household()
    path = "/api/v1/households/%d/items" % h["id"]
    before = state()
    big = png() + b"\x00" * (4 << 20)
    r = upload(path, {"title": "大", "doc_type": "other"}, [("file", "big.png", big, "image/png")])
    expect(r.status == 413, "announced too large %r" % r)
    r = upload(path, {"title": "大", "doc_type": "other"}, [("file", "big.png", big, "image/png")], chunked=True)
    expect(r.status == 413, "streamed too large %r" % r)
    expect(settled(before), "413 left %r, before %r" % (state(), before))
    # a connection dropped in the middle of an upload
    body = multipart({"title": "断", "doc_type": "other"}, [("file", "cut.png", png() + b"\x00" * 500000, "image/png")])
    sock = socket.create_connection(("127.0.0.1", S.port))
    head = ("POST %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: multipart/form-data; "
            "boundary=%s\r\nContent-Length: %d\r\n\r\n" % (path, ADMIN, BOUNDARY, len(body))).encode()
    sock.sendall(head + body[: len(body) // 2])
    time.sleep(0.3)
    sock.close()
    expect(settled(before), "dropped upload left %r" % (state(),))


def test_archivist_and_completeness():
    h = new_household()
    expect(h["archive"]["complete"] is False and "application" in h["archive"]["missing"], "missing %r" % h["archive"])
    k = S.login("keeper")
    rep0 = S.request("GET", "/api/v1/reports/county", token=ADMIN).json
    for code in h["archive"]["missing"]:
        r = upload("/api/v1/households/%d/items" % h["id"], {"title": code, "doc_type": code,
                                                              "paper_location": "A柜 9盒"}, [], token=k)
        expect(r.status == 201 and r.json["electronic_only"] is False, "metadata-only item %r" % r)
    g = S.request("GET", "/api/v1/households/%d" % h["id"], token=ADMIN).json
    expect(g["archive"]["complete"] is True and g["archive"]["missing"] == [], "complete %r" % g["archive"])
    rep1 = S.request("GET", "/api/v1/reports/county", token=ADMIN).json
    expect(rep1["archived_household_files"] == rep0["archived_household_files"] + 1, "report counts it")
    expect(rep1["incomplete_household_files"] == rep0["incomplete_household_files"] - 1, "incomplete drops")
    town = [t for t in rep1["by_origin_town"] if t["code"] == "520628118"][0]
    expect(town["archived_household_files"] + town["incomplete_household_files"] == town["households"],
           "by town %r" % town)
    community = [c for c in rep1["by_destination_community"] if c["code"] == "520628002030"][0]
    expect(community["archived_household_files"] >= 1, "by community %r" % community)
    r = S.request("PATCH", "/api/v1/households/%d" % h["id"], {"phone": "13000000001"}, token=k,
                  headers={"If-Match": '"h%d-%d"' % (h["id"], g["version"])})
    expect(r.status == 403, "archivist cannot edit the registry %r" % r)
    r = S.request("GET", "/api/v1/households/%d/items?doc_type=application" % h["id"], token=k)
    expect(r.status == 200 and len(r.json["items"]) == 1, "filter by type")
    code = r.json["items"][0]["reference_code"]
    r = S.request("GET", "/api/v1/search?q=" + code, token=k)
    expect(any(x["kind"] == "item" and x["number"] == code for x in r.json["results"]), "search by code %r" % r.json)
    r = S.request("GET", "/api/v1/doc-types", token=k)
    expect(any(t["code"] == "relocation_agreement" and t["name"] == "搬迁及旧房拆除复垦协议" for t in r.json["items"]), "doc types")


def test_fsck_reports_a_corrupted_blob():
    h = new_household()
    r = upload("/api/v1/households/%d/items" % h["id"], {"title": "将被损坏", "doc_type": "other"},
               [("file", "victim.png", png(seed=99), "image/png")])
    sha = r.json["files"][0]["sha256"]
    ok = S.cli("fsck", check=False)
    expect(ok.returncode == 0 and "0 missing, 0 corrupted" in ok.stdout, "clean fsck %r" % ok.stdout)
    path = os.path.join(S.dir, "data", "blobs", sha[:2], sha[2:4], sha)
    with open(path, "r+b") as f:
        f.seek(20)
        f.write(b"X")
    bad = S.cli("fsck", check=False)
    expect(bad.returncode != 0 and "CORRUPTED " + sha in bad.stdout and r.json["reference_code"] in bad.stdout,
           "fsck names the item %r" % bad.stdout)
    rep = S.request("GET", "/api/v1/reports/county", token=ADMIN).json
    expect(rep["fixity"]["corrupted"] == 1, "last check on the report %r" % rep["fixity"])
    os.remove(path)
    gone = S.cli("fsck", check=False)
    expect(gone.returncode != 0 and "MISSING " + sha in gone.stdout, "missing %r" % gone.stdout)


def with_exif_orientation(jpeg, orientation):
    """Inserts an EXIF block with the Orientation tag right after the JPEG's SOI marker."""
    tiff = b"MM\x00*\x00\x00\x00\x08" + struct.pack(">H", 1) + struct.pack(">HHIHH", 0x0112, 3, 1, orientation, 0) \
        + b"\x00\x00\x00\x00"
    app1 = b"Exif\x00\x00" + tiff
    return jpeg[:2] + b"\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1 + jpeg[2:]


def tiny_pdf():
    """A one-page PDF with a filled rectangle, written by hand."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R >>"]
    stream = b"0 0 1 rg 20 20 160 60 re f"
    objs.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
    out, offsets = b"%PDF-1.4\n", []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (i, o)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)


def test_real_media_files():
    """Pictures, audio and video as Debian's tools make them; thumbnails, upright copies and
    recording metadata come back."""
    d = S.dir
    for tool in ("convert", "ffmpeg", "identify"):
        expect(subprocess.run(["which", tool], capture_output=True).returncode == 0,
               "%s is installed by make check" % tool)
    subprocess.run(["convert", "-size", "40x30", "xc:blue", os.path.join(d, "b.jpg")], check=True)
    with open(os.path.join(d, "b.jpg"), "rb") as f:
        rotated = with_exif_orientation(f.read(), 6)          # 6: turn 90 degrees clockwise
    subprocess.run(["ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=1",
                    os.path.join(d, "a.wav")], check=True)
    subprocess.run(["ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=duration=1:size=64x48:rate=10",
                    "-pix_fmt", "yuv420p", os.path.join(d, "v.mp4")], check=True)
    h = new_household()

    def put(name, data):
        r = upload("/api/v1/households/%d/items" % h["id"], {"title": name, "doc_type": "media_report"},
                   [("file", name, data, "application/octet-stream")])
        expect(r.status == 201, "%s: %r" % (name, r))
        return r.json["files"][0]

    f = put("rotated.jpg", rotated)
    expect(f["mime"] == "image/jpeg" and (f["width"], f["height"]) == (30, 40), "upright size %r" % f)
    for url in (f["thumbnail_url"], f["reference_url"]):
        r = S.request("GET", url, token=ADMIN)
        expect(r.status == 200 and r.header("Content-Type") == "image/jpeg" and r.body[:2] == b"\xff\xd8", url)
        path = os.path.join(d, "got.jpg")
        with open(path, "wb") as out:
            out.write(r.body)
        w, hh = map(int, subprocess.run(["identify", "-format", "%w %h", path], capture_output=True,
                                        text=True, check=True).stdout.split())
        expect(w < hh, "%s is upright: %dx%d" % (url, w, hh))
    f = put("p.png", png(20, 10))
    expect(f["thumbnail_url"] and (f["width"], f["height"]) == (20, 10), "png %r" % f)
    f = put("scan.pdf", tiny_pdf())
    expect(f["mime"] == "application/pdf" and f["thumbnail_url"], "pdf first-page thumbnail %r" % f)
    expect(S.request("GET", f["thumbnail_url"], token=ADMIN).body[:2] == b"\xff\xd8", "pdf thumbnail is a JPEG")
    with open(os.path.join(d, "a.wav"), "rb") as src:
        wav = src.read()
    r = upload("/api/v1/households/%d/items" % h["id"], {"title": "采访录音", "doc_type": "media_report",
                                                        "retention": "永久"}, [("file", "a.wav", wav, "audio/wav")])
    expect(r.status == 201 and r.json["retention"] == "permanent" and abs(r.json["duration_seconds"] - 1.0) < 0.1,
           "recording item %r" % r)
    f = r.json["files"][0]
    expect(f["mime"].startswith("audio/") and abs(f["duration_seconds"] - 1.0) < 0.1
           and f["codec"].startswith("pcm"), "wav %r" % f)
    expect(f["thumbnail_url"] is None, "no thumbnail for audio")
    with open(os.path.join(d, "v.mp4"), "rb") as src:
        data = src.read()
    f = put("v.mp4", data)
    expect(f["mime"] == "video/mp4" and (f["width"], f["height"]) == (64, 48)
           and abs(f["duration_seconds"] - 1.0) < 0.2 and f["codec"], "mp4 %r" % f)
    r = S.request("GET", f["url"], token=ADMIN, headers={"Range": "bytes=100-"})
    expect(r.status == 206 and r.body == data[100:], "video seeks")
    expect(S.request("GET", "/api/v1/files/%d/thumbnail" % f["id"], token=ADMIN).status == 404, "no video thumbnail")


def check_bag(tar_bytes, number):
    """Validates a BagIt 1.0 bag in a tar, entry by entry (RFC 8493)."""
    import hashlib
    import io
    import tarfile
    from urllib.parse import unquote
    tf = tarfile.open(fileobj=io.BytesIO(tar_bytes))
    files = {m.name: tf.extractfile(m).read() for m in tf.getmembers() if m.isfile()}
    root = number + "/"
    expect(all(n.startswith(root) for n in files), "one top folder %r" % list(files))
    rel = {n[len(root):]: b for n, b in files.items()}
    expect(rel["bagit.txt"] == b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n", "bagit.txt")
    info = dict(line.split(": ", 1) for line in rel["bag-info.txt"].decode().splitlines())
    for key in ("Source-Organization", "Bagging-Date", "Payload-Oxum", "External-Identifier"):
        expect(key in info, "bag-info has %s" % key)
    expect(info["External-Identifier"].endswith(number), "identifier %r" % info)
    manifest = [line.split("  ", 1) for line in rel["manifest-sha256.txt"].decode().splitlines()]
    payload = {unquote(p): sha for sha, p in manifest}
    data_files = {n for n in rel if n.startswith("data/")}
    expect(set(payload) == data_files, "manifest lists exactly the payload %r vs %r" % (set(payload), data_files))
    for path, sha in payload.items():
        expect(hashlib.sha256(rel[path]).hexdigest() == sha, "sha256 of %s" % path)
    octets, count = map(int, info["Payload-Oxum"].split("."))
    expect(octets == sum(len(rel[p]) for p in payload) and count == len(payload), "Payload-Oxum %s" % info["Payload-Oxum"])
    tags = [line.split("  ", 1) for line in rel["tagmanifest-sha256.txt"].decode().splitlines()]
    expect({p for _, p in tags} == {"bagit.txt", "bag-info.txt", "manifest-sha256.txt"}, "tag manifest")
    for sha, path in tags:
        expect(hashlib.sha256(rel[path]).hexdigest() == sha, "tag sha256 of %s" % path)
    return rel


def test_bagit_export():
    import json
    h = new_household(community="520628002031")        # 育才社区: no broken files there
    a = png(seed=11)
    r = upload("/api/v1/households/%d/items" % h["id"], {"title": "入住确认书", "doc_type": "housing_allocation"},
               [("file", "入住 100%.png", a, "image/png"), ("file", "second.png", png(seed=12), "image/png")])
    item = r.json
    upload("/api/v1/items/%d/files" % item["id"], {"replaces": str(item["files"][0]["id"])},
           [("file", "重扫.png", png(seed=13), "image/png")])
    r = S.request("GET", "/api/v1/households/%d/bag" % h["id"], token=ADMIN)
    expect(r.status == 200 and r.header("Content-Type") == "application/x-tar", "bag %r" % r.status)
    expect(int(r.header("Content-Length")) == len(r.body), "exact length")
    rel = check_bag(r.body, h["number"])
    names = sorted(p for p in rel if p.startswith("data/items/"))
    expect(len(names) == 3 and any(n.endswith("入住 100%.png") for n in names), "every version %r" % names)
    expect([p for p in names if p.endswith("入住 100%.png")] and rel[[p for p in names if p.endswith("入住 100%.png")][0]] == a,
           "bytes are the upload's")
    meta = json.loads(rel["data/metadata.json"])
    expect(meta["household"]["number"] == h["number"] and meta["household"]["members"][0]["name"] == "龙志军"
           and meta["items"][0]["reference_code"] == item["reference_code"], "metadata")
    ps = S.login("panshi")
    expect(S.request("GET", "/api/v1/households/%d/bag" % h["id"], token=ps).status == 404, "scope")
    out = os.path.join(S.dir, "one.tar")
    S.cli("export", "bag", "--household", str(h["id"]), "--output", out)
    with open(out, "rb") as f:
        check_bag(f.read(), h["number"])
    folder = os.path.join(S.dir, "yucai")
    r = S.cli("export", "bag", "--community", "520628002031", "--output", folder)
    expect(os.listdir(folder) == ["%s.tar" % h["number"]] and "1 bags written" in r.stdout, "community %r" % r.stdout)
    broken = S.cli("export", "bag", "--community", "520628002030", "--output", os.path.join(S.dir, "ts"), check=False)
    expect(broken.returncode != 0 and "failed" in broken.stdout, "a missing blob fails its bag %r" % broken.stdout)
    expect(S.cli("export", "bag", "--household", "999999", "--output", out + "2", check=False).returncode != 0,
           "unknown household")
    expect(not os.path.exists(out + "2") and not os.path.exists(out + "2.partial"), "nothing left behind")


def test_dossier_and_label_pdfs():
    h = new_household()
    item = upload("/api/v1/households/%d/items" % h["id"], {"title": "搬迁及旧房拆除复垦协议书", "doc_type": "relocation_agreement",
                                                           "paper_location": "档案室 C柜 4盒 7号", "pages": "3",
                                                           "date": "2026-11-20"},
                  [("file", "协议.png", png(40, 30, seed=21), "image/png")]).json
    r = S.request("GET", "/api/v1/households/%d/dossier.pdf" % h["id"], token=ADMIN)
    expect(r.status == 200 and r.header("Content-Type") == "application/pdf" and r.body[:5] == b"%PDF-", "dossier %r" % r.status)
    path = os.path.join(S.dir, "dossier.pdf")
    with open(path, "wb") as f:
        f.write(r.body)
    txt = subprocess.run(["pdftotext", path, "-"], capture_output=True, text=True, check=True).stdout
    # cells wrap; compare without the line breaks (and the date, read between a title's lines)
    flat = "".join(txt.replace("2026-11-20", "").split())
    for want in ("易地扶贫搬迁户档案", "卷内目录", h["number"], "龙志军", "搬迁及旧房拆除复垦协议书",
                 "档案室C柜4盒7号", "建档立卡贫困户", "户主"):
        expect(want in flat, "dossier text lacks %s" % want)
    expect(h["members"][0]["id_number"] not in txt, "ID numbers are masked in print")
    expect("2026-11-20" in txt, "the catalogue's date on one line, not broken %r" % re.findall(r"^.*2026-1.*$", txt, re.M))
    expect("序号" in txt and "档号" in txt and "序号档号" not in txt, "the catalogue's headings apart %r"
           % re.findall(r"^.*序号.*$", txt, re.M))
    # the catalogue (page 2): its headings on one line, each whole (not 页 above 数), in order,
    # and a file reference on one line (issue 12)
    cat = subprocess.run(["pdftotext", "-f", "2", "-l", "2", "-layout", path, "-"], capture_output=True,
                         text=True, check=True).stdout
    heads = [ln for ln in cat.splitlines() if "序号" in ln]
    expect(len(heads) == 1 and re.search(r"序号\s+档号\s+题名\s+日期\s+页数\s+纸质原件位置", heads[0]),
           "the catalogue's headings on one line %r" % cat[:600])
    expect(any(item["reference_code"] in ln.split() for ln in cat.splitlines()),
           "the file reference %s on one line %r" % (item["reference_code"], cat[:600]))
    # word boxes: each heading one word on the headings' line, the reference one word too
    box = subprocess.run(["pdftotext", "-f", "2", "-l", "2", "-bbox", path, "-"], capture_output=True,
                         text=True, check=True).stdout
    words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([^<]*)</word>', box)
    ys = {w: float(y) for _, y, w in words if w in ("序号", "档号", "题名", "日期", "页数", "纸质原件位置")}
    expect(len(ys) == 6 and max(ys.values()) - min(ys.values()) < 1, "six headings, one line %r" % ys)
    expect(item["reference_code"] in [w for _, _, w in words], "the reference one word %r" % words[:20])
    pages = subprocess.run(["pdfinfo", path], capture_output=True, text=True, check=True).stdout
    expect(re.search(r"^Pages:\s+3$", pages, re.M), "cover, catalogue, pictures: %s" % pages)
    r = S.request("GET", "/api/v1/households/%d/label.pdf" % h["id"], token=ADMIN)
    expect(r.status == 200 and r.body[:5] == b"%PDF-", "label")
    lpath = os.path.join(S.dir, "label.pdf")
    with open(lpath, "wb") as f:
        f.write(r.body)
    txt = subprocess.run(["pdftotext", lpath, "-"], capture_output=True, text=True, check=True).stdout
    expect(h["number"][:8] in txt.replace("\n", "") and "龙志军" in txt, "label text %r" % txt)
    expect(re.search(r"^\d{6}-%s$" % re.escape(h["number"]), txt, re.M), "the file reference on one line %r" % txt)
    subprocess.run(["pdftoppm", "-r", "300", "-png", "-singlefile", lpath, os.path.join(S.dir, "label")], check=True)
    qr = subprocess.run(["zbarimg", "--quiet", "--raw", os.path.join(S.dir, "label.png")],
                        capture_output=True, text=True)
    expect(qr.stdout.strip() == "http://127.0.0.1:8080/households/%d" % h["id"], "QR says %r" % qr.stdout)
    ps = S.login("panshi")
    expect(S.request("GET", "/api/v1/households/%d/dossier.pdf" % h["id"], token=ps).status == 404, "scope")


def test_document_types_are_configurable():
    body = {"code": "resettlement_card", "name": "安置卡", "name_en": "Resettlement card", "retention": "30y",
            "required": {"registered_poor": False, "synchronous": False}}
    r = S.request("POST", "/api/v1/doc-types", body, token=ADMIN)
    expect(r.status == 200 and r.json["code"] == "resettlement_card", "new type %r" % r)
    body["name"] = "安置证"
    r = S.request("POST", "/api/v1/doc-types", body, token=ADMIN)
    types = {t["code"]: t for t in S.request("GET", "/api/v1/doc-types", token=ADMIN).json["items"]}
    expect(types["resettlement_card"]["name"] == "安置证", "updated")
    k = S.login("keeper")
    expect(S.request("POST", "/api/v1/doc-types", body, token=k).status == 403, "admin only")
    bad = dict(body, code="Bad Code!", retention="forever", required={"registered_poor": "yes"})
    r = S.request("POST", "/api/v1/doc-types", bad, token=ADMIN)
    expect(r.status == 422 and set(r.field_codes()) == {"code", "retention", "required.registered_poor"}, "%r" % r)
    h = new_household()
    r = upload("/api/v1/households/%d/items" % h["id"], {"title": "安置证", "doc_type": "resettlement_card",
                                                        "paper_location": "D柜"}, [])
    expect(r.status == 201 and r.json["retention"] == "30y" and "-D30-" in r.json["reference_code"], "used %r" % r)


def test_background_fixity_and_item_search():
    # 4 s: the log-in and the first report must come before the first check even on a
    # loaded machine (with 1 s this raced a slow password hash under ASan)
    b = Server(env={"ANJU_FIXITY_INTERVAL": "4"})
    b.cli("migrate")
    b.add_user("admin", "admin")
    # asked before the server starts: on a loaded machine a log-in (Argon2id) can outlast
    # the 1 s interval, so asking through the API raced the first check
    r = json.loads(b.cli("report", "county", "--format", "json").stdout)
    expect(r["fixity"] is None, "no check yet")
    b.start()
    tok = b.login("admin")
    for _ in range(200):
        time.sleep(0.1)
        fix = b.request("GET", "/api/v1/reports/county", token=tok).json["fixity"]
        if fix:
            break
    expect(fix and fix["missing"] == 0 and fix["corrupted"] == 0, "background check on the report %r" % fix)
    b.stop()
    h = new_household()
    r = upload("/api/v1/households/%d/items" % h["id"], {"title": "帮扶计划书第二版", "doc_type": "assistance_plan",
                                                        "date": "2018-03-04", "paper_location": "B柜"}, [])
    item = r.json
    from urllib.parse import quote
    hits = S.request("GET", "/api/v1/search?q=" + quote("帮扶计划书"), token=ADMIN).json["results"]
    expect(any(x["kind"] == "item" and x["id"] == item["id"] and x["household_id"] == h["id"] for x in hits),
           "title search %r" % hits)
    r = S.request("GET", "/api/v1/households/%d/items?from=2018-01-01&to=2018-12-31&doc_type=assistance_plan"
                  % h["id"], token=ADMIN)
    expect([x["id"] for x in r.json["items"]] == [item["id"]], "date range %r" % r.json)
    r = S.request("GET", "/api/v1/households/%d/items?from=2019-01-01" % h["id"], token=ADMIN)
    expect(all(x["id"] != item["id"] for x in r.json["items"]), "outside the range")


def test_item_metadata_is_edited_under_its_etag():
    h = new_household()
    r = upload("/api/v1/households/%d/items" % h["id"], {"title": "搬迁申请", "doc_type": "application",
                                                        "paper_location": "C柜"}, [])
    item = r.json
    path = "/api/v1/items/%d" % item["id"]
    etag = S.request("GET", path, token=ADMIN).header("ETag")
    expect(etag == '"i%d-1"' % item["id"], "item etag %r" % etag)
    expect(S.request("PATCH", path, {"title": "x"}, token=ADMIN).status == 428, "If-Match required")
    bad = [({"title": None}, {"title": "required"}),
           ({"doc_type": "no_such_type"}, {"doc_type": "unknown_value"}),
           ({"date": "2019-02-30"}, {"date": "invalid_date"}),
           ({"pages": 0}, {"pages": "out_of_range"}),
           ({"paper_location": None}, {"paper_location": "paper_or_file_required"}),
           ({"retention": "10y"}, {"retention": "unknown_field"}),
           ({"title": "a\u0007b"}, {"title": "control_character"})]
    for body, codes in bad:
        r = S.request("PATCH", path, body, token=ADMIN, headers={"If-Match": etag})
        expect(r.status == 422 and r.field_codes() == codes, "%r -> %r" % (body, r))
    r = S.request("PATCH", path, {"title": "易地扶贫搬迁申请书", "pages": 3, "date": "2018-06-01",
                                  "responsible_body": "正大镇人民政府"},
                  token=ADMIN, headers={"If-Match": etag})
    expect(r.status == 200 and r.json["title"] == "易地扶贫搬迁申请书" and r.json["pages"] == 3
           and r.json["version"] == 2, "patched %r" % r)
    expect(r.json["reference_code"] == item["reference_code"], "the reference code is never renumbered")
    expect(S.request("PATCH", path, {"title": "again"}, token=ADMIN,
                     headers={"If-Match": etag}).status == 412, "stale ETag")
    from urllib.parse import quote
    hits = S.request("GET", "/api/v1/search?q=" + quote("易地扶贫"), token=ADMIN).json["results"]
    expect(any(x["kind"] == "item" and x["id"] == item["id"] for x in hits), "new title searchable")
    r = S.request("GET", "/api/v1/audit?entity=item&id=%d" % item["id"], token=ADMIN)
    top = [x for x in r.json["items"] if "records" not in x][0]     # not the read events
    expect(top["action"] == "update" and top["before"]["title"] == "搬迁申请", "audited %r" % top)
    watcher = S.login("watcher")
    expect(S.request("PATCH", path, {"title": "y"}, token=watcher,
                     headers={"If-Match": r.json and '"i%d-2"' % item["id"]}).status == 403, "auditor cannot edit")


if __name__ == "__main__":
    Runner().run_module(globals(), S)
