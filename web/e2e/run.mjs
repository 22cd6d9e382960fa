// End-to-end tests of the console in a real browser: playwright-core drives
// Debian's Chromium (never a downloaded browser) against a real
// `counterfoil serve --demo --test-clock` on a loopback port with a fresh
// data directory. Screenshots of each main screen go to the artefact
// directory (default web/test-results/screenshots).
//
//   node e2e/run.mjs --binary build/dev/src/cli/counterfoil [--out DIR] [--only NAME]
//
// Exits 1 when any test fails.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const webDir = resolve(here, '..');
const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1] && !all[i + 1].startsWith('--') ? all[i + 1] : 'true']] : acc), []),
);
const binary = resolve(args.binary ?? join(webDir, '..', 'build', 'dev', 'src', 'cli', 'counterfoil'));
const outDir = resolve(args.out ?? join(webDir, 'test-results', 'screenshots'));
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const PASSWORD = 'counterfoil-demo';

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

async function startServer() {
  const port = await freePort();
  const data = mkdtempSync(join(tmpdir(), 'counterfoil-e2e-'));
  const proc = spawn(binary, ['serve', '--demo', '--test-clock', '--data', data, '--listen', `127.0.0.1:${port}`, '--console', join(webDir, 'dist')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  proc.stdout.on('data', (d) => (log += d));
  proc.stderr.on('data', (d) => (log += d));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`counterfoil exited early:\n${log}`);
    try {
      const r = await fetch(`${base}/healthz`);
      if (r.ok) break;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) throw new Error(`counterfoil did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    base,
    log: () => log,
    stop: () => {
      proc.kill('SIGTERM');
      rmSync(data, { recursive: true, force: true });
    },
  };
}

// The API as a machine client (the demo's fixed keys), for set-up and checks.
async function api(base, key, method, path, body) {
  const r = await fetch(base + path, {
    method,
    headers: { Authorization: `Bearer ${key}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

function expect(cond, message) {
  if (!cond) throw new Error(message);
}

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

let browser;
let server;
const pageErrors = []; // uncaught exceptions in the console's pages fail the test they happen in
const shots = [];

async function shot(page, name) {
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  shots.push(file);
}

async function signedIn(email, viewport = { width: 1366, height: 860 }) {
  const ctx = await browser.newContext({ viewport, locale: 'en-GB', timezoneId: 'UTC' });
  const page = await ctx.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (e) => pageErrors.push(`[${email}] ${e.message}`));
  await page.goto(`${server.base}/`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByTestId('whoami').waitFor();
  return { ctx, page };
}

// State shared by the lifecycle tests, in order.
const flow = { noticeId: '' };

test('the sign-in page names the demo accounts and signs in with a session cookie only', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 860 } });
  const page = await ctx.newPage();
  await page.goto(`${server.base}/`);
  await page.getByRole('heading', { name: 'Demo accounts' }).waitFor();
  expect((await page.locator('.demo-account').count()) >= 8, 'the demo accounts are listed');
  await shot(page, 'sign-in');
  await page.locator('.demo-account', { hasText: 'brand@demo.counterfoil' }).click();
  expect((await page.getByLabel('Email').inputValue()) === 'brand@demo.counterfoil', 'picking an account fills the form');
  await page.getByLabel('Password').fill('wrong-password');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('alert').waitFor();
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByTestId('whoami').waitFor();
  const storage = await page.evaluate(() => ({ local: Object.keys(localStorage), session: Object.keys(sessionStorage), cookie: document.cookie }));
  expect(!storage.cookie.includes('cf_session'), 'the session cookie is HttpOnly');
  expect(storage.local.every((k) => k === 'cf_lang') && storage.session.length === 0, `no tokens in web storage: ${JSON.stringify(storage)}`);
  await ctx.close();
});

