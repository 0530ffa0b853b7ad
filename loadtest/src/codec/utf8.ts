// UTF-8 for code that must also run inside k6, which has neither TextEncoder nor TextDecoder: the k6 bundles are
// built with these classes injected in place of the globals (the FlatBuffers runtime constructs both).

const REPLACEMENT = 0xfffd;

/** The UTF-8 bytes of `text`; lone surrogates become U+FFFD, as the platform TextEncoder does. */
export function encodeUtf8(text: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (next >= 0xdc00 && next <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
        i++;
      } else code = REPLACEMENT;
    } else if (code >= 0xdc00 && code <= 0xdfff) code = REPLACEMENT;
    if (code < 0x80) out.push(code);
    else if (code < 0x800) out.push(0xc0 | (code >> 6), 0x80 | (code & 0x3f));
    else if (code < 0x10000) out.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f));
    else {
      out.push(0xf0 | (code >> 18), 0x80 | ((code >> 12) & 0x3f), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f));
    }
  }
  return Uint8Array.from(out);
}

/**
 * Decodes bytes[start, end) as UTF-8. A malformed sequence becomes one U+FFFD per maximal invalid subpart, as the
 * WHATWG decoder (and so the platform TextDecoder) does.
 */
export function decodeUtf8(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let text = '';
  let i = start;
  while (i < end) {
    const first = bytes[i]!;
    if (first < 0x80) {
      text += String.fromCharCode(first);
      i++;
      continue;
    }
    let needed: number;
    let code: number;
    let lower = 0x80;
    let upper = 0xbf;
    if (first >= 0xc2 && first <= 0xdf) {
      needed = 1;
      code = first & 0x1f;
    } else if (first >= 0xe0 && first <= 0xef) {
      needed = 2;
      code = first & 0x0f;
      if (first === 0xe0) lower = 0xa0;
      if (first === 0xed) upper = 0x9f;
    } else if (first >= 0xf0 && first <= 0xf4) {
      needed = 3;
      code = first & 0x07;
      if (first === 0xf0) lower = 0x90;
      if (first === 0xf4) upper = 0x8f;
    } else {
      text += String.fromCharCode(REPLACEMENT);
      i++;
      continue;
    }
    let j = i + 1;
    let valid = true;
    for (let k = 0; k < needed; k++, j++) {
      const byte = j < end ? bytes[j]! : -1;
      if (byte < lower || byte > upper) {
        valid = false;
        break;
      }
      code = (code << 6) | (byte & 0x3f);
      lower = 0x80;
      upper = 0xbf;
    }
    if (!valid) {
      text += String.fromCharCode(REPLACEMENT);
      i = j;
      continue;
    }
    text += String.fromCodePoint(code);
    i = j;
  }
  return text;
}

function asBytes(input: ArrayBuffer | ArrayBufferView | undefined): Uint8Array {
  if (input === undefined) return new Uint8Array(0);
  if (input instanceof Uint8Array) return input;
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  return new Uint8Array(input);
}

/** The part of the WHATWG TextEncoder that the FlatBuffers runtime uses. */
export class TextEncoder {
  readonly encoding = 'utf-8';

  encode(input = ''): Uint8Array {
    return encodeUtf8(String(input));
  }
}

/** The part of the WHATWG TextDecoder that the FlatBuffers runtime uses: UTF-8, replacement on bad input. */
export class TextDecoder {
  readonly encoding = 'utf-8';

  constructor(label = 'utf-8') {
    if (!/^\s*(utf-?8|unicode-1-1-utf-8)\s*$/i.test(label)) throw new RangeError(`unsupported encoding ${label}`);
  }

  decode(input?: ArrayBuffer | ArrayBufferView): string {
    return decodeUtf8(asBytes(input));
  }
}
