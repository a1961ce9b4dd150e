// Streams: create (chat provider, latency mode, channel type, recording configuration), list with
// status updating live (native chat rooms carry `onair:STREAM_STATE` events; the list is also
// re-read every few seconds, which adds streams made elsewhere and moves IVS Chat ones), the
// ingest endpoint and stream key for the owner with copy buttons, stop, delete, and in
// development a simulated encoder.
import { type CreateStreamRequest, createStream, done, ok, type Stream } from '@onair/client';
import { type Connection, connectRoom } from '../chat-room';
import type { Page } from '../main';
import { api, devRoutesOn, hasRole, session } from '../session';
import { action, announce, badge, copyButton, errorSlot, field, h, time } from '../ui';

export const streamsPage: Page = (main, selectedId) => {
  const errors = errorSlot();
  const rows = h('tbody');
  const details = h('section', { 'aria-labelledby': 'detail-h', class: 'panel', hidden: true });
  const watchers = new Map<string, Connection>();
  let streams: Stream[] = [];
  let devOn = false;
  let poll: ReturnType<typeof setInterval> | undefined;
  let left = false;
  let refreshing = false;
  let shownKey = '';
  const canCreate = hasRole('streamer', 'moderator', 'admin');

  // --- create
  const title = h('input', { name: 'title', required: true, maxlength: 200, value: 'My show' });
  const latency = h(
    'select',
    { name: 'latencyMode' },
    h('option', { value: 'LOW' }, 'LOW (low latency)'),
    h('option', { value: 'NORMAL' }, 'NORMAL'),
  );
  const provider = h(
    'select',
    { name: 'chatProvider' },
    h('option', { value: 'native' }, 'native (onair chat)'),
    h('option', { value: 'ivs' }, 'ivs (AWS IVS Chat)'),
  );
  const channelType = h(
    'select',
    { name: 'channelType' },
    ...CHANNEL_TYPES.map((t) => h('option', { value: t, selected: t === 'STANDARD' }, t)),
  );
  const recording = h('input', {
    name: 'recordingConfigurationArn',
    autocomplete: 'off',
    placeholder: 'none: not recorded',
    // The API's pattern; an HTML pattern is anchored and compiled with the v flag (\- is a dash).
    pattern: 'arn:aws:ivs:[a-z0-9\\-]+:[0-9]+:recording-configuration/[a-zA-Z0-9\\-]+',
    size: 40,
  });
  const create = h('button', { type: 'submit', class: 'primary' }, 'Create stream');
  const form = h(
    'form',
    { class: 'inline', 'aria-labelledby': 'create-h' },
    field('Title', title),
    field('Latency mode', latency),
    field('Chat provider', provider),
    field('Channel type', channelType),
    field(
      'Recording configuration ARN',
      recording,
      'IVS auto-records the broadcasts to S3 (arn:aws:ivs:<region>:<account>:recording-configuration/<id>)',
    ),
    create,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (create.disabled) return;
    create.disabled = true;
    errors.clear();
    announce('Creating the stream…');
    try {
      const body: CreateStreamRequest = {
        title: title.value.trim(),
        latencyMode: latency.value === 'NORMAL' ? 'NORMAL' : 'LOW',
        chatProvider: provider.value === 'ivs' ? 'ivs' : 'native',
      };
      const type = CHANNEL_TYPES.find((t) => t === channelType.value);
      if (type) body.channelType = type;
      if (recording.value.trim()) body.recordingConfigurationArn = recording.value.trim();
      const s = await createStream(api(), body);
      announce(`Stream “${s.title}” is ${s.status}`);
      location.hash = `#/streams/${encodeURIComponent(s.streamId)}`;
      await refresh();
    } catch (err) {
      announce('The stream was not created');
      errors.show(err);
    } finally {
      create.disabled = false;
    }
  });

  // --- list
  const setStatus = (streamId: string, status: Stream['status']) => {
    const s = streams.find((x) => x.streamId === streamId);
    if (!s || s.status === status) return;
    s.status = status;
    renderRows();
    if (streamId === selectedId) void showDetails(streamId);
    announce(`Stream “${s.title}” is now ${status}`);
  };

  const watch = (s: Stream) => {
    if (watchers.has(s.streamId) || s.chatProvider !== 'native' || !s.chatRoomId) return;
    const conn = connectRoom(
      { roomId: s.chatRoomId, provider: 'native' },
      {
        lastSeq: () => undefined,
        attach: (room) =>
          room.addListener('event', (e) => {
            const status = e.attributes?.status;
            if (e.eventName === 'onair:STREAM_STATE' && isStatus(status)) setStatus(s.streamId, status);
          }),
      },
    );
    watchers.set(s.streamId, conn);
  };

  function renderRows(): void {
    shownKey = JSON.stringify(streams.map((s) => [s.streamId, s.status, s.title]));
    rows.replaceChildren(
      ...streams.map((s) =>
        h(
          'tr',
          { 'data-stream': s.streamId, class: s.streamId === selectedId ? 'selected' : undefined },
          h('td', {}, h('a', { href: `#/streams/${encodeURIComponent(s.streamId)}` }, s.title)),
          h('td', { 'data-status': s.status }, badge(s.status)),
          h('td', {}, s.chatProvider),
          h('td', {}, s.latencyMode),
          h('td', {}, time(s.createdAt)),
        ),
      ),
    );
    if (streams.length === 0)
      rows.append(h('tr', {}, h('td', { colspan: 5 }, 'No streams yet: create one above.')));
  }

  /** Re-reads the list: new streams join it, deleted ones leave, changed statuses show (details too). */
  async function refresh(): Promise<void> {
    if (refreshing) return;
    refreshing = true;
    try {
      const page = await ok(api().GET('/v1/streams', { params: { query: { limit: 50 } } }));
      if (left) return;
      const before = new Map(streams.map((s) => [s.streamId, s.status]));
      streams = page.items;
      // Rows are rebuilt only when something shows differently (focus in the table stays).
      const key = JSON.stringify(streams.map((s) => [s.streamId, s.status, s.title]));
      if (key !== shownKey) renderRows();
      for (const s of streams) {
        watch(s);
        const was = before.get(s.streamId);
        if (was === undefined || was === s.status) continue;
        announce(`Stream “${s.title}” is now ${s.status}`);
        if (s.streamId === selectedId) void showDetails(s.streamId).catch((e) => errors.show(e));
      }
      for (const [id, w] of watchers)
        if (!streams.some((s) => s.streamId === id)) {
          w.close();
          watchers.delete(id);
        }
    } finally {
      refreshing = false;
    }
  }

  // --- details
  async function showDetails(streamId: string): Promise<void> {
    const s = await ok(api().GET('/v1/streams/{streamId}', { params: { path: { streamId } } }));
    if (left) return;
    const mine = s.ownerId === session()?.userId || hasRole('admin');
    const out = errorSlot();
    const broadcast = (label: string, act: 'start' | 'end' | 'fail') => {
      const b = h('button', { type: 'button' }, label);
      action(b, out, async () => {
        await done(
          api().POST('/v1/dev/streams/{streamId}/broadcast', {
            params: { path: { streamId } },
            body:
              act === 'fail'
                ? { action: act, reason: 'Simulated failure from the console' }
                : { action: act },
          }),
        );
        announce(`Broadcast ${act} sent: the status follows in a second or two`);
      });
      return b;
    };
    const stop = h('button', { type: 'button', disabled: s.status !== 'live' }, 'Stop stream');
    action(stop, out, async () => {
      const r = await ok(api().POST('/v1/streams/{streamId}/stop', { params: { path: { streamId } } }));
      setStatus(streamId, r.status);
    });
    const del = h('button', { type: 'button', class: 'danger' }, 'Delete stream');
    action(del, out, async () => {
      if (!confirm(`Delete “${s.title}”, its channel and its chat room?`)) return;
      await done(api().DELETE('/v1/streams/{streamId}', { params: { path: { streamId } } }));
      watchers.get(streamId)?.close();
      watchers.delete(streamId);
      announce(`Stream “${s.title}” deleted`);
      location.hash = '#/streams';
      await refresh();
    });
    const ingest = s.ingestEndpoint ? `rtmps://${s.ingestEndpoint}:443/app/` : undefined;
    const key = h('code', { class: 'secret' }, '••••••••••••');
    const reveal = h('button', { type: 'button', class: 'small', 'aria-pressed': 'false' }, 'Show key');
    reveal.addEventListener('click', () => {
      const shown = reveal.getAttribute('aria-pressed') === 'true';
      key.textContent = shown ? '••••••••••••' : (s.streamKey ?? '');
      reveal.setAttribute('aria-pressed', String(!shown));
      reveal.textContent = shown ? 'Show key' : 'Hide key';
    });
    details.hidden = false;
    details.replaceChildren(
      h('h2', { id: 'detail-h' }, s.title, ' ', badge(s.status)),
      out.el,
      h(
        'dl',
        {},
        h('dt', {}, 'Stream id'),
        h('dd', {}, h('code', {}, s.streamId)),
        h('dt', {}, 'Owner'),
        h('dd', {}, s.ownerId),
        h('dt', {}, 'Channel'),
        h('dd', {}, `${s.channelType}, ${s.latencyMode} latency`),
        h('dt', {}, 'Recording'),
        h(
          'dd',
          {},
          s.recordingConfigurationArn ? h('code', {}, s.recordingConfigurationArn) : 'not recorded',
        ),
        h('dt', {}, 'Playback URL'),
        h('dd', {}, s.playbackUrl ? h('code', {}, s.playbackUrl) : '—'),
        s.failureReason && h('dt', {}, 'Failure'),
        s.failureReason && h('dd', {}, s.failureReason),
        ...(mine && ingest
          ? [
              h('dt', {}, 'Ingest (RTMPS)'),
              h(
                'dd',
                {},
                h('code', { 'data-testid': 'ingest' }, ingest),
                ' ',
                copyButton('Copy ingest URL', () => ingest),
              ),
              h('dt', {}, 'Stream key'),
              h(
                'dd',
                {},
                key,
                ' ',
                reveal,
                ' ',
                copyButton('Copy stream key', () => s.streamKey ?? ''),
              ),
            ]
          : [h('dt', {}, 'Ingest'), h('dd', {}, 'Shown to the owner and admins only')]),
      ),
      h(
        'div',
        { class: 'actions' },
        s.chatRoomId &&
          h('a', { class: 'button', href: `#/chat/${encodeURIComponent(s.chatRoomId)}` }, 'Open chat'),
        mine && stop,
        mine && del,
      ),
      ...(devOn && mine
        ? [
            h(
              'div',
              { class: 'actions dev', role: 'group', 'aria-label': 'Simulated encoder (development)' },
              h('span', {}, 'Simulated encoder:'),
              broadcast('Start broadcast', 'start'),
              broadcast('End broadcast', 'end'),
              broadcast('Fail broadcast', 'fail'),
            ),
          ]
        : []),
    );
  }

  main.append(
    h('h1', {}, 'Streams'),
    errors.el,
    ...(canCreate
      ? [h('section', { 'aria-labelledby': 'create-h' }, h('h2', { id: 'create-h' }, 'New stream'), form)]
      : []),
    details,
    h(
      'section',
      { 'aria-labelledby': 'list-h' },
      h('h2', { id: 'list-h' }, 'Your streams'),
      h(
        'div',
        { class: 'scroll' },
        h(
          'table',
          {},
          h('caption', { class: 'visually-hidden' }, 'Your streams, newest first; status updates live'),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ...['Title', 'Status', 'Chat', 'Latency', 'Created'].map((c) => h('th', { scope: 'col' }, c)),
            ),
          ),
          rows,
        ),
      ),
    ),
  );

  void (async () => {
    try {
      devOn = await devRoutesOn(api().baseUrl);
      await refresh();
      if (selectedId) await showDetails(selectedId);
    } catch (e) {
      errors.show(e);
    }
  })();
  // Re-read the list while the page is open and seen: streams created in another tab or by
  // another user appear, and IVS Chat rooms (which carry no stream events) change status.
  poll = setInterval(() => {
    if (!document.hidden) void refresh().catch(() => {});
  }, REFRESH_MS);

  return () => {
    left = true;
    if (poll) clearInterval(poll);
    for (const w of watchers.values()) w.close();
  };
};

const REFRESH_MS = 5000;
const CHANNEL_TYPES = ['BASIC', 'STANDARD', 'ADVANCED_SD', 'ADVANCED_HD'] as const;
const STATUSES = ['provisioning', 'ready', 'live', 'ended', 'failed'] as const;
function isStatus(v: unknown): v is Stream['status'] {
  return STATUSES.some((s) => s === v);
}
