// The checks every page the tests visit must pass: axe-core (no serious or
// critical violation), reflow at 360 px and at 200 % zoom (no horizontal
// scroll of the page), no script error; and the recording of each served
// HTML page for the Nu Html Checker, which run.mjs runs once at the end.

import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// The desktop window the tests use; 200 % zoom of it is a viewport half as
// wide and high in CSS pixels, which is what the browser lays out.
export const desktop = { width: 1280, height: 800 };
const widths = [
  { name: '360 px (téléphone)', width: 360, height: 740 },
  { name: 'zoom 200 %', width: desktop.width / 2, height: desktop.height / 2 },
];

// axe injects axe-core and lists the serious and critical violations.
// page.evaluate is not subject to the page's Content-Security-Policy, which
// forbids inline scripts (page.addScriptTag would be refused).
export async function axe(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(axeSource);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.helpUrl})\n` +
      v.nodes.slice(0, 5).map((n) => `      ${n.target.join(' ')} — ${n.failureSummary.replace(/\n\s*/g, ' ')}`).join('\n'));
}

// reflow lays the page out at each narrow width and lists the widths where
// the page scrolls sideways, with the elements that stick out. Tables in a
// .table-wrapper scroll inside it, which is allowed (WCAG 1.4.10).
export async function reflow(page) {
  const problems = [];
  for (const w of widths) {
    await page.setViewportSize({ width: w.width, height: w.height });
    const over = await page.evaluate(() => {
      const root = document.documentElement;
      if (root.scrollWidth <= root.clientWidth) return null;
      // Name the culprits: what sticks out of the page, leaving aside what
      // scrolls inside a clipping box, except positioned elements, which
      // escape a box that is not their containing block.
      const clipped = (el) => {
        for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
          if (getComputedStyle(p).overflowX !== 'visible') return true;
        }
        return false;
      };
      const out = [];
      for (const el of document.body.querySelectorAll('*')) {
        const r = el.getBoundingClientRect();
        const positioned = ['absolute', 'fixed'].includes(getComputedStyle(el).position);
        if (r.right > root.clientWidth + 1 && (positioned || !clipped(el)) && out.length < 5) {
          out.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : ''} (right edge ${Math.round(r.right)} px)`);
        }
      }
      return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, out };
    });
    if (over) problems.push(`${w.name}: the page is ${over.scrollWidth} px wide for ${over.clientWidth} px; sticking out: ${over.out.join(', ')}`);
  }
  await page.setViewportSize(desktop);
  return problems;
}

// recordHTML saves the body of every HTML page the main frame receives
// (redirects aside), once per distinct content, with where it was seen.
// The served source is validated, not the DOM after scripts ran.
export function recordHTML(page, where) {
  const dir = process.env.E2E_HTML_DIR;
  const pending = [];
  page.on('response', (r) => {
    if (!dir || !r.request().isNavigationRequest() || r.frame() !== page.mainFrame()) return;
    if (r.status() >= 300 && r.status() < 400) return;
    if (!(r.headers()['content-type'] || '').startsWith('text/html')) return;
    const url = r.url();
    const step = where();
    const saved = r.text().then((body) => {
      const name = createHash('sha1').update(body).digest('hex').slice(0, 16);
      writeFileSync(join(dir, name + '.html'), body);
      writeFileSync(join(dir, name + '.json'), JSON.stringify({ url: new URL(url).pathname, step }));
    }, (err) => { throw new Error(`could not read the HTML of ${url} (${step}) for validation: ${err.message}`); });
    saved.catch(() => {}); // reported when the scenario awaits them all
    pending.push(saved);
  });
  return () => Promise.all(pending);
}
