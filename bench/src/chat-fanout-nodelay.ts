/**
 * Diagnosis only (`npm run bench -- chat-fanout --nodelay`): preloaded into every process of
 * the stack (NODE_OPTIONS=--require, plain JavaScript after Node's type stripping), it turns
 * Nagle's algorithm off on every TCP socket they open. amqplib leaves Nagle on unless the caller
 * passes `noDelay: true`, and Nagle together with the peer's delayed ACKs (40 ms on Linux) stalls
 * small writes that follow one another; this shows what that costs the pipeline without changing
 * the services.
 */
const net: typeof import('node:net') = require('node:net');

const setNoDelay = net.Socket.prototype.setNoDelay;
net.Socket.prototype.setNoDelay = function (this: import('node:net').Socket) {
  return setNoDelay.call(this, true);
};
const connect = net.Socket.prototype.connect as (...args: unknown[]) => import('node:net').Socket;
net.Socket.prototype.connect = function (this: import('node:net').Socket, ...args: unknown[]) {
  const socket = connect.apply(this, args);
  setNoDelay.call(this, true);
  return socket;
} as typeof net.Socket.prototype.connect;
