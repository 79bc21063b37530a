// The lesson's page (ports/web) in Debian's chromium, driven by Playwright (playwright-core,
// pinned by package-lock.json). Serves BUILD/web with `python3 -m http.server` on loopback, and
// blocks every request off the page's origin (none may be made).
//
//   node test_web.mjs replay BUILD EXAMPLES   every shipped scenario of every example replayed
//        in the page (window.handoff.replay) gives exactly the host board's printed lines, log
//        lines and pin changes (its --vcd), run now by BUILD/bin/NAME; bad scenarios reject with
//        the host's reason as "line N: reason"
//   node test_web.mjs page BUILD EXAMPLES     the real page: a click on GP14 prints
//        "Press count: 1", the LED flashes three times with the buzzer, the timeline grows; keys,
//        speed, a loaded scenario file, the VCD and SVG downloads, a phone-sized screen
//
// Fails loudly when a tool is missing: chromium, playwright-core, python3, the web build (emcc).
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const [mode, build, examplesDir] = process.argv.slice(2);
if (!['replay', 'page'].includes(mode) || !build || !examplesDir) {
  console.error('usage: node test_web.mjs replay|page BUILD EXAMPLES');
  process.exit(2);
}
const CHROMIUM = '/usr/bin/chromium';
const fail = (msg) => { console.error('FAIL: ' + msg); process.exit(1); }; // exit handler: server, files

// ---- tools ------------------------------------------------------------------------------------
if (!fs.existsSync(CHROMIUM)) fail(`${CHROMIUM} missing: run tools/bootstrap (installs chromium)`);
let chromium;
try {
  ({ chromium } = createRequire(import.meta.url)('playwright-core'));
} catch (e) {
  fail('playwright-core missing in tests/web/node_modules: run tools/bootstrap (npm ci)');
}
const web = path.join(build, 'web');
const exampleDirs = fs.readdirSync(examplesDir).filter((d) => /^\d\d-/.test(d)).sort();
for (const d of exampleDirs) {
  const name = d.slice(3);
  for (const f of [`${name}.js`, `${name}.wasm`]) {
    if (!fs.existsSync(path.join(web, f))) {
      fail(`${path.join(web, f)} missing: the web build needs emcc (run tools/bootstrap, then build)`);
    }
  }
  if (mode === 'replay' && !fs.existsSync(path.join(build, 'bin', name))) fail(`no host board ${name} in ${build}/bin`);
}

