// Chat: open any room (native or IVS Chat) with the real amazon-ivs-chat-messaging client; send;
// moderators delete messages, disconnect, ban and time out users; a native room's history pages
// in as it is scrolled; a lost connection reconnects and recovers what it missed, and says so.
import { type ChatRoom as ChatRoomView, done, ok } from '@onair/client';
import { type ChatMessage, type ChatRoom, SendMessageRequest } from 'amazon-ivs-chat-messaging';
import { type Connection, type ConnState, connectRoom } from '../chat-room';
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
    /** A moderator's button; `run` answers false when the moderator changed their mind. */
    const modButton = (label: string, run: () => Promise<boolean | undefined>) => {
      const b = h('button', { type: 'button', class: 'small' }, label);
      action(b, out, async () => {
        if ((await run()) !== false) announce(`${label}: done`);
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
            done(
              api().DELETE('/v1/chat/rooms/{roomId}/messages/{messageId}', {
                params: { path: { roomId: id, messageId: m.id } },
              }),
            ).then(() => true),
          ),
        );
        if (who !== me) {
          tools.append(
            modButton(`Disconnect ${who}`, () =>
              done(
                api().POST('/v1/chat/rooms/{roomId}/disconnections', {
                  params: { path: { roomId: id } },
                  body: { userId: who },
                }),
              ).then(() => true),
            ),
          );
          if (room.provider === 'native')
            tools.append(
              modButton(`Time out ${who} (5 min)`, () =>
                done(
                  api().POST('/v1/chat/rooms/{roomId}/bans', {
                    params: { path: { roomId: id } },
                    body: {
                      userId: who,
                      until: new Date(Date.now() + 5 * 60_000).toISOString(),
                      reason: 'timed out from the console',
                    },
                  }),
                ).then(() => true),
              ),
              modButton(`Ban ${who}`, async () => {
                if (!confirm(`Ban ${who} from this room? (Lift it below, under Moderation.)`)) return false;
                await done(
                  api().POST('/v1/chat/rooms/{roomId}/bans', {
                    params: { path: { roomId: id } },
                    body: { userId: who, reason: 'banned from the console' },
                  }),
                );
                return true;
              }),
            );
        }
        li.append(' ', tools);
      }
      log.append(li);
      li.scrollIntoView({ block: 'nearest' });
    };

    const text = h('input', { name: 'message', maxlength: 500, autocomplete: 'off', required: true });
    const send = h('button', { type: 'submit', class: 'primary', disabled: true }, 'Send');
    const viewer = !hasRole('streamer', 'moderator', 'admin') && room.ownerId !== me;
    // One button: Disconnect while a connection is open or being retried, Connect once closed.
    const toggle = h('button', { type: 'button' }, 'Disconnect');
    const onState = (s: ConnState, why?: string) => {
      if (left) return;
      send.disabled = viewer || s !== 'connected';
      toggle.textContent = s === 'closed' ? 'Connect' : 'Disconnect';
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
    };
    const attach = (r: ChatRoom) => {
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
    };
    const connect = () => {
      conn = connectRoom(room, { lastSeq: () => lastSeq, onState, attach });
    };
    connect();
    toggle.addEventListener('click', () => {
      out.clear();
      if (conn && conn.state() !== 'closed') conn.close();
      else connect();
    });

    const form = h(
      'form',
      { class: 'inline send' },
      field('Message', text, viewer ? 'Viewers read only: your token has no SEND_MESSAGE' : undefined),
      send,
    );
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

    const view = h(
      'section',
      { 'aria-labelledby': 'room-h', class: 'panel' },
      h('h2', { id: 'room-h' }, room.name, ' ', h('small', {}, `${room.provider} · ${room.roomId}`)),
      state,
      out.el,
      log,
      form,
      h('div', { class: 'actions' }, toggle),
      moderates && room.provider === 'native' ? unbanForm(id) : false,
    );
    if (room.provider === 'native') view.append(historyPane(id));
    picker.before(view);
  }

  /** Lifts a ban or a time-out (there is no list of bans to pick from: the user id is typed). */
  function unbanForm(id: string): HTMLElement {
    const user = h('input', {
      name: 'unbanUser',
      required: true,
      autocomplete: 'off',
      placeholder: 'user id',
    });
    const lift = h('button', { type: 'submit' }, 'Unban');
    const errs = errorSlot();
    const f = h('form', { class: 'inline' }, field('User id', user), lift);
    f.addEventListener('submit', async (e) => {
      e.preventDefault();
      const who = user.value.trim();
      if (!who || lift.disabled) return;
      lift.disabled = true;
      errs.clear();
      try {
        await done(
          api().DELETE('/v1/chat/rooms/{roomId}/bans/{userId}', {
            params: { path: { roomId: id, userId: who } },
          }),
        );
        announce(`${who} may join this room again (if banned or timed out, no longer)`);
        user.value = '';
      } catch (err) {
        errs.show(err);
      } finally {
        lift.disabled = false;
      }
    });
    return h(
      'section',
      { 'aria-labelledby': 'mod-h', class: 'moderation' },
      h('h3', { id: 'mod-h' }, 'Moderation: lift a ban or a time-out'),
      errs.el,
      f,
    );
  }

  function historyPane(id: string): HTMLElement {
    const list = h('ol', { class: 'messages history', 'aria-label': 'History' });
    // One scroll box (the list itself does not scroll): its end, the button, loads the next page.
    const box = h('div', { class: 'history-scroll' }, list);
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
    box.append(more);
    observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) void load();
      },
      { root: box },
    );
    observer.observe(more);
    void load();
    // The error stays outside the folded pane: a refusal (a ban) shows without opening it.
    return h(
      'div',
      {},
      errs.el,
      h(
        'details',
        { class: 'history-pane' },
        h('summary', {}, 'History (stored messages, oldest first)'),
        box,
      ),
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
