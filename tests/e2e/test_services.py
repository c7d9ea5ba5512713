"""End-to-end tests of the facilities of a community and the one-stop service requests
(issue 13, parts 1 and 2): the API as written, scope, the state machine, bad input that
stores nothing, the figures, the overdue worklist, the downloads and the pages.

usage: test_services.py PATH/TO/anju
"""
import datetime
import io
import os
import re
import sqlite3
import sys
import zipfile
from urllib.parse import urlencode

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import PASSWORD, Runner, Server, expect, id_number, unmac  # noqa: E402

JUBAO, TUANSHAN, YUCAI, LIAOGAO = "520628118201", "520628002030", "520628002031", "520628002"
TODAY = (datetime.datetime.utcnow() + datetime.timedelta(hours=8)).date()

S = Server()
S.cli("migrate")
S.add_user("admin", "admin")
S.add_user("tuanshan", "community", TUANSHAN)
S.add_user("yucai", "community", YUCAI)
S.add_user("liaogao", "town", LIAOGAO)
S.add_user("helper", "volunteer", TUANSHAN)
S.start()
ADMIN = S.login("admin")
TS = S.login("tuanshan")
YC = S.login("yucai")
seq = [500]


def get(path, token=ADMIN):
    return S.request("GET", path, token=token)


def post(path, body, token=ADMIN):
    return S.request("POST", path, body, token=token)


def patch(path, body, token=ADMIN, headers=None):
    return S.request("PATCH", path, body, token=token, headers=headers)


def count(table):
    db = sqlite3.connect(S.db)
    n = db.execute("SELECT count(*) FROM %s" % table).fetchone()[0]
    db.close()
    return n


def stored():
    return tuple(count(t) for t in ("facilities", "service_windows", "service_requests",
                                    "service_request_steps", "service_request_items"))


def family(dest=TUANSHAN):
    seq[0] += 2
    born = "%04d0101" % (TODAY.year - 40)
    r = post("/api/v1/households", {
        "category": "registered_poor", "origin_village": JUBAO, "dest_community": dest, "status": "settled",
        "members": [{"id_number": id_number("520628%s%03d" % (born, seq[0] % 1000)), "name": "杨大山",
                     "relation": "head", "labor_capacity": "ordinary"}]})
    expect(r.status == 201, "household %r" % r)
    return r.json["id"], r.json["members"][0]["id"]


def facility(name, kind, community=TUANSHAN, token=ADMIN, **more):
    return post("/api/v1/facilities", dict({"community_code": community, "kind": kind, "name": name}, **more),
                token=token)


def test_facilities_as_written():
    for i in range(3):
        r = facility("便民超市%d号" % (i + 1), "convenience_supermarket", address="%d栋1楼" % (i + 1),
                     area_m2=80, opening_hours="08:00-22:00", contact="13800000000")
        expect(r.status == 201 and r.json["kind"] == "convenience_supermarket", "supermarket %r" % r)
    facility("育才便民超市", "convenience_supermarket", community=YUCAI)
    r = get("/api/v1/facilities?community=%s&kind=convenience_supermarket" % TUANSHAN)
    expect(r.status == 200 and set(r.json) == {"items", "next"} and len(r.json["items"]) == 3,
           "the list as written %r" % r)
    expect(all(f["community_code"] == TUANSHAN for f in r.json["items"]), "only 团山's")
    page1 = get("/api/v1/facilities?kind=convenience_supermarket&limit=2")
    expect(len(page1.json["items"]) == 2 and page1.json["next"], "a first page %r" % page1.json)
    page2 = get("/api/v1/facilities?kind=convenience_supermarket&limit=2&after=%s" % page1.json["next"])
    expect(len(page2.json["items"]) == 2 and page2.json["next"] is None, "the last page %r" % page2.json)
    expect(get("/api/v1/reports/county").json["convenience_supermarkets"] == 4, "the county counts them")
    expect(get("/api/v1/reports/county", TS).json["convenience_supermarkets"] == 3, "团山 counts its own")
    # scope: 育才's user sees none of 团山's, and cannot add one there
    r = get("/api/v1/facilities?community=%s&kind=convenience_supermarket" % TUANSHAN, YC)
    expect(r.status == 200 and r.json["items"] == [], "none outside the scope %r" % r.json)
    before = stored()
    r = facility("越界超市", "convenience_supermarket", token=YC)
    expect(r.status == 422 and r.field_codes().get("community_code") == "out_of_scope", "out of scope %r" % r)
    r = facility("怪设施", "spaceport")
    expect(r.status == 422 and r.field_codes().get("kind") == "unknown_value", "unknown kind %r" % r)
    r = facility("便民超市1号", "convenience_supermarket")
    expect(r.status == 422 and r.field_codes().get("name") == "facility_name_taken", "a name once %r" % r)
    expect(stored() == before, "nothing stored by bad input")
    expect(get("/api/v1/facilities?kind=spaceport").status == 422, "an unknown kind in a filter")
    kinds = {k["code"] for k in get("/api/v1/facility-kinds").json["items"]}
    expect({"convenience_supermarket", "community_service_center", "homesickness_hall"} <= kinds, "kinds %r" % kinds)
    added = post("/api/v1/facility-kinds", {"code": "elder_canteen", "name_zh": "长者食堂", "name_en": "Elders' canteen"})
    expect(added.status == 200 and facility("长者食堂", "elder_canteen").status == 201, "a kind a community adds")
    expect(post("/api/v1/facility-kinds", {"code": "x", "name_zh": "x", "name_en": "x"}, TS).status == 403,
           "kinds are the administrators'")


