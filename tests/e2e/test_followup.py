"""End-to-end tests of the follow-up ledgers (jobs, trainings, guarantees, schooling,
family doctors, plots, relocation steps, visits), the rule-driven worklists and the
employment report with its XLSX and CSV downloads.

usage: test_followup.py PATH/TO/anju
The XLSX is read back with Debian's python3-openpyxl (a reader other than the writer).
"""
import csv
import datetime
import io
import json
import os
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import PASSWORD, Runner, Server, expect, id_number, unmac  # noqa: E402

ZHENGDA, PANSHI = "520628118", "520628101"
JUBAO, TUANSHAN = "520628118201", "520628002030"
TODAY = (datetime.datetime.utcnow() + datetime.timedelta(hours=8)).date()

S = Server()
S.cli("migrate")
S.add_user("admin", "admin")
S.add_user("zhengda", "town", ZHENGDA)
S.add_user("panshi", "town", PANSHI)
S.start()
ADMIN = S.login("admin")
seq = [300]


def new_id(birth, male=True):
    seq[0] += 2
    return id_number("520628%s%03d" % (birth, (seq[0] + (1 if male else 0)) % 1000))


def years_ago(n, days=0):
    d = TODAY.replace(year=TODAY.year - n) if not (TODAY.month == 2 and TODAY.day == 29) else TODAY.replace(year=TODAY.year - n, day=28)
    return (d - datetime.timedelta(days=days)).strftime("%Y%m%d")


def day(offset):
    return (TODAY + datetime.timedelta(days=offset)).isoformat()


def family(token=ADMIN, status="settled"):
    """A settled household: a worker (36), a child (10) and a grandfather (70)."""
    r = S.request("POST", "/api/v1/households", {
        "category": "synchronous", "origin_village": JUBAO, "dest_community": TUANSHAN, "status": status,
        "members": [
            {"id_number": new_id(years_ago(36)), "name": "龙大山", "relation": "head", "labor_capacity": "ordinary"},
            {"id_number": new_id(years_ago(10), male=False), "name": "龙小花", "relation": "daughter"},
            {"id_number": new_id(years_ago(70)), "name": "龙老汉", "relation": "parent", "labor_capacity": "none"}]},
        token=token)
    expect(r.status == 201, "household %r" % r)
    h = r.json
    by = {m["relation"]: m["id"] for m in h["members"]}
    return h["id"], by["head"], by["daughter"], by["parent"]


def post(path, body, token=ADMIN):
    return S.request("POST", path, body, token=token)


def put(path, body, token=ADMIN):
    """A PUT that replaces under the ETag its GET answers (If-Match), as a client does."""
    etag = S.request("GET", path, token=token).header("ETag")
    return S.request("PUT", path, body, token=token, headers={"If-Match": etag} if etag else None)


def get(path, token=ADMIN):
    return S.request("GET", path, token=token)


def rows():
    db = sqlite3.connect(S.db)
    out = tuple(db.execute("SELECT count(*) FROM %s" % t).fetchone()[0]
                for t in ("jobs", "trainings", "guarantees", "schooling", "plots", "relocation_steps",
                          "visits", "family_doctors", "audit WHERE records IS NULL"))
    db.close()
    return out


def on_list(rule, household_id, person_id=None):
    r = get("/api/v1/worklists/%s?limit=500" % rule)
    expect(r.status == 200, "worklist %s %r" % (rule, r))
    return any(e["household_id"] == household_id and (person_id is None or e["person_id"] == person_id)
               for e in r.json["items"])


