"""End-to-end tests of the volunteers and the needs ledger (困难大家帮, issue 13 part 4): the
API as written (PUT /api/v1/users/{id}/assignments, then visits by a volunteer for its
households only), the scope of a volunteer account (its assignments, one by one or by
building; none: nothing), bad input that stores nothing, the needs ledger (raised from a
visit, due date, resolved once), the open-needs worklist with its downloads and figures,
the change trail, and the pages (zh-CN and en).

usage: test_volunteers.py PATH/TO/anju
"""
import datetime
import io
import os
import re
import sqlite3
import subprocess
import sys
import zipfile
from urllib.parse import urlencode

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import PASSWORD, Runner, Server, expect, id_number, unmac  # noqa: E402

JUBAO, TUANSHAN, YUCAI, LIAOGAO = "520628118201", "520628002030", "520628002031", "520628002"
TODAY = (datetime.datetime.utcnow() + datetime.timedelta(hours=8)).date()
LATER = (TODAY + datetime.timedelta(days=10)).isoformat()

S = Server()
S.cli("migrate")
S.add_user("admin", "admin")
S.add_user("tuanshan", "community", TUANSHAN)
S.add_user("yucai", "community", YUCAI)
S.add_user("liaogao", "town", LIAOGAO)
S.add_user("vol", "volunteer", TUANSHAN)
S.add_user("idle", "volunteer", TUANSHAN)
S.add_user("ycvol", "volunteer", YUCAI)
S.add_user("auditor", "auditor", "520628")
S.start()
ADMIN = S.login("admin")
TS = S.login("tuanshan")
YC = S.login("yucai")
VOL = S.login("vol")
IDLE = S.login("idle")
seq = [300]


def get(path, token=ADMIN):
    return S.request("GET", path, token=token)


def post(path, body, token=ADMIN):
    return S.request("POST", path, body, token=token)


def put(path, body, token=ADMIN):
    return S.request("PUT", path, body, token=token)


def user_id(name):
    return [u["id"] for u in get("/api/v1/users").json["items"] if u["username"] == name][0]


def stored():
    db = sqlite3.connect(S.db)
    n = tuple(db.execute("SELECT count(*) FROM %s" % t).fetchone()[0]
              for t in ("volunteer_households", "volunteer_buildings", "visits", "needs", "volunteers"))
    db.close()
    return n


def family(dest=TUANSHAN, room=None):
    seq[0] += 2
    born = "%04d0101" % (TODAY.year - 40)
    body = {"category": "registered_poor", "origin_village": JUBAO, "dest_community": dest, "status": "settled",
            "members": [{"id_number": id_number("520628%s%03d" % (born, seq[0] % 1000)), "name": "龙小花",
                         "relation": "head", "labor_capacity": "ordinary", "phone": "13812340000"}]}
    if room:
        body["room_id"] = room
    r = post("/api/v1/households", body)
    expect(r.status == 201, "household %r" % r)
    return r.json["id"]


def building(name, community=TUANSHAN):
    r = post("/api/v1/sites", {"name": name, "community_code": community})
    expect(r.status == 201, "site %r" % r)
    b = post("/api/v1/sites/%d/buildings" % r.json["id"], {"name": "3栋", "units": 1, "floors": 1, "rooms_per_floor": 2})
    expect(b.status == 201, "building %r" % b)
    rooms = [x["id"] for x in get("/api/v1/sites/%d/rooms" % r.json["id"]).json["items"]]
    return b.json["id"], rooms


def visit(hh, token=VOL, **more):
    body = {"date": TODAY.isoformat(), "kind": "visit", "visitor": "李志愿", "found": "家中老人腿脚不便，需要轮椅"}
    body.update(more)
    return post("/api/v1/households/%d/visits" % hh, body, token)


def need(hh, token=VOL, **more):
    body = {"category": "elderly_care", "description": "申请轮椅一台", "due_on": LATER}
    body.update(more)
    return post("/api/v1/households/%d/needs" % hh, body, token)


