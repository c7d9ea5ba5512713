"""Test harness for anju's end-to-end tests: starts the real server on a free port with a
fresh database in a temporary folder, talks HTTP to it, and always stops it on exit.

Only the Python standard library is used, so nothing beyond python3 needs installing.
"""
import atexit
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback

ANJU = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.abspath("build/anju")
PASSWORD = "correct-horse-42"

# Every answer from /api/v1 that Server.request gets: (method, path, status, content type,
# body). Runner.finish holds them against the API's contract (contract.py, web/openapi.json);
# ANJU_API_RECORD=FILE also appends them to FILE as JSON lines (contract.py FILE checks it).
ANSWERS = []
ANSWERS_LOCK = threading.Lock()


def id_number(first17):
    """Completes 17 digits with the GB 11643 check character."""
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    codes = "10X98765432"
    return first17 + codes[sum(int(c) * w for c, w in zip(first17, weights)) % 11]


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def field_codes(self):
        """{field: code} of a problem response."""
        return {e["field"]: e["code"] for e in self.json.get("errors", [])}

    def __repr__(self):
        return "<%d %s>" % (self.status, self.body[:300])


class Server:
    """One anju process with its own database folder."""

    def __init__(self, db=None, env=None):
        self.dir = tempfile.mkdtemp(prefix="anju-e2e-")
        self.db = db or os.path.join(self.dir, "anju.db")
        self.env = dict(os.environ, **(env or {}))
        self.proc = None
        atexit.register(self.stop)

    def cli(self, *args, stdin=None, check=True):
        r = subprocess.run([ANJU, "--db", self.db, "--data", os.path.join(self.dir, "data")]
                           + list(args), input=stdin, capture_output=True, text=True,
                           env=self.env, timeout=600)
        if check and r.returncode != 0:
            raise AssertionError("anju %s failed (%d): %s%s" % (" ".join(args), r.returncode,
                                                                r.stdout, r.stderr))
        return r

    def add_user(self, name, role, scope=None, password=PASSWORD):
        args = ["user", "add", name, "--role", role]
        if scope:
            args += ["--scope", scope]
        self.cli(*args, stdin=password + "\n")

    def start(self):
        self.log = open(os.path.join(self.dir, "server.log"), "w+")
        self.proc = subprocess.Popen(
            [ANJU, "--db", self.db, "--data", os.path.join(self.dir, "data"), "serve",
             "--port", "0", "--threads", "2"],
            stdout=subprocess.PIPE, stderr=self.log, text=True, env=self.env)
        line = self.proc.stdout.readline()
        if "http://" not in line:
            raise AssertionError("server did not start: %r; log: %s" % (line, self.read_log()))
        self.port = int(line.split("http://")[1].split("/")[0].split(":")[1])
        for _ in range(100):
            try:
                if self.request("GET", "/healthz").status == 200:
                    return self
            except OSError:
                time.sleep(0.05)
        raise AssertionError("server never became healthy")

    def read_log(self):
        self.log.flush()
        with open(self.log.name) as f:
            return f.read()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        if self.proc:
            code = self.proc.returncode
            self.proc = None
            if code not in (0, None):
                raise AssertionError("server exited with %s; log: %s" % (code, self.read_log()))
        if os.path.isdir(self.dir) and not os.environ.get("ANJU_KEEP_TEST_DIRS"):
            shutil.rmtree(self.dir, ignore_errors=True)

    def request(self, method, path, body=None, token=None, headers=None, raw=None,
                content_type="application/json", chunked=False):
        """One request on a fresh connection. The body is sent in pieces and a server that
        answers early (413) and closes is fine: the answer is read all the same."""
        h = {"Host": "127.0.0.1:%d" % self.port, "Accept-Language": "en", "Connection": "close"}
        if token:
            h["Authorization"] = "Bearer " + token
        data = raw
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        if data is not None and content_type:
            h["Content-Type"] = content_type
        if data is not None:
            if chunked:
                h["Transfer-Encoding"] = "chunked"
            else:
                h["Content-Length"] = str(len(data))
        h.update(headers or {})
        head = "%s %s HTTP/1.1\r\n" % (method, path) + "".join(
            "%s: %s\r\n" % kv for kv in h.items()) + "\r\n"
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=60)
        try:
            sock.sendall(head.encode("utf-8"))
            if data is not None:
                for i in range(0, len(data), 65536):
                    part = data[i:i + 65536]
                    sock.sendall(b"%x\r\n%s\r\n" % (len(part), part) if chunked else part)
                if chunked:
                    sock.sendall(b"0\r\n\r\n")
        except OSError:
            pass            # the server answered early and closed; read what it said
        resp = http.client.HTTPResponse(sock, method=method)
        resp.begin()
        out = Response(resp.status, resp.getheaders(), resp.read())
        sock.close()
        if path.startswith("/api/v1") and method != "HEAD":
            record(method, path, out, h.get("Content-Type") if data is not None else None, data)
        return out

    def login(self, name, password=PASSWORD):
        r = self.request("POST", "/api/v1/session", {"username": name, "password": password})
        if r.status != 201:
            raise AssertionError("login %s: %r" % (name, r))
        return r.json["token"]

    # ---- pages, as a browser sees them (a cookie session and its forms' CSRF tokens)

    def page_session(self, user, password=PASSWORD):
        """Logs in through the form; the session cookie's value."""
        import re
        from urllib.parse import urlencode
        form = self.request("GET", "/login")
        jar = dict(v.split(";")[0].split("=", 1) for k, v in form.headers if k.lower() == "set-cookie")
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', form.body.decode()).group(1)
        r = self.request("POST", "/login", raw=urlencode({"username": user, "password": password, "csrf": csrf}).encode(),
                         content_type="application/x-www-form-urlencoded",
                         headers={"Cookie": "anju_csrf=" + jar["anju_csrf"]})
        return dict(v.split(";")[0].split("=", 1) for k, v in r.headers if k.lower() == "set-cookie")["anju_session"]

    def page(self, path, session, lang="zh"):
        return self.request("GET", path, headers={"Cookie": "anju_session=%s; anju_lang=%s" % (session, lang)})

    def submit(self, path, session, fields, form_page=None):
        """Posts a form with the CSRF token of the page it is on (form_page, else path)."""
        import re
        from urllib.parse import urlencode
        token = re.search(r'name="csrf" value="([0-9a-f]+)"', self.page(form_page or path, session).body.decode()).group(1)
        return self.request("POST", path, raw=urlencode(dict(fields, csrf=token), doseq=True).encode(),
                            content_type="application/x-www-form-urlencoded",
                            headers={"Cookie": "anju_session=%s; anju_lang=zh" % session})


