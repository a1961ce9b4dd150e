// Frames a hostile IVS Chat client sends that must be refused at the gateway with a 400, before
// anything reaches chat-svc: attribute names that are an object's own machinery (they made
// chat-svc fail and retry every message into a dead letter) and lone surrogates in content.
import { AppError, silentLogger, type Bus } from '@onair/runtime';
import { handleIvsFrame } from '../src/sockets/ivs-protocol';
import { TokenBucket } from '../src/sockets/token-bucket';
import { handleSeed003Frame } from '../src/sockets/seed003-protocol';

/** A bus that records every call: none may happen for a refused frame. */
function recordingBus(calls: string[]): Bus {
  return new Proxy({} as Bus, {
    get: (_t, name) => async () => {
      calls.push(String(name));
      throw new Error('no bus in this test');
    },
  });
}

const who = { userId: 'u1', roomId: 'chat_1', capabilities: ['SEND_MESSAGE' as const], attributes: {} };

/** What a socket's frame handler gets, with a bus that records every call. */
function frameContext(calls: string[]) {
  return {
    bus: recordingBus(calls),
    gatewayId: 'gw',
    connectionId: 'c1',
    timeoutMs: 100,
    limiter: new TokenBucket(100, 100),
    joinLimiter: new TokenBucket(100, 100),
    log: silentLogger,
    join: async () => 'chat_1',
  };
}

async function ivs(frame: object | string) {
  const calls: string[] = [];
  const replies: string[] = [];
  await handleIvsFrame(
    typeof frame === 'string' ? frame : JSON.stringify(frame),
    who,
    frameContext(calls),
    (f) => replies.push(f),
  );
  return { calls, replies: replies.map((r) => JSON.parse(r)) };
}

describe('IVS Chat frames refused at the edge', () => {
  it.each(['__proto__', 'constructor', 'prototype'])(
    'refuses an attribute named %s with 400',
    async (key) => {
      const raw = `{"Action":"SEND_MESSAGE","RequestId":"q1","Content":"x","Attributes":{"${key}":"x"}}`;
      const { calls, replies } = await ivs(raw);
      expect(calls).toEqual([]);
      expect(replies).toEqual([expect.objectContaining({ Type: 'ERROR', ErrorCode: 400, RequestId: 'q1' })]);
    },
  );

  it('refuses a lone surrogate in content or attributes with 400', async () => {
    for (const raw of [
      '{"Action":"SEND_MESSAGE","RequestId":"q2","Content":"a\\ud800b"}',
      '{"Action":"SEND_MESSAGE","RequestId":"q3","Content":"x","Attributes":{"k":"\\udc00"}}',
    ]) {
      const { calls, replies } = await ivs(raw);
      expect(calls).toEqual([]);
      expect(replies[0]).toMatchObject({ Type: 'ERROR', ErrorCode: 400 });
    }
  });

  it('refuses a lone surrogate in any field (RequestId, Id, UserId, Reason), and the refusal is well-formed', async () => {
    const all = { ...who, capabilities: ['SEND_MESSAGE', 'DELETE_MESSAGE', 'DISCONNECT_USER'] as const };
    for (const raw of [
      '{"Action":"SEND_MESSAGE","RequestId":"\\udfff-2","Content":"x"}',
      '{"Action":"DISCONNECT_USER","RequestId":"q5","UserId":"\\ud800"}',
      '{"Action":"DELETE_MESSAGE","RequestId":"q6","Id":"abc","Reason":"\\ud800"}',
      '{"Action":"SEND_MESSAGE","RequestId":"q7","Content":"x","\\ud800":1}',
    ]) {
      const calls: string[] = [];
      const replies: string[] = [];
      await handleIvsFrame(raw, { ...all, capabilities: [...all.capabilities] }, frameContext(calls), (f) =>
        replies.push(f),
      );
      expect(calls).toEqual([]);
      expect(replies).toHaveLength(1);
      expect(replies[0].isWellFormed()).toBe(true);
      expect(JSON.parse(replies[0])).toMatchObject({ Type: 'ERROR', ErrorCode: 400 });
      expect(JSON.parse(replies[0]).ErrorMessage).toMatch(/lone surrogate/);
    }
  });

  it('refuses a message id that is not one (control characters, spaces) before chat-svc', async () => {
    const calls: string[] = [];
    const replies: string[] = [];
    await handleIvsFrame(
      JSON.stringify({ Action: 'DELETE_MESSAGE', RequestId: 'q8', Id: 'a\n  gateway info FAKE' }),
      { ...who, capabilities: ['DELETE_MESSAGE'] },
      frameContext(calls),
      (f) => replies.push(f),
    );
    expect(calls).toEqual([]);
    expect(JSON.parse(replies[0] ?? '{}')).toMatchObject({ ErrorCode: 400, RequestId: 'q8' });
  });

  it('lets emoji, CJK and ordinary attribute names through to chat-svc', async () => {
    const { calls } = await ivs({
      Action: 'SEND_MESSAGE',
      RequestId: 'q4',
      Content: 'hi 😀 안녕',
      Attributes: { toString: 'ok' },
    });
    expect(calls).toEqual(['request']);
  });
});

describe('refusals during an outage say when to retry', () => {
  it.each([
    [
      'the broker is unreachable',
      new AppError('BUS_UNAVAILABLE', 503, 'The message broker is unreachable'),
      /^The chat service is unavailable right now; retry in [2-5] s$/,
    ],
    [
      'chat-svc does not answer',
      new AppError('TIMEOUT', 504, 'No answer'),
      /^The chat service did not answer in time; retry in [2-5] s$/,
    ],
    [
      'the first attempt is still running',
      new AppError('IN_PROGRESS', 503, 'busy'),
      /^This message is still being processed; retry in 1 s$/,
    ],
  ])('%s', async (_what, error, message) => {
    const bus = new Proxy({} as Bus, {
      get: () => async () => {
        throw error;
      },
    });
    const replies: string[] = [];
    await handleIvsFrame(
      JSON.stringify({ Action: 'SEND_MESSAGE', RequestId: 'q9', Content: 'hello' }),
      who,
      { ...frameContext([]), bus },
      (f) => replies.push(f),
    );
    expect(JSON.parse(replies[0] ?? '{}')).toMatchObject({
      Type: 'ERROR',
      RequestId: 'q9',
      ErrorCode: 500,
      ErrorMessage: expect.stringMatching(message),
    });
  });
});

describe('seed 003 frames refused at the edge', () => {
  it('refuses a lone surrogate in a message with 400', async () => {
    const calls: string[] = [];
    const replies: string[] = [];
    await handleSeed003Frame(
      '{"action":"sendMessage","message":"\\ud800"}',
      { ...who, roomId: 'chat_1' },
      frameContext(calls),
      (f) => replies.push(f),
    );
    expect(calls).toEqual([]);
    expect(JSON.parse(replies[0] ?? '{}')).toMatchObject({ error: { code: 400 } });
  });
});