// ---- server and browser -----------------------------------------------------------------------
function serve() {
  return new Promise((resolve, reject) => {
    const p = spawn('python3', ['-u', '-m', 'http.server', '0', '--bind', '127.0.0.1', '--directory', web],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    p.on('error', () => reject(new Error('python3 missing: run tools/bootstrap')));
    let out = '';
    p.stdout.on('data', (b) => {
      out += b;
      const m = /port (\d+)/.exec(out);
      if (m) resolve({ proc: p, url: `http://127.0.0.1:${m[1]}/` });
    });
    p.on('exit', (c) => reject(new Error('http.server exited ' + c)));
  });
}

const server = await serve().catch((e) => fail(e.message));
const origin = new URL(server.url).origin;
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const blocked = [];
const errors = [];
async function openPage(query, viewport) {
  const ctx = await browser.newContext({ viewport: viewport || { width: 1280, height: 900 }, acceptDownloads: true });
  await ctx.route('**/*', (route) => {
    const u = route.request().url();
    if (u.startsWith(origin + '/') || u.startsWith('data:') || u.startsWith('blob:')) return route.continue();
    blocked.push(u);
    return route.abort('blockedbyclient');
  });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('response', (r) => { if (r.status() >= 400) errors.push(`HTTP ${r.status()} ${r.url()}`); });
  await page.goto(server.url + (query || ''));
  await page.waitForFunction(() => window.handoff && window.handoff.examples.length > 0);
  return page;
}

let checks = 0;
function expectEqual(what, got, want) {
  const g = JSON.stringify(got);
  const w = JSON.stringify(want);
  if (g !== w) {
    const gl = got.length !== undefined ? got : [];
    const wl = want.length !== undefined ? want : [];
    let i = 0;
    while (i < gl.length && i < wl.length && JSON.stringify(gl[i]) === JSON.stringify(wl[i])) i++;
    fail(`${what}: differs at item ${i}: page ${JSON.stringify(gl[i])}, expected ${JSON.stringify(wl[i])} ` +
      `(${gl.length} vs ${wl.length} items)`);
  }
  checks++;
}
function expect(what, ok) {
  if (!ok) fail(what);
  checks++;
}

// ---- the host board ---------------------------------------------------------------------------
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hf-web-'));
process.on('exit', () => { fs.rmSync(tmp, { recursive: true, force: true }); server.proc.kill(); });

// Lines "[1000.250] text" -> [[1000.25, "text"], ...]
const timed = (text) => text.split('\n').filter(Boolean).map((l) => {
  const m = /^\[(\d+\.\d{3})\] (.*)$/.exec(l);
  if (!m) fail('host line without a time: ' + l);
  return [Number(m[1]), m[2]];
});

// The value changes of a VCD (the host's --vcd), parsed here independently of the page.
function vcdChanges(text) {
  const ids = new Map();
  const out = [];
  let t = 0;
  let inDefs = true;
  const tok = text.split(/\s+/).filter(Boolean);
  for (let i = 0; i < tok.length; i++) {
    const k = tok[i];
    if (inDefs) {
      if (k === '$var') { ids.set(tok[i + 3], tok[i + 4]); i += 5; }
      if (k === '$enddefinitions') inDefs = false;
    } else if (k.startsWith('#')) {
      t = Number(k.slice(1));
    } else if (/^[01]/.test(k) && ids.has(k.slice(1))) {
      out.push([t, ids.get(k.slice(1)), Number(k[0])]);
    }
  }
  return out;
}

function host(name, scnPath) {
  const vcd = path.join(tmp, 'host.vcd');
  const r = spawnSync(path.join(build, 'bin', name), ['--scenario', scnPath, '--vcd', vcd], { encoding: 'utf8' });
  return { status: r.status, lines: timed(r.stdout), logs: r.status === 0 ? timed(r.stderr) : [], stderr: r.stderr,
    changes: r.status === 0 ? vcdChanges(fs.readFileSync(vcd, 'utf8')) : [] };
}

// ---- replay -----------------------------------------------------------------------------------
async function testReplay() {
  const page = await openPage('?example=blink');
  const names = await page.evaluate(() => window.handoff.examples);
  expectEqual('examples on the page', names, exampleDirs.map((d) => d.slice(3)));
  let scenarios = 0;
  for (const d of exampleDirs) {
    const name = d.slice(3);
    const sdir = path.join(examplesDir, d, 'scenarios');
    const files = fs.existsSync(sdir) ? fs.readdirSync(sdir).filter((f) => f.endsWith('.scn')).sort() : [];
    for (const f of files) {
      const file = path.join(sdir, f);
      const want = host(name, file);
      if (want.status !== 0) fail(`host ${name} ${f}: exit ${want.status}: ${want.stderr}`);
      const got = await page.evaluate(([n, t]) => window.handoff.replay(n, t), [name, fs.readFileSync(file, 'utf8')]);
      expectEqual(`${name} ${f}: lines`, got.lines, want.lines);
      expectEqual(`${name} ${f}: log lines`, got.logs, want.logs);
      expectEqual(`${name} ${f}: pin changes`, got.changes, want.changes);
      expect(`${name} ${f}: no pin changes at all`, want.changes.length > 0);
      console.log(`ok   ${name} ${f}: ${got.lines.length} lines, ${got.changes.length} pin changes`);
      scenarios++;
    }
  }
  expect('no scenario found', scenarios > 0);

  // Bad scenarios: the host's reason, "line N: reason".
  const bad = ['1000 GP99 0\n', '1000 GP14 2\n', '2000 GP14 0\n1000 GP14 1\n', '1000 LED 1\n', 'hello\n',
    '1000 GP14 0 extra\n', 'end 10\n5 GP14 0\n', '1000.0001 GP14 0\n', '1000 GP14 0\nend 1000000000000000\n',
    '$timescale 1 us $end\n$var wire 1 ! D0 $end\n$enddefinitions $end\n'];
  for (const text of bad) {
    const file = path.join(tmp, 'bad.scn');
    fs.writeFileSync(file, text);
    const want = host('press-to-alert', file);
    expect(`host accepted bad scenario ${JSON.stringify(text)}`, want.status === 2);
    const m = /:(\d+): (.*)$/.exec(want.stderr.trim());
    if (!m) fail('host error without a line: ' + want.stderr);
    const got = await page.evaluate((t) => window.handoff.replay('press-to-alert', t).then(
      () => 'resolved', (e) => e.message), text);
    expectEqual(`bad scenario ${JSON.stringify(text)}`, got, `line ${m[1]}: ${m[2]}`);
    console.log(`ok   rejected: ${got}`);
  }
  console.log(`replay: ${scenarios} scenarios identical to the host board, ${bad.length} bad ones rejected alike`);
}

// ---- the page ---------------------------------------------------------------------------------
const consoleText = (page) => page.locator('[data-role=console]').innerText();
const waitLine = (page, text, timeout) =>
  page.waitForFunction((t) => [...document.querySelectorAll('[data-role=console] > *')].some((e) => e.textContent.endsWith(t)),
    text, { timeout: timeout || 15000 });

async function testPage() {
  const page = await openPage('?example=press-to-alert');
  await waitLine(page, 'Press-to-alert ready');
  const led = page.locator('[data-pin=LED]');
  expect('LED has data-level', ['0', '1'].includes(await led.getAttribute('data-level')));
  expect('buzzer has data-level', ['0', '1'].includes(await page.locator('[data-pin=GP16]').getAttribute('data-level')));
  expect('GP15 button', (await page.locator('[data-pin=GP15]').count()) === 1);
  // Watch the LED and the buzzer: each change in order, with the other's level at that moment.
  await page.evaluate(() => {
    window.seen = [];
    const lv = (n) => { const e = document.querySelector(`[data-pin="${n}"]`); return e && e.getAttribute('data-level'); };
    window.watch = new MutationObserver((recs) => {
      for (const r of recs) {
        const n = r.target.getAttribute('data-pin');
        if (r.oldValue !== r.target.getAttribute('data-level')) window.seen.push([n, r.target.getAttribute('data-level'), lv('LED'), lv('GP16')]);
      }
    });
    window.watch.observe(document.querySelector('[data-role=board]'), { attributes: true, attributeFilter: ['data-level'], attributeOldValue: true, subtree: true });
  });
  const before = Number(await page.locator('[data-role=timeline]').getAttribute('data-changes'));
  const lanePoints = () => page.evaluate(() => {
    const p = document.querySelector('[data-role=timeline] polyline[data-lane="GP14"]');
    return p ? p.getAttribute('points').trim().split(/\s+/).length : 0;
  });
  const pointsBefore = await lanePoints();

  // Click the button: down = pressed (level 0), up = released.
  const button = page.locator('[data-pin=GP14]');
  await button.hover();
  await page.mouse.down();
  await page.waitForFunction(() => document.querySelector('[data-pin=GP14]').getAttribute('data-level') === '0');
  await page.waitForTimeout(120);
  await page.mouse.up();
  await waitLine(page, 'Press count: 1');
  // The alert: three beeps of the buzzer from the press (100 ms on, 100 ms off), and three
  // flashes of the LED with them; when the click found the LED lit by the idle blink, the LED went
  // off at the click and flashes between the beeps (opposite phase), then idle.
  await page.waitForFunction(() => window.seen.filter((s) => s[0] === 'GP16' && s[1] === '0').length >= 3, null, { timeout: 15000 });
  await page.waitForTimeout(300);
  const seen = await page.evaluate(() => window.seen);
  const buzzerOn = seen.filter((s) => s[0] === 'GP16' && s[1] === '1').length;
  const inPhase = seen.filter((s) => s[0] === 'GP16' && s[1] === '1' && s[2] === '1').length;
  const opposite = seen.filter((s) => s[0] === 'GP16' && s[1] === '1' && s[2] === '0').length;
  expectEqual('buzzer pulses of the alert', buzzerOn, 3);
  expectEqual('LED flashes with the buzzer, or between its beeps', inPhase === 3 || opposite === 3 ? 3 : `${inPhase} with, ${opposite} between`, 3);
  const after = Number(await page.locator('[data-role=timeline]').getAttribute('data-changes'));
  expect(`timeline did not grow (${before} -> ${after} changes)`, after > before);
  expect('GP14 lane did not grow', (await lanePoints()) > pointsBefore);
  await page.evaluate(() => window.watch.disconnect());
  console.log(`ok   click: Press count: 1, 3 flashes with the buzzer (${inPhase === 3 ? 'in phase' : 'opposite phase'}), timeline ${before} -> ${after} changes`);

  // Keys: hold "a" (GP14), then focus the button and press Space. Presses closer than the
  // program's 200 ms lock-out would not count: wait a bit more before each.
  const lockout = () => page.waitForTimeout(400);
  await lockout();
  await page.keyboard.down('a');
  await page.waitForTimeout(120);
  await page.keyboard.up('a');
  await waitLine(page, 'Press count: 2');
  await lockout();
  await button.focus();
  await page.keyboard.down(' ');
  await page.waitForTimeout(120);
  await page.keyboard.up(' ');
  await waitLine(page, 'Press count: 3');
  await lockout();
  await page.keyboard.down('b'); // GP15 resets the counter
  await page.waitForTimeout(120);
  await page.keyboard.up('b');
  await waitLine(page, 'Counter reset');
  console.log('ok   keys: a, Space on the focused button, b');

  // Downloads of the run.
  const dl = async (role) => {
    const [d] = await Promise.all([page.waitForEvent('download'), page.click(`[data-role=${role}]`)]);
    return fs.readFileSync(await d.path(), 'utf8');
  };
  const vcd = await dl('download-vcd');
  const changes = vcdChanges(vcd);
  expect('VCD download: no GP14 presses', changes.filter((c) => c[1] === 'GP14' && c[2] === 0).length === 3);
  const svg = await dl('download-svg');
  expect('SVG download', svg.startsWith('<svg') && svg.includes('Press count: 1') && svg.trim().endsWith('</svg>'));
  console.log(`ok   downloads: VCD (${changes.length} changes), SVG (${svg.length} bytes)`);

  // As fast as possible: virtual time runs far ahead of the wall clock.
  await page.click('[data-role=speed][data-speed=max]');
  await page.waitForFunction(() => parseFloat(document.querySelector('[data-role=clock]').textContent) > 120, null, { timeout: 20000 });
  await page.click('[data-role=speed][data-speed="10"]');
  console.log('ok   speed: as fast as possible, x10');

  // Load a scenario file: it plays in the page with the host's lines.
  const file = path.join(examplesDir, '07-press-to-alert', 'scenarios', 'clean-presses.scn');
  await page.click('[data-role=speed][data-speed=max]');
  await page.setInputFiles('[data-role=load]', file);
  await page.waitForFunction(() => [...document.querySelectorAll('[data-role=console] > *')]
    .some((e) => e.textContent.startsWith('end of the scenario at')), null, { timeout: 15000 });
  const want = spawnSync(path.join(build, 'bin', 'press-to-alert'), ['--scenario', file], { encoding: 'utf8' }).stdout.trim();
  const shown = (await consoleText(page)).split('\n').filter((l) => l.startsWith('[')).join('\n');
  expectEqual('loaded scenario lines', shown, want);
  console.log('ok   loaded scenario file plays as on the host');

  // A VCD file (a logic analyser's capture, here the host's own --vcd) plays as on the host.
  const capture = path.join(tmp, 'capture.vcd');
  spawnSync(path.join(build, 'bin', 'press-to-alert'), ['--scenario', file, '--vcd', capture]);
  const fromVcd = spawnSync(path.join(build, 'bin', 'press-to-alert'), ['--scenario', capture], { encoding: 'utf8' }).stdout.trim();
  await page.setInputFiles('[data-role=load]', capture);
  await page.waitForFunction(() => [...document.querySelectorAll('[data-role=console] > *')]
    .some((e) => e.textContent.startsWith('end of the scenario at')), null, { timeout: 15000 });
  const shownVcd = (await consoleText(page)).split('\n').filter((l) => l.startsWith('[')).join('\n');
  expect('VCD replay printed nothing', fromVcd.includes('Press count: 1'));
  expectEqual('loaded VCD file lines', shownVcd, fromVcd);
  console.log('ok   loaded VCD file plays as on the host');

  // A bad file: the host's reason in the console.
  const badFile = path.join(tmp, 'bad.scn');
  fs.writeFileSync(badFile, '1000 GP14 0\n900 GP14 1\n');
  await page.setInputFiles('[data-role=load]', badFile);
  await waitLine(page, 'error: line 2: time goes backwards (900 after 1000.000)');
  console.log('ok   bad scenario file: error: line 2: time goes backwards (900 after 1000.000)');

  // Motion sensor (09): holding the PIR drives GP14 high.
  await page.selectOption('[data-role=example]', 'motion-sensor');
  await waitLine(page, 'Motion sensor ready');
  const pir = page.locator('[data-pin=GP14]');
  await pir.hover();
  await page.mouse.down();
  await waitLine(page, 'Motion detected');
  await page.mouse.up();
  console.log('ok   PIR: Motion detected');

  // A phone: the page fits the screen without sideways scrolling.
  const phone = await openPage('?example=press-to-alert', { width: 390, height: 844 });
  await waitLine(phone, 'Press-to-alert ready');
  const fits = await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth &&
    document.querySelector('[data-role=board] svg').getBoundingClientRect().width <= window.innerWidth);
  expect('page wider than a 390 px phone screen', fits);
  console.log('ok   phone: 390 px wide, no sideways scrolling');
}

try {
  if (mode === 'replay') await testReplay(); else await testPage();
  expectEqual('requests off the page origin', blocked, []);
  expectEqual('page errors', errors, []);
} catch (e) {
  fail(e.stack || String(e));
} finally {
  await browser.close();
}
console.log(`${mode}: ${checks} checks passed`);
process.exit(0); // ends the server too (the exit handler)