class Runner:
    """Runs test functions, counts, and prints the closing 'N passed, N failed' line."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def run(self, fn, *args):
        try:
            fn(*args)
            self.passed += 1
            print("ok   %s" % fn.__name__, flush=True)
        except Exception:
            self.failed += 1
            print("FAIL %s" % fn.__name__, flush=True)
            traceback.print_exc()

    def run_module(self, namespace, server):
        """Runs every test_* function of a module in order, stops its server, exits."""
        for name, fn in list(namespace.items()):
            if name.startswith("test_") and callable(fn):
                self.run(fn)
        server.stop()
        self.finish()

    def finish(self):
        if ANSWERS:
            self.run(answers_match_the_contract)
        print("%d passed, %d failed" % (self.passed, self.failed))
        sys.exit(1 if self.failed else 0)


def record(method, path, response, request_type=None, request_body=None):
    """Keeps one answer, and the JSON body it answered, for the contract check (and the
    ANJU_API_RECORD file)."""
    if request_type and not request_type.startswith("application/json"):
        request_body = None         # multipart, forms, raw bytes: the answer alone is checked
    a = (method, path, response.status, response.header("Content-Type"), response.body,
         request_body, [k for k, _ in response.headers])
    with ANSWERS_LOCK:
        ANSWERS.append(a)
        if os.environ.get("ANJU_API_RECORD"):
            with open(os.environ["ANJU_API_RECORD"], "a", encoding="utf-8") as f:
                f.write(json.dumps({"method": method, "path": path, "status": a[2],
                                    "content_type": a[3],
                                    "body": a[4].decode("utf-8", "replace"),
                                    "request": request_body.decode("utf-8", "replace")
                                    if request_body else None, "headers": a[6]},
                                   ensure_ascii=False) + "\n")


def answers_match_the_contract():
    """Every answer this program got from /api/v1 fits web/openapi.json: its path and method
    are there, its status is one the operation lists, its body fits that status's schema;
    and a JSON body the server accepted (2xx) fits the operation's request schema."""
    from contract import Contract
    with ANSWERS_LOCK:
        answers = list(ANSWERS)
    problems = Contract().check(answers)
    expect(not problems, "%d of %d answers do not fit web/openapi.json:\n  %s"
           % (len(problems), len(answers), "\n  ".join(problems)))


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


def unmac(location):
    """A confirmation's address (…?saved=KEY&mac=MAC, issue 12) without its MAC, which it
    must carry: what the tests compare a Location with."""
    import re
    m = re.search(r"([?&]saved=[a-z_]+)&mac=[0-9a-f]{16}(?=#|$)", location or "")
    expect(m, "a confirmation with its MAC: %r" % location)
    return location[:m.end(1)] + location[m.end():]


def form_multipart(fields, files, boundary):
    """A multipart/form-data body. fields: {name: value}; files: [(field, filename, bytes,
    claimed content type)]."""
    out = b""
    for k, v in fields.items():
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n" % (boundary, k)).encode()
        out += v.encode("utf-8") + b"\r\n"
    for field, name, data, ctype in files:
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
                "Content-Type: %s\r\n\r\n" % (boundary, field, name, ctype)).encode("utf-8")
        out += data + b"\r\n"
    return out + ("--%s--\r\n" % boundary).encode()
