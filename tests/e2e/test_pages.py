"""End-to-end tests of the HTML pages over HTTP (the browser tests with Chromium come with
issue 4): log-in form with CSRF, redirects, scope, masked ID numbers, security headers,
language switch.

usage: test_pages.py PATH/TO/anju
"""
import os
import re
import sys
from datetime import date, datetime, timedelta, timezone
from urllib.parse import quote, urlencode

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import PASSWORD, Runner, Server, expect, form_multipart, id_number, unmac  # noqa: E402

S = Server()
S.cli("migrate")
S.add_user("admin", "admin")
S.add_user("zhengda", "town", "520628118")
S.add_user("panshi", "town", "520628101")
S.add_user("pagecommunity", "community", "520628002030")
S.start()
API = S.login("admin")


def cookies_of(r):
    out = {}
    for k, v in r.headers:
        if k.lower() == "set-cookie":
            name, _, rest = v.partition("=")
            out[name] = rest.split(";")[0]
    return out


def browser_login(user, password=PASSWORD):
    form = S.request("GET", "/login")
    expect(form.status == 200 and "text/html" in form.header("Content-Type"), "login form %r" % form.status)
    jar = cookies_of(form)
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', form.body.decode()).group(1)
    body = urlencode({"username": user, "password": password, "csrf": csrf}).encode()
    r = S.request("POST", "/login", raw=body, content_type="application/x-www-form-urlencoded",
                  headers={"Cookie": "anju_csrf=" + jar["anju_csrf"]})
    return r, csrf, jar


def get(path, session, lang=None):
    cookie = "anju_session=" + session + ("; anju_lang=" + lang if lang else "")
    return S.request("GET", path, headers={"Cookie": cookie})


def test_pages_need_a_session():
    r = S.request("GET", "/")
    expect(r.status == 303 and r.header("Location") == "/login", "redirect %r" % r)
    r = S.request("GET", "/households/1")
    expect(r.status == 303, "file page redirect")


def test_login_checks_csrf_and_password():
    form = S.request("GET", "/login")
    jar = cookies_of(form)
    body = urlencode({"username": "admin", "password": PASSWORD, "csrf": "0" * 32}).encode()
    r = S.request("POST", "/login", raw=body, content_type="application/x-www-form-urlencoded",
                  headers={"Cookie": "anju_csrf=" + jar["anju_csrf"]})
    expect(r.status == 403 and "anju_session" not in cookies_of(r), "forged csrf %r" % r.status)
    r, _, _ = browser_login("admin", "wrong-password")
    expect(r.status == 401 and 'value="admin"' in r.body.decode(), "wrong password keeps the name")
    r, _, _ = browser_login("admin")
    expect(r.status == 303 and r.header("Location") == "/" and "anju_session" in cookies_of(r), "logged in")


def test_dashboard_figures_and_headers():
    r, _, _ = browser_login("admin")
    session = cookies_of(r)["anju_session"]
    page = get("/", session, lang="zh")
    html = page.body.decode()
    expect(page.status == 200 and "<svg" in html and "搬迁户数" in html, "dashboard")
    csp = page.header("Content-Security-Policy")
    expect(csp and "script-src 'self'" in csp and "unsafe-inline" not in csp, "CSP %r" % csp)
    expect(page.header("X-Content-Type-Options") == "nosniff", "nosniff")
    expect("<script>" not in html and "style=" not in html, "no inline script or style")
    en = get("/", session, lang="en")
    expect("Households relocated" in en.body.decode() and 'lang="en"' in en.body.decode(), "English")
    sw = S.request("GET", "/lang/en")
    expect(sw.status == 303 and "anju_lang=en" in (sw.header("Set-Cookie") or ""), "switch")


def test_household_page_masks_ids_and_keeps_scope():
    zd = S.login("zhengda")
    idn = id_number("52062819750101002")
    r = S.request("POST", "/api/v1/households", {
        "category": "registered_poor", "origin_village": "520628118201", "dest_community": "520628002030",
        "members": [{"id_number": idn, "name": "石秀英", "relation": "head", "phone": "13912340000"}]}, token=zd)
    h = r.json
    r, _, _ = browser_login("zhengda")
    session = cookies_of(r)["anju_session"]
    page = get("/households/%d" % h["id"], session)
    html = page.body.decode()
    expect(page.status == 200 and "石秀英" in html, "file page")
    expect(idn not in html and idn[:4] + "*" * 12 + idn[-2:] in html, "masked ID")
    lst = get("/households?q=%E7%9F%B3%E7%A7%80%E8%8B%B1", session).body.decode()
    expect('href="/households/%d"' % h["id"] in lst, "search from the list page")
    r, _, _ = browser_login("panshi")
    other = cookies_of(r)["anju_session"]
    expect(get("/households/%d" % h["id"], other).status == 404, "other town cannot open it")


def test_reveal_is_deliberate_and_audited():
    zd = S.login("zhengda")
    idn = id_number("52062819660606003")
    h = S.request("POST", "/api/v1/households", {
        "category": "synchronous", "origin_village": "520628118201",
        "members": [{"id_number": idn, "name": "吴revealed", "relation": "head"}]}, token=zd).json
    pid = h["members"][0]["id"]
    r, _, _ = browser_login("zhengda")
    session = cookies_of(r)["anju_session"]
    page = get("/persons/%d" % pid, session).body.decode()
    expect(idn not in page and 'action="/persons/%d/reveal"' % pid in page, "masked, with a reveal button")
    token = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)
    r = S.request("POST", "/persons/%d/reveal" % pid, raw=("csrf=" + token).encode(),
                  content_type="application/x-www-form-urlencoded", headers={"Cookie": "anju_session=" + session})
    expect(r.status == 200 and idn in r.body.decode(), "revealed once")
    bad = S.request("POST", "/persons/%d/reveal" % pid, raw=b"csrf=" + b"2" * 32,
                    content_type="application/x-www-form-urlencoded", headers={"Cookie": "anju_session=" + session})
    expect(bad.status == 403 and idn not in bad.body.decode(), "no reveal without the form token")
    audit = S.request("GET", "/api/v1/audit?entity=person&id=%d" % pid, token=API).json["items"]
    audit = [a for a in audit if "records" not in a]    # not the read events
    expect([a["action"] for a in audit].count("reveal") == 1 and audit[0]["user"] == "zhengda", "audited %r" % audit)


