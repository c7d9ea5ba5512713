"""End-to-end tests of the two halls (两馆, issue 13 part 8): sections in order, exhibits that
are archive items served through the archive's file routes (with range requests), visits,
scope, bad input that stores nothing, the visitors' figures and the county report's
homesickness_hall_visitors counted against the visits this test records, the downloads and
the pages.

usage: test_halls.py PATH/TO/anju
"""
import datetime
import io
import os
import re
import sqlite3
import struct
import sys
import wave
import zipfile
import zlib
from urllib.parse import urlencode

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import PASSWORD, Runner, Server, expect, form_multipart, id_number  # noqa: E402

JUBAO, TUANSHAN, YUCAI = "520628118201", "520628002030", "520628002031"
TODAY = (datetime.datetime.utcnow() + datetime.timedelta(hours=8)).date()
BOUNDARY = "anjuHallsBoundary7MA4YWxkTrZu0gW"

S = Server()
S.cli("migrate")
S.add_user("admin", "admin")
S.add_user("tuanshan", "community", TUANSHAN)
S.add_user("yucai", "community", YUCAI)
S.add_user("helper", "volunteer", TUANSHAN)
S.start()
ADMIN = S.login("admin")
TS = S.login("tuanshan")
YC = S.login("yucai")
seq = [300]
HALLS = {}


def get(path, token=ADMIN):
    return S.request("GET", path, token=token)


def post(path, body, token=ADMIN):
    return S.request("POST", path, body, token=token)


def stored():
    db = sqlite3.connect(S.db)
    n = tuple(db.execute("SELECT count(*) FROM %s" % t).fetchone()[0]
              for t in ("hall_sections", "hall_exhibits", "hall_visits", "hall_visit_households"))
    db.close()
    return n


def png(seed=0, width=8, height=6):
    rows = b"".join(b"\x00" + b"".join(bytes([(x * 40 + seed) % 256, (y * 40) % 256, 90]) for x in range(width))
                    for y in range(height))

    def chunk(kind, data):
        c = struct.pack(">I", len(data)) + kind + data
        return c + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def wav():
    out = io.BytesIO()
    w = wave.open(out, "wb")
    w.setnchannels(1)
    w.setsampwidth(2)
    w.setframerate(8000)
    w.writeframes(b"".join(struct.pack("<h", (i * 37) % 2000 - 1000) for i in range(8000)))
    w.close()
    return out.getvalue()


def family(dest=TUANSHAN):
    seq[0] += 2
    born = "%04d0101" % (TODAY.year - 50)
    r = post("/api/v1/households", {
        "category": "registered_poor", "origin_village": JUBAO, "dest_community": dest, "status": "settled",
        "members": [{"id_number": id_number("520628%s%03d" % (born, seq[0] % 1000)), "name": "龙老汉",
                     "relation": "head", "labor_capacity": "ordinary"}]})
    expect(r.status == 201, "household %r" % r)
    return r.json["id"]


def item(household, title, doc_type, name, data, ctype):
    r = S.request("POST", "/api/v1/households/%d/items" % household,
                  raw=form_multipart({"title": title, "doc_type": doc_type}, [("file", name, data, ctype)], BOUNDARY),
                  token=ADMIN, content_type="multipart/form-data; boundary=" + BOUNDARY)
    expect(r.status == 201, "item %r" % r)
    return r.json["id"]


def hall(kind, name, community):
    r = post("/api/v1/facilities", {"community_code": community, "kind": kind, "name": name, "area_m2": 500})
    expect(r.status == 201, "hall %r" % r)
    return r.json["id"]


def setup_halls():
    if not HALLS:
        HALLS["home"] = hall("homesickness_hall", "团山社区乡愁馆", TUANSHAN)
        HALLS["city"] = hall("experience_hall", "育才社区城市体验馆", YUCAI)
    return HALLS


