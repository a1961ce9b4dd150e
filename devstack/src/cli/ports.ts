// The ports of a local stack. Each stack owns one contiguous block of ten ports, one per
// component; `npm start -- --port-offset N` runs stack number N, whose block starts 10 x N
// ports above the default stack's. Two stacks with different numbers never share a port.
import { createServer } from 'node:net';

/** The first port of the default stack (stack 0): the gateway, as documented. */
export const BASE_PORT = 8080;

/** Every component that listens, in the order of its port within the block. */
export const COMPONENTS = [
  'gateway',
  'stream-svc',
  'chat-svc',
  'recording-svc',
  'fanout-svc',
  'dynamodb',
  'fauxqs',
  'eventbridge',
  'ivs',
  'livekit',
] as const;
export type Component = (typeof COMPONENTS)[number];
export type PortPlan = Record<Component, number>;

/** Ports per stack. */
export const BLOCK_SIZE = COMPONENTS.length;

/** The highest stack number whose whole block fits below 65536. */
export const MAX_STACK = Math.floor((65_535 - BASE_PORT + 1) / BLOCK_SIZE) - 1;

/** The ports of stack number `stack` (0 = the default stack). */
export function stackPorts(stack: number): PortPlan {
  if (!Number.isSafeInteger(stack) || stack < 0 || stack > MAX_STACK)
    throw new RangeError(`stack number ${stack} is out of range: use 0 to ${MAX_STACK}`);
  const first = BASE_PORT + BLOCK_SIZE * stack;
  return Object.fromEntries(COMPONENTS.map((c, i) => [c, first + i])) as PortPlan;
}

/**
 * `--port-offset` as a stack number, or a message that says what to pass instead.
 */
export function parseStackNumber(text: string): { stack: number } | { error: string } {
  const n = /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  if (!Number.isSafeInteger(n) || n > MAX_STACK)
    return {
      error: `--port-offset must be a stack number from 0 to ${MAX_STACK} (got '${text}'); stack N listens on ${BASE_PORT}+${BLOCK_SIZE}N to ${BASE_PORT + BLOCK_SIZE - 1}+${BLOCK_SIZE}N`,
    };
  return { stack: n };
}

/** A component could not listen because its port is taken. */
export class PortInUseError extends Error {
  constructor(
    readonly component: string,
    readonly port: number,
  ) {
    super(`${component}: port ${port} is in use`);
    this.name = 'PortInUseError';
  }
}

/** Turn an EADDRINUSE from starting `component` into a PortInUseError that names it. */
export async function naming<T>(component: string, port: number, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUseError(component, port);
    throw e;
  }
}

/** What to print when a port of stack `stack` is taken: the component, the port, what to try. */
export function portInUseMessage(component: string, port: number, stack: number): string {
  const other = stack < MAX_STACK ? stack + 1 : stack - 1;
  return `${component}: port ${port} is in use; another stack? try --port-offset ${other}`;
}

/** The first component whose port is already taken on `host`, if any (a port of 0 is skipped). */
export async function firstTakenPort(
  plan: PortPlan,
  host: string,
): Promise<{ component: Component; port: number } | undefined> {
  for (const component of COMPONENTS) {
    const port = plan[component];
    if (port !== 0 && !(await canListen(port, host))) return { component, port };
  }
  return undefined;
}

function canListen(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code !== 'EADDRINUSE'));
    s.listen({ port, host, exclusive: true }, () => s.close(() => resolve(true)));
  });
}
