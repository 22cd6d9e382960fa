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
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
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

// Thrown by a test that cannot run here (its test data is absent).
class Skip extends Error {}

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
  expect(n.source === 'console', `a notice filed in the console is recorded as such, got ${n.source}`);
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
  // The figures come from the server's report, not from notices in the page.
  const first = page.waitForResponse((r) => r.url().includes('/v1/reports/dashboard') && r.status() === 200);
  await page.getByRole('link', { name: 'Dashboard' }).click();
  const report = await (await first).json();
  expect(report.removals.notices > 0 && report.top_rights_holders.length > 0, `the demo has removals: ${JSON.stringify(report.removals)}`);
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
  const tile = (await page.getByTestId('tile-notice-removals').textContent()).trim();
  expect(tile === String(report.removals.notices), `the tile shows the report's ${report.removals.notices} removals after notices, got ${tile}`);
  await page.getByTestId('graph').locator('canvas').first().waitFor();
  await page.getByTestId('repeat-infringers').waitFor();
  await shot(page, 'dashboard');
  // The numbers behind the brands chart: the top rights holder with its removals after notices.
  await page.getByTestId('chart-brands').getByRole('button', { name: 'Show numbers' }).click();
  const top = report.top_rights_holders[0];
  const row = page.getByTestId('chart-brands').locator('table tr', { hasText: top.name });
  await row.waitFor();
  const cells = await row.locator('td').allTextContents();
  expect(cells.includes(String(top.notices)), `${top.name}: ${top.notices} removals after notices in ${JSON.stringify(cells)}`);
  await page.getByTestId('chart-brands').locator('table').getByText('aurora', { exact: false }).first().waitFor();
  // Another bucket asks the server again; the chart's table follows it.
  const byMonth = page.waitForResponse((r) => r.url().includes('bucket=month') && r.status() === 200);
  await page.getByLabel('Group by').selectOption('month');
  const monthly = await (await byMonth).json();
  await page.getByTestId('chart-removals').getByRole('button', { name: 'Show numbers' }).click();
  const rows = page.getByTestId('chart-removals').locator('tbody tr');
  await rows.first().waitFor();
  expect((await rows.count()) === monthly.removals.buckets.length, `one row per month (${monthly.removals.buckets.length})`);
  await ctx.close();
});

test('the dashboard keeps to each user: a rights holder sees only its own figures, a seller is refused in words', async () => {
  {
    const { ctx, page } = await signedIn('brand@demo.counterfoil');
    const first = page.waitForResponse((r) => r.url().includes('/v1/reports/dashboard') && r.status() === 200);
    await page.getByRole('link', { name: 'Dashboard' }).click();
    const report = await (await first).json();
    const orgs = report.top_rights_holders.map((o) => o.org_id);
    expect(orgs.length > 0 && orgs.every((id) => id === 'aurora'), `only Aurora's figures: ${JSON.stringify(orgs)}`);
    const all = await api(server.base, 'cf_demo_reviewer', 'GET', '/v1/reports/dashboard');
    expect(all.top_rights_holders.some((o) => o.org_id !== 'aurora'), 'staff see other rights holders too');
    await page.getByTestId('chart-categories').locator('canvas').waitFor();
    await ctx.close();
  }
  {
    const { ctx, page } = await signedIn('seller@demo.counterfoil');
    await page.goto(`${server.base}/dashboard`);
    await page.getByRole('alert').getByText('reports are for platform staff').waitFor();
    await ctx.close();
  }
});