test('a rights holder files a notice with live validation of what the law requires', async () => {
  const { ctx, page } = await signedIn('brand@demo.counterfoil');
  await page.getByRole('heading', { name: 'Your notices' }).waitFor();
  await page.getByTestId('notice-table').waitFor();
  await shot(page, 'rights-holder-notices');
  await page.getByRole('link', { name: 'File a notice' }).first().click();
  await page.locator('[name=listing_id]').fill('TM-1009');
  const box = page.getByTestId('regime-requirements');
  await box.getByText('E-Commerce Law').or(box.getByText('China')).first().waitFor();
  await box.getByText('still missing').waitFor();
  await page.locator('[name=right_id]').selectOption('rgt-aurora-tm');
  await page.locator('[name=infringement_type]').selectOption('trademark');
  await page.locator('[name=explanation]').fill('The vase is sold with the AURORA logo printed on it.');
  await page.locator('[name=evidence]').fill('test-buy photos, order 2026-0099');
  await page.locator('[name="complainant.name"]').fill('Aurora Appliances legal');
  await page.locator('[name="complainant.email"]').fill('legal@aurora.example');
  await page.locator('[name="complainant.identity_document"]').fill('Company no. 01234567');
  await page.getByLabel('I believe in good faith').check();
  await page.getByLabel('The information in this notice is accurate.').check();
  await box.getByText('everything the law requires is filled in').waitFor();
  await shot(page, 'rights-holder-notice-form');
  await page.getByRole('button', { name: 'File the notice' }).click();
  await page.waitForURL(/\/notices\/ntc_/);
  flow.noticeId = page.url().split('/notices/')[1].split('?')[0];
  await page.getByText(`Notice ${flow.noticeId} received`).waitFor();
  await ctx.close();
});

test('a reviewer accepts it from the queue with the keyboard, after previewing the statement of reasons', async () => {
  expect(flow.noticeId, 'needs the filed notice');
  const { ctx, page } = await signedIn('reviewer@demo.counterfoil');
  await page.getByRole('tab', { name: 'Notices', exact: true }).waitFor();
  const item = page.getByTestId('queue-item').filter({ hasText: 'TM-1009' });
  await item.click();
  await page.getByTestId('decision-desk').getByRole('link', { name: flow.noticeId }).waitFor();
  await page.locator('body').press('a'); // keyboard shortcut: accept
  await page.getByTestId('statement').waitFor();
  await page.getByTestId('statement').getByText('Removal of the listing').waitFor();
  await shot(page, 'reviewer-queue-decision');
  await page.getByTestId('confirm-decision').click();
  await page.getByText(`Notice ${flow.noticeId} decided.`).waitFor();
  const n = await api(server.base, 'cf_demo_reviewer', 'GET', `/v1/notices/${flow.noticeId}`);
  expect(n.state === 'accepted', `notice accepted, got ${n.state}`);
  await ctx.close();
});

test('the seller sees the action with its statement of reasons and counter-notifies', async () => {
  const { ctx, page } = await signedIn('seller@demo.counterfoil');
  await page.getByTestId('seller-notices').getByRole('link', { name: flow.noticeId }).waitFor();
  await shot(page, 'seller-centre');
  await page.getByTestId('seller-notices').getByRole('link', { name: flow.noticeId }).click();
  await page.getByTestId('statement').waitFor();
  await page.locator('[name=statement]').fill('The vase carries our own flower logo, not the AURORA mark; photos attached.');
  await page.locator('[name=evidence]').fill('close-up photos of the logo');
  await page.locator('[name="contact.name"]').fill('Sam Seller');
  await page.locator('[name="contact.email"]').fill('seller@demo.counterfoil');
  await page.locator('[name="contact.address"]').fill('88 Jiefang Road, Hangzhou');
  await page.locator('[name=signature]').fill('Sam Seller');
  await shot(page, 'seller-counter-notice');
  await page.getByRole('button', { name: 'Send the counter-notice' }).click();
  await page.getByText('Counter-notice filed and forwarded').waitFor();
  await ctx.close();
});

