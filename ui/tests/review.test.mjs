// Browser tests of reviewing in the web app: against a real `borderwatch serve` over the example
// reports, reject a wrong claim, correct another's direction and goods, confirm one, add a missed
// movement from text selected in the source, work the queue from the keyboard, and see the
// corridor figures change; a read-only server shows no review controls. Screenshots go to
// target/test-artefacts/ui-review-*.png.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const artefacts = join(root, "target/test-artefacts");
const chromiumPath = process.env.CHROMIUM || "/usr/bin/chromium";
const bin =
  process.env.BORDERWATCH_BIN ||
  [join(root, "target/release/borderwatch"), join(root, "target/debug/borderwatch")].find(existsSync);

let work;
let db;
let browser;
const servers = [];
const pageErrors = [];

async function serve(extra = []) {
  const server = spawn(bin, ["--db", db, "serve", "--addr", "127.0.0.1:0", ...extra], { stdio: ["ignore", "pipe", "inherit"] });
  servers.push(server);
  const line = await new Promise((resolve, reject) => {
    createInterface({ input: server.stdout }).once("line", resolve);
    server.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });
  return line.match(/http:\/\/[^/ ]+/)[0];
}

async function open(base) {
  const page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
  page.on("pageerror", (e) => pageErrors.push(e.message));
  await page.goto(base + "/");
  await page.waitForSelector("body[data-ready=true]", { timeout: 30000 });
  return page;
}

before(async () => {
  assert.ok(bin, "no borderwatch binary: run cargo build first");
  assert.ok(existsSync(chromiumPath), `no Chromium at ${chromiumPath}: run scripts/setup-browser.sh`);
  mkdirSync(artefacts, { recursive: true });
  work = mkdtempSync(join(tmpdir(), "bw-ui-review-"));
  db = join(work, "ui.db");
  const ingest = spawnSync(bin, ["--db", db, "ingest", join(root, "examples/reports")], { encoding: "utf8" });
  assert.equal(ingest.status, 0, ingest.stderr);
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
});