def test_sections_in_order():
    h = setup_halls()["home"]
    for name in ("感恩", "寻根", "记忆"):
        r = post("/api/v1/halls/%d/sections" % h, {"name": name}, TS)
        expect(r.status == 201 and r.json["name"] == name, "section %r" % r)
    r = post("/api/v1/halls/%d/sections" % h, {"name": "展望", "description": "新市民的明天"}, TS)
    expect(r.status == 201 and r.json["position"] == 4, "after the last %r" % r)
    r = post("/api/v1/halls/%d/sections" % h, {"name": "序厅", "position": 1}, TS)
    expect(r.status == 201, "a section placed first %r" % r)
    one = get("/api/v1/halls/%d" % h, TS)
    expect(one.status == 200 and [s["name"] for s in one.json["sections"]][:2] == ["序厅", "感恩"]
           and [s["name"] for s in one.json["sections"]][-1] == "展望", "ordered %r" % one.json)
    before = stored()
    r = post("/api/v1/halls/%d/sections" % h, {"name": "感恩"}, TS)
    expect(r.status == 422 and "hall_section_taken" in r.field_codes().get("name", []), "a name twice %r" % r)
    r = post("/api/v1/halls/%d/sections" % h, {"name": "", "position": 0, "extra": 1}, TS)
    codes = r.field_codes()
    expect(r.status == 422 and "name" in codes and "position" in codes and "extra" in codes, "every error %r" % r)
    expect(stored() == before, "nothing stored")
    expect(post("/api/v1/halls/%d/sections" % h, {"name": "外人"}, YC).status == 404, "another community's hall: 404")
    expect(get("/api/v1/halls/%d" % h, YC).status == 404, "not seen outside the scope")
    helper = S.login("helper")
    # a volunteer's reach is the households assigned to it, not its community's facilities
    expect(post("/api/v1/halls/%d/sections" % h, {"name": "志愿"}, helper).status in (403, 404), "a volunteer adds none")
    expect(get("/api/v1/halls/%d" % h, helper).status == 404, "nor sees a hall outside its households")
    market = post("/api/v1/facilities", {"community_code": TUANSHAN, "kind": "library", "name": "团山图书室"}).json["id"]
    expect(get("/api/v1/halls/%d" % market).status == 404, "a facility that is not a hall is no hall")
    expect(stored() == before, "nothing stored by the refusals")


def test_exhibits_are_archive_items():
    halls = setup_halls()
    h, city = halls["home"], halls["city"]
    sections = get("/api/v1/halls/%d" % h, TS).json["sections"]
    if not sections:
        test_sections_in_order()
        sections = get("/api/v1/halls/%d" % h, TS).json["sections"]
    gratitude = [s for s in sections if s["name"] == "感恩"][0]["id"]
    memory = [s for s in sections if s["name"] == "记忆"][0]["id"]
    city_section = post("/api/v1/halls/%d/sections" % city, {"name": "智慧生活体验"}, YC).json["id"]
    donor = family()
    picture = item(donor, "老屋照片", "photos_before_after", "old-house.png", png(3), "image/png")
    song = item(donor, "山歌录音", "media_report", "song.wav", wav(), "audio/wav")
    r = post("/api/v1/halls/%d/exhibits" % h, {"section_id": gratitude, "kind": "picture", "title": "老屋",
                                               "item_id": picture, "description": "搬迁前的木房"}, TS)
    expect(r.status == 201 and r.json["household_id"] == donor and r.json["media"] == "image"
           and r.json["file_url"].startswith("/api/v1/files/"), "a picture exhibit %r" % r)
    pic = r.json
    r = post("/api/v1/halls/%d/exhibits" % h, {"section_id": memory, "kind": "audio", "title": "苗族山歌",
                                               "item_id": song}, TS)
    expect(r.status == 201 and r.json["media"] == "audio", "an audio exhibit %r" % r)
    audio = r.json
    r = post("/api/v1/halls/%d/exhibits" % h, {"section_id": memory, "kind": "object", "title": "石磨",
                                               "description": "馆藏实物"}, TS)
    expect(r.status == 201 and r.json["item_id"] is None, "an object described, the hall's own %r" % r)
    # media through the archive's file routes, ranges included
    f = S.request("GET", audio["file_url"], token=TS, headers={"Range": "bytes=0-99"})
    expect(f.status == 206 and len(f.body) == 100 and f.header("Content-Type").startswith("audio/"), "a range %r" % f)
    expect(get(pic["file_url"], S.login("helper")).status == 404, "a volunteer sees no file of a household not its own")
    one = get("/api/v1/halls/%d" % h, TS).json
    shown = {e["title"]: s["name"] for s in one["sections"] for e in s["exhibits"]}
    expect(shown == {"老屋": "感恩", "苗族山歌": "记忆", "石磨": "记忆"}, "exhibits under their sections %r" % shown)
    listed = get("/api/v1/halls/%d/exhibits?kind=audio" % h, TS).json["items"]
    expect([e["id"] for e in listed] == [audio["id"]], "the exhibits list, by kind %r" % listed)
    # bad input: nothing stored
    before = stored()
    other = family(YUCAI)
    elsewhere = item(other, "育才照片", "photos_before_after", "y.png", png(5), "image/png")
    ids = item(donor, "身份证复印件", "id_copies", "id.png", png(7), "image/png")
    cases = [
        ({"section_id": city_section, "kind": "object", "title": "错馆"}, "section_id", "hall_section_other_hall", TS),
        ({"section_id": gratitude, "kind": "audio", "title": "错类", "item_id": picture}, "item_id",
         "hall_exhibit_kind_mismatch", TS),
        ({"section_id": gratitude, "kind": "picture", "title": "看不见", "item_id": elsewhere}, "item_id",
         "hall_item_unknown", TS),
        ({"section_id": gratitude, "kind": "picture", "title": "别社区", "item_id": elsewhere}, "item_id",
         "hall_item_other_community", ADMIN),
        ({"section_id": gratitude, "kind": "picture", "title": "证件", "item_id": ids}, "item_id",
         "hall_item_withheld", TS),
        ({"section_id": gratitude, "kind": "video", "title": "无条目"}, "item_id", "hall_exhibit_needs_item", TS),
        ({"section_id": gratitude, "kind": "painting", "title": "x"}, "kind", "unknown_value", TS),
        ({"section_id": 999999, "kind": "object", "title": "x"}, "section_id", "hall_section_unknown", TS),
    ]
    for body, field, code, token in cases:
        r = post("/api/v1/halls/%d/exhibits" % h, body, token)
        expect(r.status == 422 and code in r.field_codes().get(field, []), "%s: %s %r" % (field, code, r))
    expect(stored() == before, "nothing stored by the bad exhibits")
    trail = get("/api/v1/households/%d/trail" % donor, TS).json
    expect(any(e["entity"] == "hall_exhibit" for e in trail["items"]), "the donation in the household's trail")