def form_token(html):
    return re.search(r'name="csrf" value="([0-9a-f]+)"', html).group(1)


def post_form(path, session, fields, lang=None):
    return S.request("POST", path, raw=urlencode(fields).encode(), content_type="application/x-www-form-urlencoded",
                     headers={"Cookie": "anju_session=" + session + ("; anju_lang=" + lang if lang else "")})


def test_users_page_and_own_password():
    r, _, _ = browser_login("admin")
    admin = cookies_of(r)["anju_session"]
    page = get("/users", admin, lang="zh").body.decode()
    expect("zhengda" in page and "乡镇干部" in page, "users listed with role names")
    token = form_token(page)
    bad = post_form("/users", admin, {"csrf": token, "username": "newtown", "role": "town", "scope": "52",
                                      "password": "long-enough-pw"})
    expect(bad.status == 422 and 'value="newtown"' in bad.body.decode() and "long-enough-pw" not in bad.body.decode(),
           "error, name kept, password not echoed")
    ok = post_form("/users", admin, {"csrf": token, "username": "newtown", "role": "town", "scope": "520628101",
                                     "password": "long-enough-pw"})
    expect(ok.status == 303, "user added %r" % ok.status)
    r, _, _ = browser_login("zhengda")
    town = cookies_of(r)["anju_session"]
    expect(get("/users", town).status == 403, "users page is for admins")
    r, _, _ = browser_login("newtown", "long-enough-pw")
    mine = cookies_of(r)["anju_session"]
    token = form_token(get("/password", mine).body.decode())
    wrong = post_form("/password", mine, {"csrf": token, "current": "nope", "new": "another-pw-1", "again": "another-pw-1"})
    expect(wrong.status == 422, "current password checked")
    differ = post_form("/password", mine, {"csrf": token, "current": "long-enough-pw", "new": "another-pw-1",
                                           "again": "another-pw-2"})
    expect(differ.status == 422, "the two must agree")
    done = post_form("/password", mine, {"csrf": token, "current": "long-enough-pw", "new": "another-pw-1",
                                         "again": "another-pw-1"})
    expect(done.status == 303 and unmac(done.header("Location")) == "/login?saved=password", "changed %r" % done.status)
    expect(get("/", mine).status == 303, "the old session has ended")
    r, _, _ = browser_login("newtown", "another-pw-1")
    expect(r.status == 303, "new password works")
    still = cookies_of(r)["anju_session"]
    expect(get("/", still).status == 200, "the new session works (and is now remembered)")
    page = get("/users", admin).body.decode()
    users = S.request("GET", "/api/v1/users", token=API).json["items"]
    uid = [u["id"] for u in users if u["username"] == "newtown"][0]
    me = [u["id"] for u in users if u["username"] == "admin"][0]
    own = post_form("/users/%d/disable" % me, admin, {"csrf": form_token(page)})
    expect(own.status == 422, "an admin cannot disable their own account %r" % own.status)
    off = post_form("/users/%d/disable" % uid, admin, {"csrf": form_token(page)})
    expect(off.status == 303, "disabled %r" % off.status)
    expect(get("/", still).status == 303, "their session has ended")
    r, _, _ = browser_login("newtown", "another-pw-1")
    expect(r.status != 303, "a disabled account cannot log in")
    on = post_form("/users/%d/enable" % uid, admin, {"csrf": form_token(page)})
    r, _, _ = browser_login("newtown", "another-pw-1")
    expect(on.status == 303 and r.status == 303, "enabled again")
    audit = S.request("GET", "/api/v1/audit?entity=user&id=%d" % uid, token=API).json["items"]
    actions = [a["action"] for a in audit if a["action"] in ("enable", "disable")]
    expect(actions == ["enable", "disable"], "audited %r" % actions)


def test_a_user_is_named_on_the_users_page():
    """The add-user form takes the person's name; each account's name can be changed on the
    list; a bad one is said at the top with nothing changed; the header names the one
    signed in (issue 12: people's names where names belong)."""
    r, _, _ = browser_login("admin")
    admin = cookies_of(r)["anju_session"]
    page = get("/users", admin, lang="zh").body.decode()
    token = form_token(page)
    bad = post_form("/users", admin, {"csrf": token, "username": "namedtown", "full_name": "名" * 51, "role": "town",
                                      "scope": "520628101", "password": "long-enough-pw"})
    body = bad.body.decode()
    expect(bad.status == 422 and 'id="full_name-error"' in body and 'value="namedtown"' in body, "a long name refused %r" % bad.status)
    ok = post_form("/users", admin, {"csrf": token, "username": "namedtown", "full_name": "龙国平", "role": "town",
                                     "scope": "520628101", "password": "long-enough-pw"})
    expect(ok.status == 303, "added with a name %r" % ok.status)
    users = S.request("GET", "/api/v1/users", token=API).json["items"]
    uid = [u["id"] for u in users if u["username"] == "namedtown"][0]
    expect([u["full_name"] for u in users if u["id"] == uid] == ["龙国平"], "stored")
    page = get("/users", admin, lang="zh").body.decode()
    expect('action="/users/%d/name"' % uid in page and 'value="龙国平"' in page, "the name on the list, to change")
    bad = post_form("/users/%d/name" % uid, admin, {"csrf": token, "full_name": "   "}, lang="zh")
    expect(bad.status == 422 and "姓名最多" in bad.body.decode(), "a blank name refused %r" % bad.status)
    import sqlite3

    def audit_rows():
        db = sqlite3.connect(S.db)
        n = db.execute("SELECT count(*) FROM audit WHERE action <> 'read'").fetchone()[0]
        db.close()
        return n
    before = audit_rows()
    for typed in ("龙\u202e国平", "\u2066龙国平\u2069", "龙国平\u200f"):
        bad = post_form("/users/%d/name" % uid, admin, {"csrf": token, "full_name": typed}, lang="zh")
        body = bad.body.decode()
        beside = re.search(r'<p class="field-error" role="alert" id="name-error-%d">([^<]*)</p>' % uid, body)
        expect(bad.status == 422 and beside and "namedtown" in beside.group(1) and "文字方向" in beside.group(1)
               and 'aria-describedby="name-error-%d"' % uid in body and ('value="%s"' % typed) in body
               and audit_rows() == before, "a name with a direction control refused beside its account, kept %r" % typed)
    expect([u["full_name"] for u in S.request("GET", "/api/v1/users", token=API).json["items"] if u["id"] == uid] == ["龙国平"],
           "nothing stored")
    done = post_form("/users/%d/name" % uid, admin, {"csrf": token, "full_name": "龙国安"})
    expect(done.status == 303 and unmac(done.header("Location")) == "/users?saved=user_named", "renamed %r" % done.status)
    expect([u["full_name"] for u in S.request("GET", "/api/v1/users", token=API).json["items"] if u["id"] == uid] == ["龙国安"],
           "the new name stored")
    before = audit_rows()
    for same in ("龙国安", " 龙国安　"):	# the same name, or with spaces around it: nothing saved, and said so
        again = post_form("/users/%d/name" % uid, admin, {"csrf": token, "full_name": same})
        expect(again.status == 303 and unmac(again.header("Location")) == "/users?saved=nothing" and audit_rows() == before,
               "the same name %r: nothing written, said so %r" % (same, again.header("Location")))
    expect(post_form("/users/999999/name", admin, {"csrf": token, "full_name": "某"}).status == 404, "no such user")
    r, _, _ = browser_login("namedtown", "long-enough-pw")
    mine = cookies_of(r)["anju_session"]
    expect("龙国安 · " in get("/", mine, lang="zh").body.decode(), "the header names who is signed in")
    expect(post_form("/users/%d/name" % uid, mine, {"csrf": form_token(get("/", mine).body.decode()), "full_name": "x"}).status == 403,
           "for admins only")


