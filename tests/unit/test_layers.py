#!/usr/bin/env python3
"""The house-rules check (scripts/check-layers): the tree passes it, and each kind of
breach planted into a copy of the tree fails it, naming the file and line."""
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
CHECK = os.path.join(ROOT, "scripts", "check-layers")
passed = failed = 0


def run(root):
    p = subprocess.run([sys.executable, CHECK, root], capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


def expect(ok, what, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print("ok   " + what)
    else:
        failed += 1
        print("FAIL " + what + ("\n" + detail if detail else ""))


def planted(path, text, want, what, at=0):
    """Appends `text` to a copy of src/`path`; the check must fail naming path:line, the
    line being `text`'s line number `at` (from 0)."""
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(os.path.join(ROOT, "src"), os.path.join(tmp, "src"))
        target = os.path.join(tmp, "src", path)
        with open(target, encoding="utf-8") as fh:
            line = fh.read().count("\n") + 1
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(text + "\n")
        rc, out = run(tmp)
        where = "src/%s:%d" % (path, line + at)
        expect(rc == 1 and where in out and want in out, what, "rc %d, wanted %r and %r in:\n%s"
               % (rc, where, want, out))


def planted_many(plants, want, what):
    """Appends each (path, text) to a copy of the tree; the check must fail saying `want`."""
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(os.path.join(ROOT, "src"), os.path.join(tmp, "src"))
        for path, text in plants:
            with open(os.path.join(tmp, "src", path), "a", encoding="utf-8") as fh:
                fh.write(text + "\n")
        rc, out = run(tmp)
        expect(rc == 1 and want in out, what, "rc %d, wanted %r in:\n%s" % (rc, want, out))


rc, out = run(ROOT)
expect(rc == 0 and out == "", "the tree keeps the house rules", out)

planted("web/page.c", 'static const char *const q = "SELECT id FROM households";',
        "SQL text", "SQL text in src/web")
planted("cli/cmd_migrate.c", 'static const char *const q = "UPDATE users SET role = ?";',
        "SQL text", "SQL text in src/cli")
planted("web/api_misc.c", "int f(struct store_conn *c);\nint f(struct store_conn *c) { int rc;"
        " store_one_int(c, &rc, q, NULL); return rc; }", "store_one_int",
        "a store query call in src/web", at=1)
planted("cli/cmd_export.c", "int g(struct store_conn *c);\nint g(struct store_conn *c)"
        " { return store_begin(c); }", "store_begin", "a write transaction opened in src/cli",
        at=1)
planted("web/api_archive.c", "static const char *const w = \" AND \" READ_SCOPE_SQL;",
        "READ_SCOPE_SQL", "an SQL fragment macro in src/web")
planted("core/buf.c", '#include "store/store.h"', "a floor above", "core including store")
planted("store/store.c", '#include "domain/actor.h"', "a floor above", "store including domain")
planted("domain/person.c", '#include "web/request.h"', "a floor above", "domain including web")
planted("web/page.c", '#include "cli/cli.h"', "a floor above", "web including cli")
planted("domain/site.c", "#include <microhttpd.h>", "HTTP library", "domain including microhttpd")
planted("domain/person.c", '#include "domain/household.h"', "include each other",
        "two domain subjects including each other")

planted("web/page.c", 'static const char *const q = "select id from households where id = ?";',
        "SQL text", "SQL text in lower case")
planted("web/api_misc.c", "int h(struct store_conn *c);\nint h(struct store_conn *c)"
        " { return store_query_array(c, q, NULL) != NULL; }", "store_query_array",
        "any store function not on the allowed list", at=1)
planted("web/page.c", "#include <sqlite3.h>", "only src/store includes SQLite", "web including SQLite")
planted("demo/demo.c", '#include "web/request.h"', "a floor above", "demo including web")
planted("web/pages_ledgers.c", "static void s(struct request *rq) { page_error(rq, 422, \"x\"); }",
        "takes an outcome", "a status number where an outcome belongs")
planted("domain/person.c", '#include "demo/demo.h"', "a floor above", "domain including demo")
planted_many([("domain/probe.c", '#include "domain/grant.h"'),
              ("domain/grant.c", '#include "domain/division.h"'),
              ("domain/division.c", '#include "domain/probe.h"')],
             "include cycle domain/division -> domain/probe -> domain/grant -> domain/division",
             "a cycle of three domain files")

# names say where things live: an exported name whose prefix is another file's subject
planted("web/api_audit.c", "void audit_leak(void);\nvoid audit_leak(void) {}",
        "audit_leak is exported by api_audit.c", "a web file exporting the domain's audit_ prefix",
        at=1)
planted("domain/household_guard.c", "int household_thing = 1;",
        "household_thing is exported by household_guard.c", "a part file exporting its subject's prefix")
planted("core/log.c", "const char *const check_words[] = {NULL};",
        "check_words is exported by log.c", "an exported variable with another file's prefix")

# one list of audit entities
planted("domain/site.c", "int site_x(struct ctx *cx);\nint site_x(struct ctx *cx) { return audit_write(cx,"
        " \"create\", \"shed\", 1, NULL, NULL); }", 'audit entity "shed" is not in audit_entities[]',
        "an audit entity outside the one list", at=1)

# what the check must let through: SQL words in comments, HTTP methods, a lower floor
with tempfile.TemporaryDirectory() as tmp:
    shutil.copytree(os.path.join(ROOT, "src"), os.path.join(tmp, "src"))
    with open(os.path.join(tmp, "src", "web", "page.c"), "a", encoding="utf-8") as fh:
        fh.write('/* SELECT * FROM nothing: a comment may say so */\n'
                 'static const char *const m = "DELETE";\n'
                 '#include "domain/household.h"\n'
                 'static int not_exported(void) { return 0; }\n'
                 'int page_exported(void);\n'
                 'int page_exported(void) { return not_exported(); }\n')
    rc, out = run(tmp)
    expect(rc == 0, "comments, method names, lower floors, static and well-named functions pass", out)

print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