HH = {}


def test_as_written():
    HH["mine"], HH["other"] = family(), family()
    vid = user_id("vol")
    expect(get("/api/v1/households/%d" % HH["mine"], VOL).status == 404, "unassigned: the household does not exist")
    r = put("/api/v1/users/%d/assignments" % vid, {"households": [HH["mine"]], "buildings": []}, TS)
    expect(r.status == 200 and [h["id"] for h in r.json["households"]] == [HH["mine"]] and r.json["reach"] == 1,
           "assigned by the community %r" % r)
    r = visit(HH["mine"])
    expect(r.status == 201 and r.json["visitor"] == "李志愿", "a volunteer records a visit %r" % r)
    before = stored()
    r = visit(HH["other"])
    expect(r.status == 404, "a household not assigned: 404 %r" % r)
    expect(stored() == before, "nothing stored")
    r = visit(HH["mine"], kind="return_visit")
    expect(r.status == 201 and r.json["kind"] == "return_visit", "a return visit %r" % r)
    expect(get("/api/v1/households/%d" % HH["mine"], VOL).status == 200, "the volunteer reads its household")
    expect(get("/api/v1/households/%d" % HH["other"], VOL).status == 404, "and no other")
    listed = [h["id"] for h in get("/api/v1/households?limit=500", VOL).json["items"]]
    expect(listed == [HH["mine"]], "the volunteer's list is its households %r" % listed)
    expect(get("/api/v1/users/%d/assignments" % vid, VOL).status == 200, "the volunteer reads its own")


def test_scope_by_building_and_none():
    b, rooms = building("团山志愿点")
    in_building = family(room=rooms[0])
    vid = user_id("vol")
    r = put("/api/v1/users/%d/assignments" % vid, {"buildings": [b], "kind": "building_leader", "post": "3栋楼栋长"}, TS)
    expect(r.status == 200 and r.json["kind"] == "building_leader" and r.json["post"] == "3栋楼栋长"
           and [x["id"] for x in r.json["households"]] == [HH["mine"]], "a building added, households kept %r" % r)
    expect(r.json["reach"] == 2, "reach: one household and the one in the building %r" % r.json)
    expect(visit(in_building).status == 201, "a household of the building is the volunteer's")
    mine = get("/api/v1/my-households", VOL)
    expect(mine.status == 200 and sorted(h["id"] for h in mine.json["items"]) == sorted([HH["mine"], in_building]),
           "my households %r" % mine)
    row = [h for h in mine.json["items"] if h["id"] == in_building][0]
    expect(row["building"] == "3栋" and row["last_visit"] == TODAY.isoformat() and row["head_name"] == "龙小花",
           "with its building and last visit %r" % row)
    expect(get("/api/v1/my-households", IDLE).json["items"] == [], "no assignments: no households")
    expect(get("/api/v1/households?limit=500", IDLE).json["items"] == [], "and sees nothing")
    expect(get("/api/v1/households/%d" % HH["mine"], IDLE).status == 404, "not even by id")
    expect(get("/api/v1/search?q=%s" % "龙小花", IDLE).json.get("items", []) == [], "nor by search")
    vols = get("/api/v1/volunteers", TS).json["items"]
    expect({v["username"] for v in vols} >= {"vol", "idle"} and "ycvol" not in {v["username"] for v in vols},
           "the community's volunteers %r" % vols)
    expect([v["username"] for v in get("/api/v1/volunteers", VOL).json["items"]] == ["vol"], "a volunteer: itself")
    # the list as a download, in words: the kind and the community by name, never a code
    r = get("/api/v1/volunteers?format=csv&lang=zh", TS)
    text = r.body.decode("utf-8-sig")
    head = text.splitlines()[0]
    expect(r.status == 200 and "账号" in head and "社区" in head and "志愿者类别" in head, "volunteers as CSV %r" % text[:200])
    expect("ycvol" not in text and "vol," in text and "party_member" not in text and TUANSHAN not in text,
           "the community's volunteers, in words %r" % text[:400])
    r = get("/api/v1/volunteers?format=xlsx", TS)
    expect(r.status == 200 and r.body[:2] == b"PK", "volunteers as XLSX")
    expect(get("/api/v1/volunteers?format=csv", VOL).status == 403, "a volunteer takes no files")
    expect(get("/api/v1/volunteers?format=pdf", TS).status == 422, "an unknown format")


