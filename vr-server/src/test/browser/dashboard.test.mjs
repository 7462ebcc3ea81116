// The dashboard in Debian's chromium, driven by playwright-core, against a real vr-server and Redis that
// vr.server.web.DashboardBrowserIT starts (it passes VR_URL, VR_USER, VR_PASSWORD, REDIS_PORT, CHROMIUM, SWARM_ID).
// The tests run in order and share one logged-in page.
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {mkdirSync} from 'node:fs';
import {chromium} from 'playwright-core';

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(name + ' is not set: run this through DashboardBrowserIT');
  return v;
};
const BASE = env('VR_URL');
const SWARM_ID = env('SWARM_ID');
const SHOTS = process.env.SCREENSHOT_DIR;
const WAIT = {timeout: 15000};

let browser;
let context;
let page;
const offMachine = [];

function redis(...args) {
  return execFileSync('redis-cli', ['-h', '127.0.0.1', '-p', env('REDIS_PORT'), ...args], {encoding: 'utf8'}).trim();
}

// What a host's proc_publisher sends on proc_events (Proc.asMap plus the supervisord event).
function procChange(host, name, statename, event = 'PROCESS_STATE_' + statename) {
  const [app, version, config, hash, proc, port] = name.split('-');
  return JSON.stringify({description: statename === 'RUNNING' ? 'pid 4242, uptime 0:00:01' : 'Not started', exitstatus: 0,
    group: name, logfile: '/tmp/' + name + '.log', name, now: new Date().toISOString(), pid: statename === 'RUNNING' ? 4242 : 0,
    spawnerr: '', start_time: null, state: statename === 'RUNNING' ? 20 : 0, statename, stderr_logfile: '',
    stdout_logfile: '/tmp/' + name + '.log', stop_time: null, app_name: app, version, config_name: config, hash,
    proc_name: proc, port: Number(port), jsname: name.replace(/[.-]/g, '_'), id: host + '-' + name, host, event});
}

// A deployment event as the server publishes it: the envelope pushed to the buffer, then published.
function publishEvent(title, message, tags, extra) {
  const data = JSON.stringify({time: new Date().toISOString(), message, tags, title, ...extra});
  const envelope = JSON.stringify({id: randomBytes(16).toString('hex'), data});
  redis('LPUSH', 'vr2_events_buffer', envelope);
  redis('PUBLISH', 'vr2_events', envelope);
}

async function shot(name) {
  if (!SHOTS) return;
  mkdirSync(SHOTS, {recursive: true});
  await page.screenshot({path: SHOTS + '/' + name + '.png', fullPage: true});
}

// Waits for a locator; on a time-out, the error says what the page showed instead.
async function shows(locator, state = 'visible') {
  try {
    await locator.waitFor({state, ...WAIT});
  } catch (e) {
    throw new Error(e.message + '\nthe page showed:\n' + await page.locator('main').innerText());
  }
}

async function loaded(path) {
  await page.goto(BASE + path);
  await page.waitForSelector('main[data-loaded]', WAIT);
  assert.equal(await page.getAttribute('main', 'data-loaded'), 'true', await page.textContent('main'));
}

before(async () => {
  browser = await chromium.launch({
    executablePath: env('CHROMIUM'),
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--no-first-run', '--disable-default-apps', '--disable-domain-reliability'],
  });
  context = await browser.newContext({viewport: {width: 1200, height: 900}});
  // The browser never reaches anything off the machine: every request goes to the server under test.
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(BASE + '/') || url.startsWith('data:')) return route.continue();
    offMachine.push(url);
    return route.abort();
  });
  page = await context.newPage();
  page.on('pageerror', (e) => console.log('page error: ' + e.message));
});

after(async () => {
  if (browser) await browser.close();
});

