// /asyncapi.json: the chat sockets and the bus as AsyncAPI 3.0. No package with the AsyncAPI
// 3.0 JSON Schema (@asyncapi/specs) is installed, so the structure the document uses is checked
// here: channels with messages, operations that send or receive a channel's messages, every
// $ref resolving. The frame schemas are checked against the frames libs/contracts/src/wire
// writes, and the bus messages against the contract registry.
import { ALL_CONTRACTS, makeEnvelope, SystemPing, wire } from '@onair/contracts';
import { jsonSchemaOf } from '@onair/contracts/src/json-schemas';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';
import { asyncApiDocument } from '../src/asyncapi';
import { isObject, type Json, refsOf, resolve, startDocsGateway } from './docs.harness';

const refOf = (v: unknown): string => (isObject(v) && typeof v.$ref === 'string' ? v.$ref : '');

describe('/asyncapi.json', () => {
  let app: FastifyInstance;
  let stop: () => Promise<void>;
  let doc: Json;
  let channels: Record<string, Json>;
  let ajv: Ajv;
  /** A validator of a component schema of the served document. */
  const frame = (name: string): ValidateFunction =>
    ajv.compile(resolve(doc, `#/components/schemas/${name}`) as Json);
  const errorsOf = (v: ValidateFunction, x: unknown) => (v(x) ? [] : v.errors);

  beforeAll(async () => {
    ({ app, stop } = await startDocsGateway());
    const res = await app.inject({ url: '/asyncapi.json' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    doc = res.json();
    channels = doc.channels as Record<string, Json>;
    ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
  }, 60_000);
  afterAll(async () => {
    await stop?.();
  });

  it('is served without a token and is the generated document', () => {
    expect(doc).toEqual(JSON.parse(JSON.stringify(asyncApiDocument({ version: '0.1.0' }))));
  });

  it('has the AsyncAPI 3.0 structure: info, servers, channels with messages, operations, resolving $refs', () => {
    expect(doc.asyncapi).toBe('3.0.0');
    expect(doc.info).toMatchObject({ title: expect.any(String), version: '0.1.0' });
    const holes: string[] = [];
    for (const { at, ref } of refsOf(doc)) if (resolve(doc, ref) === undefined) holes.push(`${at}: ${ref}`);

    const components = doc.components as { messages: Record<string, Json>; schemas: Record<string, Json> };
    for (const key of Object.keys({ ...components.messages, ...components.schemas }))
      if (!/^[a-zA-Z0-9.\-_]+$/.test(key)) holes.push(`component key ${key}`);
    for (const [id, ch] of Object.entries(channels)) {
      if (typeof ch.address !== 'string') holes.push(`${id}: no address`);
      const messages = (ch.messages ?? {}) as Record<string, Json>;
      if (Object.keys(messages).length === 0) holes.push(`${id}: no messages`);
      for (const [name, m] of Object.entries(messages)) {
        const msg = resolve(doc, refOf(m));
        if (!isObject(msg) || !isObject(msg.payload)) holes.push(`${id}/${name}: no message with a payload`);
      }
      for (const s of (ch.servers ?? []) as Json[])
        if (!refOf(s).startsWith('#/servers/')) holes.push(`${id}: server ${refOf(s)}`);
    }
    const operated = new Set<string>();
    for (const [id, op] of Object.entries(doc.operations as Record<string, Json>)) {
      if (op.action !== 'send' && op.action !== 'receive') holes.push(`${id}: action ${String(op.action)}`);
      const channelRef = refOf(op.channel);
      if (!channelRef.startsWith('#/channels/') || !resolve(doc, channelRef)) holes.push(`${id}: channel`);
      const messages = (op.messages ?? []) as Json[];
      if (messages.length === 0) holes.push(`${id}: no messages`);
      // An operation's messages are its channel's (AsyncAPI 3.0, Operation Object).
      for (const m of messages) {
        if (!refOf(m).startsWith(`${channelRef}/messages/`))
          holes.push(`${id}: ${refOf(m)} is not its channel's`);
        operated.add(refOf(m));
      }
    }
    // Every message of every channel is sent or received by some operation.
    for (const [id, ch] of Object.entries(channels))
      for (const name of Object.keys((ch.messages ?? {}) as Json))
        if (!operated.has(`#/channels/${id}/messages/${name}`)) holes.push(`${id}/${name}: in no operation`);
    for (const [name, s] of Object.entries(components.schemas)) {
      try {
        ajv.compile(s);
      } catch (e) {
        holes.push(`schema ${name}: ${(e as Error).message}`);
      }
    }
    expect(holes).toEqual([]);
  });

  it('describes both sockets: address, bindings, and what a client sends and receives', () => {
    const ops = doc.operations as Record<string, { action: string; messages: Json[] }>;
    const names = (id: string, action: string) =>
      ops[`${id}.${action}`].messages.map((m) => refOf(m).split('/').pop()).sort();

    expect(channels.ivsChat.address).toBe('/v1/chat/ws');
    const ivsWs = (channels.ivsChat.bindings as { ws: { query: Json; headers: Json } }).ws;
    expect(Object.keys(ivsWs.query.properties as Json)).toEqual(['since']);
    expect(Object.keys(ivsWs.headers.properties as Json)).toEqual(['Sec-WebSocket-Protocol']);
    expect(names('ivsChat', 'receive')).toEqual(['ivsDeleteMessage', 'ivsDisconnectUser', 'ivsSendMessage']);
    expect(names('ivsChat', 'send')).toEqual(
      expect.arrayContaining(['ivsMessage', 'ivsError', 'ivsDeleteMessageEvent', 'ivsRecoveryEvent']),
    );

    expect(channels.seed003Chat.address).toBe('/v1/chat/seed003');
    const seedWs = (channels.seed003Chat.bindings as { ws: { query: Json; headers: Json } }).ws;
    expect(Object.keys(seedWs.query.properties as Json)).toEqual(['token']);
    expect(Object.keys(seedWs.headers.properties as Json)).toEqual(['Authorization']);
    expect(names('seed003Chat', 'receive')).toEqual(['seed003JoinGroup', 'seed003SendMessage']);
    expect(names('seed003Chat', 'send')).toEqual(['seed003Error', 'seed003Joined', 'seed003Message']);
  });

  it("has schemas that the frames libs/contracts/src/wire writes satisfy, and client requests' rules", () => {
    const sendTime = new Date().toISOString();
    const stored = {
      roomId: 'chat_1',
      messageId: 'msg_1',
      requestId: 'req-1',
      seq: 7,
      content: 'hello',
      attributes: { color: 'red' },
      sendTime,
      sender: { userId: 'alice', attributes: { displayName: 'Alice' } },
    };
    const frames = wire.chatMessageFrames(stored as Parameters<typeof wire.chatMessageFrames>[0]);
    const cases: Array<[string, string]> = [
      ['ivsMessage', frames.ivs],
      ['seed003Message', frames.seed003],
      ['ivsDeleteMessageEvent', wire.deleteMessageFrame({ messageId: 'm', reason: 'spam', sendTime })],
      ['ivsDisconnectUserEvent', wire.disconnectUserFrame({ userId: 'bob', requestId: 'r', sendTime })],
      [
        'ivsRecoveryEvent',
        wire.eventFrame({
          eventName: 'onair:RECOVERY',
          sendTime,
          attributes: { complete: 'true', since: '3', lastSeq: '9' },
        }),
      ],
      [
        'ivsStreamStateEvent',
        wire.eventFrame({
          eventName: 'onair:STREAM_STATE',
          sendTime,
          attributes: { streamId: 's', status: 'live' },
        }),
      ],
      ['ivsCustomEvent', wire.eventFrame({ id: 'e1', eventName: 'poll', sendTime, attributes: { q: '1' } })],
      ...wire.ERROR_CODES.map((code): [string, string] => [
        'ivsError',
        wire.errorFrame({ requestId: 'r', code, message: 'no' }),
      ]),
      ['seed003Error', wire.seed003ErrorFrame({ code: 503, message: 'try again', action: 'joinGroup' })],
      ['seed003Error', wire.seed003ErrorFrame({ code: 400, message: 'not JSON' })],
      ['seed003Joined', JSON.stringify({ action: 'joinGroup', groupId: 'lobby', joined: true })],
      ['ivsSendMessage', JSON.stringify({ Action: 'SEND_MESSAGE', RequestId: 'r', Content: 'hi' })],
      ['ivsDeleteMessage', JSON.stringify({ Action: 'DELETE_MESSAGE', Id: 'msg_1', Reason: 'spam' })],
      ['ivsDisconnectUser', JSON.stringify({ Action: 'DISCONNECT_USER', UserId: 'bob' })],
      ['seed003JoinGroup', JSON.stringify({ action: 'joinGroup', groupId: 'lobby' })],
      ['seed003SendMessage', JSON.stringify({ action: 'sendMessage', message: '안녕하세요!' })],
    ];
    for (const [name, text] of cases)
      expect({ name, errors: errorsOf(frame(name), JSON.parse(text)) }).toEqual({ name, errors: [] });

    // What the handlers refuse, the schemas refuse too.
    const refused: Array<[string, unknown]> = [
      ['ivsSendMessage', { Action: 'SEND_MESSAGE', Content: '' }],
      ['ivsSendMessage', { Action: 'SEND_MESSAGE', Content: 'x', Attributes: { n: 1 } }],
      ['ivsSendMessage', { Action: 'SEND_MESSAGE', Content: 'x', RequestId: 'r'.repeat(129) }],
      ['ivsDeleteMessage', { Action: 'DELETE_MESSAGE' }],
      ['ivsError', { Type: 'ERROR', Id: 'x', ErrorCode: 418, ErrorMessage: 'teapot' }],
      ['seed003SendMessage', { action: 'sendMessage', message: '' }],
      ['seed003JoinGroup', { action: 'joinGroup' }],
    ];
    for (const [name, v] of refused) expect({ name, v, ok: frame(name)(v) }).toEqual({ name, v, ok: false });
  });

  it('has one channel per command and event of the registry, its payload the contract in its envelope', () => {
    expect(ALL_CONTRACTS.length).toBeGreaterThan(30);
    for (const c of ALL_CONTRACTS) {
      const ch = channels[c.type];
      expect(ch?.address).toBe(c.type);
      const message = resolve(doc, refOf((ch.messages as Json)[c.type])) as Json;
      const { $schema: _d, $id: _i, ...expected } = jsonSchemaOf(c);
      expect(message.payload).toEqual(JSON.parse(JSON.stringify(expected)));
      const op = (doc.operations as Record<string, Json>)[
        `${c.type}.${c.kind === 'command' ? 'receive' : 'send'}`
      ];
      expect(op).toMatchObject({ channel: { $ref: `#/channels/${c.type}` } });
    }
    // A real envelope passes its message's payload, and one with the wrong data does not.
    const ping = resolve(doc, `#/components/messages/${SystemPing.type}`) as { payload: Json };
    const validate = ajv.compile(ping.payload);
    const good = makeEnvelope({
      type: SystemPing.type,
      source: 'gateway',
      data: { service: 'chat-svc', sentAt: new Date().toISOString() },
    });
    expect(errorsOf(validate, JSON.parse(JSON.stringify(good)))).toEqual([]);
    expect(validate({ ...good, data: { service: 42 } })).toBe(false);
    expect(validate({ ...good, type: 'onair.system.pong.v1' })).toBe(false);
  });
});
