// A command's output a chunk at a time, as the bytes that were read: whole lines (a line grown
// past MAX_LINE cut in pieces), kept as the pipe's own buffers, never copied to join them. Their
// text is decoded only when someone asks for it, and then once: the run log writes the bytes as
// they are when there is no secret to redact, and the live pane decodes only the chunks that
// hold its last few lines, so a million lines are not a million lines of strings to collect.

const NEWLINE = 0x0a;
const NL_BUFFER = Buffer.from('\n');
/** Longer lines are cut in pieces of this many bytes (never inside a UTF-8 character). */
export const MAX_LINE = 8192;
/** Many small reads of one unfinished line (a progress bar's) are joined, so a piece is a few buffers, not thousands. */
const MAX_PARTS = 64;

export class OutputChunk {
  #text: string | undefined;

  /** `bytes`, in order, are `lines` lines, each ending in a newline. */
  constructor(
    readonly bytes: readonly Buffer[],
    readonly lines: number,
    private readonly encoding: BufferEncoding = 'utf8',
  ) {}

  /** The lines joined by newlines (no newline at the end; a \r before a newline dropped), decoded on first use. */
  get text(): string {
    if (this.#text === undefined) {
      const all = this.bytes.length === 1 ? this.bytes[0]! : Buffer.concat(this.bytes);
      let text = all.toString(this.encoding, 0, all.length - 1);
      if (text.includes('\r')) text = text.replace(/\r\n/g, '\n').replace(/\r$/, '');
      this.#text = text;
    }
    return this.#text;
  }

  /** A chunk of text already decoded (tests, and output that is not a child's). */
  static of(text: string, lines = text.split('\n').length): OutputChunk {
    const chunk = new OutputChunk([Buffer.from(`${text}\n`)], lines);
    chunk.#text = text;
    return chunk;
  }
}

/** Newlines in `bytes`. */
function newlines(bytes: Buffer): number {
  let n = 0;
  for (let at = bytes.indexOf(NEWLINE); at !== -1; at = bytes.indexOf(NEWLINE, at + 1)) n++;
  return n;
}

/** Byte `i` of the buffers in `list` taken as one. */
function byteAt(list: readonly Buffer[], i: number): number {
  for (const b of list) {
    if (i < b.length) return b[i]!;
    i -= b.length;
  }
  return 0;
}

/** `list` taken as one, cut at `at`: the buffers before it and after it (subarrays, no copy). */
function splitAt(list: readonly Buffer[], at: number): [Buffer[], Buffer[]] {
  const head: Buffer[] = [];
  let i = 0;
  for (; i < list.length && at > 0; i++) {
    const b = list[i]!;
    if (at < b.length) {
      head.push(b.subarray(0, at));
      return [head, [b.subarray(at), ...list.slice(i + 1)]];
    }
    head.push(b);
    at -= b.length;
  }
  return [head, list.slice(i)];
}

/**
 * Reads bytes as they come and hands on whole lines: what was read up to its last newline, then
 * what is left of an unfinished line cut in MAX_LINE pieces (each given a newline of its own).
 */
export class LineCutter {
  #pending: Buffer[] = [];
  #pendingBytes = 0;

  constructor(
    private readonly encoding: BufferEncoding = 'utf8',
    private readonly max = MAX_LINE,
  ) {}

  /** The lines `bytes` ends (with the unfinished line read before it), or undefined while a line goes on. */
  take(bytes: Buffer): OutputChunk | undefined {
    let parts: Buffer[] | undefined;
    let lines = 0;
    const nl = bytes.lastIndexOf(NEWLINE);
    if (nl < 0) {
      this.#pending.push(bytes);
      this.#pendingBytes += bytes.length;
      if (this.#pending.length > MAX_PARTS) this.#pending = [Buffer.concat(this.#pending)];
    } else {
      const upTo = bytes.subarray(0, nl + 1);
      parts = this.#pendingBytes === 0 ? [upTo] : [...this.#pending, upTo];
      lines = newlines(upTo);
      this.#pending = nl + 1 < bytes.length ? [bytes.subarray(nl + 1)] : [];
      this.#pendingBytes = bytes.length - (nl + 1);
    }
    if (this.#pendingBytes > this.max) {
      parts ??= [];
      while (this.#pendingBytes > this.max) {
        const at = this.#cutAt();
        const [head, rest] = splitAt(this.#pending, at);
        parts.push(...head, NL_BUFFER);
        lines++;
        this.#pending = rest;
        this.#pendingBytes -= at;
      }
    }
    return parts === undefined ? undefined : new OutputChunk(parts, lines, this.encoding);
  }

  /** The last line, if it did not end with a newline (given one). */
  end(): OutputChunk | undefined {
    if (this.#pendingBytes === 0) return undefined;
    const chunk = new OutputChunk([...this.#pending, NL_BUFFER], 1, this.encoding);
    this.#pending = [];
    this.#pendingBytes = 0;
    return chunk;
  }

  /** Where to cut the unfinished line at most `max` long without splitting a UTF-8 character. */
  #cutAt(): number {
    let at = this.max;
    if (this.encoding === 'utf8' || this.encoding === 'utf-8') while (at > this.max - 4 && (byteAt(this.#pending, at) & 0xc0) === 0x80) at--;
    return at;
  }
}
