/**
 * Seed 003's client protocol (the serverless WebSocket chat onair replaces): clients send
 * `{"action":"joinGroup","groupId"}` and `{"action":"sendMessage","message"}` and receive the
 * stored message record: messageId, groupId, message, sender, createdAt.
 */
export function seed003MessageFrame(m: {
  messageId: string;
  groupId: string;
  message: string;
  sender: string;
  createdAt: string;
  seq?: number;
}): string {
  return JSON.stringify(m);
}

export function seed003ErrorFrame(e: { code: number; message: string; action?: string }): string {
  return JSON.stringify({
    error: { code: e.code, message: e.message, ...(e.action ? { action: e.action } : {}) },
  });
}
