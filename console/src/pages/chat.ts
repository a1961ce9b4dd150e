// Chat: open any room (native or IVS Chat) with the real amazon-ivs-chat-messaging client; send;
// moderators delete messages, disconnect, ban and time out users; a native room's history pages
// in as it is scrolled; a lost connection reconnects and recovers what it missed, and says so.
import { type ChatRoom as ChatRoomView, ok } from '@onair/client';
import { type ChatMessage, type ChatRoom, SendMessageRequest } from 'amazon-ivs-chat-messaging';
import { type Connection, connectRoom } from '../chat-room';
import type { Page } from '../main';
import { api, hasRole, session } from '../session';
import { action, announce, errorSlot, field, h, messageOf, time } from '../ui';

export const chatPage: Page = (main, roomArg) => {
  const errors = errorSlot();
  let conn: Connection | undefined;
  let left = false;
  let observer: IntersectionObserver | undefined;

  // --- pick or create a room
  const roomId = h('input', {
    name: 'roomId',
    required: true,
    value: roomArg ?? '',
    placeholder: 'chat_…',
    autocomplete: 'off',
  });
  const open = h('button', { type: 'submit', class: 'primary' }, 'Open room');
  const pick = h('form', { class: 'inline' }, field('Room id', roomId), open);
  pick.addEventListener('submit', (e) => {
    e.preventDefault();
    if (roomId.value.trim()) location.hash = `#/chat/${encodeURIComponent(roomId.value.trim())}`;
  });
  const name = h('input', { name: 'name', required: true, maxlength: 128, value: 'Console room' });
  const provider = h(
    'select',
    { name: 'provider' },
    h('option', { value: 'native' }, 'native'),
    h('option', { value: 'ivs' }, 'ivs'),
  );
  const make = h('button', { type: 'submit' }, 'Create room');
  const create = h('form', { class: 'inline' }, field('Name', name), field('Provider', provider), make);
  create.addEventListener('submit', async (e) => {
    e.preventDefault();
    errors.clear();
    try {
      const r = await ok(
        api().POST('/v1/chat/rooms', {
          body: { name: name.value.trim(), provider: provider.value === 'ivs' ? 'ivs' : 'native' },
        }),
      );
      location.hash = `#/chat/${encodeURIComponent(r.roomId)}`;
    } catch (err) {
      errors.show(err);
    }
  });
  const mine = h('ul', { class: 'plain' });

  const picker = h(
    'section',
    { 'aria-labelledby': 'pick-h' },
    h('h2', { id: 'pick-h' }, 'Open a room'),
    pick,
    hasRole('streamer', 'moderator', 'admin') ? create : false,
    h('h3', {}, 'Your rooms'),
    mine,
  );
  main.append(h('h1', {}, 'Chat'), errors.el, picker);
  void ok(api().GET('/v1/chat/rooms', { params: { query: { limit: 20 } } }))
    .then((p) =>
      mine.replaceChildren(
        ...(p.items.length
          ? p.items.map((r) =>
              h(
                'li',
                {},
                h('a', { href: `#/chat/${encodeURIComponent(r.roomId)}` }, r.name),
                ` (${r.provider}, ${r.roomId})`,
              ),
            )
          : [h('li', {}, 'None yet. A stream’s chat room opens from the Streams page.')]),
      ),
    )
    .catch((e) => errors.show(e));

  if (roomArg) void openRoom(roomArg);

  async function openRoom(id: string): Promise<void> {
    let room: ChatRoomView;
    try {
      room = await ok(api().GET('/v1/chat/rooms/{roomId}', { params: { path: { roomId: id } } }));
    } catch (e) {
      errors.show(e);
      return;
    }
    if (left) return;
    const me = session()?.userId;
    const moderates = hasRole('moderator', 'admin') || room.ownerId === me;
    const state = h('p', { class: 'conn', 'data-state': 'connecting' }, 'Connecting…');
    const log = h('ol', {
      class: 'messages',
      'aria-label': 'Live messages',
      role: 'log',
      'aria-live': 'polite',
    });
    const out = errorSlot();
    let lastSeq: number | undefined;

    const seqOf = (m: ChatMessage) => {
      const v = Number(m.attributes?.['onair:seq']);
      return Number.isFinite(v) ? v : undefined;
    };
    const modButton = (label: string, run: () => Promise<void>) => {
      const b = h('button', { type: 'button', class: 'small' }, label);
      action(b, out, async () => {
        await run();
        announce(`${label}: done`);
      });
      return b;
    };
    const render = (m: ChatMessage) => {
      if (log.querySelector(`[data-id="${CSS.escape(m.id)}"]`)) return;
      const who = m.sender.userId;
      const li = h(
        'li',
        { 'data-id': m.id, 'data-sender': who },
        h('span', { class: 'sender' }, who),
        ' ',
        h('span', { class: 'content' }, m.content),
        ' ',
        h('time', { datetime: m.sendTime.toISOString() }, m.sendTime.toLocaleTimeString()),
      );
      if (moderates) {
        const tools = h('span', { class: 'tools' });
        tools.append(
          modButton('Delete', () =>
            ok(
              api().DELETE('/v1/chat/rooms/{roomId}/messages/{messageId}', {
                params: { path: { roomId: id, messageId: m.id } },
              }),
            ).then(() => {}),
          ),
        );
        if (who !== me) {
          tools.append(
            modButton(`Disconnect ${who}`, () =>
              ok(
                api().POST('/v1/chat/rooms/{roomId}/disconnections', {
                  params: { path: { roomId: id } },
                  body: { userId: who },
                }),
              ).then(() => {}),
            ),
          );
          if (room.provider === 'native')
            tools.append(
              modButton(`Time out ${who} (5 min)`, () =>
                ok(
                  api().POST('/v1/chat/rooms/{roomId}/bans', {
                    params: { path: { roomId: id } },
                    body: {
                      userId: who,
                      until: new Date(Date.now() + 5 * 60_000).toISOString(),
                      reason: 'timed out from the console',
                    },
                  }),
                ).then(() => {}),
              ),
              modButton(`Ban ${who}`, () =>
                ok(
                  api().POST('/v1/chat/rooms/{roomId}/bans', {
                    params: { path: { roomId: id } },
                    body: { userId: who, reason: 'banned from the console' },
                  }),
                ).then(() => {}),
              ),
            );
        }
        li.append(' ', tools);
      }
      log.append(li);
      li.scrollIntoView({ block: 'nearest' });
    };

    conn = connectRoom(room, {
      lastSeq: () => lastSeq,
      onState: (s, why) => {
        state.dataset.state = s;
        state.textContent =
          why ??
          {
            connecting: 'Connecting…',
            connected: 'Connected',
            reconnecting: 'Reconnecting…',
            closed: 'Disconnected',
          }[s];
        if (why) announce(why);
      },
      attach: (r: ChatRoom) => {
        r.addListener('message', (m) => {
          const seq = seqOf(m);
          if (seq !== undefined) lastSeq = Math.max(lastSeq ?? 0, seq);
          render(m);
        });
        r.addListener('messageDelete', (e) => {
          const li = log.querySelector(`[data-id="${CSS.escape(e.messageId)}"]`);
          if (li) li.remove();
          announce('A moderator deleted a message');
        });
        r.addListener('event', (e) => {
          if (e.eventName === 'onair:RECOVERY') {
            const complete = e.attributes?.complete === 'true';
            const text = complete
              ? `Reconnected: recovered every message after #${e.attributes?.since}`
              : `Reconnected: more than 1000 messages were missed; older ones are in the history below`;
            state.textContent = text;
            announce(text);
          } else if (e.eventName === 'onair:STREAM_STATE') {
            announce(`The stream is now ${e.attributes?.status}`);
          }
        });
      },
    });

    const text = h('input', { name: 'message', maxlength: 500, autocomplete: 'off', required: true });
    const send = h('button', { type: 'submit', class: 'primary' }, 'Send');
    const viewer = !hasRole('streamer', 'moderator', 'admin') && room.ownerId !== me;
    const form = h(
      'form',
      { class: 'inline send' },
      field('Message', text, viewer ? 'Viewers read only: your token has no SEND_MESSAGE' : undefined),
      send,
    );
    if (viewer) send.disabled = true;
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const content = text.value.trim();
      if (!content || !conn) return;
      out.clear();
      try {
        await conn.room().sendMessage(new SendMessageRequest(content));
        text.value = '';
        text.focus();
      } catch (err) {
        out.show(new Error(chatError(err)));
      }
    });
    const leaveRoom = h('button', { type: 'button' }, 'Disconnect');
    leaveRoom.addEventListener('click', () => conn?.close());

    const view = h(
      'section',
      { 'aria-labelledby': 'room-h', class: 'panel' },
      h('h2', { id: 'room-h' }, room.name, ' ', h('small', {}, `${room.provider} · ${room.roomId}`)),
      state,
      out.el,
      log,
      form,
      h('div', { class: 'actions' }, leaveRoom),
    );
    if (room.provider === 'native') view.append(historyPane(id));
    picker.before(view);
  }

  function historyPane(id: string): HTMLElement {
    const list = h('ol', { class: 'messages history', 'aria-label': 'History' });
    const more = h('button', { type: 'button' }, 'Load more history');
    const errs = errorSlot();
    let after = 0;
    let done = false;
    let loading = false;
    const load = async () => {
      if (done || loading) return;
      loading = true;
      try {
        const page = await ok(
          api().GET('/v1/chat/rooms/{roomId}/messages', {
            params: { path: { roomId: id }, query: { after, limit: 25 } },
          }),
        );
        for (const m of page.messages)
          list.append(
            h(
              'li',
              { 'data-seq': m.seq },
              h('span', { class: 'sender' }, m.sender.userId),
              ' ',
              h('span', { class: 'content' }, m.content),
              ' ',
              h('time', { datetime: m.sendTime }, time(m.sendTime)),
            ),
          );
        after = page.nextAfter;
        done = !page.hasMore;
        more.hidden = done;
        if (done && list.childElementCount === 0) list.append(h('li', {}, 'No messages yet.'));
      } catch (e) {
        errs.show(e);
      } finally {
        loading = false;
      }
    };
    more.addEventListener('click', () => void load());
    // Infinite scroll: the next page loads when the button comes into view.
    observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) void load();
    });
    observer.observe(more);
    void load();
    return h(
      'details',
      { class: 'history-pane' },
      h('summary', {}, 'History (stored messages, oldest first)'),
      errs.el,
      h('div', { class: 'scroll history-scroll' }, list, more),
    );
  }

  return () => {
    left = true;
    observer?.disconnect();
    conn?.close();
  };
};

/** amazon-ivs-chat-messaging rejects with a ChatError ({errorCode, errorMessage}). */
function chatError(e: unknown): string {
  if (typeof e === 'object' && e !== null && 'errorMessage' in e) {
    const code = 'errorCode' in e ? `${String(e.errorCode)} — ` : '';
    return `${code}${String(e.errorMessage)}`;
  }
  return messageOf(e);
}
