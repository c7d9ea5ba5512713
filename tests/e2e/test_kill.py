"""kill -9 in the middle of uploads and household writes, then restart: nothing that was
acknowledged is lost, nothing half-written is visible, fsck and integrity_check are clean.

usage: test_kill.py PATH/TO/anju
Bounded: KILL_ROUNDS rounds (default 3) of about KILL_SECONDS (default 2.5) of load each.
"""
import datetime
import hashlib
import os
import signal
import sqlite3
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Runner, Server, expect, id_number  # noqa: E402

ROUNDS = int(os.environ.get("KILL_ROUNDS", "3"))
SECONDS = float(os.environ.get("KILL_SECONDS", "2.5"))
WRITERS = 3
UPLOADERS = 3
BOUNDARY = "anjuKillBoundary0x9f3"
JUBAO = "520628118201"
TUANSHAN = "520628002030"

S = Server()
S.cli("migrate")
S.add_user("admin", "admin")
S.start()
ADMIN = S.login("admin")

lock = threading.Lock()
seq = [0]
# What the server acknowledged (2xx, answer read in full): checked after every restart.
acked_households = {}     # id -> sorted member id numbers
acked_files = {}          # file id -> sha256 of the bytes sent
acked_items = {}          # item id -> household id
refused = []              # answers that were neither 2xx nor a dropped connection


def next_seq():
    with lock:
        seq[0] += 1
        return seq[0]


def new_id():
    """A fresh valid ID number: 500 per birth day, birth days counting from 1950."""
    n = next_seq()
    born = datetime.date(1950, 1, 1) + datetime.timedelta(days=n // 500)
    return id_number("520628%s%03d" % (born.strftime("%Y%m%d"), (n % 500) * 2))


def household_body():
    return {"category": "registered_poor", "origin_village": JUBAO, "dest_community": TUANSHAN,
            "members": [{"id_number": new_id(), "name": "杨国强", "relation": "head"},
                        {"id_number": new_id(), "name": "杨小梅", "relation": "daughter"}]}


def multipart(fields, name, data, ctype):
    out = b""
    for k, v in fields.items():
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n"
                % (BOUNDARY, k, v)).encode("utf-8")
    out += ("--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\n"
            "Content-Type: %s\r\n\r\n" % (BOUNDARY, name, ctype)).encode("utf-8")
    return out + data + ("\r\n--%s--\r\n" % BOUNDARY).encode()