def test_windows_and_departments():
    centre = facility("团山社区服务中心", "community_service_center", address="2栋", area_m2=600).json
    r = post("/api/v1/facilities/%d/windows" % centre["id"], {"name": "1号窗口", "departments": ["human_resources", "civil_affairs"]}, TS)
    expect(r.status == 201 and r.json["departments"] == ["human_resources", "civil_affairs"], "a window %r" % r)
    one = get("/api/v1/facilities/%d" % centre["id"], TS).json
    expect(one["window_count"] == 1 and one["windows"][0]["departments"] == ["human_resources", "civil_affairs"],
           "the centre with its window %r" % one)
    before = stored()
    r = post("/api/v1/facilities/%d/windows" % centre["id"], {"name": "2号窗口", "departments": ["astrology"]}, TS)
    expect(r.status == 422 and r.field_codes().get("departments[0]") == "unknown_value", "unknown department %r" % r)
    market = get("/api/v1/facilities?kind=convenience_supermarket&community=%s" % TUANSHAN).json["items"][0]
    r = post("/api/v1/facilities/%d/windows" % market["id"], {"name": "收银台", "departments": ["community"]})
    expect(r.status == 422 and r.field_codes().get("name") == "facility_has_no_windows", "a shop has no windows %r" % r)
    expect(stored() == before, "nothing stored")
    expect(get("/api/v1/facilities/%d" % centre["id"], YC).status == 404, "another community's centre is 404")
    # a facility changes under its ETag: hours and status; stale or missing If-Match refused
    fpath = "/api/v1/facilities/%d" % centre["id"]
    etag = get(fpath, TS).header("ETag")
    expect(patch(fpath, {"opening_hours": "08:00-18:00"}, TS).status == 428, "If-Match required")
    r = patch(fpath, {"opening_hours": "08:00-18:00", "status": "open"}, TS, headers={"If-Match": etag})
    expect(r.status == 200 and r.json["opening_hours"] == "08:00-18:00" and r.json["address"] == "2栋", "changed %r" % r)
    expect(patch(fpath, {"status": "closed"}, TS, headers={"If-Match": etag}).status == 412, "a stale ETag")
    r = patch(fpath, {"status": "shut", "area_m2": 0}, TS, headers={"If-Match": r.header("ETag")})
    expect(r.status == 422 and r.field_codes().get("status") == "unknown_value" and "area_m2" in r.field_codes(),
           "every bad field %r" % r)
    expect(patch(fpath, {"status": "closed"}, YC, headers={"If-Match": "*"}).status == 404, "404 outside the scope")
    expect(post("/api/v1/facilities/%d/windows" % centre["id"], {"name": "3号窗口", "departments": ["health"]}, YC).status == 404,
           "and cannot be given windows")
    expect(any(d["code"] == "public_security" for d in get("/api/v1/departments").json["items"]), "departments")


