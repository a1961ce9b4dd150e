// LiveKit rooms: create, list with who is in them, copy join tokens by role, record.
// Media cannot run against the local LiveKit stand-in (it speaks the API, not WebRTC).
import { type LiveKitRoom, ok, type Participant } from '@onair/client';
import type { Page } from '../main';
import { api, hasRole } from '../session';
import { action, announce, badge, copyButton, errorSlot, field, h, time } from '../ui';

export const roomsPage: Page = (main) => {
  const errors = errorSlot();
  const rows = h('tbody');
  let left = false;

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

  const token = (roomId: string, role: 'publisher' | 'viewer') => async () =>
    (await ok(api().POST('/v1/rooms/{roomId}/tokens', { params: { path: { roomId } }, body: { role } })))
      .token;

  /** The count, and who they are when opened (read when opened, so it is current). */
  const participants = (r: LiveKitRoom) => {
    if (r.participantCount === 0) return '0';
    const list = h('ul', { class: 'participants' });
    const out = errorSlot();
    const more = h('details', {}, h('summary', {}, `${r.participantCount} — who`), list, out.el);
    more.addEventListener('toggle', async () => {
      if (!more.open) return;
      out.clear();
      try {
        const p = await ok(
          api().GET('/v1/rooms/{roomId}/participants', { params: { path: { roomId: r.roomId } } }),
        );
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
    });
    return more;
  };

  const row = (r: LiveKitRoom) => {
    const out = errorSlot();
    const record = h('button', { type: 'button', class: 'small' }, 'Start recording');
    action(record, out, async () => {
      const rec = await ok(api().POST('/v1/recordings', { body: { roomId: r.roomId } }));
      announce(`Recording ${rec.recordingId} is ${rec.status}`);
      await refresh();
    });
    const stop = h('button', { type: 'button', class: 'small' }, 'Stop recording');
    action(stop, out, async () => {
      const list = await ok(
        api().GET('/v1/recordings', { params: { query: { roomId: r.roomId, limit: 10 } } }),
      );
      const active = list.items.find((x) => x.status === 'recording' || x.status === 'starting');
      if (!active) throw new Error('This room is not being recorded');
      await ok(
        api().POST('/v1/recordings/{recordingId}/stop', {
          params: { path: { recordingId: active.recordingId } },
        }),
      );
      announce(`Recording ${active.recordingId} stopped; it is ready to play in a moment (Recordings page)`);
      await refresh();
    });
    const del = h('button', { type: 'button', class: 'small danger' }, 'Delete');
    action(del, out, async () => {
      if (!confirm(`Delete room ${r.roomId}?`)) return;
      await ok(api().DELETE('/v1/rooms/{roomId}', { params: { path: { roomId: r.roomId } } }));
      await refresh();
    });
    const recording = h('td', { 'data-recording': r.roomId }, '');
    void ok(api().GET('/v1/recordings', { params: { query: { roomId: r.roomId, limit: 5 } } }))
      .then((p) => {
        const latest = p.items[0];
        recording.replaceChildren(latest ? badge(latest.status) : '—');
      })
      .catch(() => {});
    return h(
      'tr',
      { 'data-room': r.roomId },
      h('td', {}, h('code', {}, r.roomId), r.topic ? ` ${r.topic}` : ''),
      h('td', {}, badge(r.status)),
      h('td', { 'data-participants': r.participantCount }, participants(r)),
      recording,
      h('td', {}, time(r.createdAt)),
      h(
        'td',
        { class: 'actions' },
        copyButton('Copy publisher token', token(r.roomId, 'publisher')),
        copyButton('Copy viewer token', token(r.roomId, 'viewer')),
        hasRole('streamer', 'moderator', 'admin') && record,
        stop,
        del,
        out.el,
      ),
    );
  };

  async function refresh(): Promise<void> {
    const p = await ok(api().GET('/v1/rooms', { params: { query: { limit: 50 } } }));
    if (left) return;
    rows.replaceChildren(...p.items.map(row));
    if (p.items.length === 0) rows.append(h('tr', {}, h('td', { colspan: 6 }, 'No rooms yet.')));
  }

  main.append(
    h('h1', {}, 'LiveKit rooms'),
    h(
      'p',
      { class: 'note' },
      'Tokens, rooms and recordings work here. Video and audio need a real LiveKit server: the local stand-in speaks LiveKit’s API but carries no media. With Docker, ',
      h('code', {}, 'docker compose up'),
      ' runs livekit-server --dev (see docs/rooms-and-recordings.md in the repository).',
    ),
    errors.el,
    ...(hasRole('streamer', 'moderator', 'admin')
      ? [h('section', { 'aria-labelledby': 'new-room-h' }, h('h2', { id: 'new-room-h' }, 'New room'), form)]
      : []),
    h(
      'section',
      { 'aria-labelledby': 'rooms-h' },
      h('h2', { id: 'rooms-h' }, 'Rooms'),
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
              ...['Room', 'Status', 'Participants', 'Recording', 'Created', 'Actions'].map((c) =>
                h('th', { scope: 'col' }, c),
              ),
            ),
          ),
          rows,
        ),
      ),
    ),
  );
  void refresh().catch((e) => errors.show(e));
  return () => {
    left = true;
  };
};
