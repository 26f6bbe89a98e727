// End to end, as a user meets it: the real server on 127.0.0.1 with the whole Gen3 site imported,
// the example frontend in headless Chromium (Debian's, driven by playwright-core). Every page
// with sections is visited at its URL, and every field it shows must equal the API's content:
// text visible and exact, links and images pointing where the API says. A reload must revalidate
// with If-None-Match and get 304; a title changed through the API must show after a reload, as
// text (never as markup). Saves a screenshot of the landing page.
//
// Usage: node e2e.mjs [BINARY]   (default ../../target/debug/gen3-content)
// Environment: CHROMIUM (default /usr/bin/chromium), E2E_SCREENSHOT (default
// ../../target/e2e/frontend.png).

import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const binary = resolve(process.argv[2] ?? join(here, "../../target/debug/gen3-content"));
const screenshot = resolve(process.env.E2E_SCREENSHOT ?? join(here, "../../target/e2e/frontend.png"));
const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";

/** System fields and fields that say how, not what: not shown. */
const NOT_SHOWN = new Set(["id", "type", "position", "revision", "updated_at", "key", "target"]);
const SITE = join(dirname(fileURLToPath(import.meta.url)), "../../site/gen3.org-d819f2a/content");

function fail(message) {
  throw new Error(message);
}

/** Every leaf of a section with its JSON Pointer. */
function* leaves(value, pointer = "") {
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) yield* leaves(item, `${pointer}/${i}`);
  } else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) yield* leaves(item, `${pointer}/${key}`);
  } else {
    yield [pointer, value];
  }
}

async function startServer(database) {
  const server = spawn(binary, ["--database", database, "--bind", "127.0.0.1:0", "--log-format", "json"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: server.stdout });
  const port = await new Promise((resolvePort, reject) => {
    const timer = setTimeout(() => reject(new Error("the server did not start in 10 s")), 10_000);
    lines.on("line", (line) => {
      try {
        const port = JSON.parse(line).port;
        if (port) {
          clearTimeout(timer);
          resolvePort(port);
        }
      } catch {
        // not a JSON log line
      }
    });
    server.on("exit", (code) => reject(new Error(`the server exited with ${code}`)));
  });
  return { server, port };
}

/**
 * Checks that the page shows every field of `api` (a page document): the sections in its
 * order; each text visible and exact; each link's href and each image's src what the API says.
 * Returns how many fields it checked.
 */
async function checkPage(page, api, id) {
  const order = await page.$$eval("main > section", (sections) => sections.map((s) => s.dataset.section));
  // The users testimonial block, which follows the logos as on the Gen3 site, repeats an id.
  const firstSeen = order.filter((section, i) => order.indexOf(section) === i);
  const expected = api.sections.map((s) => s.id);
  if (JSON.stringify(firstSeen) !== JSON.stringify(expected)) {
    fail(`${id}: sections in the order ${firstSeen}, expected ${expected}`);
  }
  let checked = 0;
  for (const section of api.sections) {
    for (const [pointer, value] of leaves(section)) {
      const field = pointer.split("/").pop();
      if (NOT_SHOWN.has(field) || value === null) continue;
      const where = `${id} ${section.id}${pointer}`;
      // A button's link is on the button (the element of its parent pointer).
      const parent = pointer.slice(0, pointer.lastIndexOf("/"));
      let element = null;
      for (const candidate of [pointer, parent]) {
        const found = page.locator(`[data-section="${section.id}"] [data-field="${candidate}"]`).first();
        if ((await found.count()) > 0 && (candidate === pointer || (await found.evaluate((e) => e.tagName)) === "A")) {
          element = found;
          break;
        }
      }
      if (!element) fail(`${where}: not on the page`);
      const tag = await element.evaluate((e) => e.tagName);
      if (tag === "IMG") {
        const src = await element.getAttribute("src");
        if (src !== value) fail(`${where}: src ${src}, expected ${value}`);
      } else if (tag === "A" && (await element.locator("[data-field]").count()) > 0) {
        const href = await element.getAttribute("href");
        if (href !== value) fail(`${where}: href ${href}, expected ${value}`);
      } else {
        if (!(await element.isVisible())) fail(`${where}: not visible`);
        // textContent, not innerText: the text exactly as set, runs of spaces included.
        const shown = await element.evaluate((e) => e.textContent);
        if (shown !== String(value)) {
          fail(`${where}: shows ${JSON.stringify(shown)}, expected ${JSON.stringify(value)}`);
        }
        if (tag === "A" && (await element.getAttribute("href")) !== value) fail(`${where}: href differs`);
      }
      checked += 1;
    }
  }
  return checked;
}

