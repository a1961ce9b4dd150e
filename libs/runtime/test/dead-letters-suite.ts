import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { type Envelope, makeEnvelope } from '@onair/contracts';
import type { Bus, DeadLetters, DeadLetterView } from '../src/bus';
import { isAppError } from '../src/errors';
import { waitFor } from './wait-for';

/** What a transport gives the dead-letter suite. */
export interface DlqTransport {
  namespace: string;
  /** A started bus of this namespace: 3 attempts, retries after 50 and 100 ms. */
  makeBus(service: string): Promise<Bus>;
  deadLetters: DeadLetters;
  /** The source queue names the views carry. */
  commandQueue(target: string): string;
  eventQueue(subscriber: string): string;
  deleteQueue(name: string): Promise<void>;
  /** The environment `npm run dlq` needs to reach this bus. */
  cliEnv: Record<string, string>;
  cleanup(): Promise<void>;
}

const root = resolve(__dirname, '../../..');

const ping = (service: string): Envelope =>
  makeEnvelope({
    type: 'onair.system.ping.v1',
    source: 'test',
    data: { service, sentAt: new Date().toISOString() },
  });

const streamEvent = (streamId: string): Envelope =>
  makeEnvelope({
    type: 'onair.stream.state-changed.v1',
    source: 'test',
    data: { streamId, status: 'live', at: new Date().toISOString() },
  });

/** The envelope id of a dead letter's message. */
function idOf(d: DeadLetterView): unknown {
  const m = d.message;
  return m && typeof m === 'object' && 'id' in m ? m.id : undefined;
}

