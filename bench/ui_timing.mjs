// Times the web admin in Debian's Chromium against a running server (bench/bench_ui.py drives it).
// Usage: node ui_timing.mjs <chromium> <base URL> <token> <tenant uuid> <runs>
// Prints one JSON document: milliseconds per run of
//   firstLoad: a cold page (new context, empty cache) from navigation to the sign-in form;
//   signedIn: the tenant tree after signing in (one GraphQL request);
//   listReload: the endpoint list of the tenant loaded by URL (cached bundle) until its rows show;
//   listNavigate: the same list reached from the tenant tree inside the page (no reload).
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, "..", "tests", "browser", "package.json"));
const { chromium } = require("playwright-core");

const [executablePath, base, token, tenant, runsText] = process.argv.slice(2);
const runs = Number(runsText);
const TIMEOUT = 30000;
const ROWS = "[data-screen=endpoints] [data-testid=config-list] tbody tr";
const browser = await chromium.launch({ executablePath, headless: true, args: ["--no-sandbox"] });
const result = { firstLoad: [], signedIn: [], listReload: [], listNavigate: [], rows: 0 };

async function timed(action, selector, page) {
  const started = performance.now();
  await action();
  await page.waitForSelector(selector, { timeout: TIMEOUT });
  return performance.now() - started;
}

try {
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    result.firstLoad.push(await timed(() => page.goto(`${base}/`), "[data-screen=sign-in] button", page));
    await page.getByRole("textbox").fill(token);
    result.signedIn.push(
      await timed(() => page.getByRole("button", { name: "Sign in" }).click(), "[data-screen=tenants] .tenant", page),
    );
    result.listReload.push(await timed(() => page.goto(`${base}/tenants/${tenant}/endpoints`), ROWS, page));
    result.rows = await page.locator(ROWS).count();
    await page.goto(`${base}/`);
    await page.waitForSelector("[data-screen=tenants] .tenant", { timeout: TIMEOUT });
    const link = page.locator(`a[href="/tenants/${tenant}/endpoints"]`).first();
    result.listNavigate.push(await timed(() => link.click(), ROWS, page));
    await context.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
