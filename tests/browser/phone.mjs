// What a page must be on a phone (390 × 844), shared by the walk-throughs (smoke.mjs,
// volunteer.mjs).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

// The page as a phone shows it: nothing wider than the screen, and every visible link,
// button, field and summary at least 24 × 24 px (WCAG 2.2's target size, without its
// exceptions). Throws naming what failed; keeps a screenshot as OUT/phone-NAME.png.
export async function fitsPhone(p, name, out) {
  const r = await p.evaluate(() => {
    const small = [];
    for (const el of document.querySelectorAll("a, button, input, select, summary")) {
      const b = el.getBoundingClientRect();
      if (b.width === 0 || b.height === 0 || getComputedStyle(el).visibility === "hidden") continue;
      if (b.width < 24 || b.height < 24)
        small.push(`${el.tagName.toLowerCase()} "${(el.textContent || el.id || "").trim().slice(0, 24)}" `
                   + `${b.width.toFixed(1)}×${b.height.toFixed(1)}`);
    }
    return { scroll: document.scrollingElement.scrollWidth, inner: window.innerWidth, small };
  });
  assert.ok(r.scroll <= r.inner, `${name}: scrolls sideways on a phone (${r.scroll} > ${r.inner} px)`);
  assert.deepEqual(r.small, [], `${name}: tap targets under 24 × 24 px`);
  await p.screenshot({ path: `${out}/phone-${name}.png`, fullPage: true });
}

// axe-core (WCAG 2.1 A and AA) over the page as the phone shows it: throws naming every
// violation. The page's context needs bypassCSP (axe comes in as a script of its own).
export async function axeClean(p, name) {
  await p.addScriptTag({ content: axeSource });
  const found = await p.evaluate(async () => (await window.axe.run(document, { runOnly: { type: "tag",
    values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } })).violations.map((v) =>
    `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`));
  assert.deepEqual(found, [], `${name}: axe on a phone`);
}
