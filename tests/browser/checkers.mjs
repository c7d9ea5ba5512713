// The checkers over every page type, in both languages: axe-core (WCAG 2.1 A and AA) in
// Debian's chromium, and the Nu HTML Checker (vnu-jar, Java) over each page's HTML as the
// server sent it. Prints one line per finding and a summary "N pages, A axe, V html".
// usage: node checkers.mjs BASE_URL USER PASSWORD OUT_DIR PATHS_JSON
//   PATHS_JSON: [["name", "/path"], ...] — every page type to visit, ids filled in
import { chromium } from "playwright-core";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const [base, user, password, out, pathsJson] = process.argv.slice(2);
const paths = JSON.parse(readFileSync(pathsJson, "utf8"));
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const vnuJar = require("vnu-jar");
const htmlDir = out + "/html";

// Words, not codes (issue 12): the visible text of a Chinese page must hold no ASCII
// snake_case token (a code, or a catalogue key with no entry) and no division code where a
// name belongs; an English page no Chinese catalogue text that has an English entry of its
// own, standing as text of its own (not inside longer Chinese: the county's data stays
// Chinese on English pages, and "团山安置点" or "劳动力技能登记表" are names, not words
// left untranslated). Real data is allowed by name below, each with why.
const catalogue = (file) => Object.fromEntries(readFileSync(new URL(file, import.meta.url), "utf8")
  .split("\n").filter((l) => l.includes(" = ") && !l.trimStart().startsWith("#"))
  .map((l) => [l.slice(0, l.indexOf(" = ")).trim(), l.slice(l.indexOf(" = ") + 3)]));
const zhCatalogue = catalogue("../../web/messages/zh-CN.txt"), enCatalogue = catalogue("../../web/messages/en.txt");
// Chinese texts of two or more characters whose English entry differs (a catalogue text
// the same in both languages, such as a brand, is not an untranslated one)
const zhOnly = [...new Set(Object.entries(zhCatalogue)
  .filter(([k, v]) => /[\u4e00-\u9fff]/.test(v) && [...v].length >= 2 && enCatalogue[k] !== v)
  .map(([, v]) => v))].sort((a, b) => b.length - a.length);
// Lowercase ASCII words on a Chinese page are codes ("town", "settled", "list") unless they
// are data: the demo county's user names (people log in with them; the header and the
// users page show them) and what a browser shows of the county's own files.
const allowedText = ["admin", "county", "liaogao", "zhengda", "tuanshan", "yucai", "archivist", "auditor",
                     "system", "cli"];	// the CLI's own entries in the audit log: user and address
