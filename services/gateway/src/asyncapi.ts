import { ALL_CONTRACTS, type ContractDef, EnvelopeSchema, wire } from '@onair/contracts';
import { jsonSchemaOf } from '@onair/contracts/src/json-schemas';
import { type TSchema, Type } from '@sinclair/typebox';

/**
 * The AsyncAPI 3.0 document (GET /asyncapi.json): the gateway's two chat sockets and the bus.
 * Built from the code at startup, so it cannot drift: the bus messages are the contract
 * registry's (libs/contracts, with the CloudEvents envelope), the error codes are
 * libs/contracts/src/wire's, and the frame schemas below are checked in a test against the
 * frames wire's functions write.
 *
 * Operations are the backend's: on a socket the gateway `receive`s what a client sends and
 * `send`s what a client receives; on the bus the owning service `receive`s a command and
 * services `send` (publish) events.
 */

type Json = Record<string, unknown>;

/** A TypeBox schema as plain JSON (no TypeBox symbols), for the document. */
const plain = (s: TSchema | Json): Json => JSON.parse(JSON.stringify(s)) as Json;

const Attrs = Type.Record(Type.String({ maxLength: 128 }), Type.String({ maxLength: 1000 }), {
  description: 'String values only (the IVS client library drops frames with any other value)',
});
const RequestId = Type.String({
  maxLength: 128,
  description: "The client's id for the request: its answer (MESSAGE, EVENT or ERROR) carries it back",
});
const FrameId = Type.String({ description: 'Unique per frame (the client library drops repeats)' });
const Time = Type.String({ format: 'date-time' });

// --- /v1/chat/ws: the IVS Chat messaging protocol (docs/protocols/ivs-chat.md) ----------------

const SendMessage = Type.Object(
  {
    Action: Type.Literal('SEND_MESSAGE'),
    RequestId: Type.Optional(RequestId),
    Content: Type.String({
      minLength: 1,
      description: "At most 500 code points (the room's maximumMessageLength may say less: 413)",
    }),
    Attributes: Type.Optional(
      Type.Record(Type.String({ maxLength: 128 }), Type.String({ maxLength: 1000 }), {
        maxProperties: 10,
      }),
    ),
  },
  {
    title: 'SendMessageRequest',
    description: 'Needs SEND_MESSAGE. Everyone in the room, sender included, gets the MESSAGE',
  },
);
const DeleteMessage = Type.Object(
  {
    Action: Type.Literal('DELETE_MESSAGE'),
    RequestId: Type.Optional(RequestId),
    Id: Type.String({ minLength: 1, description: "The message id (a MESSAGE frame's Id)" }),
    Reason: Type.Optional(Type.String()),
  },
  {
    title: 'DeleteMessageRequest',
    description: 'Needs DELETE_MESSAGE. Everyone gets EVENT aws:DELETE_MESSAGE',
  },
);
const DisconnectUser = Type.Object(
  {
    Action: Type.Literal('DISCONNECT_USER'),
    RequestId: Type.Optional(RequestId),
    UserId: Type.String({ minLength: 1 }),
    Reason: Type.Optional(Type.String()),
  },
  {
    title: 'DisconnectUserRequest',
    description:
      "Needs DISCONNECT_USER. Everyone gets EVENT aws:DISCONNECT_USER, then the user's sockets close with 1000",
  },
);

const MessageFrame = Type.Object(
  {
    Type: Type.Literal('MESSAGE'),
    Id: Type.String({ description: 'The message id' }),
    RequestId: Type.Optional(RequestId),
    Content: Type.String(),
    Attributes: Type.Optional(
      Type.Record(Type.String(), Type.String(), {
        description: `The sender's attributes, and \`${wire.SEQ_ATTRIBUTE}\`: the room sequence number (pass the last one as \`since\` when reconnecting)`,
      }),
    ),
    SendTime: Time,
    Sender: Type.Object({ UserId: Type.String(), Attributes: Type.Optional(Attrs) }),
  },
  { title: 'MessageFrame' },
);
const event = (title: string, eventName: TSchema, attributes: TSchema, description: string) =>
  Type.Object(
    {
      Type: Type.Literal('EVENT'),
      Id: FrameId,
      RequestId: Type.Optional(RequestId),
      EventName: eventName,
      SendTime: Time,
      Attributes: attributes,
    },
    { title, description },
  );
