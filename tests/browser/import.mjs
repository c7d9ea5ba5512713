// The import as a town office does it, in Debian's chromium (playwright-core): a workbook
// with a mistake is checked (the error shown by sheet, row and field), then one with a
// column the import does not know (it is mapped on the result page and checked again with
// the file still chosen), then the corrected file imported for real.
// usage: node import.mjs BASE_URL USER PASSWORD OUT_DIR BAD.csv UNMAPPED.csv GOOD.csv
import { chromium } from "playwright-core";
import assert from "node:assert/strict";

const [base, user, password, out, bad, unmapped, good] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run"],
});
let failed = 0;
try {
  const page = await browser.newPage({ locale: "zh-CN", viewport: { width: 1200, height: 900 } });
  page.setDefaultTimeout(20000);
  await page.goto(base + "/imports");
  await page.fill("#username", user);
  await page.fill("#password", password);
  await page.click("button[type=submit]");
  await page.waitForURL(base + "/imports");
  // 1. a mistake: checked (the dry run is ticked), refused with its row and reason
  await page.setInputFiles("#file", bad);
  await page.click("#import-form button[type=submit]");
  await page.locator("#import-result").waitFor();
  assert.match(await page.locator("#import-status").innerText(), /有错误/);
  assert.match(await page.locator("#import-errors").innerText(), /没有这个村/);
  assert.ok(await page.locator("#import-errors-workbook").count() === 1, "the errors workbook is offered");
  await page.screenshot({ path: out + "/import-refused.png", fullPage: true });
  // 2. a column the import does not know: mapped on the result page, checked again with the
  // file still chosen (the form was not reloaded)
  await page.setInputFiles("#file", unmapped);
  await page.click("#import-form button[type=submit]");
  await page.locator("#import-mapping").waitFor();
  await page.selectOption("#map_field_0", "id_number");
  await page.click("#import-form button[type=submit]");
  await page.locator("#import-mapping").waitFor({ state: "detached" });
  assert.match(await page.locator("#import-status").innerText(), /核对通过/);
  await page.screenshot({ path: out + "/import-mapped.png", fullPage: true });
  // 3. the corrected file, for real
  await page.setInputFiles("#file", good);
  await page.uncheck("input[name=dry_run]");
  await page.click("#import-form button[type=submit]");
  await page.locator("#import-status", { hasText: "已导入" }).waitFor();
  assert.match(await page.locator("#import-counts").innerText(), /2/);
  await page.screenshot({ path: out + "/import-done.png", fullPage: true });
  // in English too
  await page.goto(base + "/lang/en");
  await page.goto(base + "/imports");
  assert.match(await page.locator("h1").innerText(), /Import/);
  console.log("1 passed, 0 failed");
} catch (e) {
  failed = 1;
  console.log("FAIL import walk-through: " + (e && e.stack || e));
} finally {
  await browser.close();
}
process.exit(failed);
