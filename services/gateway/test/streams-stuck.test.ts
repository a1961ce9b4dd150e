// A create that hangs half way (IVS Chat answering very late): the reconciler fails the stream
// and compensates while the saga is still waiting; when the late answer comes, nothing is left
// behind either (chat-svc's tombstone makes the late room delete itself).
import { ListChannelsCommand } from '@aws-sdk/client-ivs';
import { ListRoomsCommand } from '@aws-sdk/client-ivschat';
import { waitFor } from '../../../test/support';
import { type Harness, startStreamsHarness } from './streams-harness';

describe('reconciler: a stream stuck in provisioning', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startStreamsHarness({ provisioningTimeoutMs: 200 });
  }, 60_000);
  afterAll(async () => h?.close());

  test('is failed and compensated; the late chat room is removed too', async () => {
    h.ivs.injectFault({ operation: 'CreateRoom', latencyMs: 2500, times: 1 });
    // Waiting for the saga's own answer: it comes only after the late CreateRoom has been handled.
    const pending = h.api('POST', '/v1/streams', {
      body: { title: 'Stuck', chatProvider: 'ivs' },
      headers: { prefer: 'wait=20' },
    });
    const [stuck] = await waitFor(
      async () => {
        await h.reconciler().runOnce();
        const page = (await h.api('GET', '/v1/streams?status=failed')).json();
        return page.items.length ? page.items : undefined;
      },
      { what: 'the reconciler to fail the stream' },
    );
    expect(stuck.failureReason).toMatch(/Provisioning did not finish/);
    const channels = async () =>
      ((await h.ivsClient.send(new ListChannelsCommand({ filterByName: stuck.streamId }))).channels ?? [])
        .length;
    expect(await channels()).toBe(0);

    const res = await pending;
    expect(res.statusCode).toBe(502);
    expect(res.json()).toMatchObject({ code: 'PROVISIONING_FAILED', streamId: stuck.streamId });
    expect(((await h.chatClient.send(new ListRoomsCommand({}))).rooms ?? []).length).toBe(0);
    expect(await channels()).toBe(0);
    expect((await h.api('GET', `/v1/streams/${stuck.streamId}`)).json().status).toBe('failed');
  });
});