def window_of(token=TS):
    centre = get("/api/v1/facilities?kind=community_service_center&community=%s" % TUANSHAN, token).json["items"][0]
    return get("/api/v1/facilities/%d" % centre["id"], token).json["windows"][0]["id"]


def test_matters_as_written():
    r = get("/api/v1/service-matters", TS)
    expect(r.status == 200 and all("code" in m and m["promised_days"] >= 1 for m in r.json["items"]), "catalogue %r" % r)
    expect("minimum_living_allowance" in {m["code"] for m in r.json["items"]}, "低保 in the catalogue")
    r = post("/api/v1/service-matters", {"code": "pet_registration", "name_zh": "犬只登记", "name_en": "Dog registration",
                                         "department": "public_security", "promised_days": 3})
    expect(r.status == 200 and r.json["active"] is True, "a matter added %r" % r)
    r = post("/api/v1/service-matters", {"code": "pet_registration", "name_zh": "犬只登记", "name_en": "Dog registration",
                                         "department": "public_security", "promised_days": 3, "active": False})
    expect(r.status == 200 and r.json["active"] is False, "retired, not deleted")
    r = post("/api/v1/service-matters", {"code": "Bad Code", "name_zh": "x", "name_en": "x", "department": "nowhere",
                                         "promised_days": 99})
    expect(r.status == 422 and {"code", "department", "promised_days"} <= {e["field"] for e in r.json["errors"]},
           "every bad field %r" % r)
    expect(post("/api/v1/service-matters", {"code": "x", "name_zh": "x", "name_en": "x", "department": "health",
                                            "promised_days": 3}, TS).status == 403, "the catalogue is the administrators'")


def test_request_lifecycle():
    hh, person = family()
    window = window_of()
    r = post("/api/v1/service-requests", {"person_id": person, "matter": "employment_registration", "channel": "window",
                                          "window_id": window}, TS)
    expect(r.status == 201 and r.json["status"] == "received", "received %r" % r)
    expect(r.header("ETag") and r.header("Location") == "/api/v1/service-requests/%d" % r.json["id"], "ETag and Location")
    req = r.json
    expect(req["household_id"] == hh and req["community_code"] == TUANSHAN and req["department"] == "human_resources",
           "who and where %r" % req)
    expect(req["due_on"] > TODAY.isoformat() and req["overdue"] is False, "promised working days ahead %r" % req["due_on"])
    path = "/api/v1/service-requests/%d" % req["id"]
    for status in ("accepted", "in_progress", "done"):
        r = patch(path, {"status": status, "note": "办理：%s" % status}, TS)
        expect(r.status == 200 and r.json["status"] == status, "%s %r" % (status, r))
    done = r.json
    expect([s["status"] for s in done["steps"]] == ["received", "accepted", "in_progress", "done"] and
           all(s["user"] == "tuanshan" and s["at"] for s in done["steps"]), "every move timed and signed %r" % done["steps"])
    expect(done["closed_at"] and done["done_seconds"] is not None, "closed with its time to done")
    before = stored()
    for status in ("accepted", "received", "in_progress", "rejected"):
        r = patch(path, {"status": status, "reason": "x"} if status == "rejected" else {"status": status}, TS)
        expect(r.status == 422 and r.field_codes().get("status") == "transition_not_allowed", "done → %s refused %r" % (status, r))
    expect(stored() == before and get(path, TS).json["status"] == "done", "nothing moved")
    # the audit API shows a request's history to those who review the log
    r = get("/api/v1/audit?entity=service_request&id=%d" % req["id"], ADMIN)
    expect(r.status == 200 and {a["action"] for a in r.json["items"]} >= {"create", "update"} and
           all(a["entity"] == "service_request" and a["entity_id"] == req["id"] for a in r.json["items"]),
           "a request's audit rows by entity and id %r" % r)
    r = get("/api/v1/audit?entity=no_such_kind&id=1", ADMIN)
    expect(r.status == 422 and [e["field"] for e in r.json["errors"]].count("entity") == 1,
           "an unknown kind is one error %r" % r)
    # an ETag of an older version is refused; the current one moves it
    second = post("/api/v1/service-requests", {"household_id": hh, "matter": "housing_repair", "channel": "phone"}, TS)
    p2 = "/api/v1/service-requests/%d" % second.json["id"]
    trail = get("/api/v1/households/%d/trail" % hh, TS).json["items"]
    expect(any(t["entity"] == "service_request" and t["entity_id"] == second.json["id"] for t in trail),
           "a household's service requests are in its change trail")
    stale = second.header("ETag")
    patch(p2, {"status": "accepted"}, TS)
    r = patch(p2, {"status": "in_progress"}, TS, headers={"If-Match": stale})
    expect(r.status == 412, "a stale ETag %r" % r)
    r = patch(p2, {"status": "referred"}, TS)
    expect(r.status == 422 and r.field_codes().get("referred_to") == "required" and r.field_codes().get("receiving_party") == "required",
           "a referral names where %r" % r)
    r = patch(p2, {"status": "referred", "referred_to": "housing", "receiving_party": "县住建局 王科长"}, TS,
              headers={"If-Match": get(p2, TS).header("ETag")})
    expect(r.status == 200 and r.json["referred_to"] == "housing", "referred %r" % r)
    third = post("/api/v1/service-requests", {"walk_in_name": "过路的李大姐", "matter": "certificate_of_residence",
                                              "channel": "window", "window_id": window}, TS)
    expect(third.status == 201 and third.json["walk_in_name"] == "过路的李大姐", "a walk-in %r" % third)
    r = patch("/api/v1/service-requests/%d" % third.json["id"], {"status": "rejected"}, TS)
    expect(r.status == 422 and r.field_codes().get("reason") == "required", "a rejection says why")
    r = patch("/api/v1/service-requests/%d" % third.json["id"], {"status": "rejected", "reason": "非本社区居民"}, TS)
    expect(r.status == 200 and r.json["reason"] == "非本社区居民", "rejected")


