// Opens GraphiQL in Debian's Chromium, runs one query, and reports every request that left the server.
// Usage: node graphiql.mjs <chromium> <base URL> <token>
import { chromium } from "playwright-core";

const [executablePath, base, token] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath, headless: true, args: ["--no-sandbox"] });
const report = { elsewhere: [], failed: [], pageErrors: [], consoleErrors: [], result: null };
try {
  const page = await browser.newPage();
  const origin = new URL(base).origin;
  page.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith(origin) && !url.startsWith("data:") && !url.startsWith(origin.replace("http", "ws"))) {
      report.elsewhere.push(url);
    }
  });
  page.on("requestfailed", (request) => report.failed.push(`${request.url()} ${request.failure()?.errorText}`));
  page.on("pageerror", (error) => report.pageErrors.push(String(error)));
  page.on("console", (message) => {
    if (message.type() === "error") report.consoleErrors.push(message.text());
  });
  const query = "{ __typename }";
  const headers = JSON.stringify({ Authorization: `Bearer ${token}` });
  const url = `${base}/graphql?q=${encodeURIComponent(query)}&headers=${encodeURIComponent(headers)}`;
  await page.goto(url, { waitUntil: "load" });
  await page.waitForSelector(".graphiql-container", { timeout: 30000 });
  await page.click(".graphiql-execute-button");
  await page.waitForFunction(
    () => (document.querySelector(".result-window")?.textContent ?? "").includes("__typename"),
    null,
    { timeout: 30000 },
  );
  report.result = await page.textContent(".result-window");
} finally {
  await browser.close();
}
console.log(JSON.stringify(report));
