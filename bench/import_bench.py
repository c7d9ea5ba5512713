#!/usr/bin/env python3
"""Import speed (issue 14): a generated households CSV of N persons (GB18030 or UTF-8, as
Excel in China writes it; households of 1-6, villages by name within their town) imported by
`anju import households` into a fresh database, beside the sqlite3 shell's `.import` of the
same rows into one bare table as the ceiling. Prints a Markdown table.

usage: import_bench.py PATH/TO/anju PERSONS WORKDIR [gb18030|utf-8|xlsx]
xlsx: the same rows as a workbook as Excel stores it (shared strings, a typed date), split over
sheets of at most 1,048,576 rows as Excel would, written straight into the ZIP. The generated file is kept in WORKDIR and reused by a later run of the same
size. The load average is noted beside each figure: the machine may be shared.
"""
import csv
import os
import random
import resource
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def idn(first17):
    return first17 + "10X98765432"[sum(int(c) * w for c, w in zip(first17, W)) % 11]


HEADER = ["姓名", "身份证号", "与户主关系", "搬迁类型", "迁出乡镇", "迁出村", "安置社区",
          "搬迁日期", "民族", "文化程度", "健康状况", "劳动能力"]
SHEET_ROWS = 1048576    # Excel's most rows a sheet, the header's included