def test_bad_requests_store_nothing():
    hh, person = family()
    other_hh, _ = family()
    before = stored()
    r = post("/api/v1/service-requests", {"person_id": person, "matter": "flying_lessons", "channel": "pigeon"}, TS)
    expect(r.status == 422 and r.field_codes().get("matter") == "unknown_value" and r.field_codes().get("channel") == "unknown_value",
           "unknown matter and channel at once %r" % r)
    r = post("/api/v1/service-requests", {"matter": "id_card", "channel": "window"}, TS)
    expect(r.status == 422 and r.field_codes().get("person_id") == "requester_required", "who asked %r" % r)
    r = post("/api/v1/service-requests", {"person_id": person, "household_id": other_hh, "matter": "id_card",
                                          "channel": "window"}, TS)
    expect(r.status == 422 and r.field_codes().get("household_id") == "person_not_in_household",
           "a person and another household %r" % r)
    r = post("/api/v1/service-requests", {"walk_in_name": "李\u2060大姐", "matter": "id_card", "channel": "window"}, TS)
    expect(r.status == 422 and r.field_codes().get("walk_in_name") == "name_invisible", "a walk-in's name as shown %r" % r)
    r = post("/api/v1/service-requests", {"person_id": person, "matter": "pet_registration", "channel": "window"}, TS)
    expect(r.status == 422 and r.field_codes().get("matter") == "unknown_value", "a retired matter is no longer taken")
    # a person outside the user's scope does not exist for them
    r = post("/api/v1/service-requests", {"person_id": person, "matter": "id_card", "channel": "window"}, YC)
    expect(r.status == 404, "outside the scope %r" % r)
    r = post("/api/v1/service-requests", {"household_id": hh, "matter": "id_card", "channel": "window"}, YC)
    expect(r.status == 404, "a household outside the scope %r" % r)
    # an attachment from another household's archive
    db = sqlite3.connect(S.db)
    db.execute("INSERT INTO items(household_id, item_no, reference_code, title, doc_type, retention, paper_location,"
               " created_at, updated_at) SELECT ?, 1, 'TEST-SVC-1', '户口簿', code, 'permanent', '柜1',"
               " '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z' FROM doc_types LIMIT 1", (other_hh,))
    db.commit()
    foreign = db.execute("SELECT id FROM items WHERE reference_code = 'TEST-SVC-1'").fetchone()[0]
    db.close()
    r = post("/api/v1/service-requests", {"person_id": person, "matter": "id_card", "channel": "window",
                                          "items": [foreign]}, TS)
    expect(r.status == 422 and r.field_codes().get("items[0]") == "item_other_household", "another household's item %r" % r)
    r = post("/api/v1/service-requests", {"walk_in_name": "无名", "matter": "id_card", "channel": "window"}, TS)
    expect(r.status == 201 and r.json["community_code"] == TUANSHAN, "a walk-in's community is the user's")
    after = stored()
    expect(after[0:2] == before[0:2] and after[2] == before[2] + 1 and after[4] == before[4],
           "only the good one stored %r %r" % (before, after))
    r = post("/api/v1/service-requests", {"household_id": other_hh, "matter": "id_card", "channel": "online",
                                          "items": [foreign]}, TS)
    expect(r.status == 201 and [i["id"] for i in r.json["items"]] == [foreign], "its own household's item %r" % r)