def test_jobs_trainings_and_their_bad_input():
    hh, worker, child, elder = family()
    before = rows()
    bad = [({"type": "county", "employer": "x", "start_date": "2024-05-01", "end_date": "2024-04-01"},
            {"end_date": "end_before_start"}),
           ({"type": "county", "employer": "x", "start_date": "2024-05-01", "monthly_income": -5},
            {"monthly_income": "out_of_range"}),
           ({"type": "county", "employer": "x", "start_date": "2024-05-01", "monthly_income": 9000000},
            {"monthly_income": "out_of_range"}),
           ({"type": "abroad", "employer": "x", "start_date": "2024-05-01"}, {"type": "unknown_value"}),
           ({"type": "county", "start_date": "2024-05-01"}, {"employer": "required"}),
           ({"type": "county", "employer": "x", "start_date": "2024-05-01", "main": "yes"}, {"main": "type_boolean"}),
           ({"type": "county", "employer": "x", "start_date": "2024-05-01", "boss": "me"}, {"boss": "unknown_field"})]
    for body, codes in bad:
        r = post("/api/v1/persons/%d/jobs" % worker, body)
        expect(r.status == 422 and r.field_codes() == codes, "%r -> %r" % (body, r))
    r = post("/api/v1/persons/%d/jobs" % worker, {"type": "workshop", "employer": "团山社区扶贫车间",
                                                  "start_date": "2024-03-01", "monthly_income": 2600, "main": True})
    expect(r.status == 201 and r.json["current"] is True and r.json["main"] is True, "job %r" % r)
    first = r.json["id"]
    # a new row says where it lives and carries the ETag a PATCH needs, as a new household does
    expect(r.header("Location") == "/api/v1/jobs/%d" % first and r.header("ETag"), "Location, ETag %r" % r)
    created_etag = r.header("ETag")
    r = post("/api/v1/persons/%d/jobs" % worker, {"type": "flexible", "employer": "零工", "start_date": "2025-01-01",
                                                  "main": True})
    expect(r.status == 422 and r.field_codes() == {"main": "main_job_overlap"}, "one main job %r" % r)
    r = post("/api/v1/persons/%d/jobs" % worker, {"type": "flexible", "employer": "零工", "start_date": "2025-01-01"})
    expect(r.status == 201 and r.json["main"] is False, "a side job is fine %r" % r)
    # a row changes under its ETag, like every record (ledger.h)
    r = S.request("PATCH", "/api/v1/jobs/%d" % first, {"end_date": "2024-12-31"}, token=ADMIN)
    expect(r.status == 428, "If-Match required %r" % r)
    r = S.request("PATCH", "/api/v1/jobs/%d" % first, {"end_date": "2024-01-01"}, token=ADMIN,
                  headers={"If-Match": "*"})
    expect(r.status == 422 and r.field_codes() == {"end_date": "end_before_start"}, "patch checked %r" % r)
    g = S.request("GET", "/api/v1/jobs/%d" % first, token=ADMIN)
    expect(g.status == 200 and g.json["id"] == first and g.header("ETag"), "one row with its ETag %r" % g)
    expect(g.header("ETag") == created_etag, "the same ETag as at its creation %r" % g)
    r = S.request("PATCH", "/api/v1/jobs/%d" % first, {"end_date": "2024-12-31"}, token=ADMIN,
                  headers={"If-Match": g.header("ETag")})
    expect(r.status == 200 and r.json["current"] is False, "ended, kept %r" % r)
    r = S.request("PATCH", "/api/v1/jobs/%d" % first, {"monthly_income": 2700}, token=ADMIN,
                  headers={"If-Match": g.header("ETag")})
    expect(r.status == 412, "a stale ETag changes nothing %r" % r)
    expect(S.request("PATCH", "/api/v1/trainings/1", {"hours": 2}, token=ADMIN,
                     headers={"If-Match": "*"}).status == 405, "trainings never change")
    r = post("/api/v1/persons/%d/jobs" % worker, {"type": "outside_province", "employer": "东莞电子厂",
                                                  "start_date": "2025-02-01", "main": True, "monthly_income": 4800})
    expect(r.status == 201, "a new main job after the old one ended %r" % r)
    jobs = get("/api/v1/persons/%d/jobs" % worker).json["items"]
    expect(len(jobs) == 3 and sum(1 for j in jobs if j["main"] and j["current"]) == 1, "history kept %r" % jobs)

    bad = [({"type": "skills", "course": "电工", "hours": 30, "start_date": "2025-03-01"}, {"hours": "hours_exceed_days"}),
           ({"type": "skills", "course": "电工", "hours": 0, "start_date": "2025-03-01"}, {"hours": "out_of_range"}),
           ({"type": "skills", "course": "电工", "hours": 8, "start_date": "2025-03-02", "end_date": "2025-03-01"},
            {"end_date": "end_before_start"}),
           ({"type": "cooking", "course": "x", "hours": 8, "start_date": "2025-03-01"}, {"type": "unknown_value"})]
    for body, codes in bad:
        r = post("/api/v1/persons/%d/trainings" % worker, body)
        expect(r.status == 422 and r.field_codes() == codes, "%r -> %r" % (body, r))
    r = post("/api/v1/persons/%d/trainings" % worker, {"type": "skills", "course": "电工", "hours": 40,
                                                       "start_date": "2025-03-01", "end_date": "2025-03-05",
                                                       "certificate": "初级电工证"})
    expect(r.status == 201 and r.json["hours"] == 40.0, "training %r" % r)
    after = rows()
    expect(after[0] == before[0] + 3 and after[1] == before[1] + 1, "only the good rows stored %r %r" % (before, after))
    ps = S.login("panshi")
    expect(get("/api/v1/persons/%d/jobs" % worker, ps).status == 404, "another town's person")
    expect(post("/api/v1/persons/%d/jobs" % worker, {"type": "county", "employer": "x", "start_date": "2025-01-01"},
                ps).status == 404, "no writing there either")


def test_guarantees_schooling_and_doctor():
    hh, worker, child, elder = family()
    other, _, _, _ = family()
    before = rows()
    r = post("/api/v1/persons/%d/guarantees" % worker, {"kind": "medical_insurance", "status": "enrolled",
                                                        "start_date": "2024-01-01", "household_id": other})
    expect(r.status == 422 and r.field_codes() == {"household_id": "person_not_in_household"}, "%r" % r)
    r = post("/api/v1/persons/%d/guarantees" % worker, {"kind": "medical_insurance", "status": "enrolled",
                                                        "start_date": "2024-01-01", "end_date": "2023-01-01"})
    expect(r.status == 422 and r.field_codes() == {"end_date": "end_before_start"}, "%r" % r)
    r = put("/api/v1/persons/%d/schooling" % worker, {"status": "enrolled", "school": "松桃民族中学", "grade": "初二"})
    expect(r.status == 422 and r.field_codes() == {"person_id": "not_a_child"}, "adult is no child %r" % r)
    r = put("/api/v1/persons/%d/schooling" % child, {"status": "not_enrolled"})
    expect(r.status == 422 and r.field_codes() == {"reason": "required"}, "reason needed %r" % r)
    expect(rows() == before, "nothing stored")
    r = post("/api/v1/persons/%d/guarantees" % worker, {"kind": "medical_insurance", "status": "enrolled",
                                                        "start_date": "2024-01-01", "household_id": hh})
    expect(r.status == 201 and r.json["current"] is True, "%r" % r)
    r = post("/api/v1/persons/%d/guarantees" % worker, {"kind": "medical_insurance", "status": "stopped",
                                                        "start_date": "2023-06-01"})
    expect(r.status == 422 and r.field_codes() == {"start_date": "end_before_start"}, "%r" % r)
    # one set of date codes: a start before birth is a date out of order too, and an end
    # is a planned day like every ledger's (at most a year ahead)
    r = post("/api/v1/persons/%d/guarantees" % worker, {"kind": "pension_insurance", "status": "enrolled",
                                                        "start_date": "1900-01-01"})
    expect(r.status == 422 and r.field_codes() == {"start_date": "end_before_start"}, "before birth %r" % r)
    r = post("/api/v1/persons/%d/guarantees" % worker, {"kind": "pension_insurance", "status": "enrolled",
                                                        "start_date": "2024-01-01", "end_date": day(400)})
    expect(r.status == 422 and r.field_codes() == {"end_date": "date_too_far_ahead"}, "end too far %r" % r)
    r = post("/api/v1/persons/%d/guarantees" % worker, {"kind": "medical_insurance", "status": "stopped",
                                                        "start_date": day(-10)})
    expect(r.status == 201, "%r" % r)
    g = get("/api/v1/persons/%d/guarantees" % worker).json
    expect(g["current"]["medical_insurance"] == "stopped" and len(g["items"]) == 2, "history %r" % g)
    old = [x for x in g["items"] if x["status"] == "enrolled"][0]
    expect(old["end_date"] == day(-11), "the old record ends the day before %r" % old)
    r = put("/api/v1/persons/%d/schooling" % child, {"status": "enrolled", "school": "团山小学", "grade": "四年级"})
    expect(r.status == 200 and r.json["items"][0]["school"] == "团山小学", "%r" % r)
    expect(get("/api/v1/persons/%d/schooling" % child).json["items"][0]["grade"] == "四年级", "one shape")
    r = put("/api/v1/persons/%d/family-doctor" % elder, {"signed": True, "date": "2024-04-01", "doctor": "团山社区卫生站 吴医生"})
    expect(r.status == 200 and r.json["items"][0]["signed"] is True, "%r" % r)
    r = put("/api/v1/persons/%d/family-doctor" % elder, {"signed": True, "date": day(5)})
    expect(r.status == 422 and r.field_codes() == {"date": "date_in_future"}, "%r" % r)