after(async () => {
  await browser?.close();
  for (const s of servers) s.kill();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** The Dandong–Sinuiju panel's counts: [claims, reviewed]. */
async function counts(page) {
  const t = await page.locator("#corridor-counts").textContent();
  const m = t.match(/^(\d+) claims · reviewed (\d+) of/);
  assert.ok(m, t);
  return [Number(m[1]), Number(m[2])];
}

/** Waits until the panel shows these counts. */
async function until(page, want) {
  await page.waitForFunction(
    (w) => document.querySelector("#corridor-counts")?.textContent.startsWith(w),
    `${want[0]} claims · reviewed ${want[1]} of`,
  );
}

const claim = (page, words) => page.locator("#corridor-claims li.claim", { hasText: words }).first();

test("an analyst rejects, corrects, confirms and adds claims, and the corridor changes", async () => {
  const base = await serve();
  const page = await open(base);
  const shot = (name) => page.screenshot({ path: join(artefacts, `ui-review-${name}.png`) });
  await page.fill("#reviewer", "desk analyst");
  await page.locator("#reviewer").dispatchEvent("change");
  await page.locator('[data-crossing="dandong-sinuiju"]').click();
  await page.waitForSelector('#corridor-detail[data-shown="dandong-sinuiju||"]');
  const [n, r0] = await counts(page);
  assert.equal(r0, 0);

  // Reject the claim that rests on what the goods were declared as.
  const declared = claim(page, "declared as building materials");
  await declared.locator("select.reject-reason").selectOption("not-a-movement");
  await declared.locator("button.reject").click();
  await until(page, [n - 1, 0]);
  await shot("rejected");

  // Correct the returning trucks: they carry refrigerators back.
  const back = claim(page, "come back to China empty");
  await back.locator("button.correct").click();
  const form = back.locator("form.correction");
  await form.locator("[name=direction]").selectOption("outbound");
  await form.locator("[name=load]").selectOption("loaded");
  await form.locator("[name=goods]").fill("refrigerators");
  await form.locator("[name=when]").fill("2023-01-20");
  await form.locator("button.lookup-goods").click();
  await form.locator(".lookup", { hasText: "HS 8418" }).waitFor();
  await shot("correcting");
  await form.locator("button[type=submit]").click();
  await until(page, [n - 1, 1]);
  const outbound = await page.locator("table.flows tr.outbound").allTextContents();
  assert.ok(outbound.some((t) => t.includes("HS 84")), outbound.join("\n"));

  // Confirm another, then read the corrected claim's history.
  await claim(page, "About 80 trucks a day").locator("button.confirm").click();
  await until(page, [n - 1, 2]);
  const again = claim(page, "come back to China empty");
  await again.locator("button.history").click();
  await again.locator("div.history", { hasText: "reviewed: corrected" }).waitFor();
  assert.match(await again.locator("div.history").textContent(), /desk analyst · correct direction, load, goods, when/);
  await shot("history");

  // Add the movement the headline reports, from the text selected in the source.
  await claim(page, "machinery parts and steel pipes").locator("button.source-link").click();
  await page.waitForSelector("#source-view:not([hidden])");
  await page.evaluate(() => {
    const pre = document.getElementById("source-text");
    const walker = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const i = n.data.indexOf("Machinery still crosses at Dandong");
      if (i < 0) continue;
      const r = document.createRange();
      r.setStart(n, i);
      r.setEnd(n, i + "Machinery still crosses at Dandong despite the ban".length);
      getSelection().removeAllRanges();
      getSelection().addRange(r);
      return;
    }
    throw new Error("headline not found");
  });
  await page.locator("#source-add").click();
  const add = page.locator("#source-add-form form.add");
  await add.waitFor();
  assert.match(await add.textContent(), /Bytes 0–50/);
  await add.locator("[name=kind]").selectOption("movement");
  await add.locator("[name=direction]").selectOption("inbound");
  await add.locator("[name=via]").selectOption("dandong-sinuiju");
  await add.locator("[name=mode]").selectOption("road");
  await add.locator("[name=goods]").fill("machinery");
  await shot("adding");
  await add.locator("button[type=submit]").click();
  await page.waitForSelector("#status", { state: "attached" });
  await page.waitForFunction(() => /added a movement claim/.test(document.getElementById("status").textContent));
  // The added claim has its own controls: confirm it, then read its history.
  const addedBar = page.locator("#source-add-form .added .review-bar");
  await addedBar.locator("button.confirm").click();
  await page.waitForFunction(() => /confirm claim a\d+/.test(document.getElementById("status").textContent));
  await addedBar.locator("button.history").click();
  await page.waitForFunction(() => /add.*confirm/s.test(document.querySelector("#source-add-form .added div.history")?.textContent || ""));
  await page.locator("#source-close").click();
  await until(page, [n, 3]);
  await shot("corridor-after");

  // The queue, from the keyboard: move down one and confirm.
  await page.locator('[data-tab="queue"]').click();
  await page.locator("#queue li.current").waitFor();
  const queued = await page.locator("#queue li.claim").count();
  await page.locator("#queue").focus();
  await page.keyboard.press("j");
  const second = await page.locator("#queue li.current").getAttribute("data-claim");
  await page.keyboard.press("c");
  await page.waitForFunction((id) => document.getElementById("status").textContent.includes(`confirm claim ${id}`), second);
  await page.waitForFunction((q) => document.querySelectorAll("#queue li.claim").length === q - 1, queued);
  await shot("queue");
  assert.deepEqual(pageErrors, []);
  await page.close();
});

test("a read-only server shows no review controls", async () => {
  const base = await serve(["--read-only"]);
  const page = await open(base);
  await page.locator('[data-crossing="dandong-sinuiju"]').click();
  await page.waitForSelector('#corridor-detail[data-shown="dandong-sinuiju||"]');
  assert.equal(await page.locator("#corridor-claims .review-bar").count(), 0);
  assert.equal(await page.locator("#source-add").isHidden(), true);
  await page.close();
});
