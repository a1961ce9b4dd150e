import { randomBytes } from 'node:crypto';

/**
 * Server -> client frames of the IVS Chat messaging protocol (docs/protocols/ivs-chat.md#server-frames),
 * spoken by onair's native chat so `amazon-ivs-chat-messaging` works against either provider.
 *
 * Two rules the client library enforces: every frame carries an `Id` it has not seen (it drops
 * repeats, so a message frame's Id is the message id: a recovered copy of a message the client
 * already has is dropped for free), and every `Attributes` value is a string (it drops frames
 * otherwise, and the pending request never settles).
 */
export type Attrs = Record<string, string>;

export const ERROR_CODES = [400, 401, 403, 404, 406, 413, 429, 500] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** The room sequence number travels in Attributes, the only place the client library keeps. */
export const SEQ_ATTRIBUTE = 'onair:seq';

export function frameId(): string {
  return randomBytes(9).toString('base64url');
}

export function messageFrame(m: {
  id: string;
  requestId?: string;
  content: string;
  attributes?: Attrs;
  sendTime: string;
  sender: { userId: string; attributes?: Attrs };
  seq?: number;
}): string {
  const attributes = { ...m.attributes, ...(m.seq !== undefined ? { [SEQ_ATTRIBUTE]: String(m.seq) } : {}) };
  return JSON.stringify({
    Type: 'MESSAGE',
    Id: m.id,
    ...(m.requestId ? { RequestId: m.requestId } : {}),
    Content: m.content,
    ...(Object.keys(attributes).length ? { Attributes: attributes } : {}),
    SendTime: m.sendTime,
    Sender: { UserId: m.sender.userId, ...(m.sender.attributes ? { Attributes: m.sender.attributes } : {}) },
  });
}

export function eventFrame(e: {
  id?: string;
  requestId?: string;
  eventName: string;
  sendTime: string;
  attributes?: Attrs;
}): string {
  return JSON.stringify({
    Type: 'EVENT',
    Id: e.id ?? frameId(),
    ...(e.requestId ? { RequestId: e.requestId } : {}),
    EventName: e.eventName,
    SendTime: e.sendTime,
    ...(e.attributes ? { Attributes: e.attributes } : {}),
  });
}

export function errorFrame(e: { requestId?: string; code: ErrorCode; message: string }): string {
  return JSON.stringify({
    Type: 'ERROR',
    Id: frameId(),
    ...(e.requestId ? { RequestId: e.requestId } : {}),
    ErrorCode: e.code,
    ErrorMessage: e.message,
  });
}

/** `aws:DELETE_MESSAGE`: both MessageId and the deprecated MessageID, which the JS library reads. */
export function deleteMessageFrame(d: {
  messageId: string;
  reason?: string;
  requestId?: string;
  sendTime: string;
}): string {
  return eventFrame({
    requestId: d.requestId,
    eventName: 'aws:DELETE_MESSAGE',
    sendTime: d.sendTime,
    attributes: { MessageId: d.messageId, MessageID: d.messageId, ...(d.reason ? { Reason: d.reason } : {}) },
  });
}

export function disconnectUserFrame(d: {
  userId: string;
  reason?: string;
  requestId?: string;
  sendTime: string;
}): string {
  return eventFrame({
    requestId: d.requestId,
    eventName: 'aws:DISCONNECT_USER',
    sendTime: d.sendTime,
    attributes: { UserId: d.userId, ...(d.reason ? { Reason: d.reason } : {}) },
  });
}
