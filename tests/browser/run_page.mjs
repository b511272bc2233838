// SPDX-License-Identifier: BSL-1.0
// Opens pages in Debian's headless Chromium (driven by playwright-core; no browser download),
// waits until a JavaScript condition holds on each, prints a JavaScript value from each as
// JSON, and saves screenshots. The C++ browser tests spawn it against a server they started.
//
// usage: node run_page.mjs --url URL [--url URL2 ...] --until 'JS expression'
//          [--print 'JS expression'] [--screenshot path.png] [--timeout ms]
//
// Each --url opens its own page (tab) in one browser, in order, all open at once (two chat
// pages, say). --until is polled on every page until truthy; --print is evaluated on every page
// then, and stdout gets one JSON line per page. --screenshot saves the first page, or every
// page as path-1.png, path-2.png… when there are several. Exit status: 0 on success, 1 if a
// condition did not hold in time (the pages' console and errors go to stderr), 2 on bad usage.
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const chromiumPath = process.env.AHTTP_CHROMIUM || '/usr/bin/chromium';

function parseArgs(argv) {
  const args = { urls: [], until: 'true', print: 'document.title', screenshot: '', timeout: 15000 };
  for (let i = 0; i < argv.length; i += 2) {
    const [name, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`${name} needs a value`);
    if (name === '--url') args.urls.push(value);
    else if (name === '--until') args.until = value;
    else if (name === '--print') args.print = value;
    else if (name === '--screenshot') args.screenshot = value;
    else if (name === '--timeout') args.timeout = Number(value);
    else throw new Error(`unknown option ${name}`);
  }
  if (args.urls.length === 0) throw new Error('--url is required');
  return args;
}

function screenshotPath(base, index, count) {
  if (count === 1) return base;
  return base.replace(/(\.png)?$/, `-${index + 1}.png`);
}

async function main() {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`run_page: ${e.message}`);
    return 2;
  }
  if (!existsSync(chromiumPath)) {
    console.error(`run_page: ${chromiumPath} not found (scripts/install-deps.sh installs it)`);
    return 1;
  }
  const profile = mkdtempSync(join(tmpdir(), 'ahttp-chromium-'));
  let context;
  try {
    // A fresh profile each run; the flags keep Chromium off the network (this machine has
    // none beyond loopback) and quiet.
    context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      headless: true,
      args: [
        '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ],
      timeout: args.timeout,
    });
    const pages = [];
    for (const url of args.urls) {
      const page = pages.length === 0 && context.pages().length > 0
        ? context.pages()[0] : await context.newPage();
      const n = pages.length + 1;
      page.on('console', (m) => console.error(`[page ${n} console] ${m.text()}`));
      page.on('pageerror', (e) => console.error(`[page ${n} error] ${e.message}`));
      await page.goto(url, { timeout: args.timeout });
      pages.push(page);
    }
    let failed = false;
    for (const [index, page] of pages.entries()) {
      try {
        await page.waitForFunction(args.until, null, { timeout: args.timeout, polling: 50 });
      } catch (e) {
        console.error(`run_page: page ${index + 1}: "${args.until}" did not hold: ${e.message}`);
        failed = true;
      }
    }
    for (const [index, page] of pages.entries()) {
      const value = await page.evaluate(args.print);
      process.stdout.write(`${JSON.stringify(value)}\n`);
      if (args.screenshot) {
        await page.screenshot({ path: screenshotPath(args.screenshot, index, pages.length) });
      }
    }
    return failed ? 1 : 0;
  } finally {
    if (context) await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

main().then((code) => process.exit(code), (e) => {
  console.error(`run_page: ${e.stack || e}`);
  process.exit(1);
});
