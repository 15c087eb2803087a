import { Writable } from 'node:stream';

/** A writable stream that keeps what is written, line by line. */
export class LineCapture extends Writable {
  readonly lines: string[] = [];
  private rest = '';

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    const text = this.rest + chunk.toString();
    const parts = text.split('\n');
    this.rest = parts.pop() ?? '';
    this.lines.push(...parts);
    done();
  }
}
