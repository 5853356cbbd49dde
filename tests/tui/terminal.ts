/**
 * A terminal in memory for tests that run the whole TUI (`runTui`): its
 * output collected as text, its keyboard fed by the test.
 *
 * @module
 */
import { Readable, Writable } from "node:stream";

/** A terminal's output in memory; emits `text` after each write. */
export class Output extends Writable {
  readonly isTTY = true;
  readonly columns = 100;
  readonly rows = 30;
  text = "";
  override _write(chunk: Uint8Array | string, _encoding: string, done: () => void): void {
    this.text += typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk);
    this.emit("text");
    done();
  }
}

/** A terminal's keyboard in memory (`isTTY` may be turned off to play a pipe). */
export class Input extends Readable {
  isTTY = true;
  setRawMode(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
  override _read(): void {}
  /** Types `data` as keys. */
  type(data: string): void {
    this.push(data);
  }
}
