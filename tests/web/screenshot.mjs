// The README's picture of the page: press-to-alert in the middle of an alert.
//   node tests/web/screenshot.mjs URL OUT.png    (URL: tools/demo --web prints it)
import { createRequire } from 'node:module';

const [url, out] = process.argv.slice(2);
if (!url || !out) {
  console.error('usage: node screenshot.mjs URL OUT.png');
  process.exit(2);
}
const { chromium } = createRequire(import.meta.url)('playwright-core');
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
// The page's clock is Playwright's, stopped between steps: the picture is taken at a known
// instant of the second alert: its second beep (the LED may flash in the opposite phase, when
// the press found it lit).
await page.clock.install();
await page.goto(new URL('?example=press-to-alert', url).href);
await page.clock.runFor(500);
await page.waitForFunction(() => document.querySelector('[data-role=console]').textContent.includes('ready'));
const press = async (wait) => {
  await page.locator('[data-pin=GP14]').hover();
  await page.mouse.down();
  await page.clock.runFor(100);
  await page.mouse.up();
  await page.clock.runFor(wait);
};
await page.clock.runFor(700);
await press(1500);
await press(0);
// step the clock to the start of the next beep, twice: the second beep
const on = () => page.evaluate(() =>
  document.querySelector('[data-pin="GP16"]').getAttribute('data-level') === '1');
for (let beep = 0; beep < 2; beep++) {
  if (beep > 0) await page.clock.runFor(120);
  let i = 0;
  for (; i < 100 && !(await on()); i++) await page.clock.runFor(5);
  if (i === 100) throw new Error('screenshot.mjs: no beep of the second alert within 500 ms');
}
await page.clock.runFor(30); // the timeline draws on the next animation frames
await page.screenshot({ path: out, fullPage: true });
await browser.close();
console.log('wrote ' + out);