test('every page needs a login; the form logs in', async () => {
  for (const path of ['/', '/swarms/', '/events/', '/records/apps/', '/ui/dashboard.js']) {
    const r = await page.request.get(BASE + path, {maxRedirects: 0, headers: {Accept: 'text/html'}});
    assert.equal(r.status(), 302, path);
    assert.match(r.headers()['location'], /^\/login\/\?next=/, path);
  }
  await page.goto(BASE + '/swarms/');
  assert.match(page.url(), /\/login\/\?next=%2Fswarms%2F$/);
  await page.fill('input[name=username]', env('VR_USER'));
  await page.fill('input[name=password]', 'wrong-password');
  await page.click('button[type=submit]');
  assert.match(await page.textContent('.error'), /Bad username or password/);
  await page.fill('input[name=username]', env('VR_USER'));
  await page.fill('input[name=password]', env('VR_PASSWORD'));
  await page.click('button[type=submit]');
  await page.waitForURL(BASE + '/swarms/', WAIT);
  await page.waitForSelector('main[data-loaded=true]', WAIT);
});

test('a write from another origin with the session cookie is refused', async () => {
  const r = await page.request.post(BASE + '/api/v1/squads/', {data: {name: 'evil'}, headers: {Origin: 'http://evil.example'}});
  assert.equal(r.status(), 403);
  const list = await page.request.get(BASE + '/api/v1/squads/?name=evil');
  assert.equal((await list.json()).meta.total_count, 0);
});

test('pages carry their content security policy; unknown pages and assets are 404', async () => {
  const home = await page.request.get(BASE + '/', {headers: {Accept: 'text/html'}});
  assert.equal(home.status(), 200);
  assert.match(home.headers()['content-security-policy'], /^default-src 'self'; script-src 'self'; style-src 'self';/);
  assert.equal((await page.request.get(BASE + '/records/users/', {headers: {Accept: 'text/html'}})).status(), 404);
  assert.equal((await page.request.get(BASE + '/ui/other.js')).status(), 404);
  const js = await page.request.get(BASE + '/ui/dashboard.js');
  assert.equal(js.status(), 200);
  assert.match(js.headers()['content-type'], /^text\/javascript/);
});

test('home shows the unreachable host as down with its reason, and a proc change without a reload', async () => {
  await loaded('/');
  const host = page.locator('article[data-host=localhost]');
  await host.locator('.badge', {hasText: 'down'}).waitFor(WAIT);
  const reason = await host.locator('.reason').textContent();
  assert.match(reason, /^down: .{5,}/);
  assert.equal(await page.textContent('#squad-lab'), 'Squad lab');
  await page.evaluate(() => { window.notReloaded = true; });
  const name = 'flow-v1-prod-0a1b2c3d-web-5001';
  redis('PUBLISH', 'proc_events', procChange('localhost', name, 'RUNNING'));
  const row = page.locator('tr[data-proc="localhost-' + name + '"]');
  await row.waitFor(WAIT);
  assert.equal(await row.locator('.statename').textContent(), 'RUNNING');
  redis('PUBLISH', 'proc_events', procChange('localhost', name, 'STOPPED'));
  await page.waitForFunction((sel) => document.querySelector(sel + ' .statename')?.textContent === 'STOPPED',
    'tr[data-proc="localhost-' + name + '"]', WAIT);
  redis('PUBLISH', 'proc_events', procChange('localhost', 'other-v2-prod-0a1b2c3e-worker-5002', 'RUNNING'));
  await page.locator('tr[data-proc="localhost-other-v2-prod-0a1b2c3e-worker-5002"]').waitFor(WAIT);
  await shot('home');
  // filters: by app, by state, free text
  await page.selectOption('#filter-app', 'other');
  assert.equal(await page.locator('tr.proc:visible').count(), 1);
  await page.selectOption('#filter-app', '');
  await page.selectOption('#filter-state', 'STOPPED');
  assert.deepEqual(await page.locator('tr.proc:visible').evaluateAll((rs) => rs.map((r) => r.dataset.proc)), ['localhost-' + name]);
  await page.selectOption('#filter-state', '');
  await page.fill('#filter-text', 'worker');
  assert.equal(await page.locator('tr.proc:visible').count(), 1);
  await page.fill('#filter-text', '');
  redis('PUBLISH', 'proc_events', JSON.stringify({event: 'PROCESS_GROUP_REMOVED', host: 'localhost',
    name: 'other-v2-prod-0a1b2c3e-worker-5002', id: 'localhost-other-v2-prod-0a1b2c3e-worker-5002'}));
  await page.locator('tr[data-proc="localhost-other-v2-prod-0a1b2c3e-worker-5002"]').waitFor({state: 'detached', ...WAIT});
  assert.equal(await page.evaluate(() => window.notReloaded), true);
});