const DeleteMessageEvent = event(
  'DeleteMessageEvent',
  Type.Literal('aws:DELETE_MESSAGE'),
  Type.Object({ MessageId: Type.String(), MessageID: Type.String(), Reason: Type.Optional(Type.String()) }),
  'A message was deleted (MessageID: the deprecated spelling the JS library reads)',
);
const DisconnectUserEvent = event(
  'DisconnectUserEvent',
  Type.Literal('aws:DISCONNECT_USER'),
  Type.Object({ UserId: Type.String(), Reason: Type.Optional(Type.String()) }),
  "A user was disconnected or banned; that user's sockets then close with 1000",
);
const RecoveryEvent = event(
  'RecoveryEvent',
  Type.Literal('onair:RECOVERY'),
  Type.Object({
    complete: Type.Union([Type.Literal('true'), Type.Literal('false')], {
      description: '"false" when more than 1000 messages were missed: page through the REST history',
    }),
    since: Type.String(),
    lastSeq: Type.String(),
  }),
  'After a reconnect with ?since=: every missed message was sent first, then this',
);
const StreamStateEvent = event(
  'StreamStateEvent',
  Type.Literal('onair:STREAM_STATE'),
  Type.Object({ streamId: Type.String(), status: Type.String(), reason: Type.Optional(Type.String()) }),
  "The room's stream changed state",
);
const CustomEvent = event(
  'CustomEvent',
  Type.String({ description: 'The eventName of POST /v1/chat/rooms/{roomId}/events' }),
  Type.Optional(Attrs),
  'A custom event a moderator sent to the room',
);
const ErrorFrame = Type.Object(
  {
    Type: Type.Literal('ERROR'),
    Id: FrameId,
    RequestId: Type.Optional(RequestId),
    ErrorCode: Type.Unsafe<wire.ErrorCode>({ type: 'integer', enum: [...wire.ERROR_CODES] }),
    ErrorMessage: Type.String(),
  },
  {
    title: 'ErrorFrame',
    description:
      '400 not JSON, unknown Action, a missing or mistyped field, a binary frame; 403 capability missing or banned; 404 unknown message or room; 406 refused by moderation; 413 too long; 429 rate limit or slow mode; 500 anything else',
  },
);

// --- /v1/chat/seed003: seed 003's protocol ---------------------------------------------------

const JoinGroup = Type.Object(
  {
    action: Type.Literal('joinGroup'),
    groupId: Type.String({
      minLength: 1,
      description: "A group name or a native chat room's id (docs/chat.md, Protocol 2)",
    }),
  },
  { title: 'JoinGroupRequest', description: 'One group at a time: joining another leaves the previous one' },
);
const SendGroupMessage = Type.Object(
  {
    action: Type.Literal('sendMessage'),
    message: Type.String({ minLength: 1, description: 'At most 500 code points (413)' }),
  },
  {
    title: 'SendGroupMessageRequest',
    description: 'After joinGroup; every member receives the stored message',
  },
);
const Joined = Type.Object(
  {
    action: Type.Literal('joinGroup'),
    groupId: Type.String(),
    joined: Type.Literal(true),
    roomId: Type.Optional(Type.String({ description: "The group's chat room" })),
  },
  { title: 'JoinedFrame', description: 'The answer to joinGroup' },
);
const GroupMessage = Type.Object(
  {
    messageId: Type.String(),
    groupId: Type.String(),
    message: Type.String(),
    sender: Type.String({ description: "The sender's user id" }),
    createdAt: Time,
    seq: Type.Optional(Type.Integer({ minimum: 1, description: 'The room sequence number' })),
  },
  { title: 'GroupMessageFrame' },
);
const GroupError = Type.Object(
  {
    error: Type.Object({
      code: Type.Integer({
        description: 'An HTTP status: 400, 403 (banned), 404 (no such room), 413, 429, 500, 503 (try again)',
      }),
      message: Type.String(),
      action: Type.Optional(Type.String({ description: 'The action refused' })),
    }),
  },
  { title: 'GroupErrorFrame' },
);