test('the rights holder sees the counter-notice with the countdown to restoration', async () => {
  const { ctx, page } = await signedIn('brand@demo.counterfoil');
  await page.getByRole('link', { name: 'Counter-notices' }).click();
  const card = page.getByTestId('counter-notice').filter({ hasText: flow.noticeId });
  await card.waitFor();
  const text = await card.getByTestId('countdown').innerText();
  expect(/1[45]d \d+h left/.test(text), `a countdown of about 15 days, got "${text}"`);
  await shot(page, 'rights-holder-counter-notices');
  await ctx.close();
});

test('bulk CSV upload reports each row, with the bad row in words', async () => {
  const { ctx, page } = await signedIn('brand@demo.counterfoil');
  await page.getByRole('link', { name: 'Bulk upload' }).click();
  const csv = [
    'listing_id,right_id,infringement_type,explanation,evidence,complainant.name,complainant.email,complainant.identity_document,statements.good_faith,statements.accurate',
    'TM-1010,rgt-aurora-tm,counterfeit,Leetspeak AURORA vacuum at a fraction of the MSRP,test buy 2026-0142,Aurora Appliances legal,legal@aurora.example,Company no. 01234567,true,true',
    'TM-9999,rgt-aurora-tm,counterfeit,No such listing,test buy 2026-0143,Aurora Appliances legal,legal@aurora.example,Company no. 01234567,true,true',
  ].join('\n');
  await page.getByLabel('Or paste the CSV').fill(csv);
  await page.getByTestId('csv-preview').getByText('2 data row(s).').waitFor();
  await page.getByRole('button', { name: 'Upload and file' }).click();
  await page.getByTestId('bulk-summary').getByText('2 of 2 rows processed: 1 filed, 1 failed.').waitFor({ timeout: 30_000 });
  const rows = page.getByTestId('bulk-results').locator('tbody tr');
  expect((await rows.count()) === 2, 'one result per row');
  const bad = await page.getByTestId('bulk-results').locator('tr.row-error').innerText();
  expect(bad.includes('TM-9999') || /not found|no listing|unknown/i.test(bad), `the bad row says why: ${bad}`);
  await shot(page, 'rights-holder-bulk-upload');
  await ctx.close();
});

test("a seller cannot open another seller's listing or notice", async () => {
  const others = await api(server.base, 'cf_demo_reviewer', 'GET', '/v1/notices?seller_id=s-euro-gadgets');
  expect(others.items.length > 0, 'the demo has notices against another seller');
  const { ctx, page } = await signedIn('seller@demo.counterfoil');
  await page.goto(`${server.base}/listings/EU-2001`);
  await page.getByTestId('not-found').getByText('belongs to another seller').waitFor();
  await shot(page, 'seller-other-sellers-listing');
  await page.goto(`${server.base}/notices/${others.items[0].id}`);
  await page.getByTestId('not-found').waitFor();
  const r = await page.evaluate(async (id) => (await fetch(`/v1/notices/${id}`)).status, others.items[0].id);
  expect(r === 404, `the API refuses it too (${r})`);
  await ctx.close();
});

test('the dashboard renders its charts, with the numbers one click away', async () => {
  const { ctx, page } = await signedIn('reviewer@demo.counterfoil');
  await page.getByRole('link', { name: 'Dashboard' }).click();
  for (const id of ['removals', 'handling', 'brands', 'categories']) {
    const canvas = page.getByTestId(`chart-${id}`).locator('canvas');
    await canvas.waitFor();
    const drawn = await canvas.evaluate((c) => {
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let ink = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] > 0) ink++;
      return ink;
    });
    expect(drawn > 100, `chart ${id} is drawn (${drawn} pixels)`);
  }
  await page.getByTestId('graph').locator('canvas').first().waitFor();
  await page.getByTestId('repeat-infringers').waitFor();
  await shot(page, 'dashboard');
  await page.getByTestId('chart-brands').getByRole('button', { name: 'Show numbers' }).click();
  await page.getByTestId('chart-brands').locator('table').getByText('aurora').waitFor();
  await ctx.close();
});

