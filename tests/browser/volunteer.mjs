// A volunteer's day on a phone (390 × 844), in Debian's chromium (playwright-core): log in,
// open "my households", record a visit for an assigned household from its page, raise a
// need from the visit, see both on the household's page; no page scrolls sideways. A
// household not assigned is not found.
// usage: node volunteer.mjs BASE_URL USER PASSWORD OUT_DIR HOUSEHOLD_ID OTHER_HOUSEHOLD_ID
import { chromium } from "playwright-core";
import assert from "node:assert/strict";
import { fitsPhone } from "./phone.mjs";

const [base, user, password, out, household, other] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run"],
});
let failed = 0;
try {
  const context = await browser.newContext({ locale: "zh-CN", viewport: { width: 390, height: 844 },
                                             isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  const p = await context.newPage();
  p.setDefaultTimeout(20000);
  await p.goto(base + "/my-households");
  await p.fill("#username", user);
  await p.fill("#password", password);
  await Promise.all([p.waitForURL(base + "/my-households"), p.click("button[type=submit]")]);
  await fitsPhone(p, "my-households", out);
  // the household assigned, from the list to its page
  await Promise.all([p.waitForURL(base + "/households/" + household),
                     p.click(`ul.my-households a[href='/households/${household}']`)]);
  await fitsPhone(p, "volunteer-household", out);
  const toVisit = p.locator(".jump a[href$='/visits/new']");
  assert.ok((await toVisit.boundingBox()).y < 844, "the visit form is reachable from the first screen");
  // a visit
  await Promise.all([p.waitForURL(base + `/households/${household}/visits/new`), toVisit.click()]);
  await fitsPhone(p, "visit-form", out);
  await p.selectOption("#kind", "visit");
  await p.fill("#visitor", "手机走访员");
  await p.fill("#found", "老人独居，行动不便，希望有人定期照看");
  await Promise.all([p.waitForURL(/\/households\/\d+\?saved=visit&mac=[0-9a-f]{16}/), p.click("form.edit button[type=submit]")]);
  assert.match(await p.locator("ul.visits").innerText(), /老人独居，行动不便/);
  // a need raised from it
  await Promise.all([p.waitForURL(base + `/households/${household}/needs/new`),
                     p.click(".jump a[href$='/needs/new']")]);
  await fitsPhone(p, "need-form", out);
  await p.selectOption("#category", "elderly_care");
  await p.fill("#description", "安排邻里结对照看");
  await p.selectOption("#source", "visit");
  const due = new Date(Date.now() + 8 * 3600e3 + 14 * 86400e3).toISOString().slice(0, 10);
  await p.fill("#due_on", due);
  await Promise.all([p.waitForURL(/\/households\/\d+\?saved=need&mac=[0-9a-f]{16}/), p.click("form.edit button[type=submit]")]);
  const needs = await p.locator("#needs").innerText();
  assert.match(needs, /安排邻里结对照看/);
  assert.match(needs, /老人照料/);
  await fitsPhone(p, "household-with-need", out);
  // the worklist of the volunteer's needs
  await p.goto(base + "/needs?status=open");
  assert.match(await p.locator("ul.needs").innerText(), /安排邻里结对照看/);
  await fitsPhone(p, "needs", out);
  // another household: not found
  const r = await p.goto(base + "/households/" + other);
  assert.equal(r.status(), 404, "a household not assigned is not found");
  await context.close();
  console.log("1 passed, 0 failed");
} catch (e) {
  failed = 1;
  console.log("FAIL volunteer walk-through: " + (e && e.stack || e));
} finally {
  await browser.close();
}
process.exit(failed);