def test_forms_start_from_sensible_defaults():
    """Issue 12, item 11: a new account starts at the least role, its scope chosen by name;
    a household's village is chosen town first (an optgroup per town, no script needed)."""
    import sqlite3
    db = sqlite3.connect(S.db)
    names = dict(db.execute("SELECT code, short_name FROM divisions"))
    db.close()
    r, _, _ = browser_login("admin")
    admin = cookies_of(r)["anju_session"]
    page = get("/users", admin, lang="zh").body.decode()
    roles = page[page.index('<select id="role"'):]
    roles = roles[:roles.index("</select>")]
    expect(re.search(r'<option value="volunteer" selected>', roles) and 'value="admin" selected' not in roles,
           "the least role is the default %r" % roles)
    scope = page[page.index('<select id="scope"'):]
    scope = scope[:scope.index("</select>")]
    expect('<option value="520628118">%s</option>' % names["520628118"] in scope, "a town by name")
    expect('<optgroup label="%s">' % names["520628002"] in scope
           and '<option value="520628002030">%s</option>' % names["520628002030"] in scope,
           "a community by name under its town")
    # the form untouched but for a name and a password (tester's item 4): no unexplained
    # refusal; the scope is never assumed: the select asks for one and names what fits
    expect(re.search(r'<select id="scope" name="scope" required[^>]*>\s*<option value="">[^<]*请选择', page)
           and " selected" not in scope, "no scope chosen for the user, the select required %r" % scope[:200])
    untouched = post_form("/users", admin, {"csrf": form_token(page), "username": "newvol", "role": "volunteer",
                                            "scope": "", "password": "long-enough-pw"}, lang="zh")
    said = untouched.body.decode()
    expect(untouched.status == 422 and re.search(r'<p class="field-error" id="scope-error">请选择工作范围', said)
           and 'aria-invalid="true"' in said[said.index('<select id="scope"'):][:200],
           "a clear error beside the scope %r" % untouched.status)
    wrong = post_form("/users", admin, {"csrf": form_token(page), "username": "newvol", "role": "volunteer",
                                        "scope": "none", "password": "long-enough-pw"}, lang="zh")
    said = wrong.body.decode()
    expect(wrong.status == 422 and "与角色不相符" in said and "区划代码" not in said
           and '<option value="none" selected>' in said, "a scope that does not fit, said in words %r" % wrong.status)
    admin2 = post_form("/users", admin, {"csrf": form_token(page), "username": "newarchivist", "role": "archivist",
                                         "scope": "none", "password": "long-enough-pw"})
    expect(admin2.status == 303, "'none' is the choice of no scope %r" % admin2.status)
    kept = post_form("/users", admin, {"csrf": form_token(page), "username": "newvol", "role": "town",
                                       "scope": "520628002030", "password": "long-enough-pw"})
    expect(kept.status == 422 and '<option value="520628002030" selected>' in kept.body.decode()
           and '<option value="town" selected>' in kept.body.decode(), "a refused form keeps both choices")
    form = get("/households/new", admin, lang="zh").body.decode()
    village = form[form.index('<select id="origin_village"'):]
    village = village[:village.index("</select>")]
    expect('<optgroup label="%s"><option value="520628118201">%s</option>' % (names["520628118"], names["520628118201"])
           in village, "the villages under their town, by their own names %r" % village[:300])
    expect(village.count("<optgroup") > 20 and "<option value=\"520628118201\">%s " % names["520628118"] not in village,
           "one group a town, the town not repeated in each village")
    r, _, _ = browser_login("pagecommunity")
    form = get("/households/new", cookies_of(r)["anju_session"], lang="zh").body.decode()
    dest = form[form.index('<select id="dest_community"'):]
    dest = dest[:dest.index("</select>")]
    expect(re.findall(r'<option value="(\d+)"', dest) == ["520628002030"], "a community worker is offered its own community only %r" % dest[:300])


