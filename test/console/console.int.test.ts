// The web console in Chromium against npm start's stack (one stack, two browser contexts): sign
// in as development users, create a stream and watch it go live from its chat room's events,
// chat between two users with a moderator deleting and banning, create a LiveKit room and record
// it, play the recording and seek to its middle (Range: 206 + Content-Range, no media error),
// download and delete it. Every page's console errors and uncaught exceptions fail the suite.
// Screenshots of each page go to reports/console/. Chromium is Debian's (/usr/bin/chromium;
// .ci/run installs it); CONSOLE_CHROMIUM names another binary.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page, type Route } from 'playwright-core';
import { waitFor } from '../../libs/runtime/test/wait-for';
import { stackPorts } from '../../devstack/src/cli/ports';
import { type StackProcess, startStackProcess } from '../support/stack-process';

const ROOT = resolve(__dirname, '../..');
const SHOTS = resolve(ROOT, 'reports/console');
const CHROMIUM = process.env.CONSOLE_CHROMIUM ?? '/usr/bin/chromium';
/** Chromium in this closed network: no sandbox (root in CI), and no calls home it would wait for. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const STEP_MS = 30_000;
/**
 * What Chromium logs for every 4xx answer, expected or not: the pages get refusals on purpose
 * (a banned user's token, a viewer's publisher token) and show them. Only these are let through;
 * a 5xx, or anything else logged as an error, still fails the suite.
 */
const EXPECTED_4XX = /^Failed to load resource: the server responded with a status of 4\d\d\b/;
/** Run in the page (strings: this file is compiled without the DOM's types). */
const IN_PAGE = {
  clipboard: 'navigator.clipboard.readText()',
  /** The history list does not scroll itself: its box does (one scroll box). */
  historyListOverflow: "getComputedStyle(document.querySelector('ol.history')).overflowY",
  scrollHistoryToEnd:
    "(() => { const b = document.querySelector('.history-scroll'); b.scrollTo(0, b.scrollHeight); })()",
  videoHasMetadata: "(document.querySelector('video')?.readyState ?? 0) >= 1",
  /** Seeks the player to the middle and answers where it landed once `seeked` fired. */
  seekToMiddle: `new Promise((done) => {
    const v = document.querySelector('video');
    v.addEventListener('seeked', () => done({ currentTime: v.currentTime, duration: v.duration, error: v.error ? v.error.code : null }), { once: true });
    v.currentTime = v.duration / 2;
  })`,
};

