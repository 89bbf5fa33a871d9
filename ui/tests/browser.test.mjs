// Browser tests: Debian's Chromium, driven by playwright-core, against a real `borderwatch serve`
// on a loopback port over the example data. Screenshots go to target/test-artefacts/.
//
// The binary is $BORDERWATCH_BIN, else target/release/borderwatch, else target/debug/borderwatch;
// it must have been built after the UI (`scripts/build-ui.sh`) so that it carries the bundle.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
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

let server;
let base;
let browser;
let page;
let work;
const dialogs = [];
const pageErrors = [];

before(async () => {
  assert.ok(bin, "no borderwatch binary: run cargo build first");
  assert.ok(existsSync(chromiumPath), `no Chromium at ${chromiumPath}: run scripts/setup-browser.sh`);
  mkdirSync(artefacts, { recursive: true });
  work = mkdtempSync(join(tmpdir(), "bw-ui-"));
  const db = join(work, "ui.db");
  const ingest = spawnSync(bin, ["--db", db, "ingest", join(root, "examples")], { encoding: "utf8" });
  assert.equal(ingest.status, 0, ingest.stderr);
  server = spawn(bin, ["--db", db, "serve", "--addr", "127.0.0.1:0"], { stdio: ["ignore", "pipe", "inherit"] });
  const line = await new Promise((resolve, reject) => {
    createInterface({ input: server.stdout }).once("line", resolve);
    server.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });
  base = line.match(/http:\/\/[^/ ]+/)[0];
  const health = await (await fetch(`${base}/api/health`)).json();
  assert.equal(health.ui, true, "this binary was built without the UI: run scripts/build-ui.sh, then cargo build");
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    d.dismiss();
  });
  page.on("pageerror", (e) => pageErrors.push(e.message));
  // UI_TEST_CPU_SLOWDOWN=4 runs the page four times slower: waits that race show up.
  if (process.env.UI_TEST_CPU_SLOWDOWN) {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: Number(process.env.UI_TEST_CPU_SLOWDOWN) });
  }
  await page.goto(base + "/");
  await page.waitForSelector("body[data-ready=true]", { timeout: 30000 });
});

after(async () => {
  await browser?.close();
  server?.kill();
  if (work) rmSync(work, { recursive: true, force: true });
});

const shot = (name) => page.screenshot({ path: join(artefacts, `ui-${name}.png`) });

/** Waits until every view shows this period (`since|until`, empty for all time). */
const showing = (period) => page.waitForSelector(`body[data-shown="${period}"]`);

/** Back to all time, every view refreshed. */
async function allTime() {
  await page.locator("#all-time").click();
  await showing("|");
}

test("the map shows the border, the crossings and the corridors", async () => {
  assert.ok((await page.locator("path.country").count()) >= 5, "countries drawn");
  assert.equal(await page.locator("path.river").count(), 2, "Yalu and Tumen drawn");
  assert.ok((await page.locator("g.crossing").count()) >= 10, "crossings as markers");
  assert.ok((await page.locator("rect.port").count()) >= 5, "ports as markers");
  const corridors = page.locator("path.corridor");
  assert.ok((await corridors.count()) >= 4, "corridors drawn");
  assert.ok((await page.locator("path.corridor.inbound").count()) >= 1);
  assert.ok((await page.locator("path.corridor.outbound").count()) >= 1, "direction visible");
  // Colour follows the prohibited share: not every corridor is the same colour.
  const colours = new Set(await corridors.evaluateAll((els) => els.map((e) => e.getAttribute("stroke"))));
  assert.ok(colours.size >= 2, `corridor colours ${[...colours]}`);
  await shot("map");
});