async function main() {
  const work = mkdtempSync(join(tmpdir(), "gen3-e2e-"));
  const database = join(work, "e2e.db");
  execFileSync(binary, ["--database", database, "import", "--site", SITE], { stdio: "ignore" });
  const token = execFileSync(binary, ["--database", database, "token", "create", "--name", "e2e", "--scope", "write"])
    .toString()
    .trim();
  const { server, port } = await startServer(database);
  const origin = `http://127.0.0.1:${port}`;
  const browser = await chromium.launch({
    executablePath,
    headless: true,
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
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const problems = [];
    page.on("console", (message) => {
      if (message.type() === "error" && !message.text().includes("404")) problems.push(message.text());
    });
    page.on("pageerror", (error) => problems.push(String(error)));
    const answers = [];
    page.on("response", (response) => {
      if (new URL(response.url()).pathname === "/pages/_index") answers.push(response.status());
    });

    await page.goto(`${origin}/`);
    await page.waitForSelector("main[aria-busy=false][data-page='_index']");

    // Every page with sections, at its URL.
    const list = await (await fetch(`${origin}/pages?limit=1000`)).json();
    const pages = list.pages.filter((p) => p.sections.length > 0);
    let checked = 0;
    for (const entry of pages) {
      await page.goto(`${origin}/#${entry.url}`);
      await page.waitForSelector(`main[aria-busy=false][data-page="${entry.id}"]`);
      const api = await (await fetch(`${origin}/pages/${encodeURIComponent(entry.id)}`)).json();
      checked += await checkPage(page, api, entry.id);
    }
    console.log(`checked ${checked} fields on ${pages.length} pages (${list.pages.length} pages in the site)`);
    if (pages.length < 17) fail(`only ${pages.length} pages with sections`);

    await page.goto(`${origin}/#/`);
    await page.waitForSelector("main[aria-busy=false][data-page='_index']");
    // A reload revalidates the kept copy: If-None-Match, 304.
    await page.reload();
    await page.waitForSelector("main[aria-busy=false]");
    if (answers.slice(-1).join() !== "304") fail(`GET /pages/_index answered ${answers}, expected 304 on the reload`);
    if ((await page.getAttribute("body", "data-revalidated")) !== "true") fail("the reload did not reuse the kept copy");

    // An editor changes the title through the API; a reload shows it, as text.
    const title = 'Gen3 <b>builds</b> data commons & "ecosystems"';
    const before = answers.length;
    const read = await fetch(`${origin}/sections/teaser`);
    const written = await fetch(`${origin}/sections/teaser`, {
      method: "PATCH",
      headers: {
        Authorization: `Bearer ${token}`,
        "If-Match": read.headers.get("etag"),
        "Content-Type": "application/merge-patch+json",
      },
      body: JSON.stringify({ title }),
    });
    if (written.status !== 200) fail(`PATCH answered ${written.status}: ${await written.text()}`);
    await page.reload();
    await page.waitForSelector("main[aria-busy=false]");
    // The new page may come with the reload's 200, or before it, when the page's feed (GET
    // /events) told it of the edit and it fetched the page then (a fetch the reload may cut
    // short; the reload then revalidates the copy kept: 304). Either way it must show the new
    // title, as text, and must not show the old one from a stale copy.
    const sinceEdit = answers.slice(before);
    if (sinceEdit.length === 0) fail("the reload did not ask for the page");
    const heading = page.locator('[data-section="teaser"] h1');
    const shown = await heading.innerText();
    if (shown !== title) fail(`the new title shows as ${JSON.stringify(shown)}`);
    if ((await heading.locator("b").count()) !== 0) fail("the title's text became markup");
    console.log(`the edited title shows after a reload: ${JSON.stringify(shown)}`);

    // A published edit appears without a reload: the page follows GET /events.
    await page.waitForSelector("body[data-live=true]");
    await page.evaluate(() => {
      /** @type {any} */ (window).notReloaded = true;
    });
    const live = "Published while you watch";
    const again = await fetch(`${origin}/sections/teaser`, {
      method: "PATCH",
      headers: {
        Authorization: `Bearer ${token}`,
        "If-Match": "*",
        "Content-Type": "application/merge-patch+json",
      },
      body: JSON.stringify({ title: live }),
    });
    if (again.status !== 200) fail(`PATCH answered ${again.status}: ${await again.text()}`);
    await page.waitForFunction(
      (text) => document.querySelector('[data-section="teaser"] h1')?.textContent === text,
      live,
      { timeout: 10_000 },
    );
    if (!(await page.evaluate(() => /** @type {any} */ (window).notReloaded === true))) fail("the page was reloaded");
    console.log(`a published edit appeared without a reload: ${JSON.stringify(live)}`);

    if (problems.length > 0) fail(`the page logged errors: ${problems.join("; ")}`);
    mkdirSync(dirname(screenshot), { recursive: true });
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(`screenshot: ${screenshot}`);
  } finally {
    await browser.close();
    server.kill("SIGTERM");
    rmSync(work, { recursive: true, force: true });
  }
}

main().then(
  () => console.log("e2e: ok"),
  (error) => {
    console.error(`e2e: FAILED: ${error.message}`);
    process.exit(1);
  },
);
