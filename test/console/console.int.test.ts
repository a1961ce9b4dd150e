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
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
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
/** Run in the page (strings: this file is compiled without the DOM's types). */
const IN_PAGE = {
  clipboard: 'navigator.clipboard.readText()',
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
      if (m.type() === 'error') problems.push(`${name}: console error: ${m.text()} (${m.location().url})`);
    });
    page.on('pageerror', (e) => problems.push(`${name}: uncaught: ${e.message}`));
    page.on('dialog', (d) => void d.accept());
    await page.goto(`${stack.gatewayUrl}/console`);
    return { context, page };
  }

  const shot = (page: Page, name: string) => page.screenshot({ path: resolve(SHOTS, `${name}.png`) });

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

    // Polling is off for native rooms: only the onair:STREAM_STATE event can change the row.
    await page.getByRole('button', { name: 'Start broadcast' }).click();
    await row.locator('[data-status="live"]').waitFor();
    await shot(page, 'streams');
  }, 90_000);

  it('chats between two users; a moderator deletes a message and bans the sender', async () => {
    bob = await open('bob');
    await signInAsDevUser(bob.page, 'bob', ['streamer']);
    const chat = `#/chat/${encodeURIComponent(stream.chatRoomId)}`;
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

    await bob.page.getByRole('textbox', { name: 'Message' }).fill('still here');
    await bob.page.getByRole('button', { name: 'Send' }).click();
    const still = alice.page.locator('li[data-sender="bob"]', { hasText: 'still here' });
    await still.getByRole('button', { name: 'Ban bob' }).click();
    // Bob's page says why he was put out (the ban's reason) and does not reconnect: he is banned.
    await bob.page
      .locator('.conn', { hasText: 'A moderator disconnected you: banned from the console' })
      .waitFor();
    const token = await fetch(`${stack.gatewayUrl}/v1/chat/rooms/${stream.chatRoomId}/tokens`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await stack.token('bob', ['streamer'])}`,
        'content-type': 'application/json',
      },
      body: '{}',
    });
    expect(token.status).toBe(403);
    expect(await bob.page.locator('.conn').getAttribute('data-state')).toBe('closed');
    await shot(alice.page, 'chat');
    const bans = await apiGet(`/v1/chat/rooms/${stream.chatRoomId}/messages`, 'alice', ['moderator']);
    expect(JSON.stringify(bans)).not.toContain('hello from bob'); // deleted: left out of the history
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
    await waitFor(
      async () => {
        // Away and back: the rooms page reads the list when it opens.
        await page.getByRole('link', { name: 'Streams' }).click();
        await page.getByRole('link', { name: 'Rooms' }).click();
        await page.locator(`tr[data-room="${roomId}"]`).waitFor();
        return (await page.locator(`tr[data-room="${roomId}"] td[data-participants="1"]`).count()) === 1;
      },
      { what: 'the room to count one participant' },
    );
    const roomRow = page.locator(`tr[data-room="${roomId}"]`);
    await roomRow.getByText('1 — who').click();
    await roomRow.locator('ul.participants li', { hasText: 'alice' }).waitFor();

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
