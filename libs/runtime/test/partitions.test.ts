import {
  ChatMessageSend,
  ChatRoomCreate,
  contracts,
  makeEnvelope,
  PARTITIONS,
  partitionOf,
  partitionTargets,
} from '@onair/contracts';
import { resolveTarget } from '../src/bus/routing';

const send = (roomId: string) =>
  makeEnvelope({
    type: ChatMessageSend.type,
    source: 'gateway',
    data: {
      roomId,
      sender: { userId: 'u1', attributes: {} },
      connectionId: 'c1',
      gatewayId: 'g1',
      requestId: 'r1',
      content: 'hi',
    },
  });

describe('partitioned commands', () => {
  it('send every command of one room to one partition queue of its owner', () => {
    const first = resolveTarget(contracts, send('room_a'));
    expect(first).toMatch(/^chat-svc\.p\d+$/);
    expect(resolveTarget(contracts, send('room_a'))).toBe(first);
    expect(partitionTargets('chat-svc')).toContain(first);
  });

  it('spread rooms over every partition', () => {
    const used = new Set(Array.from({ length: 2000 }, (_, i) => partitionOf(`room_${i}`)));
    expect(used.size).toBe(PARTITIONS);
    const counts = new Array(PARTITIONS).fill(0);
    for (let i = 0; i < 16_000; i++) counts[partitionOf(`rm_${i.toString(36)}`)]++;
    expect(Math.min(...counts)).toBeGreaterThan(700); // 1000 each when even
  });

  it('are stable across processes (the sender and the owner must agree): FNV-1a, as computed elsewhere', () => {
    // Values computed independently (Python, FNV-1a 32-bit over UTF-16 code units, mod 16).
    expect(['room_a', 'room_b', '😀', 'rm_Zx81'].map((k) => partitionOf(k))).toEqual([10, 7, 8, 12]);
  });

  it('leave unpartitioned commands on the owner queue, and an explicit address wins', () => {
    const create = makeEnvelope({ type: ChatRoomCreate.type, source: 'gateway', data: {} });
    expect(resolveTarget(contracts, create)).toBe('chat-svc');
    expect(resolveTarget(contracts, send('room_a'), 'elsewhere')).toBe('elsewhere');
  });
});
