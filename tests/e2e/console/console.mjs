// Usage: node console.mjs BASE_URL TOKEN SCREENSHOT_PATH REQUEST_ID — prints one JSON line with what the page showed.
import { chromium } from 'playwright-core';

const [base, token, screenshot, requestId] = process.argv.slice(2);
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
  await page.getByLabel('Principal').fill('e2e-operator');  // the recorded trade queries, not the console's own
  await page.getByRole('button', { name: 'Search' }).click();
  await page.waitForSelector('#results tbody tr');
  const rows = await page.locator('#results tbody tr').count();
  // the last row of a long list: the opened record must be in view without the user scrolling
  await page.locator('#results tbody tr').last().click();
  await page.waitForSelector('#waterfall .bar');
  const recordInView = await page.evaluate(() => {
    const box = document.getElementById('record-h').getBoundingClientRect();
    return box.top >= 0 && box.bottom <= window.innerHeight;
  });
  // search by the request id a client quotes: exactly its record
  await page.getByLabel('Principal').fill('');
  await page.getByLabel('Request id').fill(requestId);
  await page.getByRole('button', { name: 'Search' }).click();
  await page.waitForFunction(() => document.querySelectorAll('#results tbody tr').length === 1);
  const byRequestId = await page.locator('#results tbody tr').count();
  await page.locator('#results tbody tr').first().click();
  await page.waitForFunction((id) => document.getElementById('record-summary').textContent.includes(id), requestId);
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
  console.log(JSON.stringify({ status, rows, bars, lineage, verification, exported, recordInView, byRequestId }));
} finally {
  await browser.close();
}