def test_bad_assignments():
    vid, other = user_id("vol"), family(dest=YUCAI)
    yb, _ = building("育才志愿点", YUCAI)
    before = stored()
    r = put("/api/v1/users/%d/assignments" % vid, {"households": [HH["mine"], other, 999999], "buildings": [yb]}, TS)
    codes = r.field_codes()
    expect(r.status == 422 and codes.get("households[1]") == "unknown_household"
           and codes.get("households[2]") == "unknown_household" and codes.get("buildings[0]") == "unknown_building"
           and "households[0]" not in codes, "every bad id at once %r" % r)
    r = put("/api/v1/users/%d/assignments" % vid, {"households": [HH["mine"], HH["mine"]], "buildings": "x", "kind": "boss"}, TS)
    codes = r.field_codes()
    expect(r.status == 422 and codes.get("households[1]") == "duplicate_id" and codes.get("buildings") == "type_array"
           and codes.get("kind"), "shape errors %r" % r)
    expect(put("/api/v1/users/%d/assignments" % user_id("ycvol"), {"households": []}, TS).status == 404,
           "another community's volunteer: 404")
    expect(put("/api/v1/users/%d/assignments" % user_id("yucai"), {"households": []}).status == 404,
           "not a volunteer: 404")
    expect(put("/api/v1/users/%d/assignments" % vid, {"households": []}, VOL).status == 403, "no volunteer assigns")
    expect(stored() == before, "nothing stored")
    r = put("/api/v1/users/%d/assignments" % user_id("ycvol"), {"households": [other]}, S.login("liaogao"))
    expect(r.status == 200, "the town assigns within the town %r" % r)


def test_needs_ledger():
    hh = HH["mine"]
    v = visit(hh).json["id"]
    r = need(hh, source="visit", source_id=v)
    expect(r.status == 201 and r.json["raised_by"] == "vol" and r.json["owner"] == "vol" and r.json["resolved"] is False
           and r.json["overdue"] is False and r.json["source_id"] == v, "a need raised from a visit %r" % r)
    nid = r.json["id"]
    before = stored()
    past = (TODAY - datetime.timedelta(days=1)).isoformat()
    r = need(hh, due_on=past, category="nonsense", source="petition", source_id=v)
    codes = r.field_codes()
    expect(r.status == 422 and codes.get("due_on") == "date_in_past" and codes.get("category") == "unknown_value"
           and codes.get("source_id") == "unknown_source", "every bad field at once %r" % r)
    expect(need(HH["other"]).status == 404, "a household not assigned: 404")
    expect(need(hh, token=S.login("auditor")).status in (403, 404), "an auditor raises none")
    expect(stored() == before, "nothing stored")
    r = post("/api/v1/needs/%d/resolve" % nid, {"measure": "社区协调轮椅一台"}, VOL)
    expect(r.status == 200 and r.json["resolved"] is True and r.json["resolved_by"] == "vol"
           and r.json["resolved_on"] == TODAY.isoformat() and r.json["measure"] == "社区协调轮椅一台", "resolved %r" % r)
    r = post("/api/v1/needs/%d/resolve" % nid, {}, TS)
    expect(r.status == 422 and r.field_codes() == {"resolved": "need_already_resolved"}, "resolved twice %r" % r)
    one = get("/api/v1/needs/%d" % nid, TS)
    r = S.request("PATCH", "/api/v1/needs/%d" % nid, {"owner": "王书记"}, token=TS, headers={"If-Match": one.header("ETag")})
    expect(r.status == 422 and r.field_codes() == {"resolved": "need_resolved"}, "a resolved need changes no more %r" % r)
    expect(post("/api/v1/needs/%d/resolve" % nid, {}, YC).status == 404, "another community: 404")
    trail = get("/api/v1/households/%d/trail" % hh, TS).json["items"]
    kinds = {(t["entity"], t["action"]) for t in trail}
    expect({("need", "create"), ("need", "resolve"), ("visit", "create"), ("household", "assign")} <= kinds,
           "the change trail %r" % kinds)


