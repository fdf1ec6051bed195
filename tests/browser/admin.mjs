// The web admin end to end in Debian's Chromium, against the real server.
// Usage: node admin.mjs <chromium> <base URL> <token> <screenshot folder>
// Prints one JSON report on its last line; exits 1 (with the step) when a step fails.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

const [executablePath, base, token, shots] = process.argv.slice(2);
mkdirSync(shots, { recursive: true });
const origin = new URL(base);
const report = {
  step: "start",
  elsewhere: [],
  pageErrors: [],
  consoleErrors: [],
  requestsPerScreen: {},
  operations: [],
  identity: null,
  resolvedContext: null,
  preview: null,
  recorded: null,
  liveValue: null,
  liveActivity: 0,
  conflictShown: false,
  importReport: null,
  imported: null,
  screenshots: [],
};

const TIMEOUT = 20000;
const browser = await chromium.launch({ executablePath, headless: true, args: ["--no-sandbox"] });

// Every request must stay on the loopback server; every GraphQL request is counted.
async function watchedPage(name) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
  const page = await context.newPage();
  page.graphql = [];
  page.on("request", (request) => {
    const url = new URL(request.url());
    const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
    if (!(url.protocol === "data:" || url.protocol === "blob:" || loopback)) report.elsewhere.push(request.url());
    if (url.pathname === "/graphql" && request.method() === "POST") {
      const operation = JSON.parse(request.postData() ?? "{}").query?.match(/^\s*(query|mutation)\s+(\w+)/)?.[2];
      page.graphql.push(operation ?? "?");
      report.operations.push(`${name}:${operation}`);
    }
  });
  page.on("websocket", (ws) => {
    const url = new URL(ws.url());
    if (url.hostname !== origin.hostname) report.elsewhere.push(ws.url());
  });
  page.on("pageerror", (error) => report.pageErrors.push(`${name}: ${error}`));
  page.on("console", (message) => {
    if (message.type() === "error") report.consoleErrors.push(`${name}: ${message.text()}`);
  });
  return page;
}

