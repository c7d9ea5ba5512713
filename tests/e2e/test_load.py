"""End-to-end tests of the database under load: a backup beside a writer, a locked database
answering 503, and the log-in limiter under a flood.

usage: test_load.py PATH/TO/anju
"""
import contextlib
import datetime
import os
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from urllib.parse import urlencode  # noqa: E402

from harness import ANJU, PASSWORD, Runner, Server, expect, id_number  # noqa: E402

JUBAO = "520628118201"           # 聚宝村 in 正大镇
TUANSHAN = "520628002030"        # 团山社区 (destination)
DEMO_PASSWORD = "songtao2019"
seq = [0]


def new_id():
    """A valid Songtao ID number no other test (nor the demo, born after 1930) uses."""
    seq[0] += 1
    birth = datetime.date(1901, 1, 1) + datetime.timedelta(days=seq[0] // 500)
    return id_number("520628%s%03d" % (birth.strftime("%Y%m%d"), 2 * (seq[0] % 500)))


def household():
    return {"category": "registered_poor", "origin_village": JUBAO, "dest_community": TUANSHAN,
            "members": [{"id_number": new_id(), "name": "张伟", "relation": "head"},
                        {"id_number": new_id(), "name": "张强", "relation": "son"}]}


def count(db, sql, *args):
    c = sqlite3.connect(db)
    try:
        return c.execute(sql, args).fetchone()[0]
    finally:
        c.close()


class Writer(threading.Thread):
    """Creates households one after another until told to stop; counts the answers."""

    def __init__(self, server, token):
        super().__init__(daemon=True)
        self.server, self.token = server, token
        self.stop = threading.Event()
        self.statuses = {}
        self.created = []       # (id, time acknowledged)

    def run(self):
        while not self.stop.is_set():
            r = self.server.request("POST", "/api/v1/households", household(), token=self.token)
            self.statuses[r.status] = self.statuses.get(r.status, 0) + 1
            if r.status == 201:
                self.created.append((r.json["id"], time.monotonic()))


def table_rows(db, table, max_household):
    """Every row of a table that belongs to households up to max_household, in id order."""
    column = "id" if table == "households" else "household_id"
    c = sqlite3.connect(db)
    try:
        return c.execute("SELECT * FROM %s WHERE %s <= ? ORDER BY id" % (table, column),
                         (max_household,)).fetchall()
    finally:
        c.close()


# ------------------------------------------------------------------ backup

B = Server()
B.cli("demo", "--persons", "20000", "--no-followup")


def test_backup_beside_a_writer_finishes_and_is_consistent():
    B.start()
    token = B.login("admin", DEMO_PASSWORD)
    idle = os.path.join(B.dir, "idle.db")
    t0 = time.monotonic()
    B.cli("backup", idle)
    idle_s = time.monotonic() - t0
    expect(oct(os.stat(idle).st_mode & 0o777) == "0o600", "a backup is private to its owner")

    writers = [Writer(B, token) for _ in range(4)]
    for w in writers:
        w.start()
    while sum(len(w.created) for w in writers) < 8:     # the writers are going
        time.sleep(0.05)
    copy = os.path.join(B.dir, "busy.db")
    t0 = time.monotonic()
    # The copy must end while the writers keep going: the old step-wise copy started over
    # at every commit and ended only when writes stopped, here never (the writers stop
    # after this command returns or times out).
    try:
        r = subprocess.run([ANJU, "--db", B.db, "--data", os.path.join(B.dir, "data"),
                            "backup", copy], capture_output=True, text=True, env=B.env,
                           timeout=max(30, 20 * idle_s))
        finished = r.returncode == 0
    except subprocess.TimeoutExpired:
        finished = False
    ended = time.monotonic()
    busy_s = ended - t0
    for w in writers:
        w.stop.set()
    for w in writers:
        w.join()
    created = sorted(c for w in writers for c in w.created)
    statuses = {s for w in writers for s in w.statuses}
    during = sum(1 for _, t in created if t0 < t < ended)
    print("backup idle %.2f s, beside four writers %.2f s (%d households created meanwhile)"
          % (idle_s, busy_s, during))
    expect(finished, "the backup finished while the writers wrote")
    expect(during > 0, "the writers wrote during the backup")
    expect(statuses == {201}, "every write succeeded: %r" % statuses)

    c = sqlite3.connect(copy)
    expect(c.execute("PRAGMA integrity_check").fetchone()[0] == "ok", "integrity_check")
    c.close()
    # One snapshot: the copy holds every household up to its newest and nothing after,
    # each with all its members, exactly as the source holds them (the writer only adds).
    newest = count(copy, "SELECT max(id) FROM households")
    acked_before = [i for i, t in created if t < t0]
    expect(acked_before and newest >= max(acked_before), "the copy has what was there before")
    expect(count(B.db, "SELECT count(*) FROM households WHERE id > ?", newest) > 0,
           "the source went on after the snapshot")
    for table in ("households", "persons", "member_events"):
        expect(table_rows(copy, table, newest) == table_rows(B.db, table, newest),
               "%s in the copy equal the source's up to household %d" % (table, newest))
    expect(count(copy, "SELECT count(*) FROM households WHERE id > ?", newest) == 0, "no later")
    # The restored copy serves the same county report as the source did at the snapshot:
    # the source's report once the households after the snapshot are removed from a copy.
    source_then = os.path.join(B.dir, "source-then.db")
    src, dst = sqlite3.connect(B.db), sqlite3.connect(source_then)
    src.backup(dst)
    src.close()
    c = dst
    c.execute("PRAGMA foreign_keys = OFF")
    for table in ("member_events", "persons"):
        c.execute("DELETE FROM %s WHERE household_id > ?" % table, (newest,))
    c.execute("DELETE FROM audit WHERE entity = 'household' AND entity_id > ?", (newest,))
    c.execute("DELETE FROM households WHERE id > ?", (newest,))
    c.commit()
    c.close()
    report = lambda db: subprocess.run(  # noqa: E731
        [ANJU, "--db", db, "--data", os.path.join(B.dir, "data"), "report", "county"],
        capture_output=True, text=True, env=B.env, check=True).stdout
    expect(report(copy) == report(source_then), "the county report of the copy")
    B.stop()


# ------------------------------------------------------------------ busy database

S = Server(env={"ANJU_BUSY_TIMEOUT_MS": "300"})
S.cli("migrate")
S.add_user("admin", "admin")


def test_a_write_that_meets_a_locked_database_gets_503():
    S.start()
    token = S.login("admin")
    before = count(S.db, "SELECT count(*) FROM households")
    holder = sqlite3.connect(S.db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")       # another process holds the write lock
    try:
        t0 = time.monotonic()
        r = S.request("POST", "/api/v1/households", household(), token=token)
        waited = time.monotonic() - t0
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    expect(r.status == 503, "503, not 500: %r" % r)
    expect(r.header("Content-Type").startswith("application/problem+json"), "problem+json")
    expect(r.json["status"] == 503, "status in the body")
    expect(r.header("Retry-After") and int(r.header("Retry-After")) >= 1, "Retry-After")
    expect(waited >= 0.3, "it waited the busy timeout first (%.2f s)" % waited)
    expect(count(S.db, "SELECT count(*) FROM households") == before, "nothing written")
    r = S.request("POST", "/api/v1/households", household(), token=token)
    expect(r.status == 201, "once the lock is gone, the write goes through: %r" % r)


def test_a_crowd_of_creations_meeting_a_locked_database_all_get_503():
    # More creations wait than one batch holds (64): a batch that cannot begin answers them
    # all (it once overran a 64-slot list and crashed the server).
    token = S.login("admin")
    bodies = [household() for _ in range(100)]
    answers = []
    lock = threading.Lock()
    mine = threading.local()            # each thread's own loopback address
    plain = socket.create_connection

    def bound(address, timeout=None, source_address=None):
        return plain(address, timeout, (getattr(mine, "addr", "127.0.0.1"), 0))

    def create(i):
        mine.addr = "127.0.0.%d" % (10 + i % 4)     # under the per-address cap
        r = S.request("POST", "/api/v1/households", bodies[i], token=token)
        with lock:
            answers.append(r.status)
    holder = sqlite3.connect(S.db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    socket.create_connection = bound
    try:
        threads = [threading.Thread(target=create, args=(i,)) for i in range(len(bodies))]
        for t in threads:
            t.start()
        time.sleep(1.0)                 # every one of them waiting behind the lock
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    for t in threads:
        t.join(60)
    socket.create_connection = plain
    expect(len(answers) == 100 and set(answers) <= {201, 503},
           "every creation answered, 201 or 503: %r" % sorted(set(answers)))
    expect(503 in answers, "some met the lock: %r" % answers.count(503))
    expect(S.request("GET", "/healthz").status == 200, "the server is alive")
    ids = [m["id_number"] for b in bodies for m in b["members"]]
    stored = count(S.db, "SELECT count(*) FROM persons WHERE id_number IN (%s)"
                   % ",".join("?" * len(ids)), *ids)
    expect(stored == 2 * answers.count(201), "exactly the acknowledged ones stored: %d for %d"
           % (stored, answers.count(201)))


# ------------------------------------------------------------------ log-in limits

L = Server()
L.cli("migrate")
for name in ("victim", "victim2", "changer"):
    L.add_user(name, "county", "520628")


@contextlib.contextmanager
def from_address(addr):
    """Requests in this block come from another loopback address (Linux routes 127/8 to
    lo), so each test plays its own client without the others' counts."""
    plain = socket.create_connection

    def bound(address, timeout=None, source_address=None):
        return plain(address, timeout, (addr, 0))
    socket.create_connection = bound
    try:
        yield
    finally:
        socket.create_connection = plain


def login_status(name, password):
    return L.request("POST", "/api/v1/session", {"username": name, "password": password})


def test_a_flood_of_junk_names_does_not_reset_a_victims_count():
    L.start()
    with from_address("127.0.0.2"):
        codes = [login_status("victim", "guess-%d" % i).status for i in range(6)]
    expect(codes == [401] * 5 + [429], "the account is limited: %r" % codes)
    rows = count(L.db, "SELECT count(*) FROM login_limits")
    with from_address("127.0.0.3"):         # junk names, far more than the old 1,024 slots
        junk = [login_status("junk-%d" % i, "x-password").status for i in range(1100)]
    expect(set(junk[:20]) == {401} and set(junk[20:]) == {429}, "the address is limited")
    expect(count(L.db, "SELECT count(*) FROM login_limits") == rows + 1,
           "junk names and refused attempts add no counters")
    with from_address("127.0.0.4"):
        r = login_status("victim", PASSWORD)
    expect(r.status == 429 and int(r.header("Retry-After")) > 0,
           "the victim's count held through the flood: %r" % r)


def test_the_limit_survives_a_restart():
    with from_address("127.0.0.5"):
        codes = [login_status("victim2", "guess-%d" % i).status for i in range(5)]
    expect(codes == [401] * 5, "five wrong guesses %r" % codes)
    L.proc.terminate()                      # the process ends; its folder stays
    expect(L.proc.wait(timeout=30) == 0, "clean stop")
    L.proc = None
    L.start()
    with from_address("127.0.0.6"):
        r = login_status("victim2", PASSWORD)
    expect(r.status == 429 and int(r.header("Retry-After")) > 0, "still limited: %r" % r)


def test_password_change_is_limited():
    with from_address("127.0.0.7"):
        token = L.login("changer")
        form = L.request("GET", "/password", headers={"Cookie": "anju_session=" + token})
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', form.body.decode()).group(1)

        def change(current):
            return L.request("POST", "/password", raw=urlencode(
                {"csrf": csrf, "current": current, "new": "another-pw-1",
                 "again": "another-pw-1"}).encode(),
                content_type="application/x-www-form-urlencoded",
                headers={"Cookie": "anju_session=" + token})
        codes = [change("guess-%d" % i).status for i in range(5)]
        expect(codes == [422] * 5, "wrong current passwords %r" % codes)
        r = change("guess-again")
        expect(r.status == 429 and int(r.header("Retry-After")) > 0, "limited: %r" % r)
        r = change(PASSWORD)
        expect(r.status == 429, "even the right password waits: %r" % r)
    with from_address("127.0.0.8"):
        r = login_status("changer", PASSWORD)
    expect(r.status == 429, "log-in and password change share the account's count: %r" % r)


if __name__ == "__main__":
    R = Runner()
    R.run(test_backup_beside_a_writer_finishes_and_is_consistent)
    B.stop()
    R.run(test_a_write_that_meets_a_locked_database_gets_503)
    R.run(test_a_crowd_of_creations_meeting_a_locked_database_all_get_503)
    S.stop()
    R.run(test_a_flood_of_junk_names_does_not_reset_a_victims_count)
    R.run(test_the_limit_survives_a_restart)
    R.run(test_password_change_is_limited)
    L.stop()
    R.finish()