test("picking a crossing shows its evidence, linked to the source", async () => {
  await page.locator('[data-crossing="dandong-sinuiju"]').click();
  await page.waitForSelector('#corridor-detail[data-shown="dandong-sinuiju||"]');
  assert.equal(await page.locator("#corridor-title").textContent(), "Dandong–Sinuiju");
  assert.ok((await page.locator("table.flows tbody tr").count()) >= 1, "flows table");
  const first = page.locator("#corridor-claims li").first();
  const quote = (await first.locator("blockquote").textContent()).trim();
  assert.ok(quote.length > 20, "the claim quotes its evidence");
  await shot("corridor");
  await first.locator("button.source-link").click();
  await page.waitForSelector("#source-view:not([hidden]) mark.focus");
  const marked = await page.locator("#source-text mark.focus").textContent();
  // The quote (attribution redacted) and the marked span are the same sentence.
  const words = quote.replaceAll("[source withheld]", "").split(/\s+/).filter((w) => w.length > 4).slice(-4);
  for (const w of words) assert.ok(marked.includes(w), `${w} in the marked evidence ${marked}`);
  await shot("source");
  await page.locator("#source-close").click();
  assert.equal(await page.locator("#source-view").isHidden(), true);
});

test("the time range filters the corridors and the panel", async () => {
  await allTime();
  const all = await page.locator("#corridor-list li").count();
  await page.locator('#years button[data-year="2019"]').click();
  await showing("2019-01-01|2019-12-31");
  await page.waitForSelector('#corridor-detail[data-shown="dandong-sinuiju|2019-01-01|2019-12-31"]');
  const some = await page.locator("#corridor-list li").count();
  assert.ok(some < all, `2019 shows fewer corridors (${some}) than all time (${all})`);
  const years = await page.locator("table.flows tbody tr td:first-child").allTextContents();
  assert.ok(years.length >= 1, "the 2019 flows of Dandong–Sinuiju (shipment records)");
  // Undated claims stay in every period; dated figures are all 2019.
  for (const y of years) assert.ok(y.includes("2019") || y.includes("undated"), y);
  assert.ok(years.some((y) => y.includes("2019")), years.join(" / "));
  await shot("period-2019");
  await allTime();
  assert.equal(await page.locator("#corridor-list li").count(), all);
});

test("findings filter by kind and open their evidence", async () => {
  await allTime();
  await page.locator('[data-tab="findings"]').click();
  const all = await page.locator("#findings li.finding").count();
  assert.ok(all >= 5, `findings listed: ${all}`);
  await page.locator("#finding-kind").selectOption("warehousing");
  const kinds = await page.locator("#findings li.finding").evaluateAll((els) => els.map((e) => e.dataset.kind));
  assert.ok(kinds.length >= 1 && kinds.every((k) => k === "warehousing"), kinds.join());
  await page.locator("#findings li.finding summary").first().click();
  await page.waitForSelector("#findings li.finding details[open] .evidence blockquote");
  await shot("findings");
  await page.locator("#finding-kind").selectOption("");
});

test("screening cites the measure", async () => {
  await page.locator('[data-tab="screen"]').click();
  await page.fill("#screen-hs", "8418");
  await page.selectOption("#screen-direction", "inbound");
  await page.fill("#screen-date", "2023-05-01");
  await page.locator("#screen-go").click();
  await page.waitForSelector("#verdicts .verdict");
  const v = await page.locator("#verdicts .verdict").first().textContent();
  assert.match(v, /prohibited/);
  assert.match(v, /unsc-2397-op7/);
  await shot("screen");
  await page.fill("#screen-hs", "");
  await page.fill("#screen-words", "zzqx");
  await page.locator("#screen-go").click();
  await page.waitForSelector("#status .error");
  assert.match(await page.locator("#status").textContent(), /unknown-goods/);
});