async function shot(page, name) {
  const file = join(shots, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  report.screenshots.push(file);
}

/** Run `action` (which opens a screen), wait for `selector`, and count the GraphQL requests it sent. */
async function screen(page, name, action, selector) {
  report.step = `screen ${name}`;
  const before = page.graphql.length;
  await action();
  await page.waitForSelector(selector, { timeout: TIMEOUT });
  await page.waitForLoadState("networkidle").catch(() => undefined);
  await page.waitForTimeout(300);
  report.requestsPerScreen[name] = page.graphql.slice(before);
  await shot(page, name);
}

async function signIn(page, name) {
  await page.goto(base + "/", { waitUntil: "load" });
  await page.waitForSelector("[data-screen=sign-in]", { timeout: TIMEOUT });
  if (name === "a") {
    await shot(page, "sign-in");
    await page.getByRole("textbox").fill("pjg_not-a-token");
    await page.getByRole("button", { name: "Sign in" }).click();
    report.badToken = await page.locator("[role=alert]").innerText({ timeout: TIMEOUT });
    report.badTokenKept = await page.evaluate(() => Object.keys(sessionStorage));
  }
  await page.getByRole("textbox").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForSelector("[data-screen=tenants] .tenant", { timeout: TIMEOUT });
}

async function addOption(page, section, key, value) {
  const box = page.locator(`[data-section=${section}]`);
  if ((await box.count()) === 0) {
    await page.locator(".more-sections").getByRole("button", { name: section === "endpoint" ? "Endpoint" : section, exact: true }).click();
  }
  await box.getByLabel("add option").fill(key);
  await box.getByRole("button", { name: "Add", exact: true }).click();
  await box.getByLabel(`${key} value`).last().fill(value);
}

function impactOf(locator) {
  return locator.locator(".impact-row").evaluateAll((rows) =>
    rows.map((row) => {
      const cells = [...row.querySelectorAll("td")].map((td) => td.textContent.trim());
      // the recorded table starts with the seq column
      return cells.length === 6 ? cells.slice(1) : cells;
    }),
  );
}

async function previewAndSave(page) {
  await page.getByRole("button", { name: "Preview impact" }).click();
  const preview = page.locator("[data-testid=impact-preview]");
  await preview.waitFor({ timeout: TIMEOUT });
  const previewed = await impactOf(preview);
  await page.getByRole("button", { name: /^Save \(revision/ }).click();
  const recorded = page.locator("[data-testid=impact-recorded]");
  await recorded.waitFor({ timeout: TIMEOUT });
  const seqs = await recorded.locator(".impact-row td:first-child").allInnerTexts();
  return { previewed, recorded: await impactOf(recorded), seqs };
}

async function createConfig(page, tenantUuid, kind, name) {
  const list = kind === "template" ? "templates" : "endpoints";
  await page.goto(`${base}/tenants/${tenantUuid}/${list}`);
  await page.waitForSelector(`[data-screen=${list}] [data-testid=total-count]`, { timeout: TIMEOUT });
  await page.getByLabel(`new ${kind} name`).fill(name);
  await page.getByRole("button", { name: `Create ${kind}` }).click();
  await page.waitForSelector(`[data-screen=${kind}-editor] [data-testid=config-name]:text-is("${name}")`, { timeout: TIMEOUT });
  return new URL(page.url()).pathname;
}

async function setParents(page, names) {
  for (const parent of names) {
    await page.getByLabel("add parent").selectOption({ label: parent });
    await page.getByRole("button", { name: "Add parent" }).click();
  }
}

let exitCode = 0;
try {
  // --- sign in, the tenant tree, a new tenant
  const a = await watchedPage("a");
  await signIn(a, "a");
  report.identity = await a.locator("[data-testid=identity]").innerText();
  await screen(a, "tenants", () => a.goto(base + "/"), "[data-screen=tenants] .tenant");

  report.step = "create tenant";
  const root = a.locator(".tenant").first();
  await root.getByRole("button", { name: "Add sub-tenant" }).first().click();
  const suffix = Date.now() % 100000;
  const tenantName = `Acme E2E ${suffix}`;
  report.suffix = suffix;
  await a.getByLabel("sub-tenant name").fill(tenantName);
  await a.getByRole("button", { name: "Create", exact: true }).click();
  const acme = a.locator(".tenant", { has: a.locator(".tenant-name", { hasText: tenantName }) }).last();
  await acme.waitFor({ timeout: TIMEOUT });
  const templatesHref = await acme.getByRole("link", { name: "Templates" }).first().getAttribute("href");
  const tenantUuid = templatesHref.split("/")[2];
  await shot(a, "tenant-created");
  await screen(a, "templates", () => acme.getByRole("link", { name: "Templates" }).first().click(), "[data-screen=templates] [data-testid=total-count]");

  // --- two templates, a template with both as parents, an endpoint under it
  report.step = "template tpl-a";
  const tplAPath = await createConfig(a, tenantUuid, "template", "tpl-a");
  await addOption(a, "endpoint", "context", "from-a");
  await previewAndSave(a);
  report.step = "template tpl-b";
  const tplBPath = await createConfig(a, tenantUuid, "template", "tpl-b");
  await addOption(a, "endpoint", "context", "from-b");
  await addOption(a, "endpoint", "allow", "ulaw");
  await previewAndSave(a);
  report.step = "template office";
  await createConfig(a, tenantUuid, "template", "office");
  await setParents(a, ["tpl-a", "tpl-b"]);
  await previewAndSave(a);
  report.step = "endpoint alice";
  report.endpoint = `alice${suffix}`;
  const alicePath = await createConfig(a, tenantUuid, "endpoint", report.endpoint);
  await setParents(a, ["office"]);
  // An unknown key: the form suggests the documented one, the API's error lands on its row.
  report.step = "unknown key";
  const endpointBox = a.locator("[data-section=endpoint]");
  await endpointBox.getByLabel("add option").fill("dtmfmode");
  report.suggestion = await endpointBox.locator("[data-testid=unknown-key]").innerText();
  await endpointBox.getByRole("button", { name: "Add", exact: true }).click();
  await endpointBox.getByLabel("dtmfmode value").fill("info");
  await a.getByRole("button", { name: "Preview impact" }).click();
  const rowError = endpointBox.locator(".option-group[data-key=dtmfmode] .option-row .field-error");
  await rowError.waitFor({ timeout: TIMEOUT });
  report.fieldError = await rowError.innerText();
  await shot(a, "field-error");
  await endpointBox.locator(".option-group[data-key=dtmfmode] .option-key").getByRole("button", { name: "dtmf_mode" }).click();
  await previewAndSave(a);

  // --- the inheritance graph
  report.step = "graph";
  await screen(a, "graph", () => a.goto(`${base}/tenants/${tenantUuid}/graph`), "[data-screen=graph] .graph-node");
  report.graphEdges = await a.locator(".graph-edge").evaluateAll((edges) => {
    const name = (uuid) => document.querySelector(`.graph-node[data-uuid="${uuid}"]`)?.getAttribute("data-name");
    return edges.map((e) => `${name(e.dataset.from)}>${name(e.dataset.to)}#${e.textContent.trim()}`).sort();
  });

  // --- the resolved view: context comes from tpl-a and overrides tpl-b's
  report.step = "resolved view";
  await screen(a, "endpoint-editor", () => a.goto(base + alicePath), "[data-section=endpoint] .resolved tr[data-key=context]");
  const contextRow = a.locator("[data-section=endpoint] .resolved tr[data-key=context]");
  report.resolvedContext = {
    value: await contextRow.locator(".value").innerText(),
    origin: await contextRow.locator(".origin").innerText(),
    originHref: await contextRow.locator(".origin a").getAttribute("href"),
    overrides: await contextRow.locator(".overrides").innerText(),
  };

  // --- override the inherited context here, then remove the override again
  report.step = "override here";
  await contextRow.getByRole("button", { name: "override here" }).click();
  await a.locator("[data-section=endpoint] .own").getByLabel("context value").fill("own-ctx");
  await previewAndSave(a);
  await a.waitForFunction(
    () => document.querySelector("[data-section=endpoint] .resolved tr[data-key=context] .value")?.textContent === "own-ctx",
    null,
    { timeout: TIMEOUT },
  );
  report.overridden = {
    origin: await contextRow.locator(".origin").innerText(),
    overrides: await contextRow.locator(".overrides").innerText(),
  };
  await shot(a, "override-here");
  report.step = "remove override";
  await contextRow.getByRole("button", { name: "remove override" }).click();
  await previewAndSave(a);
  await a.waitForFunction(
    () => document.querySelector("[data-section=endpoint] .resolved tr[data-key=context] .value")?.textContent === "from-b",
    null,
    { timeout: TIMEOUT },
  );
  report.afterRemove = await contextRow.locator(".origin").innerText();

  // --- a second context watches alice while tpl-a changes
  report.step = "second context";
  const b = await watchedPage("b");
  await signIn(b, "b");
  await b.goto(base + alicePath);
  await b.waitForSelector("[data-section=endpoint] .resolved tr[data-key=context]", { timeout: TIMEOUT });

  report.tplA = tplAPath;
  report.tplB = tplBPath;

  report.step = "impact preview equals the record";
  await screen(a, "template-editor", () => a.goto(base + tplBPath), "[data-screen=template-editor] [data-testid=config-name]");
  await a.getByLabel("context value").fill("from-b2");
  const saved = await previewAndSave(a);
  report.preview = saved.previewed;
  report.recorded = saved.recorded;
  report.recordedSeqs = saved.seqs;
  await shot(a, "impact-recorded");

  report.step = "live change in the second context";
  await b.waitForFunction(
    () => document.querySelector("[data-section=endpoint] .resolved tr[data-key=context] .value")?.textContent === "from-b2",
    null,
    { timeout: TIMEOUT },
  );
  report.liveValue = await b.locator("[data-section=endpoint] .resolved tr[data-key=context] .value").innerText();
  report.liveActivity = await b.locator(".activity-item").count();
  await shot(b, "live-second-context");

  // --- a stale save: b edits alice while a saves alice
  report.step = "conflict";
  await b.getByLabel("label").fill("from b");
  await a.goto(base + alicePath);
  await a.waitForSelector("[data-screen=endpoint-editor] [data-testid=config-name]", { timeout: TIMEOUT });
  await a.getByLabel("label").fill("from a");
  await previewAndSave(a);
  await b.getByRole("button", { name: "Preview impact" }).click();
  await b.locator("[data-testid=conflict]").waitFor({ timeout: TIMEOUT });
  report.conflictShown = true;
  // a's panel outlived its page loads: resumed after the last update seen, without gap or duplicate
  report.activityA = (await a.locator(".activity-item .seq").allInnerTexts()).map((t) => Number(t.slice(1)));
  await shot(b, "conflict");
  const apply = b.getByRole("button", { name: /^Apply my changes on revision/ });
  report.theirRevision = Number((await apply.innerText()).match(/\d+$/)[0]);
  await apply.click();
  await previewAndSave(b);
  report.afterConflict = {
    revision: await b.locator("[data-testid=revision]").innerText(),
    label: await b.getByLabel("label").inputValue(),
  };

  // --- endpoints list with its filter, then the import
  report.step = "endpoint list";
  await screen(a, "endpoints", () => a.goto(`${base}/tenants/${tenantUuid}/endpoints`), "[data-screen=endpoints] [data-testid=total-count]");
  report.step = "endpoint list filters";
  const total = () => a.locator("[data-screen=endpoints] [data-testid=total-count]").innerText();
  await a.getByLabel("inherits from").selectOption({ label: "tpl-a" });
  await a.waitForFunction(() => document.querySelector("[data-testid=total-count]")?.textContent === "1 in all", null, { timeout: TIMEOUT });
  report.filtered = { total: await total(), names: await a.locator("[data-testid=config-list] tbody td:first-child").allInnerTexts() };
  await a.getByLabel("inherits from").selectOption({ label: "any template" });
  await a.getByLabel("search").fill("no-such-name");
  await a.waitForFunction(() => document.querySelector("[data-testid=total-count]")?.textContent === "0 in all", null, { timeout: TIMEOUT });
  report.searchedNothing = await total();
  report.step = "export";
  const [download] = await Promise.all([
    a.waitForEvent("download", { timeout: TIMEOUT }),
    a.getByRole("button", { name: "Export pjsip.conf" }).click(),
  ]);
  const { readFile } = await import("node:fs/promises");
  report.exported = await readFile(await download.path(), "utf8");
  report.exportedName = download.suggestedFilename();
  report.step = "import";
  await screen(a, "import", () => a.goto(`${base}/tenants/${tenantUuid}/import`), `[data-screen=import] h2:has-text('${tenantName}')`);
  const conf = [
    "[imported-base](!)",
    "type = endpoint",
    "context = imported",
    "",
    `[bob${suffix}](imported-base)`,
    "type = endpoint",
    "callerid = Bob <300>",
    "",
    "[strange]",
    "type = nonsense",
    "",
    // enough endpoints for a second page of the list
    ...Array.from({ length: 24 }, (_, i) => `[desk${suffix}-${String(i).padStart(2, "0")}](imported-base)\ntype = endpoint\n`),
  ].join("\n");
  await a.getByLabel("configuration text").fill(conf);
  await a.getByRole("button", { name: "Check (dry run)" }).click();
  const dry = a.locator("[data-testid=import-report]");
  await dry.waitFor({ timeout: TIMEOUT });
  report.importReport = {
    endpoints: await dry.locator("[data-testid=import-endpoints]").innerText(),
    templates: await dry.locator("[data-testid=import-templates]").innerText(),
    unmapped: Number(await dry.locator("[data-testid=import-unmapped-count]").innerText()),
  };
  await shot(a, "import-report");
  await a.getByRole("button", { name: "Import", exact: true }).click();
  const applied = a.locator("[data-testid=import-applied]");
  await applied.waitFor({ timeout: TIMEOUT });
  report.imported = { endpoints: await applied.locator("[data-testid=import-endpoints]").innerText() };

  // --- pages of the endpoint list
  report.step = "paging";
  await a.goto(`${base}/tenants/${tenantUuid}/endpoints`);
  const names = () => a.locator("[data-testid=config-list] tbody td:first-child").allInnerTexts();
  await a.waitForSelector("[data-testid=total-count]", { timeout: TIMEOUT });
  const first = await names();
  await a.getByRole("button", { name: "Next" }).click();
  await a.waitForFunction(() => document.querySelector(".pager span")?.textContent === "page 2", null, { timeout: TIMEOUT });
  await a.waitForFunction((before) => document.querySelector("[data-testid=config-list] tbody td")?.textContent !== before, first[0], { timeout: TIMEOUT });
  const second = await names();
  await a.getByRole("button", { name: "Previous" }).click();
  await a.waitForFunction((before) => document.querySelector("[data-testid=config-list] tbody td")?.textContent === before, first[0], { timeout: TIMEOUT });
  report.paging = { total: await a.locator("[data-testid=total-count]").innerText(), first, second, back: await names() };

  // --- a chan_sip migration into a tenant created without default templates
  report.step = "sip.conf import";
  await a.goto(base + "/");
  await a.locator(".tenant").first().getByRole("button", { name: "Add sub-tenant" }).first().click();
  await a.getByLabel("sub-tenant name").fill(`Legacy ${suffix}`);
  await a.getByLabel("default templates").uncheck();
  await a.getByRole("button", { name: "Create", exact: true }).click();
  const legacy = a.locator(".tenant", { has: a.locator(".tenant-name", { hasText: `Legacy ${suffix}` }) }).last();
  await legacy.waitFor({ timeout: TIMEOUT });
  await legacy.getByRole("link", { name: "Import" }).first().click();
  await a.waitForSelector(`[data-screen=import] h2:has-text('Legacy ${suffix}')`, { timeout: TIMEOUT });
  await a.getByLabel("format").selectOption("sip");
  const sipConf = ["[general]", "context=public", "", `[carol${suffix}]`, "type=friend", "host=dynamic", "secret=s3cret", "call-limit=2", ""];
  await a.getByLabel("configuration text").fill(sipConf.join("\n"));
  await a.getByRole("button", { name: "Check (dry run)" }).click();
  const sipDry = a.locator("[data-testid=import-report]");
  await sipDry.waitFor({ timeout: TIMEOUT });
  report.sipReport = {
    endpoints: await sipDry.locator("[data-testid=import-endpoints]").innerText(),
    unmapped: await sipDry.locator(".unmapped").innerText(),
  };
  await shot(a, "sip-import-report");
  await a.getByRole("button", { name: "Import", exact: true }).click();
  await a.locator("[data-testid=import-applied]").waitFor({ timeout: TIMEOUT });
  report.sipImported = await a.locator("[data-testid=import-applied] [data-testid=import-endpoints]").innerText();

  // --- a password: typed into a password field, kept off screen in the resolved view until asked
  report.step = "secret";
  await createConfig(a, tenantUuid, "template", "with-secret");
  await a.locator(".more-sections").getByRole("button", { name: "Auth", exact: true }).click();
  const authBox = a.locator("[data-section=auth]");
  await authBox.waitFor({ timeout: TIMEOUT });
  const focused = () => a.evaluate(() => document.activeElement?.getAttribute("aria-label") ?? document.activeElement?.tagName);
  report.focusAfterOpen = await focused();  // the opened section's "add option" field
  await authBox.getByLabel("add option").fill("password");
  await authBox.getByRole("button", { name: "Add", exact: true }).click();
  await authBox.locator(".own").getByLabel("password value", { exact: true }).waitFor({ timeout: TIMEOUT });
  report.focusAfterAdd = await focused();  // the new option's value field
  const secretField = authBox.locator(".own").getByLabel("password value", { exact: true });
  await secretField.fill("s3cret-pw");
  report.secretFieldType = await secretField.getAttribute("type");
  await previewAndSave(a);
  const secretCell = authBox.locator(".resolved tr[data-key=password] .value");
  await secretCell.waitFor({ timeout: TIMEOUT });
  report.secretHidden = await secretCell.innerText();
  await secretCell.getByRole("button", { name: "show password in effect" }).click();
  report.secretShown = await secretCell.innerText();
  await shot(a, "secret-shown");

  // --- the menu leads to the tenant being worked in, not the token's own
  const menuEndpoints = await a.locator("header nav").getByRole("link", { name: "Endpoints" }).getAttribute("href");
  report.menuFollowsTenant = menuEndpoints === `/tenants/${tenantUuid}/endpoints`;

  // --- unsaved work: leaving asks first; refused, the edit stays; accepted, it goes
  report.step = "unsaved work";
  await secretField.fill("edited-not-saved");
  const editorPath = new URL(a.url()).pathname;
  const answers = [false, true];
  report.leaveQuestions = [];
  const onDialog = async (dialog) => {
    report.leaveQuestions.push(dialog.message());
    if (answers.shift()) await dialog.accept();
    else await dialog.dismiss();
  };
  a.on("dialog", onDialog);
  await a.locator(".crumbs").getByRole("link", { name: "Templates" }).click();
  await a.waitForTimeout(300);
  report.stayed = new URL(a.url()).pathname === editorPath && (await secretField.inputValue()) === "edited-not-saved";
  await a.locator(".crumbs").getByRole("link", { name: "Templates" }).click();
  await a.waitForSelector("[data-screen=templates] [data-testid=total-count]", { timeout: TIMEOUT });
  a.off("dialog", onDialog);

  // --- a phone-sized window: one column, nothing out of reach sideways
  report.step = "narrow window";
  await a.setViewportSize({ width: 390, height: 844 });
  await a.goto(base + editorPath);
  await authBox.locator(".resolved tr[data-key=password]").waitFor({ timeout: TIMEOUT });
  report.narrow = await a.evaluate(() => {
    const inView = (element) => {
      const box = element?.getBoundingClientRect();
      return Boolean(box) && box.left >= 0 && box.right <= window.innerWidth;
    };
    const widest = [...document.querySelectorAll("body *")]
      .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
      .slice(-3)
      .map((e) => `${e.tagName}.${e.className}`);
    return {
      widest,
      pageWidth: document.documentElement.scrollWidth,
      viewWidth: window.innerWidth,
      signOutInView: inView([...document.querySelectorAll("header button")].find((b) => b.textContent === "Sign out")),
      resolvedInView: inView(document.querySelector("[data-section=auth] .resolved h4")),
      ownInView: inView(document.querySelector("[data-section=auth] .own input")),
    };
  });
  await shot(a, "narrow-editor");
  await a.setViewportSize({ width: 1400, height: 1000 });

  // --- rename a tenant, then delete it after its dry-run confirmation
  report.step = "rename and delete a tenant";
  await a.goto(base + "/");
  const acmeAgain = a.locator(".tenant", { has: a.locator(".tenant-name", { hasText: tenantName }) }).last();
  await acmeAgain.waitFor({ timeout: TIMEOUT });
  await acmeAgain.getByRole("button", { name: "Rename" }).first().click();
  await a.getByLabel("new name").fill(`${tenantName} renamed`);
  await a.getByRole("button", { name: "Save name" }).click();
  const renamed = a.locator(".tenant", { has: a.locator(".tenant-name", { hasText: `${tenantName} renamed` }) }).last();
  await renamed.waitFor({ timeout: TIMEOUT });
  await renamed.getByRole("button", { name: "Delete", exact: true }).first().click();
  const confirmation = a.locator("[data-testid=delete-confirmation]");
  await confirmation.locator("[data-testid=impact-preview]").waitFor({ timeout: TIMEOUT });
  report.deleteConfirmation = await confirmation.locator("p").first().innerText();
  await shot(a, "delete-confirmation");
  await confirmation.getByRole("button", { name: `Delete ${tenantName} renamed` }).click();
  await renamed.waitFor({ state: "detached", timeout: TIMEOUT });
  report.tenantsAfterDelete = await a.locator(".tenant-name").allInnerTexts();

  // --- a token the server no longer accepts: the tab goes back to sign-in and says why
  report.step = "token refused";
  await a.evaluate(() => sessionStorage.setItem("pjsip-graph.token", "pjg_no-longer-valid"));
  await a.goto(base + "/");
  const signedOut = a.locator("[data-testid=signed-out]");
  await signedOut.waitFor({ timeout: TIMEOUT });
  report.signedOut = await signedOut.innerText();
  report.step = "done";
} catch (error) {
  report.error = String(error?.stack ?? error);
  exitCode = 1;
} finally {
  await browser.close();
}
console.log(JSON.stringify(report));
process.exit(exitCode);