def test_plots_steps_and_visits():
    hh, worker, child, elder = family()
    before = rows()
    bad = [({"items": [{"kind": "contracted", "area_mu": 0, "use": "transferred"}]}, {"items[0].area_mu": "out_of_range"}),
           ({"items": [{"kind": "forest", "area_mu": -2.5, "use": "idle"}]}, {"items[0].area_mu": "out_of_range"}),
           ({"items": [{"kind": "forest", "area_mu": 2, "use": "idle"}, {"kind": "forest", "area_mu": 1, "use": "shares"}]},
            {"items[1].kind": "duplicate_kind"}),
           ({"items": [{"kind": "garden", "area_mu": 2, "use": "idle"}]}, {"items[0].kind": "unknown_value"}),
           ({"items": "all"}, {"items": "type_array"}),
           ({}, {"items": "required"}),
           # the old key is no longer the contract: refused, naming it
           ({"plots": [{"kind": "forest", "area_mu": 2, "use": "idle"}]}, {"plots": "unknown_field", "items": "required"})]
    for body, codes in bad:
        r = put("/api/v1/households/%d/plots" % hh, body)
        expect(r.status == 422 and r.field_codes() == codes, "%r -> %r" % (body, r))
    r = put("/api/v1/households/%d/plots" % hh, {"items": [
        {"kind": "contracted", "area_mu": 3.5, "use": "transferred", "annual_income": 1400},
        {"kind": "forest", "area_mu": 12, "use": "shares"},
        {"kind": "homestead", "area_mu": 0.4, "use": "reclaimed"}]})
    expect(r.status == 200 and [p["kind"] for p in r.json["items"]] == ["contracted", "forest", "homestead"], "%r" % r)

    steps = {"responsible_person": "杨帮扶", "responsible_phone": "13800000001", "village_command": "聚宝村指挥部",
             "town_command": "正大镇指挥部", "items": [
                 {"step": "registration", "done_date": "2019-03-01", "done_by": "村干部"},
                 {"step": "moving", "done_date": "2019-05-01", "done_by": "搬迁组"}]}
    r = put("/api/v1/households/%d/steps" % hh, steps)
    expect(r.status == 422 and r.field_codes() == {"steps.moving": "previous_step_not_done"}, "%r" % r)
    steps["items"] = [{"step": "registration", "done_date": "2019-03-01", "done_by": "村干部"},
                      {"step": "hukou_transfer", "done_date": "2019-02-01", "done_by": "派出所"}]
    r = put("/api/v1/households/%d/steps" % hh, steps)
    expect(r.status == 422 and r.field_codes() == {"steps.hukou_transfer": "end_before_start"}, "%r" % r)
    steps["items"] = [{"step": "registration", "done_date": "2019-03-01", "done_by": "村干部", "evidence_item_id": 999999}]
    r = put("/api/v1/households/%d/steps" % hh, steps)
    expect(r.status == 422 and r.field_codes() == {"items[0].evidence_item_id": "item_not_in_household"}, "%r" % r)
    r = post("/api/v1/households/%d/visits" % hh, {"date": day(3), "visitor": "社区网格员", "found": "x"})
    expect(r.status == 422 and r.field_codes() == {"date": "date_in_future"}, "%r" % r)
    r = post("/api/v1/households/%d/visits" % hh, {"date": day(-1), "visitor": "社区\u200b网格员", "found": "x"})
    expect(r.status == 422 and r.field_codes() == {"visitor": "name_invisible"}, "a visitor's name as shown %r" % r)
    expect(rows()[:8] == (before[0], before[1], before[2], before[3], before[4] + 3, before[5], before[6], before[7]),
           "only the plots stored")
    steps["items"] = [{"step": "registration", "done_date": "2019-03-01", "done_by": "村干部"},
                      {"step": "hukou_transfer", "due_date": day(-30)}]
    r = put("/api/v1/households/%d/steps" % hh, steps)
    expect(r.status == 200 and r.json["responsible_person"] == "杨帮扶", "%r" % r)
    got = {s["step"]: s for s in r.json["items"]}
    expect(got["hukou_transfer"]["overdue"] is True and got["moving"]["done_date"] is None and len(got) == 5,
           "all five steps, one overdue %r" % got)
    r = put("/api/v1/households/%d/steps" % hh, {"responsible_person": "杨帮扶", "steps": steps["items"]})
    expect(r.status == 422 and r.field_codes() == {"steps": "unknown_field", "items": "required"},
           "the old key is refused, naming it %r" % r)
    r = S.request("PUT", "/api/v1/households/%d/visits" % hh, {"date": day(-1), "visitor": "社区网格员",
                                                               "found": "务工正常"}, token=ADMIN)
    expect(r.status == 405 and r.header("Allow") == "GET, POST", "a PUT replaces: rows are POSTed %r" % r)
    r = post("/api/v1/households/%d/visits" % hh, {"date": day(-1), "visitor": "社区网格员", "found": "务工正常，孩子上学"})
    expect(r.status == 201, "%r" % r)
    expect(len(get("/api/v1/households/%d/visits" % hh).json["items"]) == 1, "visit listed")
    r = post("/api/v1/households/%d/visits" % hh, {"date": day(-2), "kind": "return_visit", "visitor": "社区网格员",
                                                 "found": "回访"})
    expect(r.status == 201 and r.json["kind"] == "return_visit", "POST appends, as for every ledger %r" % r)
    a = get("/api/v1/audit?entity=visit&id=%d" % r.json["id"])
    expect(a.status == 200 and [x["action"] for x in a.json["items"]] == ["create"]
           and a.json["items"][0]["after"]["found"] == "回访", "the visit's own audit %r" % a)
    expect(get("/api/v1/audit?entity=visit&id=%d" % r.json["id"], S.login("panshi")).status == 404,
           "not for another town")
    # every ledger's changes are in the household's change trail, in the API (with values,
    # in the one row shape of the log) and on the page
    t = get("/api/v1/households/%d/trail" % hh)
    newest = {x["entity"]: x for x in reversed(t.json["items"])}   # the newest of each kind
    expect(t.status == 200 and {"visit", "plots", "steps"} <= set(newest)
           and newest["visit"]["after"]["found"] == "回访" and newest["visit"]["entity_id"] == r.json["id"]
           and "records" not in newest["visit"], "the trail API %r" % t.json["items"][:3])
    expect(get("/api/v1/households/%d/trail" % hh, S.login("panshi")).status == 404, "trail: not for another town")
    html = page("/households/%d" % hh, page_session()).body.decode()
    trail = html[html.index('class="trail"'):]
    for word in ("走访记录", "三块地", "搬迁步骤"):
        expect("· %s " % word in trail, "the trail shows the %s change" % word)
    r = put("/api/v1/households/%d/plots" % hh, {"items": [{"kind": "forest", "area_mu": 2, "use": "idle"}]})
    expect(r.status == 200 and len(r.json["items"]) == 1, "a set is put as items too %r" % r)


