#!/usr/bin/python3
"""Makes the tiny workbooks the rowread unit test reads (checked in beside this script).

  mixed.xlsx   openpyxl (which writes inline strings): a number, a date, a bool, a formula, a blank row,
               a second sheet with a merged range, a third sheet hidden
  shared.xlsx  written by hand as Excel writes it: shared strings (with rich-text runs and a
               phonetic run to leave out), no styles.xml, a row and cells without r
               attributes, a relationship target given as an absolute path, dates counted
               from 1904
Run it with Debian's python3 (python3-openpyxl): /usr/bin/python3 tests/data/import/make-fixtures.py
"""
import datetime
import os
import zipfile

import openpyxl

here = os.path.dirname(os.path.abspath(__file__))

wb = openpyxl.Workbook()
ws = wb.active
ws.title = "住户"
ws.append(["姓名", "身份证号", "出生日期", "人数", "在册"])
ws.append(["张三", 520628199001011234, datetime.date(2019, 5, 1), 4, True])
ws.append([])
ws.append(["李四", "52062819900101123X", None, None, None])
ws["D4"] = "=1+2"
ws2 = wb.create_sheet("第二页")
ws2.append(["合并", None])
ws2.append(["a", "b"])
ws2.merge_cells("A1:B1")
ws3 = wb.create_sheet("隐藏")
ws3.append(["secret"])
ws3.sheet_state = "hidden"
wb.save(os.path.join(here, "mixed.xlsx"))

sheet = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row><c t="s"><v>0</v></c><c t="s"><v>1</v></c></row>
<row r="5"><c r="B5" t="s"><v>2</v></c><c r="C5"><v>42.5</v></c></row>
</sheetData></worksheet>"""
parts = {
    "[Content_Types].xml": """<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
</Types>""",
    "_rels/.rels": """<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>""",
    "xl/workbook.xml": """<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<workbookPr date1904="1"/><sheets><sheet name="Only" sheetId="1" r:id="rId7"/></sheets></workbook>""",
    "xl/_rels/workbook.xml.rels": """<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet1.xml"/>
</Relationships>""",
    "xl/worksheets/sheet1.xml": sheet,
    "xl/sharedStrings.xml": """<?xml version="1.0" encoding="UTF-8"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="3" uniqueCount="3">
<si><t>户主姓名</t><rPh sb="0" eb="2"><t>huzhu</t></rPh></si>
<si><r><t>身份</t></r><r><rPr><b/></rPr><t>证号</t></r></si>
<si><t xml:space="preserve"> 王五 </t></si></sst>""",
}
with zipfile.ZipFile(os.path.join(here, "shared.xlsx"), "w", zipfile.ZIP_DEFLATED) as z:
    for name, text in parts.items():
        z.writestr(name, text)
