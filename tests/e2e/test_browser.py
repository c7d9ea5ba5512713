"""Runs the chromium walk-through (tests/browser/smoke.mjs, playwright-core driving Debian's
chromium) against a real server holding a small demo county. Screenshots are kept under
the build folder as test artifacts (browser-screenshots/).

usage: test_browser.py PATH/TO/anju SCREENSHOT_DIR
"""
import os
import sqlite3
import subprocess
import sys
from datetime import date, timedelta

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Runner, Server, expect  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
BROWSER = os.path.join(os.path.dirname(HERE), "browser")
SHOTS = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else os.path.join(os.getcwd(), "browser-screenshots")

S = Server()
S.cli("demo", "--persons", "3000", "--seed", "7")
S.start()


def other_town_household(column="id"):
    """A household neither from nor settled in Zhengda (520628118)."""
    db = sqlite3.connect(S.db)
    row = db.execute("SELECT " + column + " FROM households WHERE origin_village NOT LIKE '520628118%'"
                     " AND coalesce(dest_community, '') NOT LIKE '520628118%' ORDER BY id LIMIT 1").fetchone()
    db.close()
    return row[0]


def household_with_phone():
    """A household with its own phone and a responsible person's (tap-to-call), and an
    archive item (its 档号 on a phone)."""
    db = sqlite3.connect(S.db)
    row = db.execute("SELECT h.id FROM households h JOIN relocation_support r ON r.household_id = h.id"
                     " WHERE coalesce(h.phone, '') <> '' AND coalesce(r.responsible_phone, '') <> ''"
                     " AND EXISTS (SELECT 1 FROM items i WHERE i.household_id = h.id)"
                     " ORDER BY h.id LIMIT 1").fetchone()
    db.close()
    return row[0]


def tuanshan_number():
    """The number (户编号) of a household settled in 团山, the community user's."""
    db = sqlite3.connect(S.db)
    row = db.execute("SELECT number FROM households WHERE dest_community = '520628002030' AND status <> 'closed'"
                     " ORDER BY id LIMIT 1").fetchone()
    db.close()
    return row[0]


def a_trail_with_wide_rows(hh):
    """The household's change trail holds a need resolved and an evaluation scored (wide
    rows: on a phone its table scrolls inside its box, which axe checks; issue 12)."""
    token = S.login("admin", "songtao2019")
    r = S.request("POST", "/api/v1/households/%d/needs" % hh, {"category": "elderly_care", "description": "申请轮椅一台",
                  "due_on": (date.today() + timedelta(days=30)).isoformat()}, token=token)
    expect(r.status == 201, "a need %r" % r)
    r = S.request("POST", "/api/v1/needs/%d/resolve" % r.json["id"], {"measure": "社区协调轮椅一台"}, token=token)
    expect(r.status == 200, "resolved %r" % r)
    db = sqlite3.connect(S.db)
    community = db.execute("SELECT dest_community FROM households WHERE id = ?", (hh,)).fetchone()[0]
    db.close()
    year = date.today().year
    r = S.request("POST", "/api/v1/evaluations", {"kind": "hygiene_household", "subject": "household",
                  "division": community, "period_from": "%d-01-01" % year, "period_to": "%d-12-31" % year,
                  "award_top": 2, "criteria": [{"code": "clean", "name": "室内整洁", "min": 0, "max": 10, "weight": 100}]},
                  token=token)
    expect(r.status == 201, "an evaluation %r" % r)
    eid = r.json["id"]
    for n in (6, 8):
        r = S.request("PUT", "/api/v1/evaluations/%d/scores" % eid,
                      {"household_id": hh, "evaluator": "评委甲", "scores": {"clean": n}}, token=token)
        expect(r.status == 200, "scored %r" % r)


def test_walk_through_in_chromium():
    os.makedirs(SHOTS, exist_ok=True)
    picture, video = os.path.join(S.dir, "old-house.jpg"), os.path.join(S.dir, "move.mp4")
    subprocess.run(["convert", "-size", "320x240", "gradient:orange-blue", picture], check=True)
    subprocess.run(["ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=duration=3:size=160x120:rate=10",
                    "-pix_fmt", "yuv420p", "-movflags", "+faststart", video], check=True)
    # a petition of 团山 that has passed its deadline (taken now, its days then moved back)
    late = S.request("POST", "/api/v1/petitions", {"channel": "speaking_room", "category": "property_management",
                                                   "content": "电梯常坏", "anonymous": True},
                     token=S.login("tuanshan", "songtao2019"))
    expect(late.status == 201, "a petition %r" % late)
    db = sqlite3.connect(S.db)
    db.execute("UPDATE petitions SET received_on = '2026-01-05', opened_on = '2026-01-05', deadline = '2026-01-12'"
               " WHERE id = ?", (late.json["id"],))
    db.commit()
    db.close()
    a_trail_with_wide_rows(household_with_phone())
    r = subprocess.run(["node", "smoke.mjs", "http://127.0.0.1:%d" % S.port, "admin", "songtao2019", SHOTS,
                        picture, video, "zhengda", str(other_town_household()),
                        other_town_household("number"), "auditor", "tuanshan", str(household_with_phone()),
                        tuanshan_number()],
                       cwd=BROWSER, capture_output=True, text=True, timeout=240)
    expect(r.returncode == 0 and "1 passed, 0 failed" in r.stdout, "chromium: %s %s" % (r.stdout, r.stderr))
    for name in ("dashboard", "households", "household", "dashboard-en", "access-granted", "audit-log",
                 "audit-log-en", "access-grants", "service-request-done", "service-household-not-found", "petition-breached", "report-employment", "phone-dashboard",
                 "phone-household", "phone-worklist", "phone-report-employment", "phone-households",
                 "phone-search", "report-employment-en", "phone-dashboard-en", "phone-report-employment-en"):
        expect(os.path.getsize(os.path.join(SHOTS, name + ".png")) > 10000, "screenshot %s" % name)


if __name__ == "__main__":
    Runner().run_module(globals(), S)
