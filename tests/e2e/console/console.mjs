// Usage: node console.mjs BASE_URL TOKEN SCREENSHOT_PATH — prints one JSON line with what the page showed.
import { chromium } from 'playwright-core';

const [base, token, screenshot] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
         '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  await page.goto(`${base}/console`);
  await page.getByLabel('Auditor bearer token').fill(token);
  await page.getByRole('button', { name: 'Use token' }).click();
  await page.waitForFunction(() => document.getElementById('log-status').textContent.startsWith('Log:'));
  const status = await page.textContent('#log-status');
  await page.getByLabel('Principal').fill('operator@platform');  // the recorded trade queries, not the console's own
  await page.getByRole('button', { name: 'Search' }).click();
  await page.waitForSelector('#results tbody tr');
  const rows = await page.locator('#results tbody tr').count();
  await page.locator('#results tbody tr').first().click();
  await page.waitForSelector('#waterfall .bar');
  await page.waitForFunction(() => document.getElementById('verification').textContent.length > 0);
  const bars = await page.$$eval('#waterfall .bar', (els) => els.map((e) => ({
    width: e.getBoundingClientRect().width, label: e.getAttribute('aria-label'), legacy: e.classList.contains('legacy') })));
  const lineage = await page.$$eval('#lineage tbody tr', (els) => els.map((e) => e.textContent));
  const verification = await page.textContent('#verification');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export JSON Lines' }).click()]);
  const stream = await download.createReadStream();
  let exported = '';
  for await (const chunk of stream) exported += chunk;
  await page.locator('#waterfall').screenshot({ path: screenshot });
  console.log(JSON.stringify({ status, rows, bars, lineage, verification, exported }));
} finally {
  await browser.close();
}