def test_worklist_and_figures():
    hh = HH["mine"]
    late = need(hh, description="孩子转学手续", category="schooling").json["id"]
    soon = need(hh, description="医保卡补办", category="paperwork").json["id"]
    db = sqlite3.connect(S.db)
    db.execute("UPDATE needs SET due_on = '2026-01-05' WHERE id = ?", (late,))
    db.commit()
    db.close()
    r = get("/api/v1/needs?status=open", TS)
    ids = [n["id"] for n in r.json["items"]]
    expect(r.status == 200 and ids[0] == late and soon in ids and r.json["items"][0]["overdue"] is True,
           "overdue first %r" % ids)
    expect([n["id"] for n in get("/api/v1/needs?overdue=true", TS).json["items"]] == [late], "the overdue ones")
    expect(get("/api/v1/needs?status=open", YC).json["items"] == [], "another community sees none")
    expect({n["id"] for n in get("/api/v1/needs?status=open", VOL).json["items"]} >= {late, soon}, "the volunteer's")
    expect(get("/api/v1/needs?status=open", IDLE).json["items"] == [], "no assignments: none")
    expect(get("/api/v1/needs?status=nope", TS).status == 422, "a bad filter 422")
    f = get("/api/v1/reports/needs", TS).json
    expect(f["totals"]["overdue"] == 1 and f["totals"]["open"] == 2 and f["totals"]["resolved"] >= 1, "figures %r" % f)
    expect(get("/api/v1/reports/needs", YC).json["totals"]["needs"] == 0, "figures in scope")
    csv = get("/api/v1/needs?status=open&format=csv", TS)
    text = csv.body.decode("utf-8-sig")
    expect(csv.status == 200 and "text/csv" in csv.header("Content-Type") and "孩子转学手续" in text
           and len(text.strip().splitlines()) == 3, "the CSV %r" % text[:300])
    x = get("/api/v1/needs?overdue=true&format=xlsx", TS)
    expect(x.status == 200 and zipfile.ZipFile(io.BytesIO(x.body)).testzip() is None, "the XLSX")
    expect(get("/api/v1/needs?format=csv", VOL).status == 403, "a volunteer takes no copy")
    cats = get("/api/v1/need-categories", VOL).json["items"]
    expect("elderly_care" in {c["code"] for c in cats}, "the categories %r" % cats)


def page_session(user):
    form = S.request("GET", "/login")
    jar = dict(v.split(";")[0].split("=", 1) for k, v in form.headers if k.lower() == "set-cookie")
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', form.body.decode()).group(1)
    r = S.request("POST", "/login", raw=urlencode({"username": user, "password": PASSWORD, "csrf": csrf}).encode(),
                  content_type="application/x-www-form-urlencoded", headers={"Cookie": "anju_csrf=" + jar["anju_csrf"]})
    return dict(v.split(";")[0].split("=", 1) for k, v in r.headers if k.lower() == "set-cookie")["anju_session"]


def number_of(hh):
    db = sqlite3.connect(S.db)
    n = db.execute("SELECT number FROM households WHERE id = ?", (hh,)).fetchone()[0]
    db.close()
    return n


def page(path, session, lang="zh"):
    return S.request("GET", path, headers={"Cookie": "anju_session=%s; anju_lang=%s" % (session, lang)})