test('a proc page has its actions, and shows the fault when its host cannot be reached', async () => {
  await page.goto(BASE + '/procs/localhost/flow-v1-prod-0a1b2c3d-web-5001/');
  await page.waitForSelector('main[data-loaded]', WAIT);
  for (const a of ['start', 'stop', 'restart']) assert.equal(await page.locator('button[data-action=' + a + ']').count(), 1);
  await page.click('button[data-action=start]');
  await page.waitForFunction(() => /start failed: .+/.test(document.querySelector('#action-result').textContent), null, WAIT);
});

test('the swarm form shows the server\'s error beside the bad field', async () => {
  await loaded('/swarms/new/');
  await page.selectOption('#f-app', {label: 'flow'});
  await page.selectOption('#f-squad', {label: 'lab'});
  await page.fill('#f-version', 'v1');
  await page.fill('#f-config_name', 'my-conf');
  await page.fill('#f-proc_name', 'web');
  await page.click('form.record button[type=submit]');
  const err = page.locator('#err-config_name');
  await err.waitFor({state: 'visible', ...WAIT});
  // the very message the API gives for the same input
  const api = await page.request.post(BASE + '/api/v1/swarms/', {data: {app: 'flow', squad: 'lab', version: 'v1',
    config_name: 'my-conf', proc_name: 'web', size: 1, volumes: []}});
  assert.equal(api.status(), 400);
  const body = await api.json();
  assert.equal(await err.textContent(), [].concat(body.errors.config_name).join(' '));
  assert.match(await err.textContent(), /config_name: use only letters/);
  assert.equal(await page.getAttribute('#f-config_name', 'aria-invalid'), 'true');
  assert.equal(await page.locator('#err-proc_name').isVisible(), false);
  await shot('swarm-form-error');
  // a bad size too: the field named by the server gets it
  await page.fill('#f-config_name', 'staging');
  await page.fill('#f-size', '5000');
  await page.click('form.record button[type=submit]');
  await page.locator('#err-size').waitFor({state: 'visible', ...WAIT});
  assert.equal(await page.locator('#err-config_name').isVisible(), false);
});

test('a dispatch shows the swarm\'s real run, ending failed with the server\'s reason', async () => {
  await loaded('/swarms/' + SWARM_ID + '/');
  await page.click('#dispatch');
  const progress = page.locator('#progress');
  await page.waitForSelector('#progress[data-outcome]', {timeout: 60000});
  assert.equal(await progress.getAttribute('data-outcome'), 'failed');
  const trace = await progress.getAttribute('data-trace');
  assert.match(trace, /^[0-9a-f]{32}$/);
  const outcome = await page.textContent('#outcome');
  assert.match(outcome, /^Failed: .+/);
  // the steps are the server's events of this trace, the last one the abort
  const steps = await page.locator('#steps li').allTextContents();
  assert.ok(steps.length >= 1, 'no step shown');
  assert.match(steps[steps.length - 1], /FAILED · Swarm flow-v1-prod-web aborted/);
  await shot('swarm-dispatch-failed');
  await loaded('/swarms/');
  const row = page.locator('tr[data-swarm="' + SWARM_ID + '"]');
  assert.match(await row.textContent(), /flow-v1-prod-web.*flow.*v1.*1.*0\/0.*lab.*failed at /);
  await page.fill('#swarm-search', 'no-such-swarm');
  assert.equal(await row.isVisible(), false);
  await page.fill('#swarm-search', 'flow');
  assert.equal(await row.isVisible(), true);
  await shot('swarms');
});