test("a report with script in it is shown as text and runs nothing", async () => {
  const payload =
    '<script>window.__pwned = 1; alert("pwned")</script>\n' +
    "Cargo trucks loaded with refrigerators crossed from Quanhe into Wonjong on 3 May 2023. " +
    '<img src=x onerror="window.__pwned = 2; alert(2)"> <b onmouseover="alert(3)">bold</b>\n';
  await allTime();
  await page.locator('[data-tab="report"]').click();
  await page.fill("#report-name", "payload.txt");
  await page.fill("#report-text", payload);
  await page.locator("#report-preview").click();
  await page.waitForSelector("#report-view mark");
  const shown = await page.locator("#report-view").textContent();
  assert.ok(shown.includes("<script>window.__pwned"), "the script shows as text");
  assert.ok(shown.includes("<img src=x"), "the tag shows as text");
  assert.equal(await page.locator("#report-view img, #report-view script, #report-view b").count(), 0);
  assert.ok((await page.locator("#report-claims li").count()) >= 1, "claims extracted");
  await page.locator("#report-save").click();
  await page.waitForSelector("#report-result .saved");
  assert.match(await page.locator("#report-result").textContent(), /Saved as source \d+/);
  await page.locator("#report-result button").click();
  await page.waitForSelector("#source-view:not([hidden])");
  assert.ok((await page.locator("#source-text").textContent()).includes("<script>"));
  assert.equal(await page.locator("#source-text img, #source-text script").count(), 0);
  await page.mouse.move(10, 10);
  await shot("report");
  assert.equal(await page.evaluate(() => window.__pwned), undefined, "no injected code ran");
  assert.deepEqual(dialogs, [], "no dialog opened");
  assert.deepEqual(pageErrors, [], "no page errors");
  await page.locator("#source-close").click();
  // The saved report is in the picture: Quanhe–Wonjong now has the new claim.
  await showing("|");
  await page.locator('[data-crossing="quanhe-wonjong"]').click();
  await page.waitForSelector('#corridor-detail[data-shown="quanhe-wonjong||"]');
  const quotes = await page.locator("#corridor-claims blockquote").allTextContents();
  assert.ok(quotes.some((q) => q.includes("refrigerators crossed from Quanhe")), quotes.join("\n"));
});

test("a vessel track shows in the vessel panel and on the map, its evidence as track lines", async () => {
  const track = readFileSync(join(root, "crates/analyze/tests/fixtures/tracks/sts-flagged.nmea"));
  const up = await fetch(`${base}/api/sources?name=meeting.nmea`, {
    method: "POST",
    headers: { "content-type": "application/octet-stream" },
    body: track,
  });
  assert.equal(up.status, 201, await up.text());
  await allTime();
  await page.locator('[data-tab="vessels"]').click();
  await page.waitForSelector("#vessel-list li[data-mmsi]");
  assert.equal(await page.locator("#vessel-list li[data-mmsi]").count(), 2);
  await page.locator("#vessel-list li[data-mmsi] button").first().click();
  await page.waitForSelector("#vessel-detail[data-track]");
  assert.match(await page.locator("#vessel-title").textContent(), /MMSI \d+/);
  assert.ok((await page.locator("#vessel-identities tbody tr").count()) >= 1, "an identity row");
  const encounter = page.locator('#vessel-events li[data-kind="encounter"]');
  assert.equal(await encounter.count(), 1);
  assert.match(await encounter.textContent(), /with .*MMSI \d+/);
  assert.match(await encounter.textContent(), /track: meeting\.nmea, lines \d+–\d+/);
  assert.ok(!(await page.locator("#vessel-detail").textContent()).includes("!AIVDM"), "no raw track lines in the panel");
  // Its track is a line on the map, with the encounter as a marker.
  assert.ok((await page.locator("#map path.track.selected").count()) >= 1, "the track is drawn");
  assert.equal(await page.locator("#map circle.track-event.encounter").count(), 1);
  const drawn = async () => (await page.locator("#vessel-detail").getAttribute("data-track")).split("|").map(Number);
  const [, z0, n0] = await drawn();
  // Zooming in asks for the track again, thinned for the closer view.
  await page.locator("#zoom-in").click();
  await page.locator("#zoom-in").click();
  await page.waitForFunction((z) => Number(document.querySelector("#vessel-detail").dataset.track.split("|")[1]) > z, z0, { timeout: 10000 });
  const [, , n1] = await drawn();
  assert.ok(n1 >= n0, `no fewer points closer in (${n0} then ${n1})`);
  await shot("vessel");
  await page.locator("#zoom-reset").click();
  assert.deepEqual(pageErrors, [], "no page errors");
});
