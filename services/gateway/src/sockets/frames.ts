/**
 * A whole WebSocket text frame (RFC 6455 section 5.2: FIN, opcode 1, unmasked as every
 * server-to-client frame is) with its payload, as one Buffer.
 *
 * Why: a chat message goes to every socket of a room. Framed once, each socket costs one write of
 * the same bytes; handed to `ws.send`, each socket would get a header of its own and two writes.
 */
export function textFrame(text: string): Buffer {
  const length = Buffer.byteLength(text);
  const headerLength = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLength + length);
  frame[0] = 0x81; // FIN + text
  if (length < 126) {
    frame[1] = length;
  } else if (length < 65_536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  frame.write(text, headerLength, 'utf8');
  return frame;
}