test('a dispatch\'s progress follows its events step by step to routed', async () => {
  const trace = randomBytes(16).toString('hex');
  await loaded('/swarms/' + SWARM_ID + '/?trace=' + trace);
  const extra = {swarm_id: trace};
  publishEvent('flow-v1-web', 'deployed flow-v1-prod-0a1b2c3d-web-5003 to localhost', ['deploy'], extra);
  publishEvent('Uptests passed', 'Uptests passed for flow-v1-prod-web', ['success', 'uptest'], extra);
  publishEvent('flow-v1-prod-web', 'Routed swarm flow-v1-prod-web. Nodes: current=[] correct=[localhost:5003]', ['route'], extra);
  publishEvent('some other swarm', 'not this one', ['deploy'], {swarm_id: 'f'.repeat(32)});
  publishEvent('Swarm flow-v1-prod-web finished', 'Swarm flow-v1-prod-web finished in 2.1 s', ['swarm', 'deploy', 'done'], extra);
  await page.waitForSelector('#progress[data-outcome]', WAIT);
  assert.equal(await page.getAttribute('#progress', 'data-outcome'), 'routed');
  const steps = await page.locator('#steps li strong').allTextContents();
  assert.deepEqual(steps, ['flow-v1-web', 'Uptests passed', 'flow-v1-prod-web', 'Swarm flow-v1-prod-web finished']);
  assert.match(await page.textContent('#outcome'), /^Routed: Swarm flow-v1-prod-web finished/);
  await shot('swarm-dispatch-routed');
});

test('a failing release shows its uptest output', async () => {
  const trace = randomBytes(16).toString('hex');
  await loaded('/swarms/' + SWARM_ID + '/?trace=' + trace);
  const extra = {swarm_id: trace};
  publishEvent('flow-v3-web', 'deployed flow-v3-prod-0a1b2c3f-web-5004 to localhost', ['deploy'], extra);
  publishEvent('flow-v3-prod-web', 'localhost flow-v3-prod-0a1b2c3f-web-5004: 01_http failed\nbroken on purpose\n', ['failed', 'uptest'], extra);
  publishEvent('Swarm flow-v3-prod-web aborted', 'uptest failed on localhost', ['failed'], extra);
  await page.waitForSelector('#progress[data-outcome]', WAIT);
  assert.equal(await page.getAttribute('#progress', 'data-outcome'), 'failed');
  const output = page.locator('#steps li.failed pre.output', {hasText: 'broken on purpose'});
  assert.equal(await output.count(), 1);
  assert.match(await page.textContent('#outcome'), /^Failed: uptest failed on localhost/);
});

test('the events log is live, marks failures and filters them', async () => {
  await loaded('/events/');
  await page.locator('#events li', {hasText: 'Swarm flow-v3-prod-web aborted'}).waitFor(WAIT);
  publishEvent('carol: restart flow-v1-web', 'live one', ['user', 'restart'], {});
  const liveOne = page.locator('#events li', {hasText: 'live one'});
  await liveOne.waitFor(WAIT);
  assert.equal(await liveOne.getAttribute('class'), '');
  const failed = page.locator('#events li.failed', {hasText: 'Swarm flow-v3-prod-web aborted'});
  assert.match(await failed.textContent(), /^FAILED · /);
  await page.check('#ev-failed');
  assert.equal(await liveOne.isVisible(), false);
  assert.equal(await failed.isVisible(), true);
  await page.uncheck('#ev-failed');
  await page.fill('#ev-tag', 'restart');
  assert.equal(await liveOne.isVisible(), true);
  assert.equal(await failed.isVisible(), false);
  await page.fill('#ev-tag', '');
  await shot('events');
});