def test_edit_household_under_its_etag():
    zd = S.login("zhengda")
    h = S.request("POST", "/api/v1/households", {
        "category": "synchronous", "origin_village": "520628118201",
        "members": [{"id_number": id_number("52062819700707005"), "name": "杨编辑", "relation": "head"}]},
        token=zd).json
    r, _, _ = browser_login("zhengda")
    session = cookies_of(r)["anju_session"]
    page = get("/households/%d/edit" % h["id"], session).body.decode()
    token = form_token(page)
    etag = re.search(r'name="etag" value="([^"]+)"', page).group(1)
    base = {"csrf": token, "etag": etag.replace("&quot;", '"'), "category": "synchronous",
            "origin_village": "520628118201", "dest_community": "", "relocation_date": "", "phone": ""}
    bad = post_form("/households/%d/edit" % h["id"], session, dict(base, phone="call me"))
    expect(bad.status == 422 and 'id="phone-error"' in bad.body.decode() and 'value="call me"' in bad.body.decode(),
           "error beside the field, value kept")
    ok = post_form("/households/%d/edit" % h["id"], session, dict(base, phone="13800138000"))
    expect(ok.status == 303, "saved %r" % ok.status)
    got = S.request("GET", "/api/v1/households/%d" % h["id"], token=zd).json
    expect(got["phone"] == "13800138000" and got["version"] == 2, "changed once %r" % got["phone"])
    # saved again with no change: nothing written, no empty row in the log, and said so
    trail = S.request("GET", "/api/v1/households/%d/trail" % h["id"], token=zd).json["items"]
    fresh = get("/households/%d/edit" % h["id"], session).body.decode()
    same = post_form("/households/%d/edit" % h["id"], session, dict(
        base, phone="13800138000", etag=re.search(r'name="etag" value="([^"]+)"', fresh).group(1).replace("&quot;", '"')))
    expect(same.status == 303 and unmac(same.header("Location")) == "/households/%d?saved=nothing" % h["id"],
           "no change, nothing saved %r" % same.header("Location"))
    expect(S.request("GET", "/api/v1/households/%d" % h["id"], token=zd).json["version"] == 2, "the version stays")
    expect(S.request("GET", "/api/v1/households/%d/trail" % h["id"], token=zd).json["items"] == trail,
           "no change row")
    expect("没有修改" in get(same.header("Location"), session, lang="zh").body.decode()
           and "No changes" in get(same.header("Location"), session, lang="en").body.decode(), "said in words")
    # the change in the audit log, filtered by its record, its field in words (tester's item 2)
    r, _, _ = browser_login("admin")
    audit = get("/audit?entity=household&id=%d" % h["id"], cookies_of(r)["anju_session"], lang="zh")
    # the household named by its number, its internal id beside it for the filter
    rows = re.findall(r"<td>修改</td><td>户</td><td>%s \(%d\)</td><td></td><td></td><td>([^<]*)</td>"
                      % (re.escape(h["number"]), h["id"]), audit.body.decode())
    expect(audit.status == 200 and rows == ["电话"], "the audit log filtered by a household %r %r" % (audit.status, rows))
    actions = audit.body.decode()[audit.body.decode().index('<select id="f-action"'):]
    actions = actions[:actions.index("</select>")]
    expect('<option value="update">修改</option>' in actions and not re.search(r">[a-z_]+</option>", actions),
           "the actions to filter by in words %r" % actions[:200])
    stale = post_form("/households/%d/edit" % h["id"], session, dict(base, phone="13900139000"))
    expect(stale.status == 412, "a stale form does not overwrite %r" % stale.status)
    expect(S.request("GET", "/api/v1/households/%d" % h["id"], token=zd).json["phone"] == "13800138000", "kept")


def test_edit_person_under_its_etag():
    zd = S.login("zhengda")
    h = S.request("POST", "/api/v1/households", {
        "category": "synchronous", "origin_village": "520628118201",
        "members": [{"id_number": id_number("52062819800808006"), "name": "田修改", "relation": "head"}]},
        token=zd).json
    pid = h["members"][0]["id"]
    r, _, _ = browser_login("zhengda")
    session = cookies_of(r)["anju_session"]
    page = get("/persons/%d/edit" % pid, session, lang="zh").body.decode()
    expect("苗族" in page and "普通劳动力" in page, "code lists as words")
    base = {"csrf": form_token(page), "etag": re.search(r'name="etag" value="([^"]+)"', page).group(1).replace("&quot;", '"'),
            "name": "田修改", "relation": "head", "ethnicity": "", "education": "", "health": "",
            "labor_capacity": "", "phone": ""}
    bad = post_form("/persons/%d/edit" % pid, session, dict(base, name=""))
    expect(bad.status == 422 and 'id="name-error"' in bad.body.decode(), "name required %r" % bad.status)
    ok = post_form("/persons/%d/edit" % pid, session, dict(base, ethnicity="miao", labor_capacity="skilled"))
    expect(ok.status == 303, "saved %r" % ok.status)
    got = S.request("GET", "/api/v1/persons/%d" % pid, token=zd).json
    expect(got["ethnicity"] == "miao" and got["labor_capacity"] == "skilled", "changed %r" % got)
    stale = post_form("/persons/%d/edit" % pid, session, dict(base, ethnicity="han"))
    expect(stale.status == 412, "stale %r" % stale.status)