def assign_helper(hh):
    """The volunteer reads the requests of the households assigned to it (issue 13 part 4)."""
    helper = [u["id"] for u in get("/api/v1/users").json["items"] if u["username"] == "helper"][0]
    expect(S.request("PUT", "/api/v1/users/%d/assignments" % helper, {"households": [hh]}, token=ADMIN).status == 200,
           "assigned")


def test_scope_of_requests():
    hh, person = family()
    r = post("/api/v1/service-requests", {"person_id": person, "matter": "school_enrolment", "channel": "door_to_door"}, TS)
    path = "/api/v1/service-requests/%d" % r.json["id"]
    expect(get(path, YC).status == 404 and patch(path, {"status": "accepted"}, YC).status == 404, "404 to 育才")
    expect(get(path, S.login("liaogao")).status == 200, "the town sees its communities'")
    expect(all(x["community_code"] == YUCAI for x in get("/api/v1/service-requests", YC).json["items"]), "育才's list")
    helper = S.login("helper")
    expect(get(path, helper).status == 404, "a volunteer reads only its households' requests")
    assign_helper(hh)
    expect(get(path, helper).status == 200 and patch(path, {"status": "accepted"}, helper).status == 403,
           "a volunteer reads and does not move")
    expect(get("/api/v1/service-requests?format=csv", helper).status == 403, "nor takes a copy")


def test_overdue_and_figures():
    hh, person = family()
    r = post("/api/v1/service-requests", {"person_id": person, "matter": "minimum_living_allowance", "channel": "window"}, TS)
    late = r.json["id"]
    db = sqlite3.connect(S.db)
    db.execute("UPDATE service_requests SET due_on = '2020-01-10', received_on = '2020-01-01' WHERE id = ?", (late,))
    db.commit()
    db.close()
    r = get("/api/v1/service-requests?overdue=true", TS)
    ids = [x["id"] for x in r.json["items"]]
    expect(late in ids and all(x["overdue"] for x in r.json["items"]), "the overdue worklist %r" % ids)
    expect(late not in [x["id"] for x in get("/api/v1/service-requests?overdue=true", YC).json["items"]], "scoped")
    f = get("/api/v1/reports/services", TS).json
    t = f["totals"]
    expect(t["overdue"] >= 1 and t["done"] >= 1 and t["requests"] >= t["done"] + t["open"], "totals %r" % t)
    expect(t["median_hours"] is not None and t["p90_hours"] >= t["median_hours"], "time to done %r" % t)
    expect(0 <= t["done_in_time_share"] <= 1, "share in time %r" % t)
    by = {m["key"]: m for m in f["by_matter"]}
    expect(by["minimum_living_allowance"]["overdue"] >= 1 and by["employment_registration"]["done"] >= 1, "by matter %r" % by)
    expect(any(w["requests"] >= 1 for w in f["by_window"]), "by window %r" % f["by_window"])
    expect(get("/api/v1/reports/services", YC).json["totals"]["requests"] < t["requests"], "figures are scoped")