test('apps: create, a bad field shown beside it, edit, delete', async () => {
  await loaded('/records/apps/');
  page.on('dialog', (d) => d.accept());
  await page.click('#new-record');
  await page.fill('#f-name', 'bad-name');
  await page.fill('#f-repo_url', 'https://example.invalid/web.git');
  await page.click('#editor button[type=submit]');
  await page.locator('#err-name').waitFor({state: 'visible', ...WAIT});
  assert.match(await page.textContent('#err-name'), /name/);
  await page.fill('#f-name', 'web2');
  await page.click('#editor button[type=submit]');
  const row = page.locator('tr[data-record=web2]');
  await shows(row);
  assert.match(await row.textContent(), /web2https:\/\/example\.invalid\/web\.gitgit/);
  await row.locator('button', {hasText: 'Edit'}).click();
  assert.equal(await page.inputValue('#f-name'), 'web2');
  await page.fill('#f-repo_url', 'https://example.invalid/web-renamed.git');
  await page.selectOption('#f-repo_type', 'hg');
  await page.click('#editor button[type=submit]');
  await page.locator('tr[data-record=web2]', {hasText: 'web-renamed.git'}).waitFor(WAIT);
  const stored = await (await page.request.get(BASE + '/api/v1/apps/web2/')).json();
  assert.equal(stored.repo_url, 'https://example.invalid/web-renamed.git');
  assert.equal(stored.repo_type, 'hg');
  await shot('apps');
  await page.locator('tr[data-record=web2] button', {hasText: 'Delete'}).click();
  await page.locator('tr[data-record=web2]').waitFor({state: 'detached', ...WAIT});
  assert.equal((await page.request.get(BASE + '/api/v1/apps/web2/')).status(), 404);
});

test('builds: an upload (a wrong md5 refused beside it), a build started and its log, a release deployed by hand', async () => {
  await loaded('/builds/');
  await page.selectOption('#upload-app', 'flow');
  await page.fill('#upload-tag', 'v9');
  await page.setInputFiles('#upload-file', {name: 'flow-v9.tar.gz', mimeType: 'application/gzip', buffer: Buffer.from('prebuilt v9')});
  await page.fill('#upload-md5', '0'.repeat(32));
  await page.click('#upload-tag >> xpath=ancestor::form//button[@type="submit"]');
  await shows(page.locator('#err-upload-md5'));
  assert.match(await page.textContent('#err-upload-md5'), /^md5: /);
  await page.fill('#upload-md5', '');
  await page.click('#upload-tag >> xpath=ancestor::form//button[@type="submit"]');
  await page.waitForFunction(() => /^uploaded: build \d+ \(success\)$/.test(document.querySelector('#build-status').textContent), null, WAIT);
  await shows(page.locator('#builds tr', {hasText: 'v9'}));
  // a release by hand: the API's own check of the port, then queued; its job's outcome follows
  await page.selectOption('#deploy-host', 'localhost');
  await page.fill('#deploy-proc', 'web');
  await page.fill('#deploy-config_name', 'prod');
  await page.fill('#deploy-port', 'eighty');
  await page.click('#deploy-port >> xpath=ancestor::form//button[@type="submit"]');
  await shows(page.locator('#err-deploy-port'));
  assert.match(await page.textContent('#err-deploy-port'), /^port: must be an integer 0-65535/);
  await page.fill('#deploy-port', '0');
  await page.click('#deploy-port >> xpath=ancestor::form//button[@type="submit"]');
  await page.waitForFunction(() => /^deploy (queued \(trace [0-9a-f]+\)|failed: .+|succeeded)/.test(document.querySelector('#deploy-status').textContent), null, WAIT);
  assert.equal(await page.locator('#err-deploy-port').isVisible(), false);
  // a build: queued, its events in the log, its job's outcome (here: it fails, no buildpack being defined)
  await page.selectOption('#build-app', {label: 'flow'});
  await page.fill('#build-tag', 'v10');
  await page.click('#build-tag >> xpath=ancestor::form//button[@type="submit"]');
  await page.waitForFunction(() => /^build \d+ (failed|succeeded): /.test(document.querySelector('#build-status').textContent), null, {timeout: 60000});
  assert.notEqual((await page.textContent('#build-log')).trim(), '', 'the build log shows its events');
  await shot('builds');
});

