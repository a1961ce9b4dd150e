import { stopChatParts } from './chat';

describe('test support: stopChatParts', () => {
  it('closes the gateways (a failing close is ignored), then runs the stops in order, then the buses and the database', async () => {
    const order: string[] = [];
    const gateway = (name: string, fails = false) => ({
      app: {
        close: async () => {
          order.push(name);
          if (fails) throw new Error('already closed');
        },
      },
    });
    await stopChatParts({
      gateways: [gateway('gw-1', true), gateway('gw-2')],
      stops: [async () => order.push('chat'), async () => order.push('fanout')],
      buses: { cleanup: async () => void order.push('buses') },
      db: { close: async () => void order.push('db') },
    });
    expect(order).toEqual(['gw-1', 'gw-2', 'chat', 'fanout', 'buses', 'db']);
  });

  it('skips the buses and the database a failed set-up never made', async () => {
    await expect(stopChatParts({ gateways: [], stops: [] })).resolves.toBeUndefined();
  });
});
