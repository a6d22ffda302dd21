// Usage: node graphiql.mjs BASE_URL SCREENSHOT_PATH — opens GraphiQL as served by the gateway, lets it load the
// schema, opens the docs pane and runs the first example tab; prints one JSON line with what the page showed.
import { chromium } from 'playwright-core';

const [base, screenshot] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
         '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const requested = [];
  page.on('request', (request) => requested.push(request.url()));
  const consoleErrors = [];
  page.on('console', (message) => { if (message.type() === 'error') consoleErrors.push(message.text()); });
  await page.goto(`${base}/graphql`, { waitUntil: 'load' });
  await page.waitForSelector('.graphiql-container', { timeout: 60000 });
  // the schema loads by introspection: the docs pane lists the root types once it has
  await page.getByRole('button', { name: /Show Documentation Explorer/i }).click();
  await page.waitForSelector('.graphiql-doc-explorer', { timeout: 60000 });
  await page.waitForFunction(() => /Root Types/.test(document.querySelector('.graphiql-doc-explorer')?.textContent ?? ''),
    null, { timeout: 60000 });
  await page.locator('.graphiql-doc-explorer').getByText('Query', { exact: true }).first().click();
  await page.waitForFunction(() => /Fields/.test(document.querySelector('.graphiql-doc-explorer')?.textContent ?? ''));
  const docs = await page.textContent('.graphiql-doc-explorer');
  const tabs = await page.locator('.graphiql-tab').count();
  // run the welcome tab (reference data, open to anonymous callers)
  await page.getByRole('button', { name: /Execute query/i }).click();
  await page.waitForFunction(() => /"data"|"errors"/.test(document.querySelector('.result-window')?.textContent ?? ''),
    null, { timeout: 60000 });
  const result = await page.textContent('.result-window');
  const schemaError = await page.locator('text=Error fetching schema').count();
  await page.screenshot({ path: screenshot });
  console.log(JSON.stringify({ requested, docs, tabs, result, schemaError, consoleErrors }));
} finally {
  await browser.close();
}