def visit(h, token=TS, **more):
    body = {"visited_on": TODAY.isoformat(), "group_name": "搬迁群众参观团", "people": 12, "guide": "吴讲解"}
    body.update(more)
    return post("/api/v1/halls/%d/visits" % h, body, token)


def test_visits_and_bad_input():
    h = setup_halls()["home"]
    a, b = family(), family()
    r = visit(h, households=[a, b], people=30)
    expect(r.status == 201 and r.json["people"] == 30 and sorted(x["id"] for x in r.json["households"]) == sorted([a, b]),
           "a visit with its households %r" % r)
    vid = r.json["id"]
    before = stored()
    future = (TODAY + datetime.timedelta(days=1)).isoformat()
    for body, field, code in [({"people": 0}, "people", "hall_people_at_least_one"),
                              ({"people": -3}, "people", "hall_people_at_least_one"),
                              ({"visited_on": future}, "visited_on", "date_in_future"),
                              ({"visited_on": "2026-02-30"}, "visited_on", "invalid_date"),
                              ({"group_name": ""}, "group_name", None),
                              ({"households": [a, a]}, "households[1]", "hall_household_twice"),
                              ({"households": [family(YUCAI)]}, "households[0]", "hall_household_unknown")]:
        r = visit(h, **body)
        expect(r.status == 422 and field in r.field_codes() and (code is None or code in r.field_codes()[field]),
               "%s refused %r" % (body, r))
    expect(stored() == before, "nothing stored by the bad visits")
    expect(visit(h, YC).status == 404, "a visit to a hall outside the scope: 404")
    listed = get("/api/v1/halls/%d/visits?household=%d" % (h, a), TS).json["items"]
    expect([v["id"] for v in listed] == [vid], "the visits of a household %r" % listed)
    trail = get("/api/v1/households/%d/trail" % a, TS).json
    expect(any(e["entity"] == "hall_visit" and e["entity_id"] == vid for e in trail["items"]),
           "the visit in the household's change trail")
    db = sqlite3.connect(S.db)
    rows = db.execute("SELECT action FROM audit WHERE entity = 'hall_visit' AND entity_id = ?", (vid,)).fetchall()
    db.close()
    expect(rows == [("create",)], "audited once %r" % rows)