def submit(path, session, fields, form_page=None):
    token = re.search(r'name="csrf" value="([0-9a-f]+)"', page(form_page or path, session).body.decode()).group(1)
    return S.request("POST", path, raw=urlencode(dict(fields, csrf=token)).encode(),
                     content_type="application/x-www-form-urlencoded",
                     headers={"Cookie": "anju_session=%s; anju_lang=zh" % session})


def test_pages_of_a_volunteer():
    vol = page_session("vol")
    hh = HH["mine"]
    mine = page("/my-households", vol).body.decode()
    expect('href="/households/%d"' % hh in mine and 'href="/households/%d/visits/new"' % hh in mine
           and 'href="/households/%d/needs/new"' % hh in mine and "我的包联户" in mine, "my households")
    expect("My households" in page("/my-households", vol, "en").body.decode(), "in English too")
    expect(page("/households/%d/visits/new" % HH["other"], vol).status == 404, "another household's form: 404")
    before = stored()
    r = submit("/households/%d/visits/new" % HH["other"], vol, {"date": TODAY.isoformat(), "visitor": "李", "found": "x"},
               form_page="/households/%d/visits/new" % hh)
    expect(r.status == 404 and stored() == before, "and its post: 404, nothing stored %r" % r)
    where = "/households/%d/visits/new" % hh
    r = submit(where, vol, {"date": TODAY.isoformat(), "kind": "return_visit", "visitor": "李志愿", "found": "轮椅已送到"})
    expect(r.status == 303 and unmac(r.header("Location")) == "/households/%d?saved=visit" % hh, "a visit by the form %r" % r)
    form = page("/households/%d/needs/new" % hh, vol).body.decode()
    expect('<select id="category"' in form and "老人照料" in form, "categories as a list")
    r = submit("/households/%d/needs/new" % hh, vol, {"category": "health_care", "description": "",
                                                       "due_on": (TODAY - datetime.timedelta(days=3)).isoformat()})
    body = r.body.decode()
    expect(r.status == 422 and 'id="due_on-error"' in body and 'id="description-error"' in body, "errors beside fields %r" % r)
    expect(stored() == before[:2] + (before[2] + 1,) + before[3:], "only the visit stored")
    # the record a need comes from is chosen among the household's own, never typed as an id
    visit = max(v["id"] for v in get("/api/v1/households/%d/visits" % hh, TS).json["items"])
    expect('<select id="source_id"' in form and '<input id="source_id"' not in form
           and ('value="visit:%d"' % visit) in form and "走访 · 轮椅已送到" in form, "the household's visits offered")
    db = sqlite3.connect(S.db)
    foreign = db.execute("SELECT max(id) FROM visits WHERE household_id <> ?", (hh,)).fetchone()[0]
    db.close()
    for bad in ("visit:%d" % foreign, "29425", "petition:x"):
        r = submit("/households/%d/needs/new" % hh, vol, {"category": "health_care", "description": "慢病随访需陪同",
                                                           "due_on": LATER, "source_id": bad})
        body = r.body.decode()
        expect(r.status == 422 and 'id="source_id-error"' in body and "此户没有这条记录" in body
               and ('value="%s" selected' % bad) in body and "慢病随访需陪同" in body
               and stored() == before[:2] + (before[2] + 1,) + before[3:], "not this household's record %r: %r" % (bad, r))
    # a kind chosen that is not the record's kind: said beside the kind, nothing stored (issue 12)
    expect('<option value="">—</option>\n      <option value="visit">' in form, "the kind starts empty %r" % form)
    for kind in ("other", "petition"):
        r = submit("/households/%d/needs/new" % hh, vol, {"category": "health_care", "description": "慢病随访需陪同",
                                                           "due_on": LATER, "source": kind, "source_id": "visit:%d" % visit})
        body = r.body.decode()
        expect(r.status == 422 and 'id="source-error"' in body and "所选来源与所选的来源记录不是同一类" in body
               and ('value="visit:%d" selected' % visit) in body
               and stored() == before[:2] + (before[2] + 1,) + before[3:], "%s and a visit refused %r" % (kind, r))
    r = submit("/households/%d/needs/new" % hh, vol, {"category": "health_care", "description": "慢病随访需陪同", "due_on": LATER,
                                                       "source": "", "source_id": "visit:%d" % visit})
    expect(r.status == 303, "a need by the form, its kind left to the record %r" % r)
    need = max(get("/api/v1/households/%d/needs" % hh, TS).json["items"], key=lambda n: n["id"])
    expect(need["source"] == "visit" and need["source_id"] == visit, "its source is the visit chosen %r" % need)
    home = page("/households/%d" % hh, vol).body.decode()
    expect("慢病随访需陪同" in home and "看病就医" in home and 'action="/needs/' in home, "the need on the household's page")
    nid = max(n["id"] for n in get("/api/v1/households/%d/needs" % hh, TS).json["items"])
    r = submit("/needs/%d/resolve" % nid, vol, {"return": "/households/%d#needs" % hh}, form_page="/households/%d" % hh)
    expect(r.status == 303 and unmac(r.header("Location")) == "/households/%d?saved=need_resolved#needs" % hh, "resolved by the form %r" % r)
    expect(get("/api/v1/needs/%d" % nid, TS).json["resolved_by"] == "vol", "by the volunteer")
    expect(page("/households/%d" % HH["other"], vol).status == 404, "the household next door: 404")


