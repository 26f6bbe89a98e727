// End to end, as a user meets it: the real server on 127.0.0.1, the example page in headless
// Chromium (Debian's, driven by playwright-core). The visible text of every section must equal
// the API's content, field by field; a reload must revalidate with If-None-Match and get 304;
// a title changed through the API must show after a reload, as text (never as markup). Saves a
// screenshot of the page.
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

/** Fields that are shown as text; the others are links, images or system fields. */
const NOT_TEXT = new Set(["id", "type", "position", "revision", "updated_at", "key", "link", "fig", "target"]);

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

async function main() {
  const work = mkdtempSync(join(tmpdir(), "gen3-e2e-"));
  const database = join(work, "e2e.db");
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
      if (new URL(response.url()).pathname === "/sections") answers.push(response.status());
    });

    await page.goto(`${origin}/`);
    await page.waitForSelector("main[aria-busy=false]");
    const api = await (await fetch(`${origin}/sections`)).json();

    // Page order: the sections appear in the API's order (the users testimonial block, which
    // follows the logos as on the Gen3 site, repeats an id already seen).
    const order = await page.$$eval("main > section", (sections) => sections.map((s) => s.dataset.section));
    const firstSeen = order.filter((id, i) => order.indexOf(id) === i);
    const expectedOrder = api.sections.map((s) => s.id);
    if (JSON.stringify(firstSeen) !== JSON.stringify(expectedOrder)) {
      fail(`sections in the order ${firstSeen}, expected ${expectedOrder}`);
    }

    // Every text field is shown, visible, exactly as the API has it; every link and image
    // points where the API says.
    let checked = 0;
    for (const section of api.sections) {
      for (const [pointer, value] of leaves(section)) {
        const field = pointer.split("/").pop();
        if (NOT_TEXT.has(field) && field !== "link" && field !== "fig") continue;
        // A button's link is on the button (the element of its parent pointer).
        const parent = pointer.slice(0, pointer.lastIndexOf("/"));
        const candidates = field === "link" ? [pointer, parent] : [pointer];
        let element = null;
        for (const candidate of candidates) {
          const found = page.locator(`[data-section="${section.id}"] [data-field="${candidate}"]`).first();
          if ((await found.count()) > 0) {
            element = found;
            break;
          }
        }
        if (!element) fail(`${section.id}${pointer}: not on the page`);
        if (field === "link") {
          const href = await element.getAttribute("href");
          if (href !== value) fail(`${section.id}${pointer}: href ${href}, expected ${value}`);
        } else if (field === "fig") {
          const src = await element.getAttribute("src");
          if (src !== value) fail(`${section.id}${pointer}: src ${src}, expected ${value}`);
        } else {
          if (!(await element.isVisible())) fail(`${section.id}${pointer}: not visible`);
          const shown = await element.innerText();
          if (shown !== value) fail(`${section.id}${pointer}: shows ${JSON.stringify(shown)}, expected ${JSON.stringify(value)}`);
        }
        checked += 1;
      }
    }
    const textElements = await page.locator("[data-section] [data-field]:not(a):not(img)").count();
    console.log(`checked ${checked} fields of ${api.sections.length} sections; ${textElements} text elements on the page`);

    // A reload revalidates the kept copy: If-None-Match, 304.
    await page.reload();
    await page.waitForSelector("main[aria-busy=false]");
    if (answers.join() !== "200,304") fail(`GET /sections answered ${answers}, expected 200 then 304`);
    if ((await page.getAttribute("body", "data-revalidated")) !== "true") fail("the reload did not reuse the kept copy");

    // An editor changes the title through the API; a reload shows it, as text.
    const title = 'Gen3 <b>builds</b> data commons & "ecosystems"';
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
    if (answers.at(-1) !== 200) fail(`after the edit GET /sections answered ${answers.at(-1)}, expected 200`);
    const heading = page.locator('[data-section="teaser"] h1');
    const shown = await heading.innerText();
    if (shown !== title) fail(`the new title shows as ${JSON.stringify(shown)}`);
    if ((await heading.locator("b").count()) !== 0) fail("the title's text became markup");
    console.log(`the edited title shows after a reload: ${JSON.stringify(shown)}`);

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
