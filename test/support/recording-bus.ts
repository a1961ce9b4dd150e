import { contracts, type Envelope } from '@onair/contracts';
import type { Bus } from '@onair/runtime';

/**
 * A fake bus for unit tests of handlers: records what they publish and send (checked against
 * the contracts, as the real bus does) and delivers nothing.
 */
export function recordingBus(): Bus & { published: Envelope[]; sent: Envelope[] } {
  const published: Envelope[] = [];
  const sent: Envelope[] = [];
  const check = (e: Envelope) => {
    const r = contracts.validate(e);
    if (!r.ok) throw new Error(r.reason);
  };
  return {
    instanceId: 'test',
    published,
    sent,
    start: async () => {},
    send: async (e: Envelope) => {
      check(e);
      sent.push(e);
    },
    publish: async (e: Envelope) => {
      check(e);
      published.push(e);
    },
    request: async () => {
      throw new Error('request() is not available on the recording bus');
    },
    consumeCommands: async () => ({ stop: async () => {} }),
    subscribe: async () => ({ stop: async () => {} }),
    isReady: async () => true,
    close: async () => {},
  };
}