/** Every frame of both sockets, by message name: exported for the test that checks them. */
export const FRAME_SCHEMAS = {
  ivsSendMessage: SendMessage,
  ivsDeleteMessage: DeleteMessage,
  ivsDisconnectUser: DisconnectUser,
  ivsMessage: MessageFrame,
  ivsDeleteMessageEvent: DeleteMessageEvent,
  ivsDisconnectUserEvent: DisconnectUserEvent,
  ivsRecoveryEvent: RecoveryEvent,
  ivsStreamStateEvent: StreamStateEvent,
  ivsCustomEvent: CustomEvent,
  ivsError: ErrorFrame,
  seed003JoinGroup: JoinGroup,
  seed003SendMessage: SendGroupMessage,
  seed003Joined: Joined,
  seed003Message: GroupMessage,
  seed003Error: GroupError,
} as const;
type FrameName = keyof typeof FRAME_SCHEMAS;

/** Shown when an upgrade is refused: an HTTP answer, not a frame. */
const REFUSALS =
  'A refused upgrade gets an HTTP status with a JSON body `{"message"}`, then the socket closes: 400 (request target not a path, bad `since`), 401 (token missing, invalid or expired), 403 (banned or timed out), 404 (another path), 503 (the room could not be checked). Close codes: 1000 (disconnected, banned, session expired), 1013 (send buffer full: the client did not read fast enough). Text frames only, at most 16 KiB; a ping every 30 s.';

interface SocketChannel {
  id: string;
  address: string;
  title: string;
  description: string;
  bindings: Json;
  clientSends: FrameName[];
  clientReceives: FrameName[];
}

const SOCKETS: SocketChannel[] = [
  {
    id: 'ivsChat',
    address: '/v1/chat/ws',
    title: 'Native chat, IVS Chat messaging protocol',
    description: `The protocol of amazon-ivs-chat-messaging, for native rooms (docs/chat.md, Protocol 1). ${REFUSALS}`,
    bindings: {
      ws: {
        method: 'GET',
        headers: plain(
          Type.Object({
            'Sec-WebSocket-Protocol': Type.String({
              description:
                'The chat token (POST /v1/chat/rooms/{roomId}/tokens) as the subprotocol; the gateway echoes it back',
            }),
          }),
        ),
        query: plain(
          Type.Object({
            since: Type.Optional(
              Type.Integer({
                minimum: 0,
                description: `Recovery: the last ${wire.SEQ_ATTRIBUTE} seen; every later message is sent first, then EVENT onair:RECOVERY`,
              }),
            ),
          }),
        ),
        bindingVersion: '0.1.0',
      },
    },
    clientSends: ['ivsSendMessage', 'ivsDeleteMessage', 'ivsDisconnectUser'],
    clientReceives: [
      'ivsMessage',
      'ivsDeleteMessageEvent',
      'ivsDisconnectUserEvent',
      'ivsRecoveryEvent',
      'ivsStreamStateEvent',
      'ivsCustomEvent',
      'ivsError',
    ],
  },
  {
    id: 'seed003Chat',
    address: '/v1/chat/seed003',
    title: "Native chat, seed 003's protocol",
    description: `joinGroup, then sendMessage (docs/chat.md, Protocol 2). ${REFUSALS}`,
    bindings: {
      ws: {
        method: 'GET',
        headers: plain(
          Type.Object({
            Authorization: Type.Optional(
              Type.String({ description: "`Bearer <JWT>`: the user's access token, when not in ?token=" }),
            ),
          }),
        ),
        query: plain(
          Type.Object({
            token: Type.Optional(
              Type.String({
                description: "The user's access token (JWT), when not in the Authorization header",
              }),
            ),
          }),
        ),
        bindingVersion: '0.1.0',
      },
    },
    clientSends: ['seed003JoinGroup', 'seed003SendMessage'],
    clientReceives: ['seed003Joined', 'seed003Message', 'seed003Error'],
  },
];

/** Component keys: `onair.stream.create.v1` is one already (letters, digits, . - _). */
const busKey = (c: ContractDef) => c.type;

