import { deriveId, type Envelope, event, makeEnvelope } from '@onair/contracts';
import { Type } from '@sinclair/typebox';
import { publishFollowing } from '../src/bus/following';

const Done = event('onair.test.done.v1', 'A test event.', Type.Object({ n: Type.Optional(Type.Number()) }));
const cause = makeEnvelope({ type: 'onair.test.do.v1', source: 'test', correlationid: 'corr-1', data: {} });

describe('publishFollowing', () => {
  it('publishes the event that follows the cause and returns that same event', async () => {
    const published: Envelope[] = [];
    const evt = await publishFollowing({ publish: async (e) => void published.push(e) }, Done, cause, {
      source: 'test-svc',
      subject: 's1',
      data: { n: 1 },
      idParts: ['a'],
    });
    expect(published).toEqual([evt]);
    expect(evt).toMatchObject({
      id: deriveId(cause.id, 'onair.test.done.v1', 'a'),
      type: 'onair.test.done.v1',
      source: 'test-svc',
      subject: 's1',
      correlationid: 'corr-1',
      causationid: cause.id,
      data: { n: 1 },
    });
  });

  it('answers only once the publish is done, and not at all when it fails', async () => {
    let release!: () => void;
    const slow = new Promise<void>((r) => {
      release = r;
    });
    let settled = false;
    const p = publishFollowing({ publish: () => slow }, Done, cause, {
      source: 'test-svc',
      data: {},
    }).then(() => {
      settled = true;
    });
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    release();
    await p;
    expect(settled).toBe(true);

    const failing = { publish: async () => Promise.reject(new Error('broker down')) };
    await expect(publishFollowing(failing, Done, cause, { source: 'test-svc', data: {} })).rejects.toThrow(
      'broker down',
    );
  });
});
