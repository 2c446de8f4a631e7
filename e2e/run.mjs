// Runs the end-to-end tests against a fresh Guichet: `make e2e` builds the
// binary and calls this. It starts bin/guichet on a free port with a
// temporary DATA_DIR (so its own PostgreSQL, with the demo commune, and a
// mailbox kept in the database at /dev/mail), waits until it answers, runs
// the node tests, validates every HTML page they saw with the Nu Html
// Checker in one Java run, and stops the server whatever happened.
//
// Usage: node run.mjs [test files...]   (default: every tests/*.test.mjs)
//
// With E2E_BASE_URL set, no server is started: the tests run against that
// address (the cluster of scripts/cluster.sh, `make e2e-cluster`), and the
// operator commands they run get this process's environment (DATABASE_URL,
// DATA_DIR… of the servers there).

import { spawn, spawnSync } from 'node:child_process';
import { openSync, closeSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const artifacts = join(here, 'artifacts');
const binary = process.env.GUICHET_BIN || join(root, 'bin', 'guichet'); // another build: GUICHET_BIN=…

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// waitReady polls the home page until it answers 200; it gives up if the
// server exits or after two minutes (a first start runs initdb).
async function waitReady(baseURL, server) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`guichet exited with code ${server.exitCode} before answering`);
    try {
      const r = await fetch(baseURL + '/');
      if (r.ok) return;
    } catch { /* not listening yet */ }
    await sleep(250);
  }
  throw new Error('guichet did not answer within 2 minutes');
}

function stop(server) {
  if (server.exitCode !== null || server.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => server.kill('SIGKILL'), 20_000);
    server.once('exit', () => { clearTimeout(kill); resolve(); });
    server.kill('SIGTERM'); // guichet stops its PostgreSQL on SIGTERM
  });
}

// validateHTML runs vnu once over every distinct page the tests saved and
// prints each error with the address of the page that had it.
function validateHTML(htmlDir) {
  const files = readdirSync(htmlDir).filter((f) => f.endsWith('.html')).sort();
  if (files.length === 0) {
    console.error('HTML: no page was recorded');
    return false;
  }
  const jar = join(here, 'node_modules', 'vnu-jar', 'build', 'dist', 'vnu.jar');
  const res = spawnSync('java', ['-jar', jar, '--format', 'json', '--stdout', ...files], { cwd: htmlDir, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (res.error) throw res.error;
  const messages = JSON.parse(res.stdout).messages;
  const errors = messages.filter((m) => m.type === 'error' || m.subType === 'fatal');
  console.log(`HTML: ${files.length} distinct pages checked by the Nu Html Checker, ${errors.length} error(s)`);
  if (errors.length === 0) return true;
  // One line per distinct error, with the pages that have it.
  mkdirSync(join(artifacts, 'html'), { recursive: true });
  const groups = new Map();
  for (const e of errors) {
    const file = decodeURIComponent(new URL(e.url).pathname.split('/').pop());
    copyFileSync(join(htmlDir, file), join(artifacts, 'html', file));
    // lib/checks.mjs writes where it saw each page next to it.
    const seen = JSON.parse(readFileSync(join(htmlDir, file.replace(/\.html$/, '.json')), 'utf8'));
    const key = e.message;
    if (!groups.has(key)) groups.set(key, { e, file, pages: new Set() });
    groups.get(key).pages.add(`${seen.url} (${seen.step})`);
  }
  for (const { e, file, pages } of groups.values()) {
    console.error(`  ${e.message}\n    ${file} line ${e.lastLine}: ${(e.extract || '').replace(/\s+/g, ' ').slice(0, 200)}`);
    for (const p of [...pages].slice(0, 3)) console.error(`    on ${p}`);
    if (pages.size > 3) console.error(`    and ${pages.size - 3} more pages`);
  }
  console.error(`  the pages are kept in ${join(artifacts, 'html')}`);
  return false;
}

// runTests runs the node tests against baseURL, then the Nu Html Checker
// on the pages they saved, and tells whether both passed.
function runTests(baseURL, htmlDir, guichetEnv) {
  const files = process.argv.slice(2);
  const tests = files.length ? files : readdirSync(join(here, 'tests')).filter((f) => f.endsWith('.test.mjs')).sort().map((f) => join('tests', f));
  const t0 = Date.now();
  const res = spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...tests], {
    cwd: here, stdio: 'inherit', env: { ...process.env, BASE_URL: baseURL, E2E_HTML_DIR: htmlDir, E2E_GUICHET: JSON.stringify(guichetEnv) },
  });
  console.log(`browser tests: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const htmlOK = validateHTML(htmlDir);
  return res.status === 0 && htmlOK;
}

// external runs the tests against a server already running at baseURL.
async function external(baseURL) {
  const work = mkdtempSync(join(tmpdir(), 'guichet-e2e-'));
  const htmlDir = join(work, 'html');
  mkdirSync(htmlDir);
  rmSync(artifacts, { recursive: true, force: true });
  let ok = false;
  try {
    const r = await fetch(baseURL + '/readyz');
    if (!r.ok) throw new Error(`${baseURL}/readyz answers ${r.status}`);
    console.log(`testing ${baseURL} (E2E_BASE_URL)`);
    ok = runTests(baseURL, htmlDir, { binary, cwd: work, env: {} });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  process.exit(ok ? 0 : 1);
}

async function main() {
  if (!existsSync(binary)) throw new Error(`${binary} is missing: run make e2e`);
  if (process.env.E2E_BASE_URL) return external(process.env.E2E_BASE_URL.replace(/\/+$/, ''));
  const work = mkdtempSync(join(tmpdir(), 'guichet-e2e-'));
  const htmlDir = join(work, 'html');
  mkdirSync(htmlDir);
  rmSync(artifacts, { recursive: true, force: true });

  const logPath = join(work, 'server.log');
  const logFD = openSync(logPath, 'w');
  const port = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;
  // The tests run operator commands (guichet commune add…) on the same
  // database: they get the binary and this environment (E2E_GUICHET).
  const serverEnv = { GUICHET_ENV: 'development', DATA_DIR: join(work, 'data'), HOST: '127.0.0.1', PORT: String(port), BASE_URL: baseURL, DATABASE_URL: '', SMTP_URL: '', ARGON2_MEMORY_KIB: '8192' };
  const server = spawn(binary, ['serve'], {
    cwd: work,
    env: { ...process.env, ...serverEnv },
    // A file, not a pipe: the tests run in spawnSync, which blocks this
    // process's event loop, so nothing would drain a pipe; once its 64 KiB
    // were full, every log line the server writes would block a request.
    stdio: ['ignore', logFD, logFD],
  });
  const interrupted = () => stop(server).then(() => process.exit(130));
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);

  let ok = false;
  const started = Date.now();
  try {
    await waitReady(baseURL, server);
    console.log(`guichet is ready on ${baseURL} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    ok = runTests(baseURL, htmlDir, { binary, cwd: work, env: serverEnv });
  } finally {
    await stop(server);
    closeSync(logFD);
    if (!ok) {
      mkdirSync(artifacts, { recursive: true });
      const text = readFileSync(logPath, 'utf8');
      console.error(`server log (last lines; all of it in ${join(artifacts, 'server.log')}):\n` + text.split('\n').slice(-30).join('\n'));
      writeFileSync(join(artifacts, 'server.log'), text);
    }
    rmSync(work, { recursive: true, force: true });
  }
  process.exit(ok ? 0 : 1);
}

main().catch((err) => { console.error(err); process.exit(1); });