// A token ends at a space or at punctuation that ends words: "results." and "results:"
// and "(results)" are a word, "zero_employment.xlsx", "a.b", "http://" and "x-y" are not
// one (a period or colon only continues a token when a letter, digit or slash follows).
const asciiWord = /(?<![\w.@/:-])[a-z]{3,}(?![\w@/-]|[.:][\w/])/g;
// Every code the catalogues name, built from them (not by hand): each key and each of its
// tails after a prefix (field_phone: "phone"; action_add_files: "add_files", "files";
// status_settled: "settled"). On a Chinese page an ASCII word that is one of them is a
// code shown where its word belongs, however short ("id") — the field names of a change
// log ("phone", "items"), a kind of record ("followup_rules"), an option's value.
const catalogueCodes = new Set();
for (const k of Object.keys(zhCatalogue)) {
  const parts = k.split("_");
  for (let i = 0; i < parts.length; i++) catalogueCodes.add(parts.slice(i).join("_"));
}
const asciiToken = /(?<![\w.@/:-])[a-z][a-z0-9_]*(?![\w@/-]|[.:][\w/])/g;
const snakeCase = /(?<![\w./-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w-]|[.:][\w/])/g;
// a file name made of codes where the page should say what was read or exported in words
// ("zero_employment.xlsx", "results.csv")
const codeFile = /(?<![\w./-])[a-z][a-z0-9]*(?:[_-][a-z0-9]+)*\.(?:csv|xlsx|pdf)(?![\w.-])/g;
const divisionCode = /(?<!\d)5206\d{5}(?:\d{3})?(?!\d)/g;
let textFindings = 0;
function textFindingsOf(lang, text) {
  const found = [];
  if (lang === "zh") {
    for (const m of text.match(snakeCase) || []) found.push(`code "${m}"`);
    for (const m of text.match(codeFile) || []) found.push(`file name "${m}"`);
    for (const m of new Set(text.match(asciiWord) || [])) if (!allowedText.includes(m)) found.push(`word "${m}"`);
    for (const m of new Set(text.match(asciiToken) || []))
      if (catalogueCodes.has(m) && !allowedText.includes(m) && !found.some((f) => f.endsWith(`"${m}"`)))
        found.push(`catalogue code "${m}"`);
    for (const m of text.match(divisionCode) || []) found.push(`division code "${m}"`);
  } else {
    let rest = text;
    for (const zh of zhOnly) {
      const alone = new RegExp(`(?<![\\u4e00-\\u9fff])${zh.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![\\u4e00-\\u9fff])`, "g");
      if (alone.test(rest)) {
        found.push(`Chinese catalogue text "${zh}"`);
        rest = rest.replace(alone, " ");
      }
    }
  }
  return found;
}
mkdirSync(htmlDir, { recursive: true });

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run"],
});
let axeFindings = 0, pages = 0;
const files = [];
try {
  for (const lang of ["zh", "en"]) {
    // bypassCSP: axe is injected as a script of its own, which the pages' CSP forbids
    const context = await browser.newContext({ locale: lang === "zh" ? "zh-CN" : "en-US", bypassCSP: true,
                                               viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(20000);
    // the log-in page itself, before a session
    const visit = async (name, path) => {
      // the HTML as sent, for the Nu checker (the DOM after scripts is axe's business);
      // fetched first: the log-in page sets a new form cookie each time it is sent
      const html = await context.request.get(base + path).then((r) => r.text());
      const res = await page.goto(base + path);
      if (res.status() >= 500) {	// a page that failed says nothing the checkers could find
        textFindings++;
        console.log(`status ${lang} ${name} ${path}: ${res.status()}`);
      }
      if (name !== "login" && new URL(page.url()).pathname === "/login")
        throw new Error(`${path}: sent to the log-in page (no session)`);
      const file = `${htmlDir}/${lang}-${name}.html`;
      writeFileSync(file, html);
      files.push(file);
      await page.addScriptTag({ content: axeSource });
      const result = await page.evaluate(async () =>
        await window.axe.run(document, { runOnly: { type: "tag",
          values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }));
      for (const v of result.violations) {
        axeFindings++;
        const where = v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ");
        console.log(`axe ${lang} ${name} ${path}: ${v.id} (${v.impact}) ${v.help} — ${where}`);
      }
      const text = await page.evaluate(() => document.body.innerText);
      for (const f of textFindingsOf(lang, text)) {
        textFindings++;
        console.log(`text ${lang} ${name} ${path}: ${f}`);
      }
      pages++;
      return res;
    };
    await page.goto(base + (lang === "zh" ? "/lang/zh" : "/lang/en"));
    await visit("login", "/login");
    await page.fill("#username", user);
    await page.fill("#password", password);
    await Promise.all([page.waitForURL(base + "/"), page.click("button[type=submit]")]);
    for (const [name, path] of paths)
      await visit(name, path);
    await context.close();
  }
} finally {
  await browser.close();
}

let htmlFindings = 0;
try {
  execFileSync("java", ["-Xss4m", "-jar", vnuJar, "--errors-only", "--format", "json", ...files],
               { stdio: ["ignore", "pipe", "pipe"] });
} catch (e) {
  const report = JSON.parse(e.stderr.toString() || "{\"messages\": []}");
  for (const m of report.messages) {
    htmlFindings++;
    const file = (m.url || "").replace(/^file:.*\//, "");
    console.log(`html ${file}:${m.lastLine}: ${m.message}`);
  }
  if (!report.messages.length)
    throw e;
}
console.log(`${pages} pages, ${axeFindings} axe, ${htmlFindings} html, ${textFindings} text`);
process.exit(axeFindings + htmlFindings + textFindings ? 1 : 0);
