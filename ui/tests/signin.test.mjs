// Browser tests of a team server (a store with users): the sign-in page, a wrong password, the
// session cookie (HttpOnly, SameSite=Strict), the controls each role gets, a review written
// with the session's CSRF value, the audit log for admins, and signing out. Screenshots go to
// target/test-artefacts/ui-signin-*.png.
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
const PASSWORD = "a long enough password";

let work;
let server;
let base;
let browser;
const pageErrors = [];

function addUser(db, name, role) {
  const r = spawnSync(bin, ["--db", db, "users", "add", name, "--role", role, "--password-stdin"], {
    input: PASSWORD + "\n",
    encoding: "utf8",
  });
  assert.equal(r.status, 0, r.stderr);
}

before(async () => {
  assert.ok(bin, "no borderwatch binary: run cargo build first");
  assert.ok(existsSync(chromiumPath), `no Chromium at ${chromiumPath}: run scripts/setup-browser.sh`);
  mkdirSync(artefacts, { recursive: true });
  work = mkdtempSync(join(tmpdir(), "bw-ui-signin-"));
  const db = join(work, "team.db");
  const ingest = spawnSync(bin, ["--db", db, "ingest", join(root, "examples")], { encoding: "utf8" });
  assert.ok(ingest.status === 0 || ingest.status === 2, ingest.stderr);
  addUser(db, "vi", "viewer");
  addUser(db, "an", "analyst");
  addUser(db, "ad", "admin");
  server = spawn(bin, ["--db", db, "serve", "--addr", "127.0.0.1:0"], { stdio: ["ignore", "pipe", "inherit"] });
  const line = await new Promise((resolve, reject) => {
    createInterface({ input: server.stdout }).once("line", resolve);
    server.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });
  base = line.match(/http:\/\/[^/ ]+/)[0];
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-sync"],
  });
});

after(async () => {
  await browser?.close();
  server?.kill();
  if (work) rmSync(work, { recursive: true, force: true });
});

async function signIn(name, password = PASSWORD) {
  const context = await browser.newContext({ viewport: { width: 1500, height: 950 } });
  const page = await context.newPage();
  page.on("pageerror", (e) => pageErrors.push(e.message));
  await page.goto(base + "/");
  await page.waitForSelector("#signin:not([hidden])");
  await page.fill("#signin-name", name);
  await page.fill("#signin-password", password);
  await page.click("#signin-go");
  return { context, page };
}

test("a wrong password is refused on the sign-in page", async () => {
  const { context, page } = await signIn("vi", "not the password at all");
  await page.waitForSelector("#signin-error:has-text('sign-in-failed')");
  assert.equal(await page.locator("#signin").isHidden(), false);
  await page.screenshot({ path: join(artefacts, "ui-signin-refused.png") });
  await context.close();
});

test("a viewer signs in, sees the map without review or upload controls, and signs out", async () => {
  const { context, page } = await signIn("vi");
  await page.waitForSelector("body[data-ready=true]", { timeout: 30000 });
  assert.equal(await page.locator("#who-name").textContent(), "vi (viewer)");
  const cookies = await context.cookies();
  const c = cookies.find((k) => k.name === "bw_session");
  assert.ok(c, "a session cookie");
  assert.equal(c.httpOnly, true);
  assert.equal(c.sameSite, "Strict");
  for (const tab of ["report", "queue", "audit"]) {
    assert.equal(await page.locator(`[role=tab][data-tab=${tab}]`).isHidden(), true, `${tab} hidden`);
  }
  assert.equal(await page.locator("#corridor-claims button.review").count(), 0);
  // The cookie is not readable by the page's scripts.
  assert.equal(await page.evaluate(() => document.cookie.includes("bw_session")), false);
  await page.screenshot({ path: join(artefacts, "ui-signin-viewer.png") });
  await page.click("#sign-out");
  await page.waitForSelector("#signin:not([hidden])");
  const after = await (await context.request.get(base + "/api/claims")).json();
  assert.equal(after.error.code, "unauthenticated");
  await context.close();
});

test("an analyst's review carries the session's CSRF value; an admin reads it in the audit log", async () => {
  const { context, page } = await signIn("an");
  await page.waitForSelector("body[data-ready=true]", { timeout: 30000 });
  assert.equal(await page.locator("[role=tab][data-tab=queue]").isHidden(), false);
  assert.equal(await page.locator("[role=tab][data-tab=audit]").isHidden(), true);
  // The same write without the CSRF header is refused.
  const bare = await context.request.post(base + "/api/claims/1/reviews", {
    headers: { "content-type": "application/json" },
    data: { action: "confirm", reviewer: "an" },
  });
  assert.equal(bare.status(), 403);
  assert.equal((await bare.json()).error.code, "csrf-failed");
  await page.locator("[role=tab][data-tab=queue]").click();
  await page.locator("#queue li.current").waitFor();
  await page.locator("#queue").focus();
  await page.keyboard.press("c");
  await page.waitForSelector("#status:has-text('confirm claim')", { timeout: 5000 }).catch(async (e) => {
    throw new Error(`status: ${await page.locator("#status").textContent()}`);
  });
  await context.close();

  const admin = await signIn("ad");
  await admin.page.waitForSelector("body[data-ready=true]", { timeout: 30000 });
  await admin.page.locator("[role=tab][data-tab=audit]").click();
  await admin.page.waitForSelector("#audit-rows tr");
  const rows = await admin.page.locator("#audit-rows tr").allTextContents();
  assert.ok(rows.some((r) => r.includes("review") && r.includes("an")), rows.join("\n"));
  assert.ok(rows.some((r) => r.includes("refused") && r.includes("csrf-failed")), rows.join("\n"));
  assert.ok(rows.some((r) => r.includes("sign-in-failed")), rows.join("\n"));
  await admin.page.screenshot({ path: join(artefacts, "ui-signin-audit.png") });
  await admin.context.close();
  assert.deepEqual(pageErrors, []);
});

test("an admin adds a user, who then signs in with the password shown once", async () => {
  const admin = await signIn("ad");
  const page = admin.page;
  await page.waitForSelector("body[data-ready=true]", { timeout: 30000 });
  await page.locator("[role=tab][data-tab=users]").click();
  await page.waitForSelector('#user-rows tr[data-user="vi"]');
  await page.fill("#user-name", "newcomer");
  await page.selectOption("#user-role", "source-handler");
  await page.click("#user-add-go");
  await page.waitForSelector('#user-rows tr[data-user="newcomer"]');
  const secret = await page.locator("#user-secret").textContent();
  const password = secret.match(/password: ([a-z0-9]{5}(?:-[a-z0-9]{5}){3})/)[1];
  assert.match(secret, /API token: bwt_[0-9a-f]{64}/);
  await page.screenshot({ path: join(artefacts, "ui-signin-users.png") });
  // The viewer made analyst from the table.
  await page.locator('#user-rows tr[data-user="vi"] select').selectOption("analyst");
  await page.waitForSelector("#status:has-text('vi: analyst')");
  await admin.context.close();

  const newcomer = await signIn("newcomer", password);
  await newcomer.page.waitForSelector("body[data-ready=true]", { timeout: 30000 });
  assert.equal(await newcomer.page.locator("#who-name").textContent(), "newcomer (source-handler)");
  assert.equal(await newcomer.page.locator("[role=tab][data-tab=users]").isHidden(), true);
  await newcomer.context.close();
  assert.deepEqual(pageErrors, []);
});