def test_pages_of_the_community():
    ts = page_session("tuanshan")
    needs = page("/needs?status=open", ts).body.decode()
    expect('href="/needs?overdue=true"' in needs and 'href="/needs?category=schooling' in needs
           and "需求台账统计" in needs, "figures linking to their records")
    links = re.findall(r'href="(/api/v1/needs\?[^"]+format=(?:csv|xlsx))"', needs)
    expect(len(links) == 2 and all(page(l.replace("&amp;", "&"), ts).status == 200 for l in links), "downloads %r" % links)
    expect("Overdue needs" in page("/needs?overdue=true", ts, "en").body.decode(), "in English too")
    dash = page("/", ts).body.decode()
    n = get("/api/v1/reports/needs", TS).json["totals"]["overdue"]
    expect(re.search(r'href="/needs\?overdue=true"><span class="n">%d</span>' % n, dash), "the dashboard's overdue needs")
    vid = user_id("idle")
    listing = page("/volunteers", ts).body.decode()
    expect('href="/volunteers/%d"' % vid in listing, "the community's volunteers")
    before = stored()
    mine = number_of(HH["mine"])
    far = number_of(family(YUCAI))
    for wrong, unknown in (("%s 999999" % mine, "999999"), ("%d" % HH["mine"], "%d" % HH["mine"]),
                           ("%s，%s" % (mine, far), far)):
        r = submit("/volunteers/%d" % vid, ts, {"kind": "party_member", "post": "党员中心户", "households": wrong})
        body = r.body.decode()
        expect(r.status == 422 and 'id="households-error"' in body and "没有找到户编号为 %s 的户" % unknown in body
               and stored() == before, "a number that names no household here beside its field, nothing stored %r" % r)
    # the buildings are picked from those of the worker's area, never typed
    tb, _ = building("团山表单点")
    yb, _ = building("育才表单点", YUCAI)
    form = page("/volunteers/%d" % vid, ts).body.decode()
    expect('name="building_%d"' % tb in form and "团山表单点 3栋" in form and 'name="building_%d"' % yb not in form,
           "the worker's buildings to pick %r" % tb)
    r = submit("/volunteers/%d" % vid, ts, {"kind": "party_member", "post": "党员中心户", "households": mine,
                                            "building_%d" % tb: "1"})
    expect(r.status == 303, "assigned by the form, the household by its number, a building picked %r" % r)
    got = get("/api/v1/users/%d/assignments" % vid, TS).json
    expect([b["id"] for b in got["buildings"]] == [tb] and [h["id"] for h in got["households"]] == [HH["mine"]],
           "as picked %r" % got)
    form = page("/volunteers/%d" % vid, ts).body.decode()
    expect('value="%s"' % mine in form and 'name="building_%d" value="1" checked' % tb in form, "shown as assigned")
    r = submit("/volunteers/%d" % vid, ts, {"kind": "party_member", "post": "党员中心户", "households": mine,
                                            "building_%d" % yb: "1"})
    expect(r.status == 422 and 'id="buildings-error"' in r.body.decode() and get("/api/v1/users/%d/assignments" % vid, TS).json["buildings"] == got["buildings"],
           "another community's building is refused %r" % r)
    r = submit("/volunteers/%d" % vid, ts, {"kind": "party_member", "post": "党员中心户", "households": mine})
    expect(r.status == 303 and get("/api/v1/users/%d/assignments" % vid, TS).json["buildings"] == [], "unpicked %r" % r)
    # the confirmation names the volunteer by name, not by login
    expect(S.request("PATCH", "/api/v1/users/%d" % vid, {"full_name": "闲志愿"}, token=ADMIN).status == 200, "named")
    told = page(r.header("Location"), ts).body.decode()
    expect(unmac(r.header("Location")) == "/volunteers/%d?saved=volunteer" % vid and "已保存包联（闲志愿）" in told
           and "已保存包联（idle）" not in told, "saved, the volunteer named %r" % r.header("Location"))
    # sent again as it is: nothing written, and said so
    db = sqlite3.connect(S.db)
    audit = db.execute("SELECT count(*) FROM audit WHERE action <> 'read'").fetchone()[0]
    db.close()
    r = submit("/volunteers/%d" % vid, ts, {"kind": "party_member", "post": "党员中心户", "households": mine})
    db = sqlite3.connect(S.db)
    expect(r.status == 303 and unmac(r.header("Location")) == "/volunteers/%d?saved=nothing" % vid
           and db.execute("SELECT count(*) FROM audit WHERE action <> 'read'").fetchone()[0] == audit, "unchanged: nothing written %r" % r.header("Location"))
    db.close()
    expect("没有修改" in page(r.header("Location"), ts).body.decode(), "and said so")
    one = page("/volunteers/%d" % vid, ts).body.decode()
    expect("党员中心户" in one and "党员" in one and 'href="/households/%d"' % HH["mine"] in one, "the volunteer's page")
    expect(page("/volunteers/%d" % user_id("ycvol"), ts).status == 404, "another community's volunteer: 404")
    expect(page("/households/%d" % HH["mine"], page_session("idle")).status == 200, "now the idle one sees it")


def test_walk_through_on_a_phone():
    """The chromium walk-through (tests/browser/volunteer.mjs): a volunteer at 390 × 844."""
    shots = os.path.join(os.getcwd(), "browser-screenshots")
    os.makedirs(shots, exist_ok=True)
    browser = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "browser")
    r = subprocess.run(["node", "volunteer.mjs", "http://127.0.0.1:%d" % S.port, "vol", PASSWORD, shots,
                        str(HH["mine"]), str(HH["other"])], cwd=browser, capture_output=True, text=True, timeout=240)
    expect(r.returncode == 0 and "1 passed, 0 failed" in r.stdout, "chromium: %s %s" % (r.stdout, r.stderr))
    for name in ("my-households", "volunteer-household", "visit-form", "need-form", "household-with-need"):
        expect(os.path.getsize(os.path.join(shots, "phone-%s.png" % name)) > 10000, "screenshot %s" % name)
    needs = get("/api/v1/households/%d/needs" % HH["mine"], TS).json["items"]
    expect(any(n["description"] == "安排邻里结对照看" and n["raised_by"] == "vol" for n in needs), "the need stored")


if __name__ == "__main__":
    Runner().run_module(globals(), S)