test('the operator admin shows marketplaces, regimes and the webhook log', async () => {
  const { ctx, page } = await signedIn('admin@demo.counterfoil');
  await page.getByText('Tianmao Demo Mall').waitFor();
  await page.getByText('Legal basis').first().waitFor();
  await shot(page, 'operator-admin');
  await page.getByRole('tab', { name: 'Users' }).click();
  await page.getByTestId('users-table').getByText('reviewer@demo.counterfoil').waitFor();
  await page.getByRole('tab', { name: 'Screening' }).click();
  await page.getByText('Rules and their false-positive rates').waitFor();
  await ctx.close();
});

test('screening hits are in the reviewer queue with the verdict beside the listing', async () => {
  const { ctx, page } = await signedIn('reviewer@demo.counterfoil');
  await page.getByRole('tab', { name: 'Screening hits' }).click();
  await page.locator('[role=tabpanel] table a').first().click();
  await page.getByRole('heading', { name: 'Verdict' }).waitFor();
  await shot(page, 'reviewer-screening-hit');
  await ctx.close();
});

test('the console speaks Simplified Chinese and fits a phone', async () => {
  const { ctx, page } = await signedIn('brand@demo.counterfoil', { width: 390, height: 844 });
  await page.getByLabel('Language').first().selectOption('zh-CN');
  await page.getByRole('heading', { name: '您的通知' }).waitFor();
  await shot(page, 'rights-holder-phone-zh');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow <= 1, `no horizontal scrolling on a phone (${overflow}px)`);
  await ctx.close();
});

// Last, because it moves the server's clock 17 days forward.
test('when the clock passes the window the listing is restored', async () => {
  await api(server.base, 'cf_demo_admin', 'POST', '/v1/test/clock', { advance_seconds: 17 * 86400 });
  const deadline = Date.now() + 20_000;
  let state = '';
  while (Date.now() < deadline) {
    state = (await api(server.base, 'cf_demo_brand', 'GET', `/v1/notices/${flow.noticeId}`)).state;
    if (state === 'restored') break;
    await new Promise((r) => setTimeout(r, 300));
  }
  expect(state === 'restored', `notice restored, got ${state}`);
  const { ctx, page } = await signedIn('brand@demo.counterfoil');
  await page.goto(`${server.base}/notices/${flow.noticeId}`);
  await page.locator('.page-head .badge', { hasText: 'Restored' }).waitFor();
  await page.getByText('The listing was restored on').waitFor();
  await shot(page, 'rights-holder-notice-restored');
  await ctx.close();
  const seller = await signedIn('seller@demo.counterfoil');
  await seller.page.goto(`${server.base}/listings/TM-1009`);
  await seller.page.locator('.page-head .badge', { hasText: 'Restored' }).waitFor();
  await seller.ctx.close();
});

async function main() {
  server = await startServer();
  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  let failed = 0;
  for (const tc of tests) {
    if (args.only && !tc.name.includes(args.only)) continue;
    const started = Date.now();
    try {
      pageErrors.length = 0;
      await tc.fn();
      expect(pageErrors.length === 0, `uncaught errors in the page: ${pageErrors.join('; ')}`);
      console.log(`ok   ${tc.name} (${Date.now() - started} ms)`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${tc.name}\n     ${String(e.stack ?? e).split('\n').slice(0, 6).join('\n     ')}`);
      for (const ctx of browser.contexts()) {
        for (const p of ctx.pages()) await p.screenshot({ path: join(outDir, `FAILED-${tests.indexOf(tc)}.png`) }).catch(() => {});
        await ctx.close().catch(() => {});
      }
    }
  }
  await browser.close();
  if (failed) console.log(`--- server log ---\n${server.log().slice(-4000)}`);
  server.stop();
  console.log(`${tests.length - failed} passed, ${failed} failed; screenshots in ${outDir}`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  server?.stop();
  process.exit(1);
});