// Figures for docs/performance.md, printed, never asserted: the home page with 500 procs over 10 hosts (from
// the hosts' caches, as their proc_publisher writes them) against the same page before (one host, down, no procs), and the time from a proc change published to Redis to its row showing, against a bare redis-cli call.
test('figures: home page with 500 procs, and a proc change to the page', async () => {
  const firstPaint = async (rows) => {
    await page.goto(BASE + '/');
    // with procs: until they are all painted; without: until the page has loaded everything
    await page.waitForFunction((n) => (n > 0 || document.querySelector('main[data-loaded=true]'))
      && document.querySelectorAll('tr.proc').length >= n, rows, {polling: 'raf', ...WAIT});
    return page.evaluate(() => performance.now());
  };
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const baseline = [];
  for (let i = 0; i < 5; i++) baseline.push(await firstPaint(0));
  await page.request.post(BASE + '/api/v1/squads/', {data: {name: 'perf'}});
  const updated = new Date().toISOString();
  for (let h = 0; h < 10; h++) {
    const host = 'perf' + h;
    assert.equal((await page.request.post(BASE + '/api/v1/hosts/', {data: {name: host, squad: 'perf'}})).status(), 201);
    const fields = [];
    for (let i = 0; i < 50; i++) {
      const name = 'perfapp-v1-prod-0a1b2c3d-web-' + (5000 + i);
      fields.push(name, JSON.stringify({name, group: name, description: 'pid 100, uptime 1:00:00', start: 1700000000, stop: 0,
        now: 1700003600, state: 20, statename: 'RUNNING', spawnerr: '', exitstatus: 0, logfile: '', stdout_logfile: '',
        stderr_logfile: '', pid: 100 + i}));
    }
    redis('HSET', 'host_procs:' + host, ...fields, ':updated', updated);
  }
  const full = [];
  for (let i = 0; i < 5; i++) full.push(await firstPaint(500));
  assert.equal(await page.locator('article[data-host=perf0] .badge').textContent(), 'up');
  const latency = [];
  const bare = [];
  for (let i = 0; i < 30; i++) {
    const name = 'perfapp-v1-prod-0a1b2c3d-web-' + (5000 + i);
    const t0 = performance.now();
    redis('PING');
    bare.push(performance.now() - t0);
    const t1 = performance.now();
    redis('PUBLISH', 'proc_events', procChange('perf1', name, 'STOPPED'));
    await page.waitForFunction((sel) => document.querySelector(sel + ' .statename')?.textContent === 'STOPPED',
      'tr[data-proc="perf1-' + name + '"]', {polling: 'raf', ...WAIT});
    latency.push(performance.now() - t1);
  }
  const f = (x) => x.toFixed(0) + ' ms';
  console.log('figure: home first paint, one host down and no procs (baseline): median ' + f(median(baseline)) + ' of 5');
  console.log('figure: home first paint, 500 procs over 10 hosts: median ' + f(median(full)) + ' of 5; ratio '
    + (median(full) / median(baseline)).toFixed(2));
  console.log('figure: proc change published -> row changed: median ' + f(median(latency)) + ', max ' + f(Math.max(...latency))
    + ' of 30; a bare redis-cli call (baseline): median ' + f(median(bare)) + '; ratio ' + (median(latency) / median(bare)).toFixed(2));
});

test('log out ends the session', async () => {
  await loaded('/');
  await page.click('header .logout button');
  await page.waitForURL(/\/login\/$/, WAIT);
  await page.goto(BASE + '/');
  assert.match(page.url(), /\/login\/\?next=%2F$/);
  assert.deepEqual(offMachine, [], 'the browser tried to reach another origin');
});