def test_figures_and_report():
    halls = setup_halls()
    h, city = halls["home"], halls["city"]
    this_month = TODAY.replace(day=1)
    last_month = (this_month - datetime.timedelta(days=1)).replace(day=3)
    visit(h, people=7, visited_on=last_month.isoformat())
    visit(city, YC, people=40)
    db = sqlite3.connect(S.db)
    mine = db.execute("SELECT coalesce(sum(v.people), 0) FROM hall_visits v JOIN facilities f ON f.id = v.facility_id"
                      " WHERE f.kind = 'homesickness_hall'").fetchone()[0]
    last = db.execute("SELECT count(*), coalesce(sum(people), 0) FROM hall_visits WHERE facility_id = ?"
                      " AND visited_on >= ? AND visited_on < ?", (h, last_month.replace(day=1).isoformat(),
                                                                  this_month.isoformat())).fetchone()
    db.close()
    rep = get("/api/v1/reports/county", TS).json
    expect(rep["homesickness_hall_visitors"] == mine and mine >= 7, "the county report counts the visits %r" % mine)
    expect(get("/api/v1/reports/county", YC).json["homesickness_hall_visitors"] == 0, "scoped: 育才 has none")
    f = get("/api/v1/reports/halls", TS).json
    home = [x for x in f["halls"] if x["id"] == h][0]
    expect(home["visitors"] == mine and [x["id"] for x in f["halls"]] == [h], "per hall, scoped %r" % f)
    month = [m for m in home["by_month"] if m["month"] == last_month.strftime("%Y-%m")][0]
    expect((month["visits"], month["visitors"]) == last, "per month %r %r" % (month, last))
    listed = get("/api/v1/halls/%d/visits?from=%s&to=%s&limit=500" % (h, month["from"], month["to"]), TS).json["items"]
    expect(sum(v["people"] for v in listed) == month["visitors"], "the figure's records %r" % listed)
    r = get("/api/v1/reports/halls?from=2026-05-01&to=2026-01-01", TS)
    expect(r.status == 422 and "to" in r.field_codes(), "a period backwards %r" % r)
    halls_list = get("/api/v1/halls", TS).json["items"]
    expect(len(halls_list) == 1 and halls_list[0]["visitors"] == mine, "the halls list %r" % halls_list)


def test_downloads():
    h = setup_halls()["home"]
    for path in ("/api/v1/halls", "/api/v1/halls/%d/exhibits" % h, "/api/v1/halls/%d/visits" % h):
        r = get(path + "?format=csv", TS)
        text = r.body.decode("utf-8-sig")
        n = len(get(path + "?limit=500", TS).json["items"])
        expect(r.status == 200 and "text/csv" in r.header("Content-Type") and len(text.strip().splitlines()) == n + 1,
               "%s as CSV %r" % (path, text[:300]))
        r = get(path + "?format=xlsx", TS)
        expect(r.status == 200 and zipfile.ZipFile(io.BytesIO(r.body)).testzip() is None, "%s as XLSX" % path)
    expect(get("/api/v1/halls/%d/visits?format=csv" % h, S.login("helper")).status == 403, "a volunteer exports nothing")
    expect(get("/api/v1/halls/%d/visits?format=csv" % h, YC).status == 404, "nor does another community")


def page_session(user):
    form = S.request("GET", "/login")
    jar = dict(v.split(";")[0].split("=", 1) for k, v in form.headers if k.lower() == "set-cookie")
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', form.body.decode()).group(1)
    r = S.request("POST", "/login", raw=urlencode({"username": user, "password": PASSWORD, "csrf": csrf}).encode(),
                  content_type="application/x-www-form-urlencoded", headers={"Cookie": "anju_csrf=" + jar["anju_csrf"]})
    return dict(v.split(";")[0].split("=", 1) for k, v in r.headers if k.lower() == "set-cookie")["anju_session"]


def page(path, session, lang="zh"):
    return S.request("GET", path, headers={"Cookie": "anju_session=%s; anju_lang=%s" % (session, lang)})


def submit(path, session, fields, form_page):
    token = re.search(r'name="csrf" value="([0-9a-f]+)"', page(form_page, session).body.decode()).group(1)
    return S.request("POST", path, raw=urlencode(dict(fields, csrf=token)).encode(),
                     content_type="application/x-www-form-urlencoded",
                     headers={"Cookie": "anju_session=%s; anju_lang=zh" % session})


def number_of(hh):
    db = sqlite3.connect(S.db)
    n = db.execute("SELECT number FROM households WHERE id = ?", (hh,)).fetchone()[0]
    db.close()
    return n


