// The built docs site in a headless Chromium: a page renders, search finds a method, and a
// method's reference lists its parameters. `node check.mjs SITE_DIR`, run by `nox -s docs`.
//
// The site is served over loopback HTTP (the search index is fetched by a web worker, which a
// file:// page cannot do). @sparticuz/chromium unpacks the Chromium its npm package carries into
// the temporary directory; every wait is bounded, so a broken site fails instead of hanging.
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, resolve } from "node:path";
import chromium from "@sparticuz/chromium";
import puppeteer from "puppeteer-core";

const site = resolve(process.argv[2] ?? "site");
const TIMEOUT = 30_000;
const TYPES = {
  ".html": "text/html", ".js": "text/javascript", ".css": "text/css",
  ".json": "application/json", ".svg": "image/svg+xml", ".xml": "application/xml",
};

const server = createServer(async (request, response) => {
  let path = join(site, normalize(decodeURIComponent(new URL(request.url, "http://x").pathname)));
  try {
    if ((await stat(path)).isDirectory()) path = join(path, "index.html");
    const body = await readFile(path);
    response.writeHead(200, { "Content-Type": TYPES[extname(path)] ?? "application/octet-stream" });
    response.end(body);
  } catch {
    response.writeHead(404).end("not found");
  }
});
await new Promise((ready) => server.listen(0, "127.0.0.1", ready));
const base = `http://127.0.0.1:${server.address().port}`;

const failures = [];
function check(ok, what) {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures.push(what);
}

const browser = await puppeteer.launch({
  executablePath: await chromium.executablePath(),
  args: chromium.args,
  headless: "shell",
});
try {
  const page = await browser.newPage();
  page.setDefaultTimeout(TIMEOUT);
  const errors = [];
  page.on("pageerror", (error) => errors.push(String(error)));

  // 1. The home page (README.md) renders, with the theme's navigation.
  await page.goto(`${base}/`, { waitUntil: "networkidle0" });
  const title = await page.$eval("article h1", (h1) => h1.textContent.trim());
  check(title.startsWith("datasync-grades"), `home page renders its title (${title})`);
  const nav = await page.$$eval(".md-nav__link", (links) => links.map((a) => a.textContent.trim()));
  check(nav.includes("API reference"), "the navigation lists the API reference");

  // 2. Search: typing a method's name lists the page that documents it.
  await page.click("label[for='__search']");
  await page.type("input.md-search__input", "push_data");
  const found = await page.waitForSelector(".md-search-result__item").catch(() => null);
  check(found !== null, "search lists results for push_data");
  const hits = await page.$$eval(".md-search-result__link", (links) => links.map((a) => a.href));
  check(
    hits.some((href) => href.includes("/docs/reference/resources/")),
    `search for push_data finds the resources reference (${hits.length} results)`,
  );

  // 3. A method's reference lists its parameters (the spec's filters of listExchanges).
  await page.goto(`${base}/docs/reference/resources/`, { waitUntil: "networkidle0" });
  // The method's block: its heading, its signature and its docstring.
  const method = await page.$eval(
    "[id='datasync_grades_api.api.ExchangesResource.list']",
    (heading) => heading.parentElement.textContent,
  );
  for (const parameter of ["course_app_id", "state", "posted_by", "search", "page_size", "max_items"]) {
    check(method.includes(`${parameter}:`), `ExchangesResource.list lists its parameter ${parameter}`);
  }
  check(errors.length === 0, `no script errors${errors.length ? ": " + errors.join("; ") : ""}`);
} finally {
  await browser.close();
  server.close();
}
if (failures.length) {
  console.error(`docs check: ${failures.length} failed`);
  process.exit(1);
}
console.log("docs check: every check passed");