export function runCli(args: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((ok, fail) => {
    const child = spawn(process.execPath, [require.resolve('tsx/cli'), 'devstack/src/cli/dlq.ts', ...args], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.once('error', fail);
    child.once('close', (code) => ok({ code, stdout, stderr }));
  });
}

/**
 * The DLQ tool's promises, the same on every transport: a message that fails every attempt is
 * listed with what went wrong, reading never consumes it, and a replay after a fix delivers it
 * once more (attempts from 1) and empties the DLQ.
 */
export function deadLetterSuite(name: string, make: () => Promise<DlqTransport>): void {
  describe(`dead letters on ${name}`, () => {
    let t: DlqTransport;
    let producer: Bus;
    const buses: Bus[] = [];

    beforeAll(async () => {
      t = await make();
      producer = await t.makeBus('producer');
      buses.push(producer);
    });
    afterAll(async () => {
      await Promise.all(buses.map((b) => b.close()));
      await t?.deadLetters.close();
      await t?.cleanup();
    });

    /** A consumer of `target` that fails while `state.broken`; every delivery is recorded. */
    async function failingService(target: string) {
      const state = { broken: true, deliveries: [] as Array<{ id: string; attempt: number }> };
      const bus = await t.makeBus(target);
      buses.push(bus);
      await bus.consumeCommands(target, async (m, ctx) => {
        state.deliveries.push({ id: m.id, attempt: ctx.attempt });
        if (state.broken) throw new Error(`boom: ${m.id} is not welcome`);
      });
      const deliveries = (id: string) => state.deliveries.filter((d) => d.id === id);
      return { bus, state, deliveries };
    }

    const deadLetterOf = (id: string, queue?: string) =>
      waitFor(async () => (await t.deadLetters.list({ queue })).items.find((d) => idOf(d) === id), {
        timeoutMs: 20_000,
        what: `${id} in the DLQ`,
      });

    const target = () => `dl-${randomUUID().slice(0, 6)}`;

    it('a message that fails maxAttempts is listed with its type, error, attempts and times, and listing does not consume it', async () => {
      const to = target();
      const svc = await failingService(to);
      const cmd = ping(to);
      await producer.send(cmd, { to });
      const d = await deadLetterOf(cmd.id);
      expect(svc.deliveries(cmd.id).map((x) => x.attempt)).toEqual([1, 2, 3]);
      expect(d).toMatchObject({
        queue: t.commandQueue(to),
        type: 'onair.system.ping.v1',
        reason: 'failed',
        attempts: 3,
      });
      expect(d.error).toContain(`boom: ${cmd.id}`);
      expect(d.deadLetterQueue).toMatch(/dlq$/);
      expect(d.id.startsWith(`${d.deadLetterQueue}~`)).toBe(true);
      expect(d.message).toMatchObject({ id: cmd.id, type: cmd.type, data: cmd.data });
      const first = Date.parse(d.firstFailedAt ?? '');
      const last = Date.parse(d.lastFailedAt ?? '');
      expect(first).toBeLessThanOrEqual(last);
      expect(last).toBeLessThanOrEqual(Date.now());
      // SQS retries have a 1 s granularity, RabbitMQ's wait 50 + 100 ms: the first failure is earlier.
      expect(first).toBeLessThan(last);

      // Listed again (and again): still there, the same view; show finds it by id.
      const again = await t.deadLetters.list({ queue: t.commandQueue(to) });
      expect(again.items).toEqual([d]);
      expect(again.queues).toEqual([
        { queue: t.commandQueue(to), deadLetterQueue: d.deadLetterQueue, count: 1 },
      ]);
      const third = await t.deadLetters.list();
      expect(third.items.filter((x) => x.id === d.id)).toEqual([d]);
      expect(await t.deadLetters.show(d.id)).toEqual(d);
      expect(await t.deadLetters.show(d.id)).toEqual(d);
      // The handler never saw it again.
      expect(svc.deliveries(cmd.id)).toHaveLength(3);
    });

    it('replay after a fix delivers it once more with attempts from 1, and the DLQ is empty', async () => {
      const to = target();
      const svc = await failingService(to);
      const cmd = ping(to);
      await producer.send(cmd, { to });
      const d = await deadLetterOf(cmd.id);

      svc.state.broken = false; // the fix
      const replayed = await t.deadLetters.replay(d.id);
      expect(replayed?.id).toBe(d.id);
      await waitFor(() => svc.deliveries(cmd.id).length === 4, { what: 'the replayed delivery' });
      expect(svc.deliveries(cmd.id)[3].attempt).toBe(1);
      expect(await t.deadLetters.list({ queue: t.commandQueue(to) })).toEqual({
        queues: [{ queue: t.commandQueue(to), deadLetterQueue: d.deadLetterQueue, count: 0 }],
        items: [],
        truncated: false,
      });
      expect(await t.deadLetters.show(d.id)).toBeUndefined();
      expect(await t.deadLetters.replay(d.id)).toBeUndefined();
      // A later message is handled after it: the replay was not delivered twice.
      const marker = ping(to);
      await producer.send(marker, { to });
      await waitFor(() => svc.deliveries(marker.id).length === 1, { what: 'the marker' });
      expect(svc.deliveries(cmd.id)).toHaveLength(4);
    });

    it('replayAll replays every dead letter of one queue and leaves other queues alone', async () => {
      const a = target();
      const b = target();
      const svcA = await failingService(a);
      const svcB = await failingService(b);
      const cmds = [ping(a), ping(a)];
      const other = ping(b);
      for (const c of cmds) await producer.send(c, { to: a });
      await producer.send(other, { to: b });
      for (const c of cmds) await deadLetterOf(c.id, t.commandQueue(a));
      await deadLetterOf(other.id, t.commandQueue(b));

      svcA.state.broken = false;
      expect(await t.deadLetters.replayAll(t.commandQueue(a))).toEqual({ replayed: 2, skipped: [] });
      await waitFor(() => cmds.every((c) => svcA.deliveries(c.id).length === 4), { what: 'both replays' });
      expect((await t.deadLetters.list({ queue: t.commandQueue(a) })).items).toEqual([]);
      const left = await t.deadLetters.list({ queue: t.commandQueue(b) });
      expect(left.items.map(idOf)).toEqual([other.id]);
      expect(svcB.deliveries(other.id)).toHaveLength(3);
    });

    it("an event subscriber's dead letter shows the event and replays to the subscriber's queue", async () => {
      const subscriber = `dl-sub-${randomUUID().slice(0, 6)}`;
      const bus = await t.makeBus(subscriber);
      buses.push(bus);
      const state = { broken: true, got: [] as Array<{ id: string; attempt: number }> };
      await bus.subscribe(subscriber, ['onair.stream.state-changed.v1'], async (e, ctx) => {
        state.got.push({ id: e.id, attempt: ctx.attempt });
        if (state.broken) throw new Error('the projection is broken');
      });
      const evt = streamEvent(`strm_${randomUUID().slice(0, 8)}`);
      await producer.publish(evt);
      const d = await deadLetterOf(evt.id, t.eventQueue(subscriber));
      expect(d).toMatchObject({
        queue: t.eventQueue(subscriber),
        type: 'onair.stream.state-changed.v1',
        attempts: 3,
        error: 'the projection is broken',
        message: { id: evt.id, data: evt.data },
      });
      state.broken = false;
      await t.deadLetters.replay(d.id);
      await waitFor(() => state.got.filter((g) => g.id === evt.id).length === 4, {
        what: 'the replayed event',
      });
      expect(state.got.at(-1)).toEqual({ id: evt.id, attempt: 1 });
      expect((await t.deadLetters.list({ queue: t.eventQueue(subscriber) })).items).toEqual([]);
    });

    it('purge deletes the dead letters of one queue', async () => {
      const to = target();
      await failingService(to);
      const cmd = ping(to);
      await producer.send(cmd, { to });
      await deadLetterOf(cmd.id);
      expect(await t.deadLetters.purge(t.commandQueue(to))).toEqual({ queue: t.commandQueue(to), purged: 1 });
      await waitFor(
        async () => (await t.deadLetters.list({ queue: t.commandQueue(to) })).items.length === 0,
        {
          what: 'an empty DLQ',
        },
      );
    });

    it('a dead letter whose source queue is gone is refused (409) and kept; unknown ids and queues say so', async () => {
      const to = target();
      const svc = await failingService(to);
      const cmd = ping(to);
      await producer.send(cmd, { to });
      const d = await deadLetterOf(cmd.id);
      await svc.bus.close(); // else its consumer declares the queue again
      await t.deleteQueue(t.commandQueue(to));
      const err = await t.deadLetters.replay(d.id).catch((e: unknown) => e);
      expect(isAppError(err) && err.status).toBe(409);
      expect((err as Error).message).toContain(t.commandQueue(to));
      const all = await t.deadLetters.replayAll(t.commandQueue(to));
      expect(all).toEqual({
        replayed: 0,
        skipped: [{ id: d.id, queue: t.commandQueue(to), reason: expect.any(String) }],
      });
      expect((await t.deadLetters.list({ queue: t.commandQueue(to) })).items).toEqual([d]);

      expect(await t.deadLetters.show(`${d.deadLetterQueue}~no-such-message`)).toBeUndefined();
      expect(await t.deadLetters.show('not an id')).toBeUndefined();
      expect(await t.deadLetters.show(`other-namespace-x-commands-dlq~${randomUUID()}`)).toBeUndefined();
      const missing = await t.deadLetters.list({ queue: 'no-such-queue' }).catch((e: unknown) => e);
      expect(isAppError(missing) && missing.status).toBe(404);
      const purgeMissing = await t.deadLetters.purge('no-such-queue').catch((e: unknown) => e);
      expect(isAppError(purgeMissing) && purgeMissing.status).toBe(404);
    });

    it('npm run dlq: list (table and --json), show, replay <id> and replay --all, end to end', async () => {
      const to = target();
      const svc = await failingService(to);
      const cmds = [ping(to), ping(to)];
      for (const c of cmds) await producer.send(c, { to });
      const [d0, d1] = [await deadLetterOf(cmds[0].id), await deadLetterOf(cmds[1].id)];
      const q = t.commandQueue(to);

      const table = await runCli(['list', '--queue', q], t.cliEnv);
      expect(table.stderr).toBe('');
      expect(table.code).toBe(0);
      expect(table.stdout).toMatch(new RegExp(`^QUEUE\\s+DEAD LETTERS\\n${q}\\s+2\\n`));
      expect(table.stdout).toMatch(/ID\s+TYPE\s+ATTEMPTS\s+FIRST FAILED\s+LAST FAILED\s+ERROR/);
      for (const d of [d0, d1]) expect(table.stdout).toContain(d.id);
      expect(table.stdout).toContain('onair.system.ping.v1');

      const json = await runCli(['list', '--queue', q, '--json'], t.cliEnv);
      expect(json.code).toBe(0);
      const listed = JSON.parse(json.stdout) as { items: DeadLetterView[] };
      expect(listed.items.map((d) => d.id).sort()).toEqual([d0.id, d1.id].sort());

      const shown = await runCli(['show', d0.id], t.cliEnv);
      expect(shown.code).toBe(0);
      expect(shown.stdout).toMatch(/^id: +\S+~/);
      expect(shown.stdout).toContain(`"id": "${cmds[0].id}"`);
      expect(shown.stdout).toMatch(/attempts: +3/);

      svc.state.broken = false;
      const one = await runCli(['replay', d0.id], t.cliEnv);
      expect(one).toMatchObject({ code: 0, stdout: `Replayed ${d0.id} to ${q}.\n` });
      await waitFor(() => svc.deliveries(cmds[0].id).length === 4, { what: 'the CLI replay' });

      const all = await runCli(['replay', '--all', '--queue', q, '--json'], t.cliEnv);
      expect(all.code).toBe(0);
      expect(JSON.parse(all.stdout)).toEqual({ replayed: 1, skipped: [] });
      await waitFor(() => svc.deliveries(cmds[1].id).length === 4, { what: 'the CLI replay --all' });

      const gone = await runCli(['replay', d0.id], t.cliEnv);
      expect(gone.code).toBe(1);
      expect(gone.stderr).toContain(`No dead letter with id '${d0.id}'`);
      const purge = await runCli(['purge', '--queue', q], t.cliEnv);
      expect(purge.code).toBe(2); // not a terminal, no --yes
      expect(purge.stderr).toContain('add --yes');
    });
  });
}