def test_downloads():
    r = get("/api/v1/service-requests?format=csv", TS)
    text = r.body.decode("utf-8-sig")
    expect(r.status == 200 and "text/csv" in r.header("Content-Type") and "事项" in text.splitlines()[0] or
           "Matter" in text.splitlines()[0], "a CSV %r" % text[:200])
    expect(len(text.strip().splitlines()) >= 1 + len(get("/api/v1/service-requests?limit=500", TS).json["items"]),
           "every request in the CSV")
    r = get("/api/v1/facilities?community=%s&format=xlsx" % TUANSHAN, TS)
    expect(r.status == 200 and zipfile.ZipFile(io.BytesIO(r.body)).testzip() is None, "an XLSX %r" % r.status)
    r = get("/api/v1/service-requests?overdue=true&format=xlsx", TS)
    expect(r.status == 200 and r.body[:2] == b"PK", "the overdue worklist as XLSX")


def page_session(user):
    form = S.request("GET", "/login")
    jar = dict(v.split(";")[0].split("=", 1) for k, v in form.headers if k.lower() == "set-cookie")
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', form.body.decode()).group(1)
    r = S.request("POST", "/login", raw=urlencode({"username": user, "password": PASSWORD, "csrf": csrf}).encode(),
                  content_type="application/x-www-form-urlencoded", headers={"Cookie": "anju_csrf=" + jar["anju_csrf"]})
    return dict(v.split(";")[0].split("=", 1) for k, v in r.headers if k.lower() == "set-cookie")["anju_session"]


def page(path, session, lang="zh"):
    return S.request("GET", path, headers={"Cookie": "anju_session=%s; anju_lang=%s" % (session, lang)})


def submit(path, session, fields, form_page=None):
    token = re.search(r'name="csrf" value="([0-9a-f]+)"', page(form_page or path, session).body.decode()).group(1)
    return S.request("POST", path, raw=urlencode(dict(fields, csrf=token)).encode(),
                     content_type="application/x-www-form-urlencoded",
                     headers={"Cookie": "anju_session=%s; anju_lang=zh" % session})


def number_of(hh):
    db = sqlite3.connect(S.db)
    n = db.execute("SELECT number FROM households WHERE id = ?", (hh,)).fetchone()[0]
    db.close()
    return n


def id_of(person):
    db = sqlite3.connect(S.db)
    n = db.execute("SELECT id_number FROM persons WHERE id = ?", (person,)).fetchone()[0]
    db.close()
    return n


def full_width(s):
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in s)