def test_pages():
    import html as htmlmod
    halls = setup_halls()
    h = halls["home"]
    where = "/halls/%d" % h
    session = page_session("tuanshan")
    # a section, an exhibit with its player, a visit, each by its form
    before = stored()
    bad = submit(where + "/sections", session, {"section_name": "", "section_position": "0"}, where)
    body = bad.body.decode()
    expect(bad.status == 422 and 'id="section_name-error"' in body and 'id="section_position-error"' in body,
           "a section's errors beside its fields %r" % bad)
    expect(stored() == before, "nothing stored by a bad form")
    r = submit(where + "/sections", session, {"section_name": "展望未来", "section_description": "新家园"}, where)
    expect(r.status == 303 and "saved=hall_section" in r.header("Location"), "a section by the form %r" % r)
    sid = [s for s in get(where.replace("/halls", "/api/v1/halls"), TS).json["sections"] if s["name"] == "展望未来"][0]["id"]
    donor = family()
    clip = item(donor, "搬迁纪录片片段", "media_report", "clip.wav", wav(), "audio/wav")
    before_exhibits = stored()
    # the item is picked from its household's list: the household's number first, then its items offered
    r = submit(where + "/exhibits", session, {"section_id": str(sid), "kind": "audio", "title": "乡音",
                                             "household": number_of(donor)}, where)
    body = r.body.decode()
    expect(r.status == 422 and '<select id="item_id" name="item_id"' in body and '<option value="%d">' % clip in body
           and 'id="item_id-error"' in body and 'value="%s"' % number_of(donor) in body, "the household's items offered %r" % r)
    for wrong in ("no-such-3", number_of(family(YUCAI))):
        r = submit(where + "/exhibits", session, {"section_id": str(sid), "kind": "audio", "title": "乡音",
                                                 "household": wrong}, where)
        expect(r.status == 422 and "没有找到户编号为 %s 的户" % wrong in r.body.decode() and 'value="%s"' % wrong in r.body.decode(),
               "a number that names no household here, beside its field %r" % r)
    expect(stored() == before_exhibits, "nothing stored")
    r = submit(where + "/exhibits", session, {"section_id": str(sid), "kind": "video", "title": "纪录片",
                                             "household": number_of(donor), "item_id": str(clip)}, where)
    expect(r.status == 422 and 'id="item_id-error"' in r.body.decode(),
           "a recording is no video %r" % r)
    r = submit(where + "/exhibits", session, {"section_id": str(sid), "kind": "audio", "title": "乡音",
                                             "household": number_of(donor), "item_id": str(clip), "description": "老人讲述"}, where)
    expect(r.status == 303, "an exhibit by the form %r" % r)
    picture = item(donor, "新居照片", "photos_before_after", "new.png", png(9), "image/png")
    r = submit(where + "/exhibits", session, {"section_id": str(sid), "kind": "picture", "title": "新居",
                                             "household": number_of(donor), "item_id": str(picture)}, where)
    expect(r.status == 303, "a picture by the form %r" % r)
    one = page(where, session).body.decode()
    expect(re.search(r'<audio controls preload="metadata" src="/api/v1/files/\d+">', one) and
           re.search(r'<img src="/api/v1/files/\d+(/thumbnail)?" alt="新居"', one) and "乡音" in one and "展望未来" in one,
           "the hall's page plays its exhibits")
    expect(one.index("感恩") < one.index("记忆") < one.index("展望未来"), "the sections in order")
    expect("Homesickness hall" in page(where, session, "en").body.decode(), "in English too")
    expect('href="%s"' % where in page("/facilities/%d" % h, session).body.decode(), "the facility links to its hall")
    people_before = sum(v["people"] for v in get("/api/v1/halls/%d/visits?limit=500" % h, TS).json["items"])
    bad = submit(where + "/visits", session, {"visited_on": (TODAY + datetime.timedelta(days=3)).isoformat(),
                                              "group_name": "团", "people": "0", "households": "abc"}, where)
    body = bad.body.decode()
    expect(bad.status == 422 and 'id="people-error"' in body and 'id="visited_on-error"' in body
           and 'id="households-error"' in body, "a visit's errors beside its fields %r" % bad)
    far = number_of(family(YUCAI))
    for wrong in ("%d" % donor, "%s，%s" % (number_of(donor), far)):
        bad = submit(where + "/visits", session, {"visited_on": TODAY.isoformat(), "group_name": "老年协会",
                                                  "people": "16", "households": wrong}, where)
        unknown = far if far in wrong else wrong
        expect(bad.status == 422 and "没有找到户编号为 %s 的户" % unknown in bad.body.decode() and "老年协会" in bad.body.decode(),
               "households by their numbers only, in the worker's area %r" % bad)
    r = submit(where + "/visits", session, {"visited_on": TODAY.isoformat(), "group_name": "老年协会",
                                            "people": "16", "guide": "杨讲解",
                                            "households": "%s, %s" % (number_of(donor), number_of(family()))}, where)
    expect(r.status == 303 and "saved=hall_visit" in r.header("Location"), "a visit by the form %r" % r)
    after = sum(v["people"] for v in get("/api/v1/halls/%d/visits?limit=500" % h, TS).json["items"])
    expect(after == people_before + 16, "16 more visitors")
    shown = page(where + "?from=%s&to=%s" % (TODAY.isoformat(), TODAY.isoformat()), session).body.decode()
    today_people = sum(v["people"] for v in get("/api/v1/halls/%d/visits?from=%s&to=%s" % (h, TODAY, TODAY), TS).json["items"])
    expect('id="visits-people">%d<' % today_people in shown and "老年协会" in shown and
           'href="/households/%d"' % donor in shown, "the day's visits on the page")
    expect('参观人数 <span class="n" id="visits-people">%d<' % today_people in shown, "the figure after its label")
    expect(re.search(r'<td class="date">\d{4}-\d{2}-\d{2}</td>', shown), "a visit's day kept on one line")
    links = re.findall(r'href="(/api/v1/halls/%d/visits\?[^"]+format=(?:csv|xlsx))"' % h, shown)
    expect(len(links) == 2 and all(page(htmlmod.unescape(x), session).status == 200 for x in links),
           "download links of the visits %r" % links)
    # the list's figures link to the visits behind them
    listing = page("/halls", session).body.decode()
    month = get("/api/v1/reports/halls", TS).json["halls"][0]["by_month"][-1]
    expect(re.search(r'href="/halls/%d\?from=%s&amp;to=%s#visits">%d<' % (h, month["from"], month["to"], month["visitors"]),
                     listing), "this month's figure links to its visits")
    dash = page("/", session).body.decode()
    total = get("/api/v1/reports/county", TS).json["homesickness_hall_visitors"]
    expect(re.search(r'href="/halls#figures"><span class="n">%d</span>' % total, dash), "the dashboard's visitors")
    expect(page(where, page_session("yucai")).status == 404, "404 outside the scope")
    expect(page(where, page_session("helper")).status == 404, "a volunteer's reach is its households")