def test_a_ledger_is_replaced_under_its_etag():
    """Plots, steps, schooling and family doctor are replaced as a PATCH changes a record:
    under the ETag of their GET; without If-Match 428, with a stale one 412, nothing
    written either way; the answer's ETag is the next GET's."""
    hh, worker, child, elder = family()
    cases = [("/api/v1/households/%d/plots" % hh, {"items": [{"kind": "forest", "area_mu": 2, "use": "idle"}]}),
             ("/api/v1/households/%d/steps" % hh, {"responsible_person": "杨帮扶", "items": []}),
             ("/api/v1/persons/%d/schooling" % child, {"status": "enrolled", "school": "团山小学"}),
             ("/api/v1/persons/%d/family-doctor" % elder, {"signed": True, "date": "2024-04-01"})]
    for path, body in cases:
        first = get(path)
        etag = first.header("ETag")
        expect(first.status == 200 and etag, "%s answers its ETag %r" % (path, first))
        r = S.request("PUT", path, body, token=ADMIN)
        expect(r.status == 428, "%s without If-Match %r" % (path, r))
        r = S.request("PUT", path, body, token=ADMIN, headers={"If-Match": '"w-0"'})
        expect(r.status == 412, "%s stale %r" % (path, r))
        expect(get(path).json == first.json, "%s: nothing written" % path)
        r = S.request("PUT", path, body, token=ADMIN, headers={"If-Match": etag})
        expect(r.status == 200 and r.header("ETag") == get(path).header("ETag") != etag,
               "%s replaced, its new ETag %r" % (path, r))
        r = S.request("PUT", path, body, token=ADMIN, headers={"If-Match": etag})
        expect(r.status == 412, "%s: the old ETag is stale now %r" % (path, r))


def test_a_household_page_opens_on_what_a_worker_comes_for():
    """Issue 12, item 10: the first screen (before the members' table) says who lives here,
    where from and where now, what is missing or overdue, who answers, the latest visit."""
    hh, worker, child, elder = family()
    put("/api/v1/households/%d/steps" % hh, {"responsible_person": "杨帮扶", "responsible_phone": "13800000001",
                                            "items": [{"step": "registration", "done_date": "2019-03-01", "done_by": "村干部"},
                                                      {"step": "hukou_transfer", "due_date": day(-30)}]})
    h = get("/api/v1/households/%d" % hh).json
    session = page_session()

    def first_screen():
        html = page("/households/%d" % hh, session).body.decode()
        at = [html.index(x) for x in ('id="glance"', 'id="members"', 'id="followup"', 'id="items"', 'id="history"')]
        expect(at == sorted(at), "the first screen, then members, follow-up, archive, history %r" % at)
        for part in ("#members", "#followup", "#items", "#history"):
            expect('href="%s"' % part in html[:at[1]], "%s one click away" % part)
        return html[at[0]:at[1]]
    first = first_screen()
    for fact in ("龙大山", "龙小花", "龙老汉", h["origin_village_name"], h["dest_community_name"], "杨帮扶",
                 'href="tel:13800000001"', "档案缺件", "搬迁步骤逾期", "户口迁移", day(-30), "久未走访", "从未走访",
                 "无工作的劳动力", 'href="/persons/%d">龙大山' % worker):
        expect(fact in first, "the first screen says %s" % fact)
    expect('href="/persons/%d">龙老汉</a> ' % elder not in first.split("无工作的劳动力")[1], "not of labor age: not listed")
    # a visit and a job put right what they answer for
    post("/api/v1/households/%d/visits" % hh, {"date": day(-1), "visitor": "社区网格员", "found": "务工正常"})
    post("/api/v1/persons/%d/jobs" % worker, {"type": "county", "employer": "团山车间", "start_date": day(-3)})
    first = first_screen()
    expect("久未走访" not in first and "无工作的劳动力" not in first, "no longer said once put right")
    expect("%s · " % day(-1) in first and "社区网格员: 务工正常" in first, "the latest visit shown")
    expect("搬迁步骤逾期" in first, "what is still overdue stays")