def test_forms_name_what_a_worker_knows():
    """The request form takes a household by its number (户编号) and a person by their ID
    number or as a member picked from the household: never an internal id; a name that
    finds nothing, or finds a household outside the worker's area, is the same field error,
    the value kept and nothing stored."""
    session = page_session("tuanshan")
    hh, person = family()
    number = number_of(hh)
    form = {"matter": "family_doctor_signing", "channel": "window"}
    # a real number, typed with spaces around it and full-width digits
    r = submit("/services", session, dict(form, household=" %s　" % full_width(number)))
    expect(r.status == 303, "taken by the household's number %r" % r)
    taken = get("/api/v1/service-requests/%s" % r.header("Location").split("?")[0].rsplit("/", 1)[1], TS).json
    expect(taken["household_id"] == hh and taken["person_id"] is None, "the household named %r" % taken)
    # a person by their ID number, lower-case x tolerated
    r = submit("/services", session, dict(form, id_number=id_of(person).lower()))
    taken = get("/api/v1/service-requests/%s" % r.header("Location").split("?")[0].rsplit("/", 1)[1], TS).json
    expect(r.status == 303 and taken["person_id"] == person and taken["household_id"] == hh, "by ID number %r" % r)
    # or the household, then one of its members picked from the list the page offers
    own = page("/services?household=%d" % hh, session).body.decode()
    expect('name="household" value="%s"' % number in own and '<select id="member" name="member"' in own
           and '<option value="%d">杨大山 · 户主</option>' % person in own, "opened for a household: its members")
    r = submit("/services", session, dict(form, household=number, member=str(person)))
    taken = get("/api/v1/service-requests/%s" % r.header("Location").split("?")[0].rsplit("/", 1)[1], TS).json
    expect(r.status == 303 and taken["person_id"] == person, "a member picked %r" % r)
    # a number that names no household: beside the field, in words, the value kept, nothing stored
    before = stored()
    for lang in ("zh", "en"):
        bad = S.request("POST", "/services", raw=urlencode(dict(form, household="5206289999999999", csrf=re.search(
            r'name="csrf" value="([0-9a-f]+)"', page("/services", session).body.decode()).group(1))).encode(),
            content_type="application/x-www-form-urlencoded",
            headers={"Cookie": "anju_session=%s; anju_lang=%s" % (session, lang)})
        body = bad.body.decode()
        words = ("没有找到户编号为 5206289999999999 的户" if lang == "zh"
                 else "No household numbered 5206289999999999 in your area")
        expect(bad.status == 422 and 'id="household-error"' in body and words in body
               and 'name="household" value="5206289999999999"' in body, "%s: the error beside the number %r" % (lang, bad))
    # a household of another community is the same "not found", never a 404 page
    elsewhere, stranger = family(YUCAI)
    bad = submit("/services", session, dict(form, household=number_of(elsewhere)))
    body = bad.body.decode()
    expect(bad.status == 422 and "没有找到户编号为 %s 的户" % number_of(elsewhere) in body, "out of scope: not found %r" % bad)
    bad = submit("/services", session, dict(form, id_number=id_of(stranger)))
    expect(bad.status == 422 and 'id="id_number-error"' in bad.body.decode() and "没有找到这个身份证号的人" in bad.body.decode()
           and 'value="%s"' % id_of(stranger) in bad.body.decode(), "a person elsewhere: not found %r" % bad)
    bad = submit("/services", session, dict(form, household=number, member=str(stranger)))
    expect(bad.status == 422 and 'id="member-error"' in bad.body.decode(), "a member of another household %r" % bad)
    expect(stored() == before, "nothing stored by the refused forms")
    # the worker's own community chosen already; a town officer sees the town's communities only
    fresh = page("/services", session).body.decode()
    expect('<option value="%s" selected>' % TUANSHAN in fresh, "the community preselected")
    town = page("/services", page_session("liaogao")).body.decode()
    expect('<option value="%s">' % TUANSHAN in town and '<option value="%s"' % JUBAO[:9] not in town
           and not re.search(r'<option value="5206281', town) and " selected>" not in town.split('name="community"')[1].split("</select>")[0],
           "a town's communities, none chosen")
    new = page("/households/new", session).body.decode()
    expect('<option value="%s" selected>' % TUANSHAN in new, "a new household moves into the worker's community")
    new = page("/households/new", page_session("liaogao")).body.decode()
    expect('<option value="%s">' % TUANSHAN in new and " selected>" not in new.split('name="dest_community"')[1].split("</select>")[0],
           "a town officer chooses")
    # the script's lookup: the household's members to pick, in the worker's area only
    import json
    card = page("/forms/household?number=%s" % full_width(number), session)
    got = json.loads(card.body.decode())
    expect(card.status == 200 and got["number"] == number and got["members"] == [{"value": str(person), "label": "杨大山 · 户主"}]
           and got["member_label"] == "家庭成员" and "id_number" not in card.body.decode(), "a household's card %r" % card)
    for wrong in (number_of(elsewhere), "5206289999999999"):
        r = page("/forms/household?number=%s" % wrong, session)
        expect(r.status == 404 and json.loads(r.body.decode())["message"] == "没有找到户编号为 %s 的户。" % wrong,
               "elsewhere or nowhere: the same 404, said in words for the script %r" % r)
    expect(S.request("GET", "/forms/household?number=%s" % number).status == 303, "only for a signed-in worker")
    # a phone reaches the form from the top of the page; the household's page starts it
    expect(fresh.index('href="#new"') < fresh.index("<table") and 'id="new"' in fresh, "a link to the form at the top")
    house = page("/households/%d" % hh, session).body.decode()
    expect('href="/services?household=%d#new"' % hh in house and 'href="/petitions?household=%d#new"' % hh in house,
           "the household's page starts the forms")


