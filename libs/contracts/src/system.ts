import { Type } from '@sinclair/typebox';
import { IsoTime } from './common';
import { command, event } from './registry';

export const SystemPing = command(
  'onair.system.ping.v1',
  'addressed',
  'Ask a service to answer; proves gateway -> bus -> service -> reply end to end.',
  Type.Object({ service: Type.String(), sentAt: IsoTime }),
);

export const SystemPong = event(
  'onair.system.pong.v1',
  'Answer to a ping.',
  Type.Object({ service: Type.String(), instanceId: Type.String(), sentAt: IsoTime, answeredAt: IsoTime }),
);

/** The reply to a request whose command was refused or failed. */
export const SystemError = event(
  'onair.system.error.v1',
  'A command could not be carried out.',
  Type.Object({
    code: Type.String(),
    status: Type.Integer({ minimum: 400, maximum: 599 }),
    message: Type.String(),
    details: Type.Optional(Type.Unknown()),
  }),
);