def test_each_rule_fires_and_stops_when_fixed():
    hh, worker, child, elder = family()
    put("/api/v1/households/%d/steps" % hh, {"responsible_person": "杨帮扶", "items": [
        {"step": "registration", "done_date": "2019-03-01", "done_by": "村干部"},
        {"step": "hukou_transfer", "due_date": day(-30)}]})
    expect(on_list("zero_employment", hh), "zero employment")
    expect(on_list("idle_labor", hh, worker), "idle labor")
    expect(on_list("training_target", hh, worker), "a training target: no skills, no work")
    expect(on_list("child_not_enrolled", hh, child), "child not enrolled")
    for p in (worker, child, elder):
        expect(on_list("no_medical_insurance", hh, p), "no medical insurance %d" % p)
    expect(on_list("no_pension_insurance", hh, elder) and not on_list("no_pension_insurance", hh, worker),
           "pension age only")
    expect(on_list("archive_incomplete", hh), "archive incomplete")
    expect(on_list("step_overdue", hh), "step overdue")
    expect(on_list("visit_overdue", hh), "never visited")
    entry = [e for e in get("/api/v1/worklists/step_overdue?limit=500").json["items"] if e["household_id"] == hh][0]
    expect(entry["responsible_person"] == "杨帮扶" and entry["head_name"] == "龙大山" and entry["detail"] == "hukou_transfer",
           "the entry names the household, reason and responsible person %r" % entry)

    # an old job ended more than a year ago: still idle; a training this year: no longer idle
    post("/api/v1/persons/%d/jobs" % worker, {"type": "county", "employer": "砖厂", "start_date": "2020-01-01",
                                              "end_date": "2021-01-01"})
    expect(on_list("idle_labor", hh, worker), "an old job does not count")
    post("/api/v1/persons/%d/trainings" % worker, {"type": "orientation", "course": "就业引导", "hours": 6,
                                                   "start_date": day(-20)})
    expect(not on_list("idle_labor", hh, worker) and on_list("zero_employment", hh), "trained: not idle, still no job")
    post("/api/v1/persons/%d/jobs" % worker, {"type": "public_welfare", "employer": "团山社区保洁", "start_date": day(-5),
                                              "main": True, "monthly_income": 1500})
    expect(not on_list("zero_employment", hh), "employed")
    expect(on_list("training_target", hh, worker), "employed but without skills: still a target")
    post("/api/v1/persons/%d/trainings" % worker, {"type": "skills", "course": "电工", "hours": 40,
                                                   "start_date": day(-15), "end_date": day(-10)})
    expect(not on_list("training_target", hh, worker), "skilled and employed: no longer a target")
    put("/api/v1/persons/%d/schooling" % child, {"status": "enrolled", "school": "团山小学", "grade": "四年级"})
    expect(not on_list("child_not_enrolled", hh, child), "enrolled")
    for p in (worker, child, elder):
        post("/api/v1/persons/%d/guarantees" % p, {"kind": "medical_insurance", "status": "enrolled", "start_date": "2024-01-01"})
    expect(not any(on_list("no_medical_insurance", hh, p) for p in (worker, child, elder)), "insured")
    post("/api/v1/persons/%d/guarantees" % elder, {"kind": "pension_insurance", "status": "enrolled", "start_date": "2015-01-01"})
    expect(not on_list("no_pension_insurance", hh, elder), "pension")
    put("/api/v1/households/%d/steps" % hh, {"responsible_person": "杨帮扶", "items": [
        {"step": "registration", "done_date": "2019-03-01", "done_by": "村干部"},
        {"step": "hukou_transfer", "due_date": day(-30), "done_date": day(-2), "done_by": "派出所"}]})
    expect(not on_list("step_overdue", hh), "step done")
    post("/api/v1/households/%d/visits" % hh, {"date": day(-100), "visitor": "网格员", "found": "在家"})
    expect(on_list("visit_overdue", hh), "a visit 100 days ago is not recent (90 days)")
    post("/api/v1/households/%d/visits" % hh, {"date": day(0), "visitor": "网格员", "found": "在家"})
    expect(not on_list("visit_overdue", hh), "visited")
    required = [t["code"] for t in get("/api/v1/doc-types").json["items"] if t["required"]["synchronous"]]
    boundary = "followupBoundary"
    for code in required:
        body = ("--%s\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n%s\r\n"
                "--%s\r\nContent-Disposition: form-data; name=\"doc_type\"\r\n\r\n%s\r\n"
                "--%s\r\nContent-Disposition: form-data; name=\"paper_location\"\r\n\r\nA柜\r\n--%s--\r\n"
                % (boundary, code, boundary, code, boundary, boundary)).encode()
        r = S.request("POST", "/api/v1/households/%d/items" % hh, raw=body, token=ADMIN,
                      content_type="multipart/form-data; boundary=" + boundary)
        expect(r.status == 201, "item %r" % r)
    expect(not on_list("archive_incomplete", hh), "archive complete")
    # a setting is data too: a 120-day visit period keeps the old visit of another household off the list
    h2, _, _, _ = family()
    post("/api/v1/households/%d/visits" % h2, {"date": day(-100), "visitor": "网格员", "found": "在家"})
    expect(on_list("visit_overdue", h2), "100 days > 90")
    r = put("/api/v1/followup/settings", {"settings": {"visit_days": 120}})
    expect(r.status == 200 and r.json["settings"]["visit_days"]["value"] == 120, "%r" % r)
    expect(not on_list("visit_overdue", h2), "100 days < 120")
    r = put("/api/v1/followup/settings", {"settings": {"visit_days": 5000}})
    expect(r.status == 422 and r.field_codes() == {"settings.visit_days": "out_of_range"}, "%r" % r)
    zd = S.login("zhengda")
    expect(put("/api/v1/followup/settings", {"settings": {"visit_days": 30}}, zd).status == 403, "admins only")
    put("/api/v1/followup/settings", {"settings": {"visit_days": 90}})
    counts = {x["rule"]: x["count"] for x in get("/api/v1/worklists").json["items"]}
    expect(set(counts) == {"zero_employment", "idle_labor", "training_target", "child_not_enrolled", "no_medical_insurance",
                           "no_pension_insurance", "archive_incomplete", "step_overdue", "visit_overdue"}, "%r" % counts)
    expect(get("/api/v1/worklists/no_such_rule").status == 404, "unknown rule")
    ps = S.login("panshi")
    expect(all(x["count"] == 0 for x in get("/api/v1/worklists", ps).json["items"]), "another town sees none of these")


