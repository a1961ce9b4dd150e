// Recordings (LiveKit egress and IVS auto-record, side by side): filters and paging, play in a
// <video> through a signed URL (seeking sends Range requests), download through the presigned S3
// URL, delete.
import { done, ok, type Recording, signedMediaUrl } from '@onair/client';
import type { Page } from '../main';
import { api } from '../session';
import { action, announce, badge, bytes, errorSlot, field, h, time } from '../ui';

const STATUSES = ['', 'starting', 'recording', 'stopping', 'ready', 'failed'] as const;
type Status = Exclude<(typeof STATUSES)[number], ''>;
const isStatus = (v: string): v is Status => STATUSES.some((s) => s !== '' && s === v);

export const recordingsPage: Page = (main) => {
  const errors = errorSlot();
  const rows = h('tbody');
  const player = h('section', { 'aria-labelledby': 'player-h', class: 'panel', hidden: true });
  const cursors: Array<string | undefined> = [undefined];
  let pageIndex = 0;
  let nextCursor: string | undefined;
  let left = false;

  const roomId = h('input', { name: 'roomId', autocomplete: 'off', placeholder: 'any room' });
  const status = h(
    'select',
    { name: 'status' },
    ...STATUSES.map((s) => h('option', { value: s }, s || 'any')),
  );
  const apply = h('button', { type: 'submit' }, 'Apply filters');
  const filters = h(
    'form',
    { class: 'inline', role: 'search' },
    field('Room id', roomId),
    field('Status', status),
    apply,
  );
  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    cursors.splice(0, cursors.length, undefined);
    pageIndex = 0;
    void load();
  });
  const prev = h('button', { type: 'button' }, 'Previous page');
  const next = h('button', { type: 'button' }, 'Next page');
  const where = h('span', { class: 'page-no' });
  prev.addEventListener('click', () => {
    if (pageIndex > 0) pageIndex--;
    void load();
  });
  next.addEventListener('click', () => {
    if (!nextCursor) return;
    pageIndex++;
    cursors[pageIndex] = nextCursor;
    void load();
  });
  const reload = h('button', { type: 'button' }, 'Refresh');
  reload.addEventListener('click', () => void load());

  async function play(r: Recording): Promise<void> {
    const { url, expiresAt } = await signedMediaUrl(api(), r.recordingId);
    const video = h('video', {
      controls: true,
      preload: 'metadata',
      src: url,
      'aria-label': `Recording ${r.fileName}`,
    });
    video.addEventListener('error', () =>
      announce(`The video could not play: ${video.error?.message || 'unknown error'}`),
    );
    player.hidden = false;
    player.replaceChildren(
      h('h2', { id: 'player-h' }, r.fileName),
      video,
      h('p', { class: 'note' }, `Signed URL, no bearer token needed; it works until ${time(expiresAt)}.`),
    );
    video.focus();
  }

  async function download(r: Recording): Promise<void> {
    const { url } = await ok(
      api().GET('/v1/recordings/{recordingId}/download-url', {
        params: { path: { recordingId: r.recordingId } },
      }),
    );
    // The presigned S3 URL is another origin: the bucket's CORS rule lets this page read it.
    const res = await fetch(url);
    if (!res.ok) throw new Error(`S3 answered ${res.status}`);
    const href = URL.createObjectURL(await res.blob());
    const a = h('a', { href, download: r.fileName });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(href), 10_000);
    announce(`Downloaded ${r.fileName}`);
  }

  const row = (r: Recording) => {
    const out = errorSlot();
    const playable = r.source === 'livekit' && r.status === 'ready';
    const playB = h('button', { type: 'button', class: 'small', disabled: !playable }, 'Play');
    action(playB, out, () => play(r));
    const dl = h('button', { type: 'button', class: 'small', disabled: !playable }, 'Download');
    action(dl, out, () => download(r));
    const del = h('button', { type: 'button', class: 'small danger' }, 'Delete');
    action(del, out, async () => {
      if (!confirm(`Delete recording ${r.fileName} (the file too)?`)) return;
      await done(
        api().DELETE('/v1/recordings/{recordingId}', { params: { path: { recordingId: r.recordingId } } }),
      );
      announce(`Recording ${r.fileName} deleted`);
      player.hidden = true;
      await load();
    });
    return h(
      'tr',
      { 'data-recording': r.recordingId },
      h('td', {}, r.fileName),
      h('td', {}, r.source === 'ivs' ? 'IVS (HLS)' : 'LiveKit (MP4)'),
      h('td', { 'data-status': r.status }, badge(r.status)),
      h('td', {}, r.roomId ?? r.streamId ?? ''),
      h('td', {}, r.durationMs !== undefined ? `${(r.durationMs / 1000).toFixed(1)} s` : ''),
      h('td', {}, bytes(r.size)),
      h('td', {}, time(r.createdAt)),
      h(
        'td',
        { class: 'actions' },
        r.source === 'ivs' ? h('span', { class: 'note' }, `s3://${r.s3Bucket}/${r.s3Prefix ?? ''}`) : playB,
        r.source === 'ivs' ? false : dl,
        del,
        out.el,
      ),
    );
  };

  async function load(): Promise<void> {
    errors.clear();
    try {
      const s = status.value;
      const p = await ok(
        api().GET('/v1/recordings', {
          params: {
            query: {
              limit: 10,
              cursor: cursors[pageIndex],
              ...(roomId.value.trim() ? { roomId: roomId.value.trim() } : {}),
              ...(isStatus(s) ? { status: s } : {}),
            },
          },
        }),
      );
      if (left) return;
      nextCursor = p.nextCursor;
      rows.replaceChildren(...p.items.map(row));
      if (p.items.length === 0) rows.append(h('tr', {}, h('td', { colspan: 8 }, 'No recordings match.')));
      prev.disabled = pageIndex === 0;
      next.disabled = !nextCursor;
      where.textContent = `Page ${pageIndex + 1}`;
    } catch (e) {
      errors.show(e);
    }
  }

  main.append(
    h('h1', {}, 'Recordings'),
    errors.el,
    filters,
    player,
    h(
      'section',
      { 'aria-labelledby': 'recs-h' },
      h('h2', { id: 'recs-h' }, 'Recordings, newest first'),
      h('div', { class: 'actions' }, reload),
      h(
        'div',
        { class: 'scroll' },
        h(
          'table',
          {},
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ...['File', 'Source', 'Status', 'Room / stream', 'Length', 'Size', 'Created', 'Actions'].map(
                (c) => h('th', { scope: 'col' }, c),
              ),
            ),
          ),
          rows,
        ),
      ),
      h('nav', { 'aria-label': 'Recording pages', class: 'actions' }, prev, where, next),
    ),
  );
  void load();
  return () => {
    left = true;
  };
};
