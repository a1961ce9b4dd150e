// LiveKit rooms: create, list with who is in them (re-read every few seconds while the page is
// open), copy join tokens by role (owners and admins for another identity too) and the LiveKit
// URL they join, record. Media cannot run against the local LiveKit stand-in (it speaks the API,
// not WebRTC).
import { type Answer, type LiveKitRoom, done, ok, type Participant } from '@onair/client';
import type { Page } from '../main';
import { api, hasRole, session } from '../session';
import { action, announce, badge, copyButton, errorSlot, field, h, time } from '../ui';

type JoinToken = Answer<'/v1/rooms/{roomId}/tokens', 'post', 201>;

const REFRESH_MS = 4000;
const BUSY = ['starting', 'recording', 'stopping'];

export const roomsPage: Page = (main) => {
  const errors = errorSlot();
  const rows = h('tbody');
  const shown = new Map<string, { tr: HTMLTableRowElement; update(r: LiveKitRoom): void }>();
  const me = session()?.userId;
  const streamer = hasRole('streamer', 'moderator', 'admin');
  let left = false;
  let refreshing = false;

  const topic = h('input', { name: 'topic', maxlength: 200, value: 'Console room' });
  const make = h('button', { type: 'submit', class: 'primary' }, 'Create room');
  const form = h('form', { class: 'inline' }, field('Topic', topic), make);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    errors.clear();
    try {
      const r = await ok(api().POST('/v1/rooms', { body: { topic: topic.value.trim() || undefined } }));
      announce(`Room ${r.roomId} created`);
      await refresh();
    } catch (err) {
      errors.show(err);
    }
  });

  // --- join tokens: for you, or (owners and admins) for another identity; the last one's facts
  const identity = h('input', { name: 'identity', autocomplete: 'off', placeholder: 'you' });
  const last = h('section', { 'aria-labelledby': 'token-h', class: 'panel', hidden: true });
  const showToken = (t: JoinToken) => {
    last.hidden = false;
    last.replaceChildren(
      h('h2', { id: 'token-h' }, 'Last join token'),
      h(
        'dl',
        {},
        h('dt', {}, 'Identity'),
        h('dd', { 'data-testid': 'token-identity' }, h('code', {}, t.identity)),
        h('dt', {}, 'Role'),
        h('dd', {}, t.role),
        h('dt', {}, 'Room'),
        h('dd', {}, h('code', {}, t.grants.room)),
        h('dt', {}, 'Expires'),
        h('dd', {}, time(t.expiresAt)),
        h('dt', {}, 'LiveKit URL'),
        h(
          'dd',
          {},
          ...(t.url
            ? [
                h('code', { 'data-testid': 'livekit-url' }, t.url),
                ' ',
                copyButton('Copy LiveKit URL', () => t.url ?? ''),
              ]
            : ['not configured']),
        ),
      ),
    );
  };
  const token = (roomId: string, role: 'publisher' | 'viewer') => async () => {
    const other = identity.value.trim();
    const t = await ok(
      api().POST('/v1/rooms/{roomId}/tokens', {
        params: { path: { roomId } },
        body: { role, ...(other ? { identity: other } : {}) },
      }),
    );
    showToken(t);
    return t.token;
  };

  /** The count, and who they are when opened (read when opened and on each re-read while open). */
  const participants = (roomId: string) => {
    const cell = h('td', {});
    const list = h('ul', { class: 'participants' });
    const out = errorSlot();
    const summary = h('summary', {});
    const more = h('details', {}, summary, list, out.el);
    const zero = h('span', {}, '0');
    const read = async () => {
      out.clear();
      try {
        const p = await ok(api().GET('/v1/rooms/{roomId}/participants', { params: { path: { roomId } } }));
        const item = (x: Participant) =>
          h(
            'li',
            {},
            h('code', {}, x.identity),
            x.name ? ` ${x.name}` : '',
            x.joinedAt ? ' since ' : '',
            x.joinedAt ? time(x.joinedAt) : '',
          );
        list.replaceChildren(...(p.items.length ? p.items.map(item) : [h('li', {}, 'Nobody now.')]));
      } catch (err) {
        out.show(err);
      }
    };
    more.addEventListener('toggle', () => {
      if (more.open) void read();
    });
    let count = -1;
    return {
      cell,
      set(n: number) {
        if (n === count) return;
        const was = count;
        count = n;
        cell.dataset.participants = String(n);
        summary.textContent = `${n} — who`;
        if (n === 0) {
          more.open = false;
          cell.replaceChildren(zero);
        } else if (was <= 0) cell.replaceChildren(more);
        if (more.open) void read();
      },
    };
  };

  const row = (first: LiveKitRoom) => {
    const roomId = first.roomId;
    const out = errorSlot();
    const record = h('button', { type: 'button', class: 'small' }, 'Start recording');
    action(record, out, async () => {
      const rec = await ok(api().POST('/v1/recordings', { body: { roomId } }));
      announce(`Recording ${rec.recordingId} is ${rec.status}`);
      await readRecording();
    });
    const stop = h('button', { type: 'button', class: 'small' }, 'Stop recording');
    action(stop, out, async () => {
      const list = await ok(api().GET('/v1/recordings', { params: { query: { roomId, limit: 10 } } }));
      const active = list.items.find((x) => x.status === 'recording' || x.status === 'starting');
      if (!active) throw new Error('This room is not being recorded');
      await ok(
        api().POST('/v1/recordings/{recordingId}/stop', {
          params: { path: { recordingId: active.recordingId } },
        }),
      );
      announce(`Recording ${active.recordingId} stopped; it is ready to play in a moment (Recordings page)`);
      await readRecording();
    });
    const del = h('button', { type: 'button', class: 'small danger' }, 'Delete');
    action(del, out, async () => {
      if (!confirm(`Delete room ${roomId}?`)) return;
      await done(api().DELETE('/v1/rooms/{roomId}', { params: { path: { roomId } } }));
      announce(`Room ${roomId} deleted`);
      await refresh();
    });
    const recording = h('td', { 'data-recording': roomId }, '');
    let recordingStatus: string | undefined;
    const readRecording = async () => {
      try {
        const p = await ok(api().GET('/v1/recordings', { params: { query: { roomId, limit: 5 } } }));
        recordingStatus = p.items[0]?.status;
        recording.replaceChildren(recordingStatus ? badge(recordingStatus) : '—');
      } catch {
        // the badge is a hint: the Recordings page has the details
      }
    };
    void readRecording();
    const topicCell = h('td', {});
    const status = h('td', {});
    const people = participants(roomId);
    const tr = h(
      'tr',
      { 'data-room': roomId },
      topicCell,
      status,
      people.cell,
      recording,
      h('td', {}, time(first.createdAt)),
      h(
        'td',
        { class: 'actions' },
        copyButton('Copy publisher token', token(roomId, 'publisher'), out),
        copyButton('Copy viewer token', token(roomId, 'viewer'), out),
        streamer && record,
        streamer && stop,
        (first.ownerId === me || hasRole('admin')) && del,
        out.el,
      ),
    );
    let shownStatus = '';
    const update = (r: LiveKitRoom) => {
      topicCell.replaceChildren(h('code', {}, r.roomId), r.topic ? ` ${r.topic}` : '');
      if (r.status !== shownStatus) status.replaceChildren(badge(r.status));
      shownStatus = r.status;
      people.set(r.participantCount);
      // A recording on its way (starting, recording, stopping) is re-read with the list.
      if (recordingStatus && BUSY.includes(recordingStatus)) void readRecording();
    };
    update(first);
    return { tr, update };
  };

  /** Re-reads the list; rows are kept and updated in place (an open list, focus stay). */
  async function refresh(): Promise<void> {
    if (refreshing) return;
    refreshing = true;
    try {
      const p = await ok(api().GET('/v1/rooms', { params: { query: { limit: 50 } } }));
      if (left) return;
      const ids = new Set(p.items.map((r) => r.roomId));
      for (const [id, x] of shown)
        if (!ids.has(id)) {
          x.tr.remove();
          shown.delete(id);
        }
      for (const r of p.items) {
        const x = shown.get(r.roomId);
        if (x) x.update(r);
        else shown.set(r.roomId, row(r));
      }
      // Newest first, as listed: move only rows that are out of place.
      const want = p.items.map((r) => shown.get(r.roomId)?.tr);
      want.forEach((tr, i) => {
        if (tr && rows.children[i] !== tr) rows.insertBefore(tr, rows.children[i] ?? null);
      });
      if (p.items.length === 0) rows.replaceChildren(h('tr', {}, h('td', { colspan: 6 }, 'No rooms yet.')));
      else for (const tr of [...rows.children]) if (!tr.hasAttribute('data-room')) tr.remove();
    } finally {
      refreshing = false;
    }
  }

  main.append(
    h('h1', {}, 'LiveKit rooms'),
    h(
      'p',
      { class: 'note' },
      'Tokens, rooms and recordings work here. Video and audio need a real LiveKit server: the local stand-in speaks LiveKit’s API but carries no media. With Docker, ',
      h('code', {}, 'docker compose up'),
      ' runs livekit-server --dev and points the services at it (the steps: docs/rooms-and-recordings.md, “Try it locally”, in the onair repository; the server: ',
      h(
        'a',
        { href: 'https://docs.livekit.io/home/self-hosting/local/', target: '_blank', rel: 'noopener' },
        'LiveKit’s guide to running it locally',
      ),
      ').',
    ),
    errors.el,
    ...(streamer
      ? [h('section', { 'aria-labelledby': 'new-room-h' }, h('h2', { id: 'new-room-h' }, 'New room'), form)]
      : []),
    h(
      'section',
      { 'aria-labelledby': 'rooms-h' },
      h('h2', { id: 'rooms-h' }, 'Rooms'),
      streamer
        ? h(
            'div',
            { class: 'narrow' },
            field(
              'Join tokens for',
              identity,
              'Another identity than yours (a guest, a bot): the room’s owner and admins only. Empty: you.',
            ),
          )
        : false,
      h(
        'div',
        { class: 'scroll' },
        h(
          'table',
          {},
          h(
            'caption',
            { class: 'visually-hidden' },
            'LiveKit rooms, newest first; re-read every few seconds',
          ),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ...['Room', 'Status', 'Participants', 'Recording', 'Created', 'Actions'].map((c) =>
                h('th', { scope: 'col' }, c),
              ),
            ),
          ),
          rows,
        ),
      ),
    ),
    last,
  );
  void refresh().catch((e) => errors.show(e));
  const poll = setInterval(() => {
    if (!document.hidden) void refresh().catch(() => {});
  }, REFRESH_MS);
  return () => {
    left = true;
    clearInterval(poll);
  };
};