def test_report_agrees_with_worklists_and_downloads():
    for _ in range(3):
        hh, worker, child, elder = family()
        post("/api/v1/persons/%d/jobs" % worker, {"type": "workshop", "employer": "扶贫车间", "start_date": "2024-01-01"})
    r = get("/api/v1/reports/employment")
    expect(r.status == 200, "%r" % r)
    rep = r.json
    c = rep["county"]
    wl = {x["rule"]: x["count"] for x in get("/api/v1/worklists").json["items"]}
    expect(c["zero_employment_households"] == wl["zero_employment"], "zero employment %r %r" % (c, wl))
    expect(c["school_age_children"] - c["children_enrolled"] == wl["child_not_enrolled"], "children")
    expect(c["persons"] - c["medical_insured"] == wl["no_medical_insurance"], "medical")
    expect(c["employed"] == sum(c["employed_" + t] for t in ("county", "province", "outside_province", "public_welfare",
                                                             "workshop", "self_employed", "flexible")), "by type adds up")
    expect(c["employment_rate"] == int(c["employed"] * 1000 / c["labor_force"]) / 10, "rate %r" % c)
    both = get("/api/v1/reports/employment?worklists=true").json
    expect({x["rule"]: x["count"] for x in both["worklists"]} == wl and both["county"] == c,
           "one pass gives the same report and counts")
    for rule, n in wl.items():
        expect(get("/api/v1/worklists/%s?limit=1" % rule).json["count"] == n, "list length = count for %s" % rule)
    county = get("/api/v1/reports/county").json
    for k in ("labor_force", "employed", "zero_employment_households"):
        expect(county[k] == c[k], "county report %s" % k)
    expect(county["labor_files"] == 0 and county["labor_volumes"] == 0, "no labor items yet")
    # the records behind a figure
    rec = get("/api/v1/reports/employment/records?figure=zero_employment_households&limit=500").json
    expect(rec["count"] == c["zero_employment_households"] == len(rec["items"]), "records %r" % rec)
    town = [t for t in rep["by_town"] if t["code"] == ZHENGDA][0]
    rec = get("/api/v1/reports/employment/records?figure=employed_workshop&area=%s&limit=2" % ZHENGDA).json
    expect(rec["count"] == town["employed_workshop"] and len(rec["items"]) == 2 and rec["next"], "paged %r" % rec)
    expect(get("/api/v1/reports/employment/records?figure=nonsense").status == 422, "unknown figure")
    prog = get("/api/v1/reports/relocation").json["by_town"]
    zd_row = [t for t in prog if t["code"] == ZHENGDA][0]
    expect(zd_row["households"] == town["households"] and zd_row["registration"] >= 1
           and zd_row["with_responsible"] >= 1, "relocation progress by town %r" % zd_row)

    zh = {"Accept-Language": "zh-CN,zh;q=0.9"}
    x = S.request("GET", "/api/v1/reports/employment?format=xlsx", token=ADMIN, headers=zh)
    expect(x.status == 200 and x.body[:2] == b"PK" and "spreadsheetml" in x.header("Content-Type"), "xlsx %r" % x.status)
    path = os.path.join(S.dir, "report.xlsx")
    with open(path, "wb") as f:
        f.write(x.body)
    reader = subprocess.run(["/usr/bin/python3", "-c", """
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
print(json.dumps({ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}, ensure_ascii=False))
""", path], capture_output=True, text=True)
    expect(reader.returncode == 0, "openpyxl: %s" % reader.stderr)
    sheets = json.loads(reader.stdout)
    expect(len(sheets) == 3, "three sheets %r" % list(sheets))
    by_town = list(sheets.values())[1]
    expect(by_town[0][0].startswith("由 admin 导出"), "who exported it, first row %r" % by_town[0])
    head = by_town[1]
    expect(head[0] == "代码" and "劳动力" in head, "Chinese headers %r" % head)
    code_col, labor_col, emp_col = 0, head.index("劳动力"), head.index("就业人数")
    got = {r[code_col]: (r[labor_col], r[emp_col]) for r in by_town[2:]}
    want = {t["code"]: (t["labor_force"], t["employed"]) for t in rep["by_town"]}
    expect(got == want, "xlsx figures equal the JSON %r %r" % (got, want))
    cs = S.request("GET", "/api/v1/reports/employment?format=csv&table=community", token=ADMIN, headers=zh)
    expect(cs.status == 200 and cs.body.startswith(b"\xef\xbb\xbf"), "csv with BOM")
    table = list(csv.reader(io.StringIO(cs.body.decode("utf-8-sig"))))
    want = {t["code"]: str(t["persons"]) for t in rep["by_community"]}
    col = table[0].index("人数")
    expect({r[0]: r[col] for r in table[1:]} == want, "csv figures equal the JSON")
    wx = get("/api/v1/worklists/child_not_enrolled?format=csv")
    lines = list(csv.reader(io.StringIO(wx.body.decode("utf-8-sig"))))
    expect(len(lines) - 1 == wl["child_not_enrolled"], "worklist export has every entry")


def test_cli_reports():
    out = S.cli("report", "employment", "--format", "table").stdout
    expect("劳动力" in out or "Labor force" in out, out[:300])
    path = os.path.join(S.dir, "cli.xlsx")
    S.cli("report", "employment", "--format", "xlsx", "--output", path)
    with open(path, "rb") as f:
        expect(f.read(2) == b"PK", "an xlsx file")
    out = S.cli("report", "employment", "--format", "csv").stdout
    expect(out.count("\n") >= 2, "csv on stdout")
    out = S.cli("report", "followup", "--format", "table").stdout
    expect("zero_employment" in out or "零就业" in out, out[:300])
    out = S.cli("report", "followup", "--list", "child_not_enrolled", "--format", "csv").stdout
    expect("龙小花" in out, "the records behind a worklist on the CLI")
    out = S.cli("report", "employment", "--list", "zero_employment_households").stdout
    expect("龙大山" in out, "the records behind a figure on the CLI")
    r = S.cli("report", "employment", "--format", "pdf", check=False)
    expect(r.returncode == 2, "bad format refused")


# ------------------------------------------------------------------ pages