def test_edit_archive_item_under_its_etag():
    zd = S.login("zhengda")
    h = S.request("POST", "/api/v1/households", {
        "category": "synchronous", "origin_village": "520628118201",
        "members": [{"id_number": id_number("52062819810909007"), "name": "吴归档", "relation": "head"}]},
        token=zd).json
    boundary = "pagesItemBoundary"
    body = ("--%s\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n申请书\r\n"
            "--%s\r\nContent-Disposition: form-data; name=\"doc_type\"\r\n\r\napplication\r\n"
            "--%s\r\nContent-Disposition: form-data; name=\"paper_location\"\r\n\r\nA柜\r\n--%s--\r\n"
            % ((boundary,) * 4)).encode()
    item = S.request("POST", "/api/v1/households/%d/items" % h["id"], raw=body, token=zd,
                     content_type="multipart/form-data; boundary=" + boundary).json
    r, _, _ = browser_login("zhengda")
    session = cookies_of(r)["anju_session"]
    household = get("/households/%d" % h["id"], session).body.decode()
    expect('href="/items/%d/edit"' % item["id"] in household, "edit link beside the item")
    page = get("/items/%d/edit" % item["id"], session, lang="zh").body.decode()
    expect(item["reference_code"] in page and "搬迁申请书" in page, "code shown, types as words")
    expect('action="/items/%d/edit"' % item["id"] in page, "the form posts to the item")
    base = {"csrf": form_token(page), "etag": re.search(r'name="etag" value="([^"]+)"', page).group(1).replace("&quot;", '"'),
            "title": "申请书", "doc_type": "application", "date": "", "responsible_body": "", "pages": "",
            "paper_location": "A柜"}
    bad = post_form("/items/%d/edit" % item["id"], session, dict(base, pages="many"))
    expect(bad.status == 422 and 'id="pages-error"' in bad.body.decode() and 'value="many"' in bad.body.decode(),
           "error beside pages, value kept %r" % bad.status)
    ok = post_form("/items/%d/edit" % item["id"], session, dict(base, title="搬迁申请书（签字）", pages="2"))
    expect(ok.status == 303 and unmac(ok.header("Location")) == "/households/%d?saved=changes" % h["id"], "saved %r" % ok.status)
    got = S.request("GET", "/api/v1/items/%d" % item["id"], token=zd).json
    expect(got["title"] == "搬迁申请书（签字）" and got["pages"] == 2 and got["version"] == 2, "changed %r" % got)
    trail = get("/households/%d" % h["id"], session, lang="zh").body.decode()
    # the item by its title as people know it, not its row's number (issue 12)
    expect(re.search(r"<td>zhengda</td><td>修改 · 档案条目 搬迁申请书（签字）</td><td>页数、题名</td>", trail),
           "the change is in the household's trail")
    stale = post_form("/items/%d/edit" % item["id"], session, dict(base, title="x"))
    expect(stale.status == 412, "stale %r" % stale.status)
    r, _, _ = browser_login("panshi")
    other = cookies_of(r)["anju_session"]
    expect(get("/items/%d/edit" % item["id"], other).status == 404, "another town's item is not found")


def test_add_a_member_from_the_household_page():
    zd = S.login("zhengda")
    h = S.request("POST", "/api/v1/households", {
        "category": "synchronous", "origin_village": "520628118201",
        "members": [{"id_number": id_number("52062819820303008"), "name": "杨添丁", "relation": "head"}]},
        token=zd).json
    r, _, _ = browser_login("zhengda")
    session = cookies_of(r)["anju_session"]
    expect('href="/households/%d/members/new"' % h["id"] in get("/households/%d" % h["id"], session).body.decode(),
           "link on the household page")
    page = get("/households/%d/members/new" % h["id"], session, lang="zh").body.decode()
    expect("出生" in page and 'action="/households/%d/members/new"' % h["id"] in page, "form %r" % page[:200])
    base = {"csrf": form_token(page), "id_number": id_number("52062820190505002"), "name": "杨小满",
            "relation": "son", "event": "birth", "event_date": "2019-05-05"}
    bad = post_form("/households/%d/members/new" % h["id"], session, dict(base, id_number="520628201905050000"))
    expect(bad.status == 422 and 'id="id_number-error"' in bad.body.decode() and 'value="杨小满"' in bad.body.decode(),
           "error beside the number, name kept %r" % bad.status)
    ok = post_form("/households/%d/members/new" % h["id"], session, base)
    expect(ok.status == 303 and ok.header("Location").startswith("/persons/"), "created %r" % ok.status)
    got = S.request("GET", "/api/v1/households/%d" % h["id"], token=zd).json
    expect(len(got["members"]) == 2 and got["events"][0]["kind"] == "birth", "joined by birth %r" % got["events"])
    r, _, _ = browser_login("panshi")
    expect(get("/households/%d/members/new" % h["id"], cookies_of(r)["anju_session"]).status == 404, "scope")


def test_logout_needs_the_form_token():
    r, _, _ = browser_login("admin")
    session = cookies_of(r)["anju_session"]
    page = get("/", session).body.decode()
    token = re.search(r'action="/logout">\s*<input type="hidden" name="csrf" value="([0-9a-f]+)"', page).group(1)
    bad = S.request("POST", "/logout", raw=b"csrf=" + b"1" * 32, content_type="application/x-www-form-urlencoded",
                    headers={"Cookie": "anju_session=" + session})
    expect(bad.status == 403 and get("/", session).status == 200, "forged logout refused")
    ok = S.request("POST", "/logout", raw=("csrf=" + token).encode(), content_type="application/x-www-form-urlencoded",
                   headers={"Cookie": "anju_session=" + session})
    expect(ok.status == 303 and get("/", session).status == 303, "logged out")