function busMessage(c: ContractDef): Json {
  const { $schema: _dialect, $id: _id, ...payload } = jsonSchemaOf(c);
  return {
    name: c.type,
    title: c.type,
    summary: c.description,
    contentType: 'application/cloudevents+json',
    payload: plain(payload),
    correlationId: {
      description: 'The request that caused it (the HTTP request id, or the first command)',
      location: '$message.payload#/correlationid',
    },
    'x-onair-kind': c.kind,
    ...(c.owner ? { 'x-onair-owner': c.owner } : {}),
    'x-onair-json-schema': `libs/contracts/schemas/${c.type}.json`,
  };
}

/** The AsyncAPI 3.0 document of the sockets and the bus. */
export function asyncApiDocument(o: { version: string }): Json {
  const channels: Json = {};
  const operations: Json = {};
  const messages: Json = {};
  const schemas: Json = { Envelope: { ...plain(EnvelopeSchema), title: 'Envelope' } };

  for (const s of SOCKETS) {
    const own: Json = {};
    for (const name of [...s.clientSends, ...s.clientReceives]) {
      const schema = FRAME_SCHEMAS[name];
      schemas[name] = plain(schema);
      messages[name] = {
        name,
        title: schema.title,
        ...(schema.description ? { summary: schema.description } : {}),
        contentType: 'application/json',
        payload: { $ref: `#/components/schemas/${name}` },
      };
      own[name] = { $ref: `#/components/messages/${name}` };
    }
    channels[s.id] = {
      address: s.address,
      title: s.title,
      description: s.description,
      servers: [{ $ref: '#/servers/gateway' }],
      messages: own,
      bindings: s.bindings,
    };
    const refs = (names: FrameName[]) => names.map((n) => ({ $ref: `#/channels/${s.id}/messages/${n}` }));
    operations[`${s.id}.receive`] = {
      action: 'receive',
      title: `The gateway receives what a client sends on ${s.address}`,
      channel: { $ref: `#/channels/${s.id}` },
      messages: refs(s.clientSends),
    };
    operations[`${s.id}.send`] = {
      action: 'send',
      title: `The gateway sends these to clients on ${s.address}`,
      channel: { $ref: `#/channels/${s.id}` },
      messages: refs(s.clientReceives),
    };
  }

  for (const c of ALL_CONTRACTS) {
    const key = busKey(c);
    messages[key] = busMessage(c);
    channels[key] = {
      address: c.type,
      title: c.type,
      description:
        c.kind === 'command'
          ? `A command: one instance of ${c.owner === 'addressed' ? 'the service the sender names' : c.owner} handles it and answers requests with a reply. ${c.description}`
          : `An event: every subscriber gets it. ${c.description}`,
      servers: [{ $ref: '#/servers/bus' }],
      messages: { [key]: { $ref: `#/components/messages/${key}` } },
    };
    operations[`${key}.${c.kind === 'command' ? 'receive' : 'send'}`] = {
      action: c.kind === 'command' ? 'receive' : 'send',
      title:
        c.kind === 'command'
          ? `${c.owner === 'addressed' ? 'The addressed service' : c.owner} handles ${c.type}`
          : `An onair service publishes ${c.type}`,
      channel: { $ref: `#/channels/${key}` },
      messages: [{ $ref: `#/channels/${key}/messages/${key}` }],
    };
  }

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'onair sockets and bus',
      version: o.version,
      description:
        'The two chat WebSocket endpoints of the gateway, and every command and event on the bus (CloudEvents 1.0 envelopes; the REST API is /openapi.json).',
    },
    defaultContentType: 'application/json',
    servers: {
      gateway: {
        host: 'localhost:8080',
        protocol: 'ws',
        description: 'The gateway (wss:// behind TLS in production); the same host serves the REST API',
      },
      bus: {
        host: 'localhost:5672',
        protocol: 'amqp',
        description:
          "RabbitMQ (or SNS/SQS with EventBridge in AWS): commands to the owning service's queue, events to every subscriber",
      },
    },
    channels,
    operations,
    components: { schemas, messages },
  };
}