def page_session(user="admin"):
    import re
    from urllib.parse import urlencode
    form = S.request("GET", "/login")
    jar = dict(v.split(";")[0].split("=", 1) for k, v in form.headers if k.lower() == "set-cookie")
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', form.body.decode()).group(1)
    r = S.request("POST", "/login", raw=urlencode({"username": user, "password": PASSWORD,
                                                   "csrf": csrf}).encode(),
                  content_type="application/x-www-form-urlencoded", headers={"Cookie": "anju_csrf=" + jar["anju_csrf"]})
    cookies = dict(v.split(";")[0].split("=", 1) for k, v in r.headers if k.lower() == "set-cookie")
    return cookies["anju_session"]


def page(path, session):
    return S.request("GET", path, headers={"Cookie": "anju_session=%s; anju_lang=zh" % session})


def message(lang, key):
    """The catalogue's text of key (web/messages/<lang>.txt)."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "web", "messages", lang + ".txt")
    with open(path, encoding="utf-8") as f:
        for line in f:
            k, sep, text = line.partition(" = ")
            if sep and k == key:
                return text.rstrip("\n")
    raise KeyError(key)


def submit(path, session, fields, form_page=None):
    """Posts a form to path with the CSRF token of the page it is on (path itself by default)
    and, as a browser does, the ETag the form carries (unless fields name one)."""
    import html
    import re
    from urllib.parse import urlencode
    form = page(form_page or path, session).body.decode()
    token = re.search(r'name="csrf" value="([0-9a-f]+)"', form).group(1)
    etag = re.search(r'name="etag" value="([^"]+)"', form)
    if etag and "etag" not in fields:
        fields = dict(fields, etag=html.unescape(etag.group(1)))
    return S.request("POST", path, raw=urlencode(dict(fields, csrf=token)).encode(),
                     content_type="application/x-www-form-urlencoded",
                     headers={"Cookie": "anju_session=%s; anju_lang=zh" % session})


def test_ledger_forms_in_pages():
    hh, worker, child, elder = family()
    session = page_session()
    person = page("/persons/%d" % worker, session).body.decode()
    expect('href="/persons/%d/jobs/new"' % worker in person and "就业记录" in person, "volume sections on the person page")
    bad = submit("/persons/%d/jobs/new" % worker, session, {"type": "workshop", "employer": "团山扶贫车间",
                                                          "start_date": "2025-05-01", "end_date": "2025-04-01",
                                                          "monthly_income": "2000", "main": "true"})
    body = bad.body.decode()
    expect(bad.status == 422 and 'id="end_date-error"' in body and 'value="团山扶贫车间"' in body,
           "error beside the end date, employer kept %r" % bad.status)
    ok = submit("/persons/%d/jobs/new" % worker, session, {"type": "workshop", "employer": "团山扶贫车间",
                                                         "start_date": "2025-05-01", "monthly_income": "2000",
                                                         "main": "true"})
    expect(ok.status == 303 and unmac(ok.header("Location")) == "/persons/%d?saved=job" % worker, "saved %r" % ok.status)
    volume = page("/persons/%d" % worker, session).body.decode()
    expect("团山扶贫车间" in volume, "shown on the volume")
    bad = submit("/persons/%d/trainings/new" % worker, session, {"type": "skills", "course": "电工", "hours": "30",
                                                               "start_date": "2025-03-01"})
    expect(bad.status == 422 and 'id="hours-error"' in bad.body.decode(), "hours beside the field")
    bad = submit("/households/%d/plots" % hh, session, {"contracted_area_mu": "0", "contracted_use": "transferred",
                                                       "forest_area_mu": "12", "forest_use": "shares"})
    body = bad.body.decode()
    expect(bad.status == 422 and 'id="contracted_area_mu-error"' in body and 'value="12"' in body,
           "the zero area is marked, the forest kept %r" % bad.status)
    ok = submit("/households/%d/plots" % hh, session, {"contracted_area_mu": "3.5", "contracted_use": "transferred",
                                                      "contracted_annual_income": "1200", "forest_area_mu": "12",
                                                      "forest_use": "shares"})
    expect(ok.status == 303, "plots saved %r" % ok.status)
    got = get("/api/v1/households/%d/plots" % hh).json["items"]
    expect([(p["kind"], p["area_mu"], p["use"]) for p in got] == [("contracted", 3.5, "transferred"), ("forest", 12.0, "shares")],
           "two plots %r" % got)
    bad = submit("/households/%d/steps" % hh, session, {"responsible_person": "杨帮扶", "moving_done_date": "2019-05-01",
                                                       "moving_done_by": "搬迁组"})
    expect(bad.status == 422 and 'id="moving_done_date-error"' in bad.body.decode(), "step order beside the step")
    # the one date-order code, worded by the catalogue as every field error is
    bad = submit("/households/%d/steps" % hh, session, {"registration_done_date": "2019-03-01",
                                                       "registration_done_by": "村干部",
                                                       "hukou_transfer_done_date": "2019-02-01",
                                                       "hukou_transfer_done_by": "派出所"})
    text = bad.body.decode()
    expect(bad.status == 422 and 'id="hukou_transfer_done_date-error"' in text
           and message("zh-CN", "end_before_start") in text, "date order beside the step %r" % bad.status)
    # a form that was read before another change is refused, not saved over it
    fresh = page("/households/%d/plots" % hh, session).body.decode()
    expect('name="etag"' in fresh, "the plots' form carries their ETag")
    stale = submit("/households/%d/plots" % hh, session, {"forest_area_mu": "1", "forest_use": "idle",
                                                         "etag": '"w-0"'})
    expect(stale.status == 412 and "记录在您读取后已被修改" in stale.body.decode(), "a stale form %r" % stale.status)
    # a one-record ledger's form is its descriptor's, filled from the record
    ok = submit("/persons/%d/schooling" % child, session, {"status": "enrolled", "school": "团山小学", "grade": "四年级"})
    expect(ok.status == 303, "schooling saved %r" % ok.status)
    form = page("/persons/%d/schooling" % child, session).body.decode()
    expect('value="团山小学"' in form and 'name="etag"' in form and "修改就学情况" in form, "the record on its form")
    stale = submit("/persons/%d/schooling" % child, session, {"status": "enrolled", "school": "x", "etag": '"w-0"'})
    expect(stale.status == 412, "a stale schooling form %r" % stale.status)
    boundary = "evidenceBoundary"
    body = ("--%s\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n登记表\r\n"
            "--%s\r\nContent-Disposition: form-data; name=\"doc_type\"\r\n\r\napplication\r\n"
            "--%s\r\nContent-Disposition: form-data; name=\"paper_location\"\r\n\r\nA柜\r\n--%s--\r\n"
            % ((boundary,) * 4)).encode()
    item = S.request("POST", "/api/v1/households/%d/items" % hh, raw=body, token=ADMIN,
                     content_type="multipart/form-data; boundary=" + boundary).json
    form = page("/households/%d/steps" % hh, session).body.decode()
    expect('<option value="%d">' % item["id"] in form, "the household's items offered as evidence")
    ok = submit("/households/%d/steps" % hh, session, {"responsible_person": "杨帮扶", "registration_done_date": "2019-03-01",
                                                      "registration_done_by": "村干部",
                                                      "registration_evidence_item_id": str(item["id"])})
    expect(ok.status == 303, "steps saved %r" % ok.status)
    reg = get("/api/v1/households/%d/steps" % hh).json["items"][0]
    expect(reg["step"] == "registration" and reg["evidence_item_id"] == item["id"], "evidence kept %r" % reg)
    ok = submit("/households/%d/visits/new" % hh, session, {"date": day(-1), "kind": "visit", "visitor": "网格员",
                                                           "found": "一切正常"})
    expect(ok.status == 303, "visit saved %r" % ok.status)
    household = page("/households/%d" % hh, session).body.decode()
    expect("一切正常" in household and "承包地" in household and "流转" in household, "household page shows the ledgers")
    wl = page("/worklists", session).body.decode()
    expect('href="/worklists/zero_employment"' in wl and "零就业家庭" in wl, "worklists page")
    one = page("/worklists/child_not_enrolled", session).body.decode()
    expect("龙小花" in one, "the child is on the list")
    rep = page("/reports/employment", session)
    body = rep.body.decode()
    expect(rep.status == 200 and body.count("<svg") >= 3 and "/reports/employment/records?figure=labor_force" in body,
           "report page with charts and figure links")
    rec = page("/reports/employment/records?figure=employed_workshop&area=" + ZHENGDA, session).body.decode()
    expect('href="/persons/%d"' % worker in rec, "the records behind a figure, linked")
    wl_page = page("/worklists", session).body.decode()
    expect('action="/worklists/settings"' in wl_page and "走访间隔天数" in wl_page, "admins see the rule settings")
    def post_settings(fields):
        return submit("/worklists/settings", session, fields, form_page="/worklists")
    bad = post_settings({"visit_days": "5000", "idle_months": "12"})
    expect(bad.status == 422 and 'id="visit_days-error"' in bad.body.decode() and 'value="5000"' in bad.body.decode(),
           "out of range beside the setting %r" % bad.status)
    ok = post_settings({"visit_days": "60"})
    expect(ok.status == 303 and get("/api/v1/followup/settings").json["settings"]["visit_days"]["value"] == 60, "saved")
    expect(unmac(ok.header("Location")).endswith("/worklists?saved=settings") and
           "设置已保存" in page(ok.header("Location"), session).body.decode(), "and it says so")
    post_settings({"visit_days": "90"})
    emp = page("/employers", session).body.decode()
    expect("扶贫车间/小农场" in emp and 'action="/employers"' in emp, "the employer register page")
    def post_employer(fields):
        return submit("/employers", session, fields)
    bad = post_employer({"name": "", "kind": "workshop"})
    expect(bad.status == 422 and 'id="name-error"' in bad.body.decode(), "name required beside it")
    ok = post_employer({"name": "团山社区公共服务站", "kind": "public_service_station", "community": TUANSHAN})
    expect(ok.status == 303 and any(e["name"] == "团山社区公共服务站" for e in get("/api/v1/employers").json["items"]),
           "registered %r" % ok.status)
    expect(unmac(ok.header("Location")).endswith("/employers?saved=employer") and
           "已添加该用工单位" in page(ok.header("Location"), session).body.decode(), "and it says so")
    again = post_employer({"name": "团山社区公共服务站", "kind": "workshop"})
    expect(again.status == 422 and "已登记同名用工单位" in again.body.decode(), "one name once")
    town = page_session("zhengda")
    expect('action="/worklists/settings"' not in page("/worklists", town).body.decode(), "only admins see them")
    dash = page("/", session).body.decode()
    expect('href="/worklists/zero_employment"' in dash, "worklist counts on the dashboard")
    # a job ends through its form; the history stays
    import html
    import re
    job_id = int(re.search(r'href="/jobs/(\d+)/end"', volume).group(1))
    # the form carries the job's ETag: a change made meanwhile is not overwritten
    etag = re.search(r'name="etag" value="([^"]+)"', page("/jobs/%d/end" % job_id, session).body.decode())
    expect(etag is not None, "the form carries the job's ETag")
    etag = html.unescape(etag.group(1))
    stale = submit("/jobs/%d/end" % job_id, session, {"end_date": "2025-12-31", "etag": '"r%d-0"' % job_id})
    expect(stale.status == 412, "a stale form changes nothing %r" % stale.status)
    bad = submit("/jobs/%d/end" % job_id, session, {"end_date": "2025-01-01", "etag": etag})
    expect(bad.status == 422 and 'id="end_date-error"' in bad.body.decode(), "ending before it began %r" % bad.status)
    expect('name="etag" value="' in bad.body.decode(), "the ETag kept on the form sent back")
    ok = submit("/jobs/%d/end" % job_id, session, {"end_date": "2025-12-31", "etag": etag})
    expect(ok.status == 303 and unmac(ok.header("Location")) == "/persons/%d?saved=job" % worker, "ended %r" % ok.status)
    ended = [j for j in get("/api/v1/persons/%d/jobs" % worker).json["items"] if j["id"] == job_id][0]
    expect(ended["end_date"] == "2025-12-31" and ended["current"] is False, "history kept %r" % ended)


if __name__ == "__main__":
    Runner().run_module(globals(), S)