def test_demo_county():
    """The demo's halls: the four chapters in order, donated photographs that play, and the
    Homesickness Hall's 612 visitors (the one hard-coded figure: the demo's choice)."""
    d = Server()
    d.cli("demo", "--persons", "2000", "--seed", "11")
    d.start()
    try:
        tok = d.login("tuanshan", "songtao2019")
        expect(d.request("GET", "/api/v1/reports/county", token=tok).json["homesickness_hall_visitors"] == 612,
               "the demo's 612 visitors, counted from its visits")
        home = d.request("GET", "/api/v1/halls?kind=homesickness_hall", token=tok).json["items"][0]
        one = d.request("GET", "/api/v1/halls/%d" % home["id"], token=tok).json
        expect([s["name"] for s in one["sections"]] == ["感恩", "寻根", "记忆", "展望"], "the four chapters %r" % one)
        pictures = [e for s in one["sections"] for e in s["exhibits"] if e["kind"] == "picture"]
        expect(pictures and all(e["household_number"] for e in pictures), "donated pictures %r" % pictures)
        f = d.request("GET", pictures[0]["file_url"], token=tok, headers={"Range": "bytes=0-9"})
        expect(f.status == 206 and f.body[:2] == b"\xff\xd8", "a donated photograph plays %r" % f)
        visits = d.request("GET", "/api/v1/halls/%d/visits?limit=500" % home["id"], token=tok).json["items"]
        expect(sum(v["people"] for v in visits) == 612 and len(visits) > 20, "a year of visits %d" % len(visits))
        city = d.request("GET", "/api/v1/halls?kind=experience_hall", token=d.login("yucai", "songtao2019")).json["items"]
        expect(len(city) == 1 and city[0]["sections"] == 5, "育才's hall and its five sections %r" % city)
    finally:
        d.stop()


if __name__ == "__main__":
    Runner().run_module(globals(), S)