def test_pages():
    session = page_session("tuanshan")
    hh, person = family()
    fac = page("/facilities?kind=convenience_supermarket", session).body.decode()
    expect("便民超市1号" in fac and "育才便民超市" not in fac, "the facilities page, scoped")
    expect("Convenience supermarket" in page("/facilities", session, "en").body.decode(), "in English too")
    window = window_of()
    r = submit("/services", session, {"id_number": id_of(person), "matter": "family_doctor_signing", "channel": "window",
                                      "window_id": str(window)})
    expect(r.status == 303 and r.header("Location").startswith("/services/"), "taken at a window %r" % r)
    where, saved = unmac(r.header("Location")).split("?")
    expect(saved == "saved=service", "said %r" % saved)
    one = page(where, session).body.decode()
    expect("家庭医生签约" in one and "已接件" in one, "the request's page")
    for status in ("accepted", "in_progress", "done"):
        r = submit(where, session, {"status": status})
        expect(r.status == 303, "moved to %s by the form %r" % (status, r))
    one = page(where, session).body.decode()
    expect("已办结" in one and 'action="%s"' % where not in one, "closed: no more moves")
    bad = submit("/services", session, {"id_number": id_of(person), "matter": "nope", "channel": "window"})
    expect(bad.status == 422 and 'id="matter-error"' in bad.body.decode(), "the error beside its field %r" % bad)
    listing = page("/services", session).body.decode()
    expect('href="/services?overdue=true"' in listing and "最后一公里" in listing, "figures linking to their records")
    expect("The last mile" in page("/services", session, "en").body.decode(), "in English too")
    import html as htmlmod
    for where_from in ("/services?overdue=true", "/services?status=done&matter=employment_registration",
                       "/facilities?kind=convenience_supermarket", "/facilities"):
        links = re.findall(r'href="(/api/v1/[^"]+format=(?:csv|xlsx))"', page(where_from, session).body.decode())
        expect(len(links) == 2, "download links on %s %r" % (where_from, links))
        for link in links:
            got = page(htmlmod.unescape(link), session)
            expect(got.status == 200, "the download %s answers %r" % (link, got))
    own = page("/services?household=%d" % hh, session).body.decode()
    expect("/households/%d" % hh in own and "household=%d" % hh in own, "a household's requests, filter kept")
    # taken from the household's page: its archive items offered as attachments
    db = sqlite3.connect(S.db)
    db.execute("INSERT INTO items(household_id, item_no, reference_code, title, doc_type, retention, paper_location,"
               " created_at, updated_at) SELECT ?, 1, 'TEST-SVC-%d', '低保申请书', code, 'permanent', '柜2',"
               " '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z' FROM doc_types LIMIT 1" % hh, (hh,))
    db.commit()
    mine = db.execute("SELECT id FROM items WHERE reference_code = 'TEST-SVC-%d'" % hh).fetchone()[0]
    db.close()
    own = page("/services?household=%d" % hh, session).body.decode()
    expect('name="item_%d"' % mine in own and 'value="%s"' % number_of(hh) in own, "the household's items to attach")
    r = submit("/services?household=%d" % hh, session, {"household": number_of(hh), "matter": "minimum_living_allowance",
                                                        "channel": "window", "item_%d" % mine: "1"})
    expect(r.status == 303, "taken with an attachment %r" % r)
    taken = get("/api/v1/service-requests/%s" % r.header("Location").split("?")[0].rsplit("/", 1)[1], TS).json
    expect([i["id"] for i in taken["items"]] == [mine], "attached %r" % taken["items"])
    dash = page("/", session).body.decode()
    markets = get("/api/v1/reports/county", TS).json["convenience_supermarkets"]
    expect(re.search(r'href="/facilities\?kind=convenience_supermarket"><span class="n">%d</span>' % markets, dash)
           and 'href="/services?overdue=true"' in dash, "the dashboard's figures link to their records")
    centre = get("/api/v1/facilities?kind=community_service_center&community=%s" % TUANSHAN, TS).json["items"][0]["id"]
    r = submit("/facilities/%d/windows" % centre, session, {"name": "医保窗口", "dep_medical_insurance": "1"},
               form_page="/facilities/%d" % centre)
    expect(r.status == 303 and "医保窗口" in page("/facilities/%d" % centre, session).body.decode(), "a window by form %r" % r)
    expect(page("/services/%s" % where.rsplit("/", 1)[1], page_session("yucai")).status == 404, "404 outside the scope")


if __name__ == "__main__":
    Runner().run_module(globals(), S)