def households(n):
    """The generated persons, a household (a list of rows) at a time."""
    towns = {}
    with open(os.path.join(ROOT, "data/divisions/songtao_towns.csv"), encoding="utf-8") as f:
        town_names = {r[0]: r[1] for r in list(csv.reader(f))[1:]}
    with open(os.path.join(ROOT, "data/divisions/songtao_villages.csv"), encoding="utf-8") as f:
        for code, name, town in list(csv.reader(f))[1:]:
            towns.setdefault(town, []).append(name)
    villages = [(t, v) for t, vs in towns.items() for v in vs]
    rel = ["户主", "配偶", "子", "女", "孙子", "父母"]
    rnd = random.Random(1)
    rows = seq = 0
    while rows < n:
        town, village = rnd.choice(villages)
        size = min(rnd.randint(1, 6), n - rows)
        hh = []
        for k in range(size):
            seq += 1
            birth = "%04d%02d%02d" % (1940 + seq % 70, 1 + seq % 12, 1 + seq % 28)
            first = k == 0
            hh.append(["名%d" % seq, idn("52%04d" % (seq // 1000 % 10000) + birth + "%03d" % (seq % 1000)),
                       rel[k], "建档立卡贫困户" if first else "", town_names[town] if first else "",
                       village if first else "", "团山社区" if first else "",
                       "2019/5/1" if first else "", "苗族", "初中", "健康", "普通劳动力"])
        rows += size
        yield hh


def generate(path, n, encoding):
    if encoding == "xlsx":
        return generate_xlsx(path, n)
    with open(path, "w", newline="", encoding=encoding) as out:
        w = csv.writer(out)
        w.writerow(HEADER)
        for hh in households(n):
            w.writerows(hh)


XLSX_PARTS = {
    "[Content_Types].xml":
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '%(sheets)s'
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        '</Types>',
    "_rels/.rels":
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        '</Relationships>',
    "xl/workbook.xml":
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<workbookPr/><sheets>%(sheets)s</sheets></workbook>',
    "xl/_rels/workbook.xml.rels":
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '%(sheets)s'
        '<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
        '<Relationship Id="rIdT" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
        '</Relationships>',
    # cellXfs 0: General; 1: the date format Excel gives a typed 2019/5/1 (built-in 14)
    "xl/styles.xml":
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<fonts count="1"><font><sz val="11"/><name val="DengXian"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        '</styleSheet>',
}
SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
              'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
              '<sheetData>')
COLS = "ABCDEFGHIJKL"
UNIQUE = (0, 1)         # the name and the ID number: a new shared string every row
DATE = 7                # the relocation date: a typed date, a serial number styled as a date


def xml_escape(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def serial(text):
    """Excel's serial number (1900 system) of a date written 2019/5/1."""
    import datetime
    y, m, d = map(int, text.split("/"))
    return (datetime.date(y, m, d) - datetime.date(1899, 12, 30)).days


def generate_xlsx(path, n):
    """The same rows as a workbook, as Excel stores them, split over sheets as Excel would
    have to: at most 1,048,576 rows a sheet (its header's included), a household never
    split. Texts are shared strings (t="s") numbered in their first appearance's order, as
    Excel numbers them, so the reader meets a shared-string table of some 4 M entries; the
    relocation date is a date-styled serial number. Written straight into the ZIP, a part
    at a time, in flat memory: the shared strings go to a scratch file while the sheets are
    written (only the few repeating texts are remembered) and into the package last."""
    import tempfile
    import zipfile
    index = {}          # the repeating texts (villages, words): text -> shared-string index
    nstrings = 0
    refs = 0
    scratch = tempfile.TemporaryFile(dir=os.path.dirname(os.path.abspath(path)))
    sst = open(scratch.fileno(), "w", encoding="utf-8", closefd=False, buffering=1 << 20)

    def shared(text, unique):
        nonlocal nstrings
        if not unique:
            i = index.get(text)
            if i is not None:
                return i
            index[text] = nstrings
        sst.write("<si><t>%s</t></si>" % xml_escape(text))
        nstrings += 1
        return nstrings - 1

    def row_xml(r, cells, unique=(), header=False):
        out = ['<row r="%d">' % r]
        for k, v in enumerate(cells):
            if v == "":
                continue
            if k == DATE and not header:
                out.append('<c r="%s%d" s="1"><v>%d</v></c>' % (COLS[k], r, serial(v)))
            else:
                out.append('<c r="%s%d" t="s"><v>%d</v></c>'
                           % (COLS[k], r, shared(v, k in unique)))
        out.append("</row>")
        return "".join(out)

    z = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    sheets, ws, used = 0, None, SHEET_ROWS
    for hh in households(n):
        if used + len(hh) > SHEET_ROWS:
            if ws:
                ws.write(b"</sheetData></worksheet>")
                ws.close()
            sheets += 1
            ws = z.open("xl/worksheets/sheet%d.xml" % sheets, "w", force_zip64=True)
            ws.write((SHEET_HEAD + row_xml(1, HEADER, header=True)).encode())
            refs += len(HEADER)
            used = 1
        ws.write("".join(row_xml(used + 1 + k, row, UNIQUE)
                         for k, row in enumerate(hh)).encode())
        refs += sum(1 for row in hh for k, v in enumerate(row) if v != "" and k != DATE)
        used += len(hh)
    ws.write(b"</sheetData></worksheet>")
    ws.close()
    sst.flush()
    scratch.seek(0)
    with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
        part.write(('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
                    ' count="%d" uniqueCount="%d">' % (refs, nstrings)).encode())
        while True:
            b = scratch.read(1 << 20)
            if not b:
                break
            part.write(b)
        part.write(b"</sst>")
    sst.close()
    scratch.close()
    names = range(1, sheets + 1)
    fill = {
        "[Content_Types].xml": "".join(
            '<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' % i for i in names),
        "xl/workbook.xml": "".join(
            '<sheet name="户籍%d" sheetId="%d" r:id="rId%d"/>' % (i, i, i) for i in names),
        "xl/_rels/workbook.xml.rels": "".join(
            '<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>' % (i, i)
            for i in names),
    }
    for name, text in XLSX_PARTS.items():
        z.writestr(name, text % {"sheets": fill[name]} if name in fill else text)
    z.close()


def timed(cmd, **kw):
    t0 = time.time()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if r.returncode != 0:
        sys.exit("%s failed: %s %s" % (cmd[0], r.stdout[-2000:], r.stderr[-2000:]))
    return time.time() - t0, cpu, after.ru_maxrss, r.stdout


def load():
    return "%.1f" % os.getloadavg()[0]


def main():
    anju, n, work = os.path.abspath(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    encoding = sys.argv[4] if len(sys.argv) > 4 else "gb18030"
    os.makedirs(work, exist_ok=True)
    xlsx = encoding == "xlsx"
    path = os.path.join(work, "households.xlsx" if xlsx else "households.csv")
    made = os.path.join(work, "households.made")	# the file's rows and encoding
    if not os.path.exists(made) or open(made).read() != "%d %s" % (n, encoding):
        generate(path, n, encoding)
        with open(made, "w") as f:
            f.write("%d %s" % (n, encoding))
    db = os.path.join(work, "import.db")
    for old in (db, db + "-wal", db + "-shm", os.path.join(work, "ceiling.db")):
        if os.path.exists(old):
            os.remove(old)
    base = [anju, "--db", db, "--data", os.path.join(work, "data")]
    subprocess.run(base + ["migrate"], capture_output=True, check=True)
    dwall, dcpu, drss, _ = timed(base + ["import", "households", path, "--dry-run"])
    dload = load()
    wall, cpu, rss, out = timed(base + ["import", "households", path])
    wload = load()
    ceiling = os.path.join(work, "ceiling.db")
    utf8 = path
    if xlsx:    # the same rows as a UTF-8 CSV, for the shell
        utf8 = os.path.join(work, "households-utf8.csv")
        if not os.path.exists(utf8):
            generate(utf8, n, "utf-8")
    elif encoding != "utf-8":
        utf8 = os.path.join(work, "households-utf8.csv")
        with open(path, encoding=encoding) as f, open(utf8, "w", encoding="utf-8") as g:
            g.write(f.read())
    swall, scpu, _, _ = timed(["sqlite3", ceiling, ".mode csv", ".import %s rows" % utf8])
    sload = load()
    if xlsx:
        import zipfile
        with zipfile.ZipFile(path) as z:
            sheets = sum(1 for x in z.namelist() if x.startswith("xl/worksheets/sheet"))
        what = "XLSX, %d sheet%s" % (sheets, "s" if sheets > 1 else "")
    else:
        what = encoding.upper() + " CSV"
    mib = os.path.getsize(path) / 2**20
    print("| what | rows | wall s | CPU s | rows/s (wall) | max RSS | load (1 min) |")
    print("|---|---|---|---|---|---|---|")
    print("| `anju import households --dry-run` (%s, %.1f MiB: the check alone) | %d | %.1f | %.1f | %d | %d MiB | %s |"
          % (what, mib, n, dwall, dcpu, n / dwall, drss // 1024, dload))
    print("| `anju import households` (%s: the check, then the write) | %d | %.1f | %.1f | %d | %d MiB | %s |"
          % (what, n, wall, cpu, n / wall, rss // 1024, wload))
    print("| sqlite3 shell `.import` (the same rows as CSV into one bare table, the ceiling) | %d | %.1f | %.1f | %d | | %s |"
          % (n, swall, scpu, n / swall, sload))
    print()
    print("```\n%s```" % out)


if __name__ == "__main__":
    main()
