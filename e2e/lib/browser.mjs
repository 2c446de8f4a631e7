// Debian's Chromium driven by playwright-core, and the frame of every test:
// a scenario gives each person (citizen, accueil agent, service, supervisor)
// a browser of their own (separate cookies), checks every page they land on
// (lib/checks.mjs), keeps a screenshot of each step, and writes them under
// e2e/artifacts/<scenario>/ when the scenario fails.

import { test } from 'node:test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

import { axe, desktop, recordHTML, reflow } from './checks.mjs';
import { choose, press, typeInto } from './keyboard.mjs';

export const baseURL = process.env.BASE_URL;
if (!baseURL) throw new Error('BASE_URL is not set: run the browser tests with `make e2e`');

const artifacts = join(dirname(fileURLToPath(import.meta.url)), '..', 'artifacts');

// launch starts Debian's Chromium headless. Without the background-network
// flags it keeps trying to reach Google's hosts, which this network refuses.
// playwright-core gives it a fresh temporary profile (--user-data-dir) and
// removes it on close.
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const slug = (s) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

// scenario declares a test that runs fn(run) with a fresh browser. With
// keyboard, every person acts with the keyboard only (see Actor.click).
export function scenario(name, fn, { keyboard = false } = {}) {
  test(name, async () => {
    const browser = await launch();
    const run = new Run(browser, name, keyboard);
    try {
      await fn(run);
      await run.finish();
    } catch (err) {
      await run.keepArtifacts();
      throw err;
    } finally {
      await browser.close();
    }
  });
}

class Run {
  constructor(browser, name, keyboard) {
    this.browser = browser;
    this.name = name;
    this.keyboard = keyboard;
    this.actors = [];
    this.shots = [];
  }

  // actor opens a browser window of its own for one person.
  async actor(name) {
    const context = await this.browser.newContext({
      baseURL, viewport: desktop, locale: 'fr-FR', timezoneId: 'Europe/Paris',
    });
    context.setDefaultTimeout(15_000);
    const a = new Actor(this, name, await context.newPage());
    this.actors.push(a);
    return a;
  }

  async finish() {
    for (const a of this.actors) await a.settle();
  }

  async keepArtifacts() {
    const dir = join(artifacts, slug(this.name));
    mkdirSync(dir, { recursive: true });
    for (const a of this.actors) {
      try {
        this.shots.push({ name: `${a.name} — échec (${a.stepName})`, png: await a.page.screenshot({ fullPage: true }) });
      } catch { /* the page is gone; the earlier steps are still kept */ }
    }
    this.shots.forEach((s, i) => writeFileSync(join(dir, `${String(i + 1).padStart(2, '0')}-${slug(s.name)}.png`), s.png));
    console.error(`# ${this.shots.length} screenshots in ${dir}`);
  }
}

// An Actor is one person in one browser window. Every page they arrive on
// through goto or step is checked: axe-core, reflow, script errors.
export class Actor {
  constructor(run, name, page) {
    this.run = run;
    this.name = name;
    this.page = page;
    this.stepName = 'ouverture';
    this.errors = [];
    page.on('pageerror', (err) => this.errors.push(`script error: ${err.message}`));
    page.on('console', (m) => {
      // A 404 or 422 page is a resource load failure to the console: the
      // tests check those statuses themselves.
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) this.errors.push(`console: ${m.text()}`);
    });
    this.htmlSaved = recordHTML(page, () => `${this.run.name} › ${this.name} › ${this.stepName}`);
  }

  // goto opens a path (or a full URL, e.g. from an e-mail) and checks the page.
  async goto(path, label = `ouvre ${path}`) {
    return this.step(label, async (page) => page.goto(path));
  }

  // step does something on the page (fills, clicks…), waits for the page it
  // leads to, and checks it. It returns what fn returned.
  async step(label, fn) {
    this.stepName = label;
    const page = this.page;
    // Playwright's click waits for the navigation it starts, a key press
    // does not: watch for a main-frame navigation and wait for its load.
    let navigating = false;
    let loaded = false;
    const onRequest = (r) => {
      if (r.isNavigationRequest() && r.frame() === page.mainFrame()) { navigating = true; loaded = false; }
    };
    const onLoad = () => { if (navigating) loaded = true; };
    page.on('request', onRequest);
    page.on('load', onLoad);
    try {
      const out = await fn(page);
      const quiet = Date.now() + 300; // a key press starts loading a moment later
      while (!navigating && Date.now() < quiet) await sleep(20);
      const deadline = Date.now() + 15_000;
      while (navigating && !loaded) {
        if (Date.now() > deadline) throw new Error(`${this.name} › ${label}: the page did not finish loading`);
        await sleep(20);
      }
      try {
        await this.check();
      } catch (err) {
        // A page that began loading after the quiet time: check it once loaded.
        if (!/Execution context was destroyed/.test(err.message)) throw err;
        await page.waitForLoadState('load');
        await this.check();
      }
      return out;
    } finally {
      page.off('request', onRequest);
      page.off('load', onLoad);
    }
  }

  // click, fill, choose and tick act on an element with the mouse, or, in a
  // keyboard-only scenario, by reaching it with Tab and using keys.
  async click(locator) {
    if (this.run.keyboard) await press(this.page, locator, 'Enter');
    else await locator.click();
  }

  async fill(locator, text) {
    if (this.run.keyboard) await typeInto(this.page, locator, text);
    else await locator.fill(text);
  }

  async choose(locator, label) {
    if (this.run.keyboard) await choose(this.page, locator, label);
    else await locator.selectOption({ label });
  }

  async tick(locator) {
    if (this.run.keyboard) await press(this.page, locator, 'Space');
    else await locator.check();
  }

  // check runs the checks on the page as it is now and keeps a screenshot.
  async check() {
    const where = `${this.name} › ${this.stepName} (${new URL(this.page.url()).pathname})`;
    const problems = [...(await axe(this.page)).map((v) => `axe ${v}`), ...(await reflow(this.page)).map((r) => `reflow ${r}`), ...this.errors];
    this.errors = [];
    this.run.shots.push({ name: `${this.name} — ${this.stepName}`, png: await this.page.screenshot({ fullPage: true }) });
    if (problems.length) throw new Error(`${where}:\n  ${problems.join('\n  ')}`);
  }

  async settle() {
    await this.htmlSaved();
  }
}