def pdf_bytes(n, size):
    """A distinct PDF-looking file of about `size` bytes."""
    head = b"%%PDF-1.4\n%% kill test file %d\n" % n
    filler = hashlib.sha256(head).hexdigest().encode() * (size // 64 + 1)
    return head + filler[:size] + b"\n%%EOF\n"


def note(r, what):
    """Any refusal fails the test, except 503 (busy: come back later), which the writes may
    answer under this load; such a write was not acknowledged and is not looked for."""
    if r.status >= 300 and r.status != 503:
        with lock:
            refused.append("%s: %r" % (what, r))


def writer(stop):
    while not stop.is_set():
        body = household_body()
        try:
            r = S.request("POST", "/api/v1/households", body, token=ADMIN)
        except (OSError, Exception):
            continue        # the server died under us: unknown whether it committed
        note(r, "household")
        if r.status == 201:
            with lock:
                acked_households[r.json["id"]] = sorted(m["id_number"] for m in body["members"])


def uploader(stop, household):
    while not stop.is_set():
        n = next_seq()
        data = pdf_bytes(n, 20000 + (n * 7919) % 200000)
        raw = multipart({"title": "证明 %d" % n, "doc_type": "application", "paper_location": "A柜"},
                        "proof-%d.pdf" % n, data, "application/pdf")
        try:
            r = S.request("POST", "/api/v1/households/%d/items" % household, raw=raw, token=ADMIN,
                          content_type="multipart/form-data; boundary=" + BOUNDARY)
        except (OSError, Exception):
            continue
        note(r, "upload")
        if r.status == 201:
            f = r.json["files"][0]
            sha = hashlib.sha256(data).hexdigest()
            with lock:
                acked_items[r.json["id"]] = household
                acked_files[f["id"]] = sha
                if f["sha256"] != sha:
                    refused.append("upload %d: the server hashed %s, sent %s" % (n, f["sha256"], sha))


def sigkill_mid_flight(households):
    stop = threading.Event()
    threads = [threading.Thread(target=writer, args=(stop,)) for _ in range(WRITERS)]
    threads += [threading.Thread(target=uploader, args=(stop, households[i % len(households)]))
                for i in range(UPLOADERS)]
    for t in threads:
        t.start()
    time.sleep(SECONDS)
    S.proc.send_signal(signal.SIGKILL)
    S.proc.wait(timeout=30)
    expect(S.proc.returncode == -signal.SIGKILL, "killed by SIGKILL: %r" % S.proc.returncode)
    S.proc = None           # the harness must not take the kill for a crash
    stop.set()
    for t in threads:
        t.join(timeout=120)
    expect(not any(t.is_alive() for t in threads), "every client thread ended")


def check_everything_acknowledged_is_there():
    db = sqlite3.connect(S.db)
    try:
        expect(db.execute("PRAGMA integrity_check").fetchone()[0] == "ok", "integrity_check")
        # nothing half-written is visible
        empty = db.execute("SELECT count(*) FROM households h WHERE NOT EXISTS"
                           " (SELECT 1 FROM persons p WHERE p.household_id = h.id)").fetchone()[0]
        expect(empty == 0, "%d households without members" % empty)
        bare = db.execute("SELECT count(*) FROM items i WHERE NOT EXISTS"
                          " (SELECT 1 FROM files f WHERE f.item_id = i.id)").fetchone()[0]
        expect(bare == 0, "%d items without their file" % bare)
        unaudited = db.execute("SELECT count(*) FROM households h WHERE NOT EXISTS (SELECT 1 FROM"
                               " audit a WHERE a.entity = 'household' AND a.entity_id = h.id)").fetchone()[0]
        expect(unaudited == 0, "%d households created without an audit row" % unaudited)
        # every acknowledged write is there, whole
        for hid, ids in acked_households.items():
            got = sorted(r[0] for r in db.execute(
                "SELECT id_number FROM persons WHERE household_id = ?", (hid,)))
            expect(got == ids, "household %d: members %r, acknowledged %r" % (hid, got, ids))
        for fid, sha in acked_files.items():
            row = db.execute("SELECT sha256 FROM files WHERE id = ?", (fid,)).fetchone()
            expect(row is not None and row[0] == sha, "file %d: %r, acknowledged %s" % (fid, row, sha))
        for iid in acked_items:
            expect(db.execute("SELECT count(*) FROM items WHERE id = ?", (iid,)).fetchone()[0] == 1,
                   "item %d is there" % iid)
        hashes = set(acked_files.values())
    finally:
        db.close()
    # the bytes on disk are the bytes acknowledged
    blobs = os.path.join(S.dir, "data", "blobs")
    for sha in hashes:
        path = os.path.join(blobs, sha[:2], sha[2:4], sha)
        expect(os.path.isfile(path), "blob %s is on disk" % sha)
        with open(path, "rb") as f:
            expect(hashlib.sha256(f.read()).hexdigest() == sha, "blob %s intact" % sha)


def orphan_blobs():
    """Files in blobs/ that no row names (an upload killed before its transaction)."""
    db = sqlite3.connect(S.db)
    known = set(r[0] for r in db.execute("SELECT sha256 FROM blobs"))
    db.close()
    out = []
    for root, _, names in os.walk(os.path.join(S.dir, "data", "blobs")):
        out += [n for n in names if n not in known]
    return out


def fsck_is_clean():
    """fsck after the server stopped: clean, or only orphans that --repair then removes."""
    r = S.cli("fsck", check=False)
    orphans = orphan_blobs()
    print("     fsck exit %d, %d orphan blob(s) on disk: %s" % (
        r.returncode, len(orphans), r.stdout.strip().splitlines()[-1:]), flush=True)
    expect("MISSING" not in r.stdout and "CORRUPTED" not in r.stdout,
           "fsck found damage: %s" % r.stdout)
    if r.returncode != 0:
        expect("orphan" in (r.stdout + r.stderr).lower(),
               "fsck failed for something else than orphans (%d): %s%s" % (r.returncode, r.stdout, r.stderr))
        fix = S.cli("fsck", "--repair", check=False)
        expect(fix.returncode == 0, "fsck --repair (%d): %s%s" % (fix.returncode, fix.stdout, fix.stderr))
        again = S.cli("fsck", check=False)
        expect(again.returncode == 0, "fsck after --repair (%d): %s" % (again.returncode, again.stdout))
        expect(orphan_blobs() == [], "orphans left after --repair: %r" % orphan_blobs())
    elif orphans:
        # Today's fsck does not look for orphans (issue 10, item 4): say so, do not hide it.
        print("     NOTE: fsck exit 0 with %d orphan blob(s) it did not report" % len(orphans), flush=True)


def test_sigkill_loses_nothing_acknowledged():
    global ADMIN
    for round_no in range(ROUNDS):
        households = []
        for _ in range(UPLOADERS):
            body = household_body()
            r = S.request("POST", "/api/v1/households", body, token=ADMIN)
            expect(r.status == 201, "household for uploads %r" % r)
            households.append(r.json["id"])
            acked_households[r.json["id"]] = sorted(m["id_number"] for m in body["members"])
        sigkill_mid_flight(households)
        tmp = os.path.join(S.dir, "data", "tmp")
        print("     killed: %d temporary file(s) left in tmp/" % len(os.listdir(tmp)), flush=True)
        check_everything_acknowledged_is_there()
        fsck_is_clean()
        S.start()
        # the restart swept what the killed process left half-written
        left = [n for n in os.listdir(tmp)] if os.path.isdir(tmp) else []
        expect(left == [], "temporary files after restart: %r" % left)
        check_everything_acknowledged_is_there()
        r = S.request("GET", "/api/v1/session", token=ADMIN)
        if r.status != 200:
            ADMIN = S.login("admin")
        # acknowledged files download whole after the restart
        for fid, sha in list(acked_files.items())[-5:]:
            r = S.request("GET", "/api/v1/files/%d" % fid, token=ADMIN)
            expect(r.status == 200 and hashlib.sha256(r.body).hexdigest() == sha, "file %d download" % fid)
        print("     round %d: %d households and %d files acknowledged so far" % (
            round_no + 1, len(acked_households), len(acked_files)), flush=True)
    expect(len(acked_households) > 0 and len(acked_files) > 0, "the load really ran")
    expect(refused == [], "refused answers under load: %r" % refused[:5])


if __name__ == "__main__":
    Runner().run_module(globals(), S)
