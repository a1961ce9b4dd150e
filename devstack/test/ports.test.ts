import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { startIvsStandIn } from '../src/ivs';
import { formatLogLine } from '../src/cli/logs';
import {
  BASE_PORT,
  BLOCK_SIZE,
  COMPONENTS,
  firstTakenPort,
  MAX_STACK,
  naming,
  PortInUseError,
  parseStackNumber,
  portInUseMessage,
  stackPorts,
} from '../src/cli/ports';

// The port plan of `npm start -- --port-offset N`: every stack a block of its own, a taken port
// named with its component, and the README's table equal to the default stack's ports.

const block = (n: number) => COMPONENTS.map((c) => stackPorts(n)[c]);

/** A server holding a free port on 127.0.0.1, for "the port is taken". */
async function holdPort(port = 0): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => ok());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return { port: address.port, server };
}
const release = (server: Server) => new Promise<void>((ok) => server.close(() => ok()));

describe('the port plan', () => {
  it('gives every component of a stack its own port, ten consecutive ones', () => {
    for (const n of [0, 1, 2, 99, 1234, MAX_STACK]) {
      const ports = block(n);
      expect(ports).toEqual(Array.from({ length: BLOCK_SIZE }, (_, i) => BASE_PORT + BLOCK_SIZE * n + i));
    }
  });

  it('keeps the default stack on 8080-8089, the gateway and services where they always were', () => {
    expect(stackPorts(0)).toEqual({
      gateway: 8080,
      'stream-svc': 8081,
      'chat-svc': 8082,
      'recording-svc': 8083,
      'fanout-svc': 8084,
      dynamodb: 8085,
      fauxqs: 8086,
      eventbridge: 8087,
      ivs: 8088,
      livekit: 8089,
    });
  });

  it('never lets two stacks share a port: each block ends below the next one', () => {
    // Blocks are intervals in increasing order; each one ending below the next proves every pair
    // of different stack numbers disjoint.
    const overlapping: number[] = [];
    for (let n = 0; n < MAX_STACK; n++)
      if (Math.max(...block(n)) >= Math.min(...block(n + 1))) overlapping.push(n);
    expect(overlapping).toEqual([]);
  });

  it('never lets two stacks share a port: any two stack numbers (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_STACK }), fc.integer({ min: 0, max: MAX_STACK }), (a, b) => {
        fc.pre(a !== b);
        const first = new Set(block(a));
        return block(b).every((p) => !first.has(p));
      }),
      { seed: 4242, numRuns: 2000 },
    );
  });

  it('fits every block below 65536 and refuses a stack number that does not fit', () => {
    expect(Math.max(...block(MAX_STACK))).toBeLessThanOrEqual(65_535);
    expect(() => stackPorts(MAX_STACK + 1)).toThrow(RangeError);
    expect(() => stackPorts(-1)).toThrow(RangeError);
    expect(() => stackPorts(1.5)).toThrow(RangeError);
  });

  it('parses --port-offset as a stack number, with a message that says what to pass', () => {
    expect(parseStackNumber('0')).toEqual({ stack: 0 });
    expect(parseStackNumber('7')).toEqual({ stack: 7 });
    for (const bad of ['-1', 'abc', '1.5', '', String(MAX_STACK + 1), '1e3']) {
      expect(parseStackNumber(bad)).toEqual({
        error: expect.stringContaining(`--port-offset must be a stack number from 0 to ${MAX_STACK}`),
      });
    }
  });
});

describe('a taken port', () => {
  it('is reported with its component, its port and the next stack to try', () => {
    expect(portInUseMessage('gateway', 8080, 0)).toBe(
      'gateway: port 8080 is in use; another stack? try --port-offset 1',
    );
    expect(portInUseMessage('ivs', 8148, 6)).toBe(
      'ivs: port 8148 is in use; another stack? try --port-offset 7',
    );
    expect(portInUseMessage('livekit', 65_529, MAX_STACK)).toContain(`--port-offset ${MAX_STACK - 1}`);
  });

  it('is found before anything starts: the first component whose port is held', async () => {
    const held = await holdPort();
    try {
      const plan = { ...stackPorts(0), ...Object.fromEntries(COMPONENTS.map((c) => [c, 0])) };
      expect(await firstTakenPort(plan, '127.0.0.1')).toBeUndefined();
      expect(await firstTakenPort({ ...plan, eventbridge: held.port }, '127.0.0.1')).toEqual({
        component: 'eventbridge',
        port: held.port,
      });
    } finally {
      await release(held.server);
    }
  });

  it('makes a stand-in fail with a PortInUseError that names it', async () => {
    const held = await holdPort();
    try {
      const started = naming('ivs', held.port, () => startIvsStandIn({ port: held.port }));
      await expect(started).rejects.toThrow(PortInUseError);
      await expect(started).rejects.toMatchObject({
        component: 'ivs',
        port: held.port,
        message: `ivs: port ${held.port} is in use`,
      });
    } finally {
      await release(held.server);
    }
  });

  it('leaves other start-up errors as they are', async () => {
    const boom = new Error('boom');
    await expect(naming('ivs', 1, () => Promise.reject(boom))).rejects.toBe(boom);
  });
});

describe('README: Running it locally', () => {
  const readme = readFileSync(resolve(__dirname, '../../README.md'), 'utf8');
  const section = readme.slice(
    readme.indexOf('## Running it locally'),
    readme.indexOf('\n## ', readme.indexOf('## Running it locally') + 1),
  );

  it('lists every port of the default stack, and no port outside its block', () => {
    expect(section.length).toBeGreaterThan(100);
    for (const port of block(0)) expect(section).toContain(`:${port}`);
    const mentioned = [...section.matchAll(/:(\d{4,5})\b/g)].map((m) => Number(m[1]));
    const own = new Set(block(0));
    expect(mentioned.filter((p) => !own.has(p) && p !== 5672)).toEqual([]);
  });

  it('captures tokens with npm run -s (npm run alone puts its banner in the capture)', () => {
    expect(section).toContain('npm run -s token');
    expect(section).not.toMatch(/npm run token/);
  });
});

describe('npm start shows a service log line', () => {
  it('as its level and message (one line per request)', () => {
    const line = JSON.stringify({
      level: 30,
      msg: 'GET /v1/streams 200 3.1 ms',
      url: '/v1/streams',
      ms: 3.1,
    });
    expect(formatLogLine('gateway', line)).toBe('  gateway       info GET /v1/streams 200 3.1 ms');
  });

  it("with the error's message when there is one", () => {
    const line = JSON.stringify({
      level: 50,
      msg: 'request failed',
      err: { message: 'table gone', stack: 'x' },
    });
    expect(formatLogLine('stream-svc', line)).toBe('  stream-svc    ERROR request failed (table gone)');
  });

  it('as it is when it is not a pino record', () => {
    expect(formatLogLine('chat-svc', '(node:1) Warning: something')).toBe(
      '  chat-svc      (node:1) Warning: something',
    );
    expect(formatLogLine('chat-svc', '42')).toBe('  chat-svc      42');
  });
});
