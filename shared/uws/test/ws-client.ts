// A tiny WebSocket client for tests (Node 20 has no global WebSocket): an HTTP upgrade over a raw socket, masked
// frames out, unmasked frames in. Sends each message, waits for its echo, then closes.
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';

export interface Frame {
  binary: boolean;
  data: Buffer;
}

const TEXT = 0x1;
const BINARY = 0x2;
const CLOSE = 0x8;

function encode(data: Buffer, opcode: number): Buffer {
  const mask = randomBytes(4);
  const length = data.length;
  const header =
    length < 126
      ? Buffer.from([0x80 | opcode, 0x80 | length])
      : Buffer.from([0x80 | opcode, 0x80 | 126, length >> 8, length & 0xff]);
  const masked = Buffer.from(data.map((byte, i) => byte ^ mask[i % 4]!));
  return Buffer.concat([header, mask, masked]);
}

/** Parses one unmasked server frame from the front of `buffer`, or returns undefined when it is incomplete. */
function decode(buffer: Buffer): { opcode: number; data: Buffer; size: number } | undefined {
  if (buffer.length < 2) return undefined;
  let length = buffer[1]! & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (buffer.length < 4) return undefined;
    length = buffer.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    throw new Error('test client does not read 64-bit frame lengths');
  }
  if (buffer.length < offset + length) return undefined;
  return { opcode: buffer[0]! & 0x0f, data: buffer.subarray(offset, offset + length), size: offset + length };
}

export function wsEcho(port: number, path: string, messages: readonly Buffer[]): Promise<Frame[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const received: Frame[] = [];
    let buffer = Buffer.alloc(0);
    let upgraded = false;
    const sendNext = () => {
      const next = messages[received.length];
      if (next === undefined) {
        socket.end(encode(Buffer.from([0x03, 0xe8]), CLOSE)); // 1000: normal closure
        resolve(received);
        return;
      }
      // Alternate binary and text frames so both opcodes are echoed.
      socket.write(encode(next, received.length % 2 === 0 ? BINARY : TEXT));
    };
    socket.setTimeout(5000, () => socket.destroy(new Error('WebSocket echo timed out')));
    socket.on('error', reject);
    socket.on('connect', () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (!upgraded) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buffer.subarray(0, end).toString('latin1');
        if (!head.startsWith('HTTP/1.1 101')) {
          socket.destroy(new Error(`upgrade refused: ${head.split('\r\n')[0]}`));
          return;
        }
        upgraded = true;
        buffer = buffer.subarray(end + 4);
        sendNext();
      }
      for (let frame = decode(buffer); frame; frame = decode(buffer)) {
        buffer = buffer.subarray(frame.size);
        if (frame.opcode === CLOSE) return;
        received.push({ binary: frame.opcode === BINARY, data: Buffer.from(frame.data) });
        sendNext();
      }
    });
  });
}