test('the dashboard in Simplified Chinese fits a phone', async () => {
  const { ctx, page } = await signedIn('reviewer@demo.counterfoil', { width: 390, height: 844 });
  await page.getByLabel('Language').first().selectOption('zh-CN');
  await page.goto(`${server.base}/dashboard`);
  await page.getByRole('heading', { name: '数据看板' }).waitFor();
  await page.getByTestId('chart-removals').locator('canvas').waitFor();
  await page.getByLabel('汇总粒度').selectOption('week');
  await page.getByTestId('chart-removals').getByText('按来源统计的每周下架量').waitFor();
  await shot(page, 'dashboard-phone-zh');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow <= 1, `no horizontal scrolling on a phone (${overflow}px)`);
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

test('a reviewer dismisses a screening hit, and a push made while they looked is caught first', async () => {
  await api(server.base, 'cf_demo_marketplace', 'PUT', '/v1/sellers/s-e2e-outlet', { name: 'E2E Outlet' });
  const listing = `TM-HIT-${Date.now() % 100000}`;
  const body = {
    seller_id: 's-e2e-outlet',
    title: 'Aurora StormJet dryer - outlet stock',
    description: 'Ex-display unit from the brand outlet.',
    category: 'home-appliances',
    price: { amount: 49, currency: 'USD' },
  };
  await api(server.base, 'cf_demo_marketplace', 'PUT', `/v1/listings/${listing}`, body);
  const l = await api(server.base, 'cf_demo_marketplace', 'GET', `/v1/listings/${listing}`);
  const hitId = (l.links?.screening_hit ?? '').split('/').pop();
  expect(l.screening?.decision === 'review' && hitId, `the listing opened a screening hit: ${JSON.stringify(l.screening)}`);

  const { ctx, page } = await signedIn('reviewer@demo.counterfoil');
  await page.goto(`${server.base}/review/hits/${hitId}`);
  await page.getByRole('heading', { name: 'Verdict' }).waitFor();
  // The marketplace pushes an edit while the reviewer reads the old one.
  await api(server.base, 'cf_demo_marketplace', 'PUT', `/v1/listings/${listing}`, { ...body, description: 'Ex-display unit, box opened.' });
  await page.getByLabel('Note').fill('Genuine ex-display stock from the brand outlet.');
  await page.getByRole('button', { name: 'Dismiss as a false positive' }).click();
  await page.getByText('the listing changed while you were looking').waitFor();
  let hit = await api(server.base, 'cf_demo_reviewer', 'GET', `/v1/screening/hits/${hitId}`);
  expect(hit.status === 'open', `a decision on the old view changes nothing: ${hit.status}`);
  // Opened again, the hit shows the new text; the dismissal goes through.
  await page.reload();
  await page.getByText('Ex-display unit, box opened.').first().waitFor();
  await page.getByLabel('Note').fill('Genuine ex-display stock from the brand outlet.');
  await page.getByRole('button', { name: 'Dismiss as a false positive' }).click();
  await page.getByText('Hit dismissed.').waitFor();
  hit = await api(server.base, 'cf_demo_reviewer', 'GET', `/v1/screening/hits/${hitId}`);
  expect(hit.status === 'dismissed', `dismissed: ${hit.status}`);
  const cleared = await api(server.base, 'cf_demo_admin', 'GET', `/v1/listings/${listing}`);
  expect(cleared.cleared?.hit_id === hitId, `the content is cleared: ${JSON.stringify(cleared.cleared)}`);
  // Pushed again unchanged, it opens nothing.
  await api(server.base, 'cf_demo_marketplace', 'PUT', `/v1/listings/${listing}`, { ...body, description: 'Ex-display unit, box opened.' });
  const again = await api(server.base, 'cf_demo_admin', 'GET', `/v1/listings/${listing}`);
  expect(again.screening?.decision === 'allow' && again.screening?.cleared_by === hitId, `allowed as cleared: ${JSON.stringify(again.screening)}`);
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

// ---- Screens added after the first release: category bans, photo evidence,
// rights verification, agents, reference photos.

const pdqFiles = resolve(process.env.SHARED_TESTDATA ?? join(webDir, '..', '..', 'shared', 'testdata'), 'pdq', 'files');
// The sample photos live beside the checkout, in the shared test data; a
// test that needs them is skipped, and says so, where they are absent (as the
// C++ tests that read the shared data are).
function testPhoto(name) {
  const file = join(pdqFiles, name);
  if (!existsSync(file)) throw new Skip(`the PDQ sample photos are not here: ${file} (set SHARED_TESTDATA)`);
  return readFileSync(file);
}

// Uploads bytes as the API client `key` would (POST /v1/blobs).
async function uploadBytes(key, bytes, purpose, filename, contentType) {
  const r = await fetch(`${server.base}/v1/blobs?purpose=${purpose}&filename=${encodeURIComponent(filename)}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': contentType },
    body: bytes,
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`upload ${filename}: ${r.status} ${text}`);
  return JSON.parse(text).sha256;
}

// Waits until screening has swapped in the rule set for the latest protection data.
async function screeningSettled() {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const s = await api(server.base, 'cf_demo_admin', 'GET', '/v1/screening/status');
    if (!s.rebuild_pending && !s.rebuilding) return;
    expect(Date.now() < deadline, `screening still rebuilding: ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function noHorizontalScroll(page, what) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow <= 1, `${what}: no horizontal scrolling on a phone (${overflow}px)`);
}

test('the operator edits category bans with live validation, a confirmation and server errors in words', async () => {
  const { ctx, page } = await signedIn('admin@demo.counterfoil');
  await page.goto(`${server.base}/admin?tab=bans`);
  const form = page.getByTestId('category-bans');
  const rows = form.getByTestId('ban-row');
  await rows.first().getByLabel('Ban id').waitFor();
  expect((await rows.count()) === 1 && (await rows.first().getByLabel('Ban id').inputValue()) === 'airbags', 'the demo ban is listed');
  // A new ban, added with the keyboard: live validation as it is typed.
  await form.getByRole('button', { name: 'Add a ban' }).focus();
  await page.keyboard.press('Enter');
  const added = rows.nth(1);
  expect(await added.getByLabel('Ban id').evaluate((el) => el === document.activeElement), 'the new ban has the focus');
  await added.getByLabel('Ban id').fill('airbags');
  await added.getByText('Another ban has this id').waitFor();
  await added.getByText('Name at least one category or one term.').waitFor();
  await added.getByLabel('Ban id').fill('lasers');
  expect((await added.getByText('Another ban has this id').count()) === 0, 'the duplicate-id error goes once the id is unique');
  await form.getByRole('button', { name: 'Review changes' }).click();
  expect((await form.getByTestId('ban-confirm').count()) === 0, 'an invalid ban cannot be saved');
  await added.getByLabel('Banned categories').fill('toys/lasers');
  await added.getByLabel('Banned product terms').fill('laser pointer 5w\nburning laser');
  await added.getByLabel('Reason').fill('unsafe_and_prohibited_products');
  // An edit to the existing ban.
  await rows.first().getByLabel('Banned product terms').fill('airbag module\ninflator');
  await form.getByRole('button', { name: 'Review changes' }).click();
  const confirm = form.getByTestId('ban-confirm');
  await confirm.getByText('New ban lasers:').waitFor();
  await confirm.getByText('terms added: “inflator”').waitFor();
  await shot(page, 'operator-category-bans');
  await confirm.getByRole('button', { name: 'Save the category bans' }).click();
  await page.getByText('Category bans saved').waitFor();
  const saved = await api(server.base, 'cf_demo_admin', 'GET', '/v1/organisations/platform/protection');
  const byId = Object.fromEntries(saved.category_bans.map((b) => [b.id, b]));
  expect(JSON.stringify(byId.lasers?.terms) === JSON.stringify(['laser pointer 5w', 'burning laser']), `lasers saved: ${JSON.stringify(saved.category_bans)}`);
  expect(byId.airbags?.terms.includes('inflator'), 'the edited ban saved');
  expect(saved.suspicious_terms?.includes('replica'), 'the rest of the platform policy is kept');
  // The server's limit (200 bytes a term) comes back in words on the field at fault.
  await form.getByRole('button', { name: 'Add a ban' }).click();
  const third = rows.nth(2);
  await third.getByLabel('Ban id').fill('long');
  await third.getByLabel('Banned product terms').fill('烟花'.repeat(40)); // 240 bytes of UTF-8
  await form.getByRole('button', { name: 'Review changes' }).click();
  await confirm.getByRole('button', { name: 'Save the category bans' }).click();
  await third.getByText('must be at most 200 bytes').waitFor();
  expect((await third.getByLabel('Banned product terms').getAttribute('aria-invalid')) === 'true', 'the term field is marked invalid');
  await form.getByRole('alert').filter({ hasText: 'category_bans/2/terms/0' }).waitFor();
  await shot(page, 'operator-category-bans-error');
  // Removing it leaves nothing to save.
  await third.getByRole('button', { name: 'Remove long' }).click();
  await form.getByRole('button', { name: 'Review changes' }).click();
  await form.getByText('Nothing has changed since the last save.').waitFor();
  await ctx.close();
});

test('the operator creates a marketplace under two regimes and overrides a window, with live validation and server errors on their field', async () => {
  const { ctx, page } = await signedIn('admin@demo.counterfoil');
  await page.goto(`${server.base}/admin?tab=marketplaces`);
  const form = page.getByTestId('new-marketplace');
  // Live validation of the new marketplace as it is typed.
  await form.getByLabel('Marketplace id').fill('tmall-demo');
  await form.getByText('A marketplace already has this id.').waitFor();
  await form.getByLabel('Marketplace id').fill('e2e bazaar');
  await form.getByText('Use only letters, digits and . _ : -').waitFor();
  await form.getByLabel('Marketplace id').fill('e2e-bazaar');
  await form.getByLabel('Marketplace name').fill('E2E Bazaar');
  await form.getByLabel('Listing URL template').fill('https://e2e-bazaar.example/item/{id}');
  await form.getByRole('button', { name: 'Create the marketplace' }).click();
  await form.getByText('Choose at least one regime.').waitFor();
  const early = await fetch(`${server.base}/v1/marketplaces/e2e-bazaar`, { headers: { Authorization: 'Bearer cf_demo_admin' } });
  expect(early.status === 404, `nothing is created without a regime (${early.status})`);
  // Two regimes, chosen with the keyboard: the DMCA first, so it sets the restoration window.
  await form.getByRole('checkbox', { name: /United States — DMCA/ }).focus();
  await page.keyboard.press('Space');
  await form.getByRole('checkbox', { name: /European Union — Digital Services Act/ }).check();
  expect((await form.getByText('Choose at least one regime.').count()) === 0, 'the regime error goes once one is chosen');
  await form.getByRole('button', { name: 'Create the marketplace' }).click();
  await form.getByText('Marketplace e2e-bazaar created.').waitFor();
  const created = await api(server.base, 'cf_demo_admin', 'GET', '/v1/marketplaces/e2e-bazaar');
  expect(JSON.stringify(created.regimes) === '["us_dmca","eu_dsa"]', `regimes in the order chosen: ${JSON.stringify(created.regimes)}`);
  expect(created.url_template === 'https://e2e-bazaar.example/item/{id}', `url template saved: ${created.url_template}`);
  // Its card: the effective windows beside the built-in ones, then an override of the DMCA's restoration day.
  const card = page.locator('article.card').filter({ has: page.getByRole('heading', { name: /E2E Bazaar/ }) });
  const editor = card.getByTestId('regime-editor');
  const restoreRow = editor.locator('tr[data-window=restore_after_days]');
  await restoreRow.getByTestId('effective-value').filter({ hasText: '10 days' }).waitFor();
  expect((await restoreRow.getByText('changed').count()) === 0, 'nothing is changed yet');
  const us = editor.getByRole('group', { name: 'Windows under United States — DMCA' });
  const eu = editor.getByRole('group', { name: 'Windows under European Union — Digital Services Act' });
  expect((await eu.getByRole('textbox', { name: 'Restore after (days)' }).count()) === 0, 'the DSA does not restore, so it has no restoration window to override');
  await us.getByRole('textbox', { name: 'Restore after (days)' }).fill('20');
  await us.getByText('Between 10 and 14.').waitFor();
  expect((await us.getByRole('textbox', { name: 'Restore after (days)' }).getAttribute('aria-invalid')) === 'true', 'the restoration field is marked invalid');
  await editor.getByRole('button', { name: 'Save regimes and windows' }).click();
  await editor.getByText('Fix the fields marked in red first.').waitFor();
  await us.getByRole('textbox', { name: 'Restore after (days)' }).fill('12');
  await editor.getByTestId('marketplace-changes').getByText('Restore after (days) under us_dmca: built-in → 12').waitFor();
  await editor.getByRole('button', { name: 'Save regimes and windows' }).click();
  await editor.getByText('Regimes and windows of E2E Bazaar saved.').waitFor();
  await restoreRow.getByTestId('effective-value').filter({ hasText: '12 days' }).waitFor();
  await restoreRow.getByText('changed').waitFor();
  expect((await restoreRow.locator('td').first().textContent()) === '10 days', 'the built-in value stays beside it');
  let effective = await api(server.base, 'cf_demo_admin', 'GET', '/v1/marketplaces/e2e-bazaar/regime');
  expect(effective.restore_after_days === 12 && effective.restoration === 'business_days', `effective restoration: ${JSON.stringify(effective)}`);
  await card.evaluate((el) => {
    el.scrollIntoView({ block: 'start' });
    window.scrollBy(0, -60); // below the sticky header
  });
  await shot(page, 'operator-marketplaces');
  // The DSA's six-month floor is the server's: its words come back on the appeal window.
  await eu.getByRole('textbox', { name: 'Appeal window (days)' }).fill('30');
  await editor.getByRole('button', { name: 'Save regimes and windows' }).click();
  await eu.getByText('at least 184').waitFor();
  expect((await eu.getByRole('textbox', { name: 'Appeal window (days)' }).getAttribute('aria-invalid')) === 'true', 'the appeal field is marked invalid');
  await editor.getByRole('alert').filter({ hasText: 'regime_overrides/eu_dsa/appeal_window_days' }).waitFor();
  effective = await api(server.base, 'cf_demo_admin', 'GET', '/v1/marketplaces/e2e-bazaar/regime');
  expect(effective.appeal_window_days === 184, `the refused override is not saved: ${effective.appeal_window_days}`);
  await shot(page, 'operator-marketplaces-error');
  // Dropping both overrides brings the built-in windows back.
  await eu.getByRole('button', { name: 'Use the built-in value for Appeal window (days) under European Union — Digital Services Act' }).click();
  expect((await eu.getByText('at least 184').count()) === 0, 'the server error goes with the value');
  await us.getByRole('button', { name: 'Use the built-in value for Restore after (days) under United States — DMCA' }).click();
  await editor.getByTestId('marketplace-changes').getByText('Restore after (days) under us_dmca: 12 → built-in').waitFor();
  await editor.getByRole('button', { name: 'Save regimes and windows' }).click();
  await restoreRow.getByTestId('effective-value').filter({ hasText: '10 days' }).waitFor();
  const after = await api(server.base, 'cf_demo_admin', 'GET', '/v1/marketplaces/e2e-bazaar');
  expect(JSON.stringify(after.regime_overrides) === '{}', `no overrides left: ${JSON.stringify(after.regime_overrides)}`);
  await ctx.close();
  // The same screen on a phone, in Chinese.
  const phone = await signedIn('admin@demo.counterfoil', { width: 390, height: 844 });
  await phone.page.goto(`${server.base}/admin?tab=marketplaces`);
  await phone.page.getByLabel('Language').first().selectOption('zh-CN');
  await phone.page.getByRole('heading', { name: '添加平台' }).waitFor();
  await phone.page.getByTestId('regime-editor').first().getByRole('columnheader', { name: '实际生效' }).waitFor();
  await noHorizontalScroll(phone.page, 'marketplaces and regimes');
  await shot(phone.page, 'operator-marketplaces-phone-zh');
  await phone.ctx.close();
});

test('a rights holder adds a reference photo and sees its quality', async () => {
  const { ctx, page } = await signedIn('brand@demo.counterfoil');
  await page.getByRole('link', { name: 'Protection data' }).click();
  const section = page.getByTestId('reference-photos');
  await section.getByText('No reference photos yet.').waitFor();
  await section.getByLabel('Add a photo').setInputFiles({ name: 'stormjet-bridge.jpg', mimeType: 'image/jpeg', buffer: testPhoto('bridge-1-original.jpg') });
  await page.getByText('Reference photo added and fingerprinted.').waitFor({ timeout: 30_000 });
  const quality = section.getByTestId('reference-quality');
  await quality.waitFor();
  const text = await quality.innerText();
  expect(/quality \d+\/100 · compared with listings/.test(text), `the quality is shown: ${text}`);
  await section.getByText('stormjet-bridge.jpg').waitFor();
  expect(await section.locator('img').first().evaluate((img) => img.complete && img.naturalWidth > 0), 'the photo is shown');
  await section.evaluate((el) => {
    el.scrollIntoView({ block: 'start' });
    window.scrollBy(0, -140); // the products above it, below the top bar
  });
  await shot(page, 'rights-holder-reference-photos');
  // A file that is not a photo is refused in words; nothing is added.
  await section.getByLabel('Add a photo').setInputFiles({ name: 'notes.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('not a photo at all') });
  await section.getByRole('alert').filter({ hasText: 'not a photo' }).waitFor();
  expect((await section.getByTestId('reference-photo-item').count()) === 1, 'still one reference photo');
  await ctx.close();
});

test('a reviewer sees each listing photo beside the matched reference photo with the distance', async () => {
  // The reference photo (registered in the previous test, or here when run alone).
  const pp = await api(server.base, 'cf_demo_brand', 'GET', '/v1/organisations/aurora/protection');
  if (!pp.reference_images.length) {
    const sha = await uploadBytes('cf_demo_brand', testPhoto('bridge-1-original.jpg'), 'reference_photo', 'stormjet-bridge.jpg', 'image/jpeg');
    await api(server.base, 'cf_demo_brand', 'PUT', '/v1/organisations/aurora/protection', { ...pp, reference_images: [sha] });
  }
  await screeningSettled();
  // A seller lists the brand's photo twice over, a small thumbnail and a retouched copy, naming no brand.
  const listing = `TM-PHOTO-${Date.now() % 100000}`;
  await api(server.base, 'cf_demo_marketplace', 'PUT', '/v1/sellers/s-bridge-prints', { name: 'Bridge Prints' });
  await api(server.base, 'cf_demo_marketplace', 'PUT', `/v1/listings/${listing}`, {
    seller_id: 's-bridge-prints',
    title: 'Riverside bridge canvas print',
    description: 'Framed, ready to hang.',
    category: 'home',
    price: { amount: 25, currency: 'USD' },
  });
  for (const [name, file] of [
    ['thumb.jpg', 'mod-shrink-a-lot.jpg'],
    ['contrast.jpg', 'mod-high-contrast.jpg'],
  ]) {
    const r = await fetch(`${server.base}/v1/listings/${listing}/photos`, {
      method: 'POST',
      headers: { Authorization: 'Bearer cf_demo_marketplace', 'Content-Type': 'image/jpeg' },
      body: testPhoto(file),
    });
    expect(r.status === 201, `photo ${name} uploaded: ${r.status} ${await r.text()}`);
  }
  const l = await api(server.base, 'cf_demo_marketplace', 'GET', `/v1/listings/${listing}`);
  const hitId = (l.links?.screening_hit ?? '').split('/').pop();
  expect(l.screening?.decision === 'review' && hitId, `the photos opened a screening hit: ${JSON.stringify(l)}`);
  const hit = await api(server.base, 'cf_demo_reviewer', 'GET', `/v1/screening/hits/${hitId}`);
  expect(hit.photo_matches?.length === 2, `both photos matched: ${JSON.stringify(hit.photo_matches)}`);

  const { ctx, page } = await signedIn('reviewer@demo.counterfoil');
  await page.goto(`${server.base}/review/hits/${hitId}`);
  const panel = page.getByTestId('photo-evidence');
  await panel.waitFor();
  const pairs = panel.getByTestId('photo-match');
  await pairs.nth(1).waitFor();
  expect((await pairs.count()) === 2, 'one pair per match');
  for (const id of ['listing-photo', 'reference-photo']) {
    const imgs = panel.getByTestId(id);
    for (let i = 0; i < 2; i++) {
      await imgs.nth(i).waitFor();
      await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await imgs.nth(i).elementHandle());
    }
  }
  const distances = await panel.getByTestId('photo-distance').allInnerTexts();
  for (const [i, d] of distances.entries()) {
    const m = hit.photo_matches.map((x) => x.distance).sort((a, b) => a - b);
    expect(/^Distance \d+ of 256 bits \(radius 31\)$/.test(d), `the distance in words: ${d}`);
    expect(d.includes(`Distance ${m[i]} `), `closest first: ${d} vs ${m}`);
  }
  await panel.getByText('Reference photos · reference:aurora').first().waitFor();
  await panel.getByText('stormjet-bridge.jpg').first().waitFor();
  await page.getByRole('heading', { name: 'Photo evidence' }).evaluate((h) => {
    h.scrollIntoView({ block: 'start' });
    window.scrollBy(0, -60); // below the sticky top bar
  });
  await shot(page, 'reviewer-photo-evidence');
  await ctx.close();

  // A rights holder of another brand sees no photo of it.
  const other = await fetch(`${server.base}${hit.photo_matches[0].reference_url}`, { headers: { Authorization: 'Bearer cf_demo_publisher' } });
  expect(other.status === 404, `another rights holder cannot fetch the photo (${other.status})`);
});

test('a reviewer verifies and rejects rights against their certificates; the rights holder sees why', async () => {
  // The rights holder uploads the certificate of its pending design right.
  const brand = await signedIn('brand@demo.counterfoil');
  await brand.page.getByRole('link', { name: 'Rights', exact: true }).click();
  const design = brand.page.locator('article.card', { hasText: 'rgt-aurora-design' });
  await design.getByText('Upload the registration certificate').waitFor();
  await design.getByLabel('Upload a certificate').setInputFiles({ name: 'rcd-008899.txt', mimeType: 'text/plain', buffer: Buffer.from('EUIPO registered Community design RCD 008898: hair dryer, owner Aurora Appliances Ltd.') });
  await design.getByText('Waiting for the platform to check the certificate.').waitFor();

  const { ctx, page } = await signedIn('reviewer@demo.counterfoil');
  await page.getByRole('tab', { name: 'Rights to verify' }).click();
  const card = page.getByTestId('right-to-verify').filter({ hasText: 'rgt-aurora-design' });
  await card.waitFor();
  const href = await card.getByTestId('certificate-link').first().getAttribute('href');
  const cert = await page.evaluate(async (u) => {
    const r = await fetch(u);
    return { status: r.status, text: await r.text() };
  }, href);
  expect(cert.status === 200 && cert.text.includes('RCD 008898'), `the certificate opens: ${JSON.stringify(cert)}`);
  await card.getByLabel('Rejected').check();
  const confirm = card.getByRole('button', { name: 'Reject with this reason' });
  expect(await confirm.isDisabled(), 'a rejection needs its reason');
  await card.getByLabel('Reason (sent to the rights holder)').fill('The certificate is for RCD 008898, not RCD 008899; upload the right one.');
  await shot(page, 'reviewer-rights-verification');
  await confirm.click();
  await page.getByText('Right rgt-aurora-design rejected').waitFor();
  await card.waitFor({ state: 'detached' });

  // The rights holder reads the reason, uploads the corrected certificate, and it is verified.
  await brand.page.reload();
  const again = brand.page.locator('article.card', { hasText: 'rgt-aurora-design' });
  await again.getByTestId('verification-status').getByText('RCD 008898, not RCD 008899').waitFor();
  await shot(brand.page, 'rights-holder-rights');
  await again.getByLabel('Upload a certificate').setInputFiles({ name: 'rcd-008899-corrected.txt', mimeType: 'text/plain', buffer: Buffer.from('EUIPO registered Community design RCD 008899: hair dryer, owner Aurora Appliances Ltd.') });
  await again.getByText('Waiting for the platform to check the certificate.').waitFor();
  await page.getByRole('button', { name: 'Refresh' }).click();
  const back = page.getByTestId('right-to-verify').filter({ hasText: 'rgt-aurora-design' });
  await back.getByTestId('certificate-link').nth(1).waitFor(); // both certificates are there to open
  await back.getByLabel('Verified: the certificate shows this right').check();
  await back.getByRole('button', { name: 'Record as verified' }).click();
  await page.getByText('Right rgt-aurora-design verified.').waitFor();
  await brand.page.reload();
  await brand.page.locator('article.card', { hasText: 'rgt-aurora-design' }).getByText(/^Verified on /).waitFor();
  const r = await api(server.base, 'cf_demo_brand', 'GET', '/v1/rights/rgt-aurora-design');
  expect(r.verification === 'verified' && r.rejection_reason === '', `verified: ${JSON.stringify(r)}`);
  await ctx.close();
  await brand.ctx.close();
});

test('a rights holder authorises an agent and revokes it', async () => {
  const { ctx, page } = await signedIn('brand@demo.counterfoil');
  await page.getByRole('link', { name: 'Organisation' }).click();
  const table = page.getByTestId('authorisations');
  await table.getByText('brandguard').first().waitFor();
  const form = page.getByTestId('authorise-agent');
  await form.getByLabel('Agency').fill('aurora');
  await form.getByText('That is your own organisation.').waitFor();
  await form.getByLabel('Agency').fill('no-such-agency');
  await form.getByLabel('Authorisation document').setInputFiles({ name: 'mandate.txt', mimeType: 'text/plain', buffer: Buffer.from('Aurora Appliances authorises the agency to file notices for it until 30 June 2027.') });
  await form.getByLabel('Valid until').fill('2020-01-01');
  await form.getByText('That day has passed.').waitFor();
  await form.getByLabel('Valid until').fill('2027-06-30');
  await form.getByRole('button', { name: 'Authorise the agent' }).click();
  // The server knows no such agency: said on the field.
  await form.getByText('no agency no-such-agency').waitFor();
  expect((await form.getByLabel('Agency').getAttribute('aria-invalid')) === 'true', 'the agency field is marked invalid');
  await form.getByLabel('Agency').fill('brandguard');
  await form.getByLabel('Authorisation document').setInputFiles({ name: 'mandate.txt', mimeType: 'text/plain', buffer: Buffer.from('Aurora Appliances authorises BrandGuard to file notices for it until 30 June 2027.') });
  await form.getByRole('button', { name: 'Authorise the agent' }).click();
  await page.getByText('brandguard is authorised to act for you.').waitFor();
  const fresh = table.locator('tr', { hasText: /Jun 30, 2027|30 Jun 2027/ });
  await fresh.waitFor();
  await shot(page, 'rights-holder-agents');
  // With the keyboard: the confirmation takes the focus.
  await fresh.getByRole('button', { name: 'Revoke brandguard' }).focus();
  await page.keyboard.press('Enter');
  const confirmRevoke = fresh.getByRole('button', { name: 'Revoke', exact: true });
  await confirmRevoke.waitFor();
  expect(await confirmRevoke.evaluate((el) => el === document.activeElement), 'the confirmation has the focus');
  await page.keyboard.press('Enter');
  await page.getByText('The authorisation of brandguard is revoked.').waitFor();
  await fresh.getByText('revoked').waitFor();
  const all = await api(server.base, 'cf_demo_brand', 'GET', '/v1/authorisations');
  const ours = all.items.filter((a) => a.agent_org_id === 'brandguard');
  expect(ours.length === 2 && ours.filter((a) => a.revoked).length === 1, `one revoked, the demo's still active: ${JSON.stringify(ours)}`);
  // The agency sees it too, and may not revoke the other one itself.
  const demo = ours.find((a) => !a.revoked);
  const denied = await fetch(`${server.base}/v1/authorisations/${demo.id}`, { method: 'DELETE', headers: { Authorization: 'Bearer cf_demo_agent' } });
  expect(denied.status === 403, `the agent cannot revoke (${denied.status})`);
  await ctx.close();
});

test('the new screens fit a phone', async () => {
  const phone = { width: 390, height: 844 };
  const admin = await signedIn('admin@demo.counterfoil', phone);
  await admin.page.goto(`${server.base}/admin?tab=bans`);
  await admin.page.getByTestId('ban-row').first().waitFor();
  await noHorizontalScroll(admin.page, 'category bans');
  await admin.ctx.close();
  const brand = await signedIn('brand@demo.counterfoil', phone);
  await brand.page.goto(`${server.base}/rh/organisation`);
  await brand.page.getByTestId('authorisations').waitFor();
  await noHorizontalScroll(brand.page, 'organisation and agents');
  await shot(brand.page, 'rights-holder-agents-phone');
  await brand.page.goto(`${server.base}/rh/protection`);
  await brand.page.getByTestId('reference-photos').waitFor();
  await noHorizontalScroll(brand.page, 'protection data');
  await brand.ctx.close();
  const reviewer = await signedIn('reviewer@demo.counterfoil', phone);
  await reviewer.page.goto(`${server.base}/review?queue=rights`);
  await reviewer.page.getByTestId('rights-queue').waitFor();
  await noHorizontalScroll(reviewer.page, 'rights to verify');
  const hits = await api(server.base, 'cf_demo_reviewer', 'GET', '/v1/screening/hits?limit=200');
  const photoHit = hits.items.find((h) => h.photo_matches?.length);
  expect(photoHit, 'needs the photo hit of the photo evidence test');
  await reviewer.page.goto(`${server.base}/review/hits/${photoHit.id}`);
  await reviewer.page.getByTestId('photo-match').first().waitFor();
  await noHorizontalScroll(reviewer.page, 'photo evidence');
  await reviewer.page.getByRole('heading', { name: 'Photo evidence' }).evaluate((h) => h.scrollIntoView({ block: 'start' }));
  await shot(reviewer.page, 'reviewer-photo-evidence-phone');
  await reviewer.ctx.close();
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
  let skipped = 0;
  for (const tc of tests) {
    if (args.only && !tc.name.includes(args.only)) continue;
    const started = Date.now();
    try {
      pageErrors.length = 0;
      await tc.fn();
      expect(pageErrors.length === 0, `uncaught errors in the page: ${pageErrors.join('; ')}`);
      console.log(`ok   ${tc.name} (${Date.now() - started} ms)`);
    } catch (e) {
      if (e instanceof Skip) {
        skipped++;
        console.log(`skip ${tc.name}: ${e.message}`);
        for (const ctx of browser.contexts()) await ctx.close().catch(() => {});
        continue;
      }
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
  console.log(`${tests.length - failed - skipped} passed, ${failed} failed, ${skipped} skipped; screenshots in ${outDir}`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  server?.stop();
  process.exit(1);
});
