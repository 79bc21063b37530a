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
// instant of the second alert: its second flash, LED and buzzer on.
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
// step the clock to the start of the next flash (LED and buzzer on), twice: the second flash
const on = () => page.evaluate(() => ['LED', 'GP16'].every((n) =>
  document.querySelector(`[data-pin="${n}"]`).getAttribute('data-level') === '1'));
for (let flash = 0; flash < 2; flash++) {
  if (flash > 0) await page.clock.runFor(120);
  for (let i = 0; i < 100 && !(await on()); i++) await page.clock.runFor(5);
}
await page.clock.runFor(30); // the timeline draws on the next animation frames
await page.screenshot({ path: out, fullPage: true });
await browser.close();
console.log('wrote ' + out);