describe('the web console in Chromium', () => {
  let stack: StackProcess;
  let browser: Browser;
  let alice: { context: BrowserContext; page: Page };
  let bob: { context: BrowserContext; page: Page };
  const problems: string[] = [];
  let stream: { streamId: string; chatRoomId: string };
  let roomId: string;
  let recordingId: string;
  let fileName: string;

  async function open(name: string): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({
      viewport: { width: 1100, height: 820 },
      permissions: ['clipboard-read', 'clipboard-write'],
      acceptDownloads: true,
    });
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_MS);
    page.on('console', (m) => {
      if (m.type() === 'error' && !EXPECTED_4XX.test(m.text()))
        problems.push(`${name}: console error: ${m.text()} (${m.location().url})`);
    });
    page.on('pageerror', (e) => problems.push(`${name}: uncaught: ${e.message}`));
    page.on('dialog', (d) => void d.accept());
    await page.goto(`${stack.gatewayUrl}/console`);
    return { context, page };
  }

  const shot = (page: Page, name: string) => page.screenshot({ path: resolve(SHOTS, `${name}.png`) });

  /** The text of the page's focused element's tag, e.g. H1. */
  const focused = (page: Page) => page.evaluate<string>('document.activeElement?.tagName ?? ""');

  async function signInAsDevUser(page: Page, user: string, roles: string[]): Promise<void> {
    await page.getByRole('heading', { name: 'Development sign-in' }).waitFor();
    await page.getByLabel('User id').fill(user);
    for (const r of ['viewer', 'streamer', 'moderator', 'admin']) {
      const box = page.getByRole('checkbox', { name: r, exact: true });
      if ((await box.isChecked()) !== roles.includes(r)) await box.click();
    }
    await page.getByRole('button', { name: 'Sign in as this user' }).click();
    await page.getByRole('heading', { name: 'Streams', level: 1 }).waitFor();
  }

  async function apiPost(path: string, user: string, roles: string[], body: unknown): Promise<unknown> {
    const r = await fetch(`${stack.gatewayUrl}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await stack.token(user, roles)}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(body),
    });
    return r.json();
  }

  /** The API, as the browser's user, for what the test checks behind the page. */
  async function apiGet(path: string, user: string, roles: string[]): Promise<unknown> {
    const r = await fetch(`${stack.gatewayUrl}${path}`, {
      headers: { authorization: `Bearer ${await stack.token(user, roles)}` },
    });
    return r.json();
  }

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium`);
    mkdirSync(SHOTS, { recursive: true });
    // What `npm start` builds first (its prestart script): a no-op when the build is fresh.
    execFileSync(process.execPath, [resolve(ROOT, 'console/build.mjs')], { cwd: ROOT, stdio: 'pipe' });
    [stack, browser] = await Promise.all([
      startStackProcess(),
      chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true }),
    ]);
    alice = await open('alice');
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  }, 60_000);

  it('signs in as a development user picked on the sign-in page', async () => {
    const { page } = alice;
    await page.getByRole('heading', { name: 'Sign in', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'Development sign-in' }).waitFor();
    await shot(page, 'sign-in');
    await signInAsDevUser(page, 'alice', ['streamer', 'moderator']);
    await page.getByText('alice (streamer, moderator)').waitFor();
    // Focus is on the new page's heading, not left on <body> (the sign-in button is gone).
    await waitFor(async () => (await focused(page)) === 'H1', { what: 'focus on the Streams heading' });
  }, 60_000);

  it('creates a stream, shows its key to the owner, and its status goes live from the chat room events', async () => {
    const { page } = alice;
    await page.getByLabel('Title').fill('Console show');
    await page.getByLabel('Chat provider').selectOption('native');
    await page.getByRole('button', { name: 'Create stream' }).click();
    const row = page.locator('tbody tr', { hasText: 'Console show' });
    await row.locator('[data-status="ready"]').waitFor();
    await page.getByRole('heading', { name: /Console show/, level: 2 }).waitFor();
    expect(await page.getByTestId('ingest').textContent()).toMatch(/^rtmps:\/\/.+:443\/app\/$/);
    await page.getByRole('button', { name: 'Copy stream key' }).click();
    await page.getByRole('button', { name: 'Copied' }).waitFor();
    const key = await page.evaluate<string>(IN_PAGE.clipboard);
    expect(key).toMatch(/^sk_/);
    const id = await row.getAttribute('data-stream');
    const s = await apiGet(`/v1/streams/${id}`, 'alice', ['streamer']);
    if (!isStreamLike(s)) throw new Error(`GET /v1/streams/${id}: ${JSON.stringify(s)}`);
    stream = s;

    // The list's re-reads are held here: only the onair:STREAM_STATE event can change the row.
    const held: Route[] = [];
    const list = /\/v1\/streams\?/;
    await page.route(list, (r) => void held.push(r));
    await page.getByRole('button', { name: 'Start broadcast' }).click();
    await row.locator('[data-status="live"]').waitFor();
    await page.locator('#detail-h .badge', { hasText: 'live' }).waitFor();
    await page.unroute(list);
    for (const r of held) await r.continue();
    await shot(page, 'streams');
  }, 90_000);

  it('IVS Chat streams: recorded, with a channel type; the details follow the status; new streams appear', async () => {
    const { page } = alice;
    await page.getByLabel('Title').fill('Recorded IVS show');
    await page.getByLabel('Chat provider').selectOption('ivs');
    await page.getByLabel('Channel type').selectOption('BASIC');
    const arn = 'arn:aws:ivs:us-east-1:123456789012:recording-configuration/console1';
    await page.getByLabel('Recording configuration ARN').fill(arn);
    await page.getByRole('button', { name: 'Create stream' }).click();
    await page.getByRole('heading', { name: /Recorded IVS show/, level: 2 }).waitFor();
    await page.locator('.panel dd', { hasText: arn }).waitFor();
    await page.locator('.panel dd', { hasText: 'BASIC' }).waitFor();
    const stop = page.getByRole('button', { name: 'Stop stream' });
    expect(await stop.isDisabled()).toBe(true);
    // No stream events in an IVS Chat room: the list's re-read moves the row and the details.
    await page.getByRole('button', { name: 'Start broadcast' }).click();
    await page.locator('#detail-h .badge', { hasText: 'live' }).waitFor();
    await waitFor(async () => !(await stop.isDisabled()), { what: 'Stop stream to be enabled' });

    // A stream made elsewhere (another tab, the API) joins the open list.
    await apiPost('/v1/streams', 'alice', ['streamer'], { title: 'Made in another tab' });
    await page.locator('tbody tr', { hasText: 'Made in another tab' }).waitFor();
  }, 90_000);

  it('chats between two users; a moderator deletes a message and bans the sender', async () => {
    bob = await open('bob');
    await signInAsDevUser(bob.page, 'bob', ['streamer']);
    const chat = `#/chat/${encodeURIComponent(stream.chatRoomId)}`;
    await alice.page.goto(`${stack.gatewayUrl}/console#/streams/${encodeURIComponent(stream.streamId)}`);
    await alice.page.getByRole('link', { name: 'Open chat' }).click();
    await bob.page.goto(`${stack.gatewayUrl}/console${chat}`);
    for (const { page } of [alice, bob]) await page.locator('.conn[data-state="connected"]').waitFor();

    await bob.page.getByRole('textbox', { name: 'Message' }).fill('hello from bob');
    await bob.page.getByRole('button', { name: 'Send' }).click();
    const bobsLine = (p: Page) =>
      p.locator('.messages:not(.history) li[data-sender="bob"]', { hasText: 'hello from bob' });
    await bobsLine(alice.page).waitFor();
    await alice.page.getByRole('textbox', { name: 'Message' }).fill('welcome, bob');
    await alice.page.getByRole('button', { name: 'Send' }).click();
    await bob.page.locator('li[data-sender="alice"]', { hasText: 'welcome, bob' }).waitFor();
    // Bob is no moderator: no tools on his page.
    expect(await bob.page.getByRole('button', { name: 'Delete' }).count()).toBe(0);

    await bobsLine(alice.page).getByRole('button', { name: 'Delete' }).click();
    await bobsLine(bob.page).waitFor({ state: 'detached' });
    await bobsLine(alice.page).waitFor({ state: 'detached' });

    // Disconnect says so, stops sending, and Connect brings the room back.
    const conn = (p: Page) => p.locator('.conn');
    const send = (p: Page) => p.getByRole('button', { name: 'Send' });
    await bob.page.getByRole('button', { name: 'Disconnect', exact: true }).click();
    await bob.page.locator('.conn[data-state="closed"]', { hasText: 'Disconnected' }).waitFor();
    expect(await send(bob.page).isDisabled()).toBe(true);
    await bob.page.getByRole('button', { name: 'Connect', exact: true }).click();
    await bob.page.locator('.conn[data-state="connected"]').waitFor();
    expect(await send(bob.page).isDisabled()).toBe(false);

    await bob.page.getByRole('textbox', { name: 'Message' }).fill('still here');
    await bob.page.getByRole('button', { name: 'Send' }).click();
    const still = alice.page.locator('li[data-sender="bob"]', { hasText: 'still here' });
    await still.getByRole('button', { name: 'Ban bob' }).click();
    // Bob's page says why he was put out (the ban's reason) and does not reconnect: he is banned.
    await bob.page
      .locator('.conn', { hasText: 'A moderator disconnected you: banned from the console' })
      .waitFor();
    expect(await send(bob.page).isDisabled()).toBe(true);
    const token = await fetch(`${stack.gatewayUrl}/v1/chat/rooms/${stream.chatRoomId}/tokens`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await stack.token('bob', ['streamer'])}`,
        'content-type': 'application/json',
      },
      body: '{}',
    });
    expect(token.status).toBe(403);
    expect(await conn(bob.page).getAttribute('data-state')).toBe('closed');
    await shot(alice.page, 'chat');
    const bans = await apiGet(`/v1/chat/rooms/${stream.chatRoomId}/messages`, 'alice', ['moderator']);
    expect(JSON.stringify(bans)).not.toContain('hello from bob'); // deleted: left out of the history

    // Reloaded, a banned user is told why (the token route's 403) and the page stops trying.
    const refused = (p: Page, text: RegExp) =>
      p.locator('.conn[data-state="closed"]', { hasText: text }).waitFor();
    await bob.page.reload();
    await refused(bob.page, /Cannot connect: 403 — You are banned from this room/);
    await bob.page.getByRole('alert').filter({ hasText: 'You are banned from this room' }).first().waitFor();

    // The moderator lifts the ban: bob connects again, and a time-out puts him out as well.
    await alice.page.getByLabel('User id').fill('bob');
    await alice.page.getByRole('button', { name: 'Unban' }).click();
    await alice.page.getByRole('status').filter({ hasText: 'bob may join this room again' }).waitFor();
    await bob.page.getByRole('button', { name: 'Connect', exact: true }).click();
    await bob.page.locator('.conn[data-state="connected"]').waitFor();
    await bob.page.getByRole('textbox', { name: 'Message' }).fill('back again');
    await send(bob.page).click();
    await alice.page
      .locator('li[data-sender="bob"]', { hasText: 'back again' })
      .getByRole('button', { name: 'Time out bob (5 min)' })
      .click();
    await refused(bob.page, /A moderator disconnected you: timed out/);
    await bob.page.reload();
    await refused(bob.page, /Cannot connect: 403 — You are timed out in this room until/);
  }, 90_000);

  it('pages the chat history in one scroll box: reaching its end loads the next page', async () => {
    const { page } = alice;
    // 30 more messages (the page has 25): each waits for its echo, and is sent again when the
    // room's rate limit refused it.
    const text = page.getByRole('textbox', { name: 'Message' });
    for (let i = 1; i <= 30; i++) {
      const line = page.locator(`.messages:not(.history) li:has(.content:text-is("line ${i}"))`);
      await waitFor(
        async () => {
          if ((await line.count()) > 0) return true;
          if ((await text.inputValue()) === '') await text.fill(`line ${i}`);
          if (!(await page.getByRole('button', { name: 'Send' }).isDisabled()))
            await page.getByRole('button', { name: 'Send' }).click();
          return false;
        },
        { what: `line ${i} to be sent`, timeoutMs: 15_000 },
      );
    }
    await page.reload();
    await page.locator('.conn[data-state="connected"]').waitFor();
    await page.getByText('History (stored messages, oldest first)').click();
    const history = page.locator('ol.history > li');
    await waitFor(async () => (await history.count()) === 25, { what: 'the first history page' });
    expect(await page.evaluate<string>(IN_PAGE.historyListOverflow)).toBe('visible');
    // Scrolled to its end (no click): the next page comes, and the button goes after the last.
    await waitFor(
      async () => {
        await page.evaluate(IN_PAGE.scrollHistoryToEnd);
        return (await history.count()) > 25;
      },
      { what: 'the next history page on scrolling to the end' },
    );
    await page.getByRole('button', { name: 'Load more history' }).waitFor({ state: 'hidden' });
  }, 90_000);

  it('creates a LiveKit room, copies a join token, and records the room', async () => {
    const { page } = alice;
    await page.getByRole('link', { name: 'Rooms' }).click();
    await page.getByRole('heading', { name: 'LiveKit rooms' }).waitFor();
    await page.getByText('carries no media').waitFor();
    await page.getByLabel('Topic').fill('console recording');
    await page.getByRole('button', { name: 'Create room' }).click();
    const row = page.locator('tbody tr', { hasText: 'console recording' });
    await row.waitFor();
    roomId = String(await row.getAttribute('data-room'));
    await row.getByRole('button', { name: 'Copy publisher token' }).click();
    await row.getByRole('button', { name: 'Copied' }).waitFor();
    const joinToken = await page.evaluate<string>(IN_PAGE.clipboard);
    expect(joinToken).toMatch(/^eyJ/);
    // The copied token works: alice joins with it (as a LiveKit client would), and the room
    // lists her once LiveKit's webhook reached stream-svc.
    const lk = `http://127.0.0.1:${stackPorts(stack.offset).livekit}`;
    const joined = await fetch(`${lk}/_dev/join`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: joinToken }),
    });
    expect(joined.status).toBe(200);
    // The open page re-reads the list: the count moves without a reload.
    const roomRow = page.locator(`tr[data-room="${roomId}"]`);
    await roomRow.locator('td[data-participants="1"]').waitFor();
    await roomRow.getByText('1 — who').click();
    await roomRow.locator('ul.participants li', { hasText: 'alice' }).waitFor();

    // The owner copies a token for another identity; the page shows it with the LiveKit URL.
    await page.getByLabel('Join tokens for').fill('guest-1');
    await row.getByRole('button', { name: 'Copy viewer token' }).click();
    await page.getByTestId('token-identity').filter({ hasText: 'guest-1' }).waitFor();
    expect(await page.getByTestId('livekit-url').textContent()).toMatch(/^wss?:\/\//);
    await page.getByLabel('Join tokens for').fill('');

    // A viewer: no create forms, no stop or delete, and a refused token says why (the API's 403).
    const carol = await open('carol');
    await signInAsDevUser(carol.page, 'carol', ['viewer']);
    expect(await carol.page.getByRole('heading', { name: 'New stream' }).count()).toBe(0);
    await carol.page.getByRole('link', { name: 'Rooms' }).click();
    const carolsRow = carol.page.locator(`tr[data-room="${roomId}"]`);
    await carolsRow.getByRole('button', { name: 'Copy publisher token' }).click();
    await carolsRow
      .getByRole('alert')
      .filter({ hasText: '403 — Only streamers, moderators and the owner may publish here' })
      .waitFor();
    for (const name of ['Start recording', 'Stop recording', 'Delete'])
      expect(await carolsRow.getByRole('button', { name }).count()).toBe(0);
    expect(await carol.page.getByRole('heading', { name: 'New room' }).count()).toBe(0);
    await carol.context.close();

    await row.getByRole('button', { name: 'Start recording' }).click();
    const status = async () => {
      const list = await apiGet(`/v1/recordings?roomId=${roomId}`, 'alice', ['streamer']);
      const first = isList(list) ? list.items[0] : undefined;
      if (first) ({ recordingId, fileName } = first);
      return first?.status;
    };
    await waitFor(async () => (await status()) === 'recording', {
      what: 'the recording to start',
      timeoutMs: 60_000,
    });
    await page
      .locator('tbody tr', { hasText: 'console recording' })
      .getByRole('button', { name: 'Stop recording' })
      .click();
    await waitFor(async () => (await status()) === 'ready', {
      what: 'the recording to be ready',
      timeoutMs: 60_000,
    });
    await shot(page, 'rooms');
  }, 150_000);

  it('plays the recording, seeks to its middle with Range requests, downloads it and deletes it', async () => {
    const { page } = alice;
    const partial: string[] = [];
    page.on('response', (r) => {
      if (r.url().includes(`/v1/recordings/${recordingId}/media?`) && r.status() === 206)
        partial.push(r.headers()['content-range'] ?? '');
    });
    await page.getByRole('link', { name: 'Recordings' }).click();
    const row = page.locator(`tr[data-recording="${recordingId}"]`);
    await row.locator('[data-status="ready"]').waitFor();
    await row.getByRole('button', { name: 'Play' }).click();
    const video = page.locator('video');
    await video.waitFor();
    await page.waitForFunction(IN_PAGE.videoHasMetadata);
    const seek = await page.evaluate<{ currentTime: number; duration: number; error: number | null }>(
      IN_PAGE.seekToMiddle,
    );
    expect(seek.error).toBeNull();
    expect(seek.duration).toBeGreaterThan(0);
    expect(Math.abs(seek.currentTime - seek.duration / 2)).toBeLessThan(0.5);
    expect(partial.length).toBeGreaterThan(0);
    expect(partial[0]).toMatch(/^bytes \d+-\d+\/\d+$/);
    await shot(page, 'recordings');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      row.getByRole('button', { name: 'Download' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(fileName);

    await row.getByRole('button', { name: 'Delete' }).click();
    await row.waitFor({ state: 'detached' });
    const gone = await fetch(`${stack.gatewayUrl}/v1/recordings/${recordingId}`, {
      headers: { authorization: `Bearer ${await stack.token('alice', ['streamer'])}` },
    });
    expect(gone.status).toBe(404);
  }, 90_000);

  it('no page logged a console error or threw', () => {
    expect(problems).toEqual([]);
  });
});

function isStreamLike(v: unknown): v is { streamId: string; chatRoomId: string } {
  return (
    typeof v === 'object' &&
    v !== null &&
    'streamId' in v &&
    'chatRoomId' in v &&
    typeof v.chatRoomId === 'string'
  );
}

function isList(
  v: unknown,
): v is { items: Array<{ recordingId: string; fileName: string; status: string }> } {
  return typeof v === 'object' && v !== null && 'items' in v && Array.isArray(v.items);
}
