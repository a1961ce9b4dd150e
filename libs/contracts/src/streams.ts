import { Type } from '@sinclair/typebox';
import { Actor, Id, IsoTime, UserId } from './common';
import { command, event } from './registry';

export const StreamStatus = Type.Union([
  Type.Literal('provisioning'),
  Type.Literal('ready'),
  Type.Literal('live'),
  Type.Literal('ended'),
  Type.Literal('failed'),
]);
export const LatencyMode = Type.Union([Type.Literal('LOW'), Type.Literal('NORMAL')]);
export const ChannelType = Type.Union([
  Type.Literal('BASIC'),
  Type.Literal('STANDARD'),
  Type.Literal('ADVANCED_SD'),
  Type.Literal('ADVANCED_HD'),
]);
export const ChatProvider = Type.Union([Type.Literal('ivs'), Type.Literal('native')]);
export const Title = Type.String({ minLength: 1, maxLength: 200 });

/** The stream as read models and events carry it. Secrets (stream key) are not in events. */
export const StreamView = Type.Object({
  streamId: Id,
  ownerId: UserId,
  title: Title,
  status: StreamStatus,
  latencyMode: LatencyMode,
  channelType: ChannelType,
  channelArn: Type.Optional(Type.String()),
  playbackUrl: Type.Optional(Type.String()),
  chatRoomId: Type.Optional(Type.String()),
  chatRoomArn: Type.Optional(Type.String()),
  chatProvider: ChatProvider,
  recordingConfigurationArn: Type.Optional(Type.String()),
  failureReason: Type.Optional(Type.String()),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});

export const StreamCreate = command(
  'onair.stream.create.v1',
  'stream-svc',
  'Create a stream: IVS channel + stream key + chat room, as one saga.',
  Type.Object({
    streamId: Id,
    actor: Actor,
    title: Title,
    latencyMode: LatencyMode,
    channelType: ChannelType,
    chatProvider: ChatProvider,
    recordingConfigurationArn: Type.Optional(Type.String()),
  }),
);
export const StreamUpdate = command(
  'onair.stream.update.v1',
  'stream-svc',
  'Change a stream title.',
  Type.Object({ streamId: Id, actor: Actor, title: Title }),
);
export const StreamStop = command(
  'onair.stream.stop.v1',
  'stream-svc',
  'Stop a live broadcast (IVS StopStream).',
  Type.Object({ streamId: Id, actor: Actor }),
);
export const StreamDelete = command(
  'onair.stream.delete.v1',
  'stream-svc',
  'Delete a stream: channel, chat room and records. Idempotent.',
  Type.Object({ streamId: Id, actor: Actor }),
);

export const StreamCreated = event('onair.stream.created.v1', 'A stream was provisioned.', StreamView);
export const StreamUpdated = event('onair.stream.updated.v1', 'A stream changed.', StreamView);
export const StreamStateChanged = event(
  'onair.stream.state-changed.v1',
  'A stream moved between provisioning, ready, live, ended and failed.',
  Type.Object({
    streamId: Id,
    chatRoomId: Type.Optional(Type.String()),
    status: StreamStatus,
    previousStatus: Type.Optional(StreamStatus),
    reason: Type.Optional(Type.String()),
    at: IsoTime,
  }),
);
export const StreamDeleted = event(
  'onair.stream.deleted.v1',
  'A stream and everything it owned were deleted.',
  Type.Object({ streamId: Id, chatRoomId: Type.Optional(Type.String()) }),
);