def test_search_is_one_list_that_tells_people_apart():
    # 22 people of one name: 12 in Zhengda's villages, 10 in Panshi's
    villages = ["520628118201", "520628118203", "520628101203"]
    for i in range(22):
        village = villages[0 if i < 6 else 1 if i < 12 else 2]
        r = S.request("POST", "/api/v1/households", {
            "category": "synchronous", "origin_village": village, "dest_community": "520628002003",
            "members": [{"id_number": id_number("52062819800202%03d" % (500 + i)), "name": "石珍珍",
                         "relation": "head"}]}, token=API)
        expect(r.status == 201, "household %d %r" % (i, r))
    r, _, _ = browser_login("admin")
    session = cookies_of(r)["anju_session"]
    q = "%E7%9F%B3%E7%8F%8D%E7%8F%8D"
    html = get("/households?q=" + q, session, lang="zh").body.decode()
    expect(html.count("<h2>查询结果</h2>") == 1 and html.count('<ol class="results">') == 1, "one results block")
    expect("<table" not in html, "no unfiltered table under the results")
    expect(re.search(r"共找到 <strong>22</strong>", html), "a count %s" % html[html.find("共找到"):][:80])
    hits = re.findall(r'<li><a href="/persons/\d+"><mark>石珍珍</mark></a>', html)
    expect(len(hits) == 20, "one page of 20, the name marked: %d" % len(hits))
    expect("聚宝村" in html and "喇叭村" in html and "正大镇" in html and "南门社区" in html, "villages and community")
    born = date.today()
    age = born.year - 1980 - ((born.month, born.day) < (2, 2))
    expect("年龄 %d" % age in html and "1980-02-02" not in html, "the age, never the birth date")
    expect("姓名完全相同" in html and "name_exact" not in html, "match kind in words")
    expect('id="top-q"' in html, "a search box in the header")
    nxt = re.search(r'<a rel="next" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    expect("q=" + q in nxt and "from=20" in nxt, "the next page keeps the query: %s" % nxt)
    second = get(nxt, session, lang="zh").body.decode()
    expect(len(re.findall(r'<li><a href="/persons/', second)) == 2 and 'rel="prev"' in second, "second page")
    odd = get("/households?q=" + q + "&from=zz", session, lang="zh").body.decode()
    expect(len(re.findall(r'<li><a href="/persons/', odd)) == 20, "a page number that is none: the first page")
    r, _, _ = browser_login("zhengda")
    town = get("/households?q=" + q, cookies_of(r)["anju_session"], lang="zh").body.decode()
    expect(re.search(r"共找到 <strong>12</strong>", town) and "当造村" not in town, "scoped to the town")
    empty = get("/households?q=%E6%B2%A1%E6%9C%89%E8%BF%99%E4%B8%AA%E4%BA%BA", session, lang="en").body.decode()
    expect("Nothing found." in empty and "<table" not in empty, "nothing found, said")


def test_a_refused_upload_is_seen_with_what_was_typed():
    h = S.request("POST", "/api/v1/households", {
        "category": "synchronous", "origin_village": "520628118201",
        "members": [{"id_number": id_number("52062819700303031"), "name": "田上传", "relation": "head"}]},
        token=API).json
    r, _, _ = browser_login("admin")
    session = cookies_of(r)["anju_session"]
    page = get("/households/%d" % h["id"], session, lang="zh").body.decode()
    csrf = form_token(page)
    boundary = "pagesboundary7"

    def upload(fields, files):
        raw = form_multipart(dict({"csrf": csrf, "doc_type": "other"}, **fields), files, boundary)
        return S.request("POST", "/households/%d/items" % h["id"], raw=raw,
                         content_type="multipart/form-data; boundary=" + boundary,
                         headers={"Cookie": "anju_session=%s; anju_lang=zh" % session})
    # a Word-like .txt file: the type is refused, the title stays in its box
    bad = upload({"title": "拆迁协议扫描", "paper_location": ""}, [("file", "notes.txt", b"hello", "text/plain")])
    html = bad.body.decode()
    expect(bad.status in (415, 422) and 'id="upload-error"' in html and "档案不接受此类文件" in html,
           "the refusal is said %r" % bad.status)
    expect('id="title" name="title" required value="拆迁协议扫描"' in html, "the typed title kept")
    expect('id="file-error"' in html, "the message beside the file field")
    # without a script the page lands at its top: the refusal is said there too, right
    # under the header, focusable, with a way down to the form (issue 12, tester's item 1)
    alert = re.search(r'<main id="content">\s*<div class="flash alert" role="alert" tabindex="-1" id="alert">'
                      r'<p>([^<]*)</p><p><a href="#upload">', html)
    expect(alert and "档案不接受此类文件" in alert.group(1), "said at the top %r" % html[html.find("<main"):][:300])
    expect(html.index('id="alert"') < html.index("<h1"), "before the household's heading")
    again = S.request("GET", "/households/%d/items" % h["id"], headers={"Cookie": "anju_session=" + session})
    expect(again.status == 303 and again.header("Location") == "/households/%d#upload" % h["id"],
           "the refused page's address reloaded is the household's page, not 405: %r" % again)
    # no title: said beside the title; the paper location typed is kept
    bad = upload({"title": "", "paper_location": "三号柜"}, [("file", "notes.txt", b"hello", "text/plain")])
    html = bad.body.decode()
    expect(bad.status in (415, 422) and 'id="title-error"' in html and "此项必填" in html, "title required")
    expect('value="三号柜"' in html, "paper location kept")
    items = S.request("GET", "/api/v1/households/%d/items" % h["id"], token=API).json["items"]
    expect(items == [], "nothing stored %r" % items)
    # a phone's HEIC picture is kept as a picture, its type named (browsers cannot show it)
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 200
    ok = upload({"title": "手机照片"}, [("file", "IMG_0001.HEIC", heic, "image/heic")])
    expect(ok.status == 303, "a HEIC picture is kept %r" % ok)
    after = get("/households/%d" % h["id"], session, lang="zh").body.decode()
    expect(re.search(r'IMG_0001.HEIC</a> <span class="muted">HEIC 照片（已存为图片', after), "its kind named")
    items = S.request("GET", "/api/v1/households/%d/items" % h["id"], token=API).json["items"]
    expect([f["kind"] for i in items for f in i["files"]] == ["image"], "kept as a picture %r" % items)
    # a good one is saved, and the page says so
    ok = upload({"title": "纸质协议", "paper_location": "三号柜"}, [])
    expect(ok.status == 303 and "saved=item" in ok.header("Location"), "saved %r" % ok)
    after = get(ok.header("Location").split("#")[0], session, lang="zh").body.decode()
    expect('class="flash"' in after and "已保存档案条目" in after, "a confirmation")


def test_a_filtered_list_stays_filtered_on_its_second_page():
    for i in range(52):        # one page is 50
        r = S.request("POST", "/api/v1/households", {
            "category": "synchronous", "origin_village": "520628118204", "dest_community": "520628002005",
            "members": [{"id_number": id_number("52062819900404%03d" % (100 + i)), "name": "马页%d" % i,
                         "relation": "head"}]}, token=API)
        expect(r.status == 201, "household %d %r" % (i, r))
    r, _, _ = browser_login("admin")
    session = cookies_of(r)["anju_session"]
    first = get("/households?community=520628002005&category=synchronous", session, lang="zh").body.decode()
    rows = re.findall(r"<tr><td><a href=\"/households/\d+\">", first)
    expect(len(rows) == 50, "a first page of 50: %d" % len(rows))
    expect(re.search(r'class="filter-on"[^>]*>仅显示：.*安置社区: 马田龙社区.*<a href="/households">显示全部户</a>', first),
           "the filter said in words, with a way to clear it")
    nxt = re.search(r'<a rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    expect("community=520628002005" in nxt and "category=synchronous" in nxt, "the next link keeps the filter %s" % nxt)
    second = get(nxt, session, lang="zh").body.decode()
    rows = re.findall(r"<tr><td><a href=\"/households/\d+\">[^<]*</a></td><td>([^<]*)</td>", second)
    expect(len(rows) == 2 and all(n.startswith("马页") for n in rows), "the second page still filtered %r" % rows)
    expect("马田龙社区" in second and 'class="filter-on"' in second, "still said on page 2")
    town = get("/households?town=520628118", session, lang="en").body.decode()
    expect(re.search(r"Town of origin: 正大镇", town) and "Show all households" in town, "town in words")


def test_a_search_keeps_every_filter_on_every_page():
    """Tester's item 3: the search applies the 类别 (and town, community) filter, and its
    pages keep them."""
    for i in range(3):          # 马搜 of another category and community, to be left out
        r = S.request("POST", "/api/v1/households", {
            "category": "registered_poor", "origin_village": "520628118204", "dest_community": "520628002003",
            "members": [{"id_number": id_number("52062819910505%03d" % (100 + i)), "name": "马搜%d" % i,
                         "relation": "head"}]}, token=API)
        expect(r.status == 201, "household %r" % r)
    for i in range(23):
        r = S.request("POST", "/api/v1/households", {
            "category": "synchronous", "origin_village": "520628118204", "dest_community": "520628002005",
            "members": [{"id_number": id_number("52062819920606%03d" % (100 + i)), "name": "马搜%d" % i,
                         "relation": "head"}]}, token=API)
        expect(r.status == 201, "household %r" % r)
    r, _, _ = browser_login("admin")
    session = cookies_of(r)["anju_session"]
    q = quote("马搜")
    every = get("/households?q=" + q, session, lang="zh").body.decode()
    expect(re.search(r"共找到 <strong>26</strong>", every), "all 26 without a filter")
    expect(re.search(r"显示第 1–20 条", every), "'显示第 1–20 条', with its 条")
    poor = get("/households?q=%s&category=registered_poor" % q, session, lang="zh").body.decode()
    expect(re.search(r"共找到 <strong>3</strong>", poor), "the category narrows the search %s"
           % poor[poor.find("共找到"):][:60])
    expect(re.search(r'<option value="registered_poor" selected>', poor) and 'class="filter-on"' in poor,
           "the filter is shown as on")
    sync = get("/households?q=%s&category=synchronous&community=520628002005" % q, session, lang="zh").body.decode()
    expect(re.search(r"共找到 <strong>23</strong>", sync), "both filters %s" % sync[sync.find("共找到"):][:60])
    nxt = re.search(r'<a rel="next" href="([^"]+)"', sync).group(1).replace("&amp;", "&")
    expect("category=synchronous" in nxt and "community=520628002005" in nxt and "from=20" in nxt,
           "the next page keeps the filters %s" % nxt)
    second = get(nxt, session, lang="zh").body.decode()
    expect(len(re.findall(r'<li><a href="/persons/', second)) == 3 and re.search(r"显示第 21–23 条", second),
           "the second page still filtered")
    prev = re.search(r'<a rel="prev" href="([^"]+)"', second).group(1).replace("&amp;", "&")
    expect("category=synchronous" in prev and "community=520628002005" in prev, "so does the previous %s" % prev)
    en = get("/households?q=" + q, session, lang="en").body.decode()
    expect("<h2>Search results</h2>" in en and re.search(r"Found <strong>26</strong> · results 1–20 shown", en)
           and en.count("Found") == 1, "English says it once")


def test_the_town_filter_counts_as_the_chart_that_links_to_it():
    # 盘石镇 (520628101) of origin, resettled in 正大镇's community: under 正大镇 by
    # destination, but the chart of origin towns counts it under 盘石镇, and so does the list
    h = S.request("POST", "/api/v1/households", {
        "category": "synchronous", "origin_village": "520628101203", "dest_community": "520628118100",
        "members": [{"id_number": id_number("52062819710303031"), "name": "盘去正", "relation": "head"}]},
        token=API)
    expect(h.status == 201, "household %r" % h)
    hid = h.json["id"]
    r, _, _ = browser_login("admin")
    session = cookies_of(r)["anju_session"]

    def listed(town):
        ids, path = [], "/households?town=" + town
        while path:
            page = get(path, session, lang="en").body.decode()
            ids += [int(i) for i in re.findall(r'<tr><td><a href="/households/(\d+)">', page)]
            nxt = re.search(r'<a rel="next" href="([^"]+)"', page)
            path = nxt.group(1).replace("&amp;", "&") if nxt else None
        return ids
    expect(hid in listed("520628101") and hid not in listed("520628118"), "the town of origin only")
    report = S.request("GET", "/api/v1/reports/county", token=API).json
    dash = get("/", session, lang="en").body.decode()
    for town in report["by_origin_town"]:
        expect('href="/households?town=%s"' % town["code"] in dash, "the chart links to the list %r" % town["code"])
        expect(len(listed(town["code"])) == town["households"], "the list counts as the chart %r" % town)


def test_a_deep_link_survives_the_log_in_and_never_leaves_the_site():
    h = S.request("POST", "/api/v1/households", {
        "category": "synchronous", "origin_village": "520628118201",
        "members": [{"id_number": id_number("52062819700505051"), "name": "龙深链", "relation": "head"}]},
        token=API).json
    deep = "/households/%d" % h["id"]
    r = S.request("GET", deep + "?tab=members")
    expect(r.status == 303 and r.header("Location") == "/login?next=%2Fhouseholds%2F" + str(h["id"]) + "%3Ftab%3Dmembers",
           "to the log-in, with the page asked for %r" % r.header("Location"))
    form = S.request("GET", r.header("Location")).body.decode()
    expect('name="next" value="%s?tab=members"' % deep in form, "the form carries it")

    def login_to(next_):
        page = S.request("GET", "/login")
        jar = cookies_of(page)
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page.body.decode()).group(1)
        body = urlencode({"username": "admin", "password": PASSWORD, "csrf": csrf, "next": next_}).encode()
        return S.request("POST", "/login", raw=body, content_type="application/x-www-form-urlencoded",
                         headers={"Cookie": "anju_csrf=" + jar["anju_csrf"]})
    r = login_to(deep)
    expect(r.status == 303 and r.header("Location") == deep, "back to the deep link %r" % r.header("Location"))
    for evil in ("//evil.example", "https://evil.example/", "/\\evil.example", "http:/x", "evil.example",
                 "/households/1\r\nSet-Cookie: x=1", "javascript:alert(1)"):
        r = login_to(evil)
        expect(r.status == 303 and r.header("Location") == "/", "refused %r: %r" % (evil, r.header("Location")))
        expect('name="next"' not in S.request("GET", "/login?next=" + quote(evil)).body.decode(), "not in the form %r" % evil)
    # the language switch stays on the page, under the same rule
    session = cookies_of(login_to(deep))["anju_session"]
    page = get(deep, session, lang="zh").body.decode()
    expect('href="/lang/en?next=%2Fhouseholds%2F' + str(h["id"]) + '"' in page, "the switch names the page")
    r = S.request("GET", "/lang/en?next=" + quote(deep))
    expect(r.status == 303 and r.header("Location") == deep and "anju_lang=en" in r.header("Set-Cookie"), "stays %r" % r)
    for evil in ("//evil.example", "https://evil.example/"):
        r = S.request("GET", "/lang/zh?next=" + quote(evil, safe=""))
        expect(r.status == 303 and r.header("Location") == "/", "switch refuses %r" % evil)


def test_times_in_the_county_s_zone_and_date_fields_with_a_picker():
    h = S.request("POST", "/api/v1/households", {
        "category": "synchronous", "origin_village": "520628118201",
        "members": [{"id_number": id_number("52062819700606061"), "name": "杨时区", "relation": "head"}]},
        token=API).json
    r, _, _ = browser_login("admin")
    session = cookies_of(r)["anju_session"]
    for lang, fmt in (("zh", "%Y年{m}月{d}日 %H:%M"), ("en", "{d} %b %Y, %H:%M")):
        page = get("/households/%d" % h["id"], session, lang=lang).body.decode()
        shown = re.findall(r'<time datetime="([0-9T:-]+Z)">([^<]+)</time>', page)
        expect(shown, "the change log's times %s" % lang)
        for iso, text in shown:
            utc = datetime.strptime(iso, "%Y-%m-%dT%H:%M:%SZ")
            local = utc + timedelta(hours=8)     # Asia/Shanghai, the default setting
            want = local.strftime(fmt.format(m=local.month, d=local.day))
            expect(text == want, "%s: %s shown as %r, not %r" % (lang, iso, text, want))
    today = (datetime.now(timezone.utc) + timedelta(hours=8)).strftime("%Y-%m-%d")
    visit = get("/households/%d/visits/new" % h["id"], session, lang="zh").body.decode()
    expect(re.search(r'<input id="date" name="date" type="date" value="%s"' % today, visit),
           "a visit's date is a picker set to today: %s" % re.findall(r'<input id="date"[^>]*>', visit))
    edit = get("/households/%d/edit" % h["id"], session, lang="zh").body.decode()
    expect('name="phone" type="tel"' in edit and 'name="relocation_date" type="date"' in edit, "phone and date inputs")
    member = get("/households/%d/members/new" % h["id"], session, lang="zh").body.decode()
    expect('name="event_date" type="date"' in member and 'name="phone" type="tel"' in member, "the member form")


def test_the_change_log_names_the_member():
    h = S.request("POST", "/api/v1/households", {
        "category": "synchronous", "origin_village": "520628118201",
        "members": [{"id_number": id_number("52062819720404041"), "name": "龙记名", "relation": "head"}]},
        token=API).json
    r = S.request("POST", "/api/v1/persons", {"household_id": h["id"], "id_number": id_number("52062820190101011"),
                                              "name": "龙小记", "relation": "son", "event": "birth",
                                              "event_date": "2019-01-01"}, token=API)
    expect(r.status == 201, "add a member %r" % r)
    pid = r.json["id"]
    r = S.request("PATCH", "/api/v1/persons/%d" % pid, {"education": "preschool"}, token=API,
                  headers={"If-Match": r.header("ETag")})
    expect(r.status == 200, "change the member %r" % r)
    r, _, _ = browser_login("admin")
    session = cookies_of(r)["anju_session"]
    page = get("/households/%d" % h["id"], session, lang="zh").body.decode()
    rows = re.findall(r"<td>[^<]* · 成员 ([^<]*)</td>", page)
    expect(rows and all(n in ("龙记名", "龙小记") for n in rows) and "龙小记" in rows,
           "members named in the change log %r" % rows)
    expect("成员 %d<" % pid not in page, "not their row's number")


def test_an_out_of_scope_page_says_it_may_be_outside_the_area():
    h = S.request("POST", "/api/v1/households", {
        "category": "synchronous", "origin_village": "520628101203",
        "members": [{"id_number": id_number("52062819730505051"), "name": "盘外户", "relation": "head"}]},
        token=API).json
    r, _, _ = browser_login("zhengda")
    session = cookies_of(r)["anju_session"]
    elsewhere = get("/households/%d" % h["id"], session, lang="zh")
    nowhere = get("/households/99999999", session, lang="zh")
    for page in (elsewhere, nowhere):
        body = page.body.decode()
        expect(page.status == 404 and "工作范围之外" in body and 'href="/access"' in body,
               "it may be outside the area, and access can be asked %r" % body[-600:])
    strip = lambda b: re.sub(r'name="csrf" value="[0-9a-f]+"|households(/|%2F)\d+', "", b.decode())
    a, b = strip(elsewhere.body), strip(nowhere.body)
    expect(a == b, "the same page: nothing said of whether it exists %r" % [
        (x, y) for x, y in zip(a.splitlines(), b.splitlines()) if x != y])
    en = get("/households/%d" % h["id"], session, lang="en").body.decode()
    expect("outside your area" in en, "in English too")


if __name__ == "__main__":
    Runner().run_module(globals(), S)
