/**
 * The decoding worker (started by `dump-decoder.ts`, a `worker_threads`
 * worker on Node and Bun, a web worker on Deno): decodes the snapshot
 * dumps the controller's thread sends it with the codec's `decodeSnapshot`,
 * so that the checksum, the checks and the widening of a live refresh's
 * dump (10-13 ms at 100k traces, ten times that at 1M) never hold the
 * thread that answers keys.
 *
 * It greets first (`ready`, or the error that kept the codec from
 * loading), then answers each request in turn: the table's strings in
 * chunks (each chunk is unpacked on the controller's thread when it
 * arrives, so no one message takes long to receive), then the typed arrays
 * of the table and the traces, their buffers transferred, not copied.
 *
 * @example
 * ```ts
 * import { Worker } from "node:worker_threads";
 * const worker = new Worker(new URL("./dump-worker.ts", import.meta.url));
 * worker.on("message", (reply) => console.log(reply)); // { ready: true } first
 * ```
 * @module
 */
import { parentPort } from "node:worker_threads";
import type { DumpReply, DumpRequest, PackedParts } from "./dump-decoder.ts";

/** Strings per message: about a millisecond to receive on the controller's thread. */
const STRINGS_PER_MESSAGE = 16_384;

/** The scope of a web worker (Deno's): where messages come from and go to when there is no `parentPort`. */
interface WorkerScope {
  postMessage(message: unknown, transfer: Transferable[]): void;
  onmessage: ((event: MessageEvent) => void) | null;
}

const scope = globalThis as unknown as WorkerScope;

function send(reply: DumpReply, transfer: ArrayBuffer[] = []): void {
  if (parentPort) parentPort.postMessage(reply, transfer);
  else scope.postMessage(reply, transfer);
}

function onRequest(handle: (request: DumpRequest) => void): void {
  if (parentPort) parentPort.on("message", handle);
  else scope.onmessage = (event) => handle(event.data);
}

try {
  // Imported here, not statically, so that a codec that cannot load is reported instead of failing silently.
  const { decodeSnapshot, SnapshotFormatError } = await import("../model/codec.ts");
  onRequest(({ id, bytes, name }) => {
    let packed: PackedParts;
    try {
      const { table, columns, tracebackLimit } = decodeSnapshot(bytes, name);
      const frames = table.frameCount, stacks = table.stackCount, tracebacks = table.tracebackCount;
      packed = {
        tracebackLimit,
        frameFile: table.frameFile.subarray(0, frames),
        frameLine: table.frameLine.subarray(0, frames),
        frameColumn: table.frameColumn.subarray(0, frames),
        frameFunction: table.frameFunction.subarray(0, frames),
        stackStart: table.stackStart.subarray(0, stacks + 1),
        stackFrames: table.stackFrames.subarray(0, table.stackStart[stacks]),
        tracebackStack: table.tracebackStack.subarray(0, tracebacks),
        tracebackTotal: table.tracebackTotal.subarray(0, tracebacks),
        columns,
      };
      const strings = table.strings;
      for (let at = 0; at < strings.length; at += STRINGS_PER_MESSAGE) {
        send({ id, strings: strings.slice(at, at + STRINGS_PER_MESSAGE) });
      }
    } catch (e) {
      const error = e instanceof SnapshotFormatError
        ? { message: e.message, file: e.file, problem: e.problem }
        : { message: e instanceof Error ? e.message : String(e) };
      send({ id, error });
      return;
    }
    send({ id, parts: packed }, buffersOf(packed));
  });
  send({ id: 0, ready: true });
} catch (e) {
  send({ id: 0, error: { message: `cannot load the codec: ${e instanceof Error ? e.message : String(e)}` } });
}

/** The distinct buffers under the packed arrays (several arrays may share one), shared memory left out. */
function buffersOf(packed: PackedParts): ArrayBuffer[] {
  const { columns, tracebackLimit: _, ...table } = packed;
  const arrays = [...Object.values(table), columns.domain, columns.size, columns.traceback, columns.count];
  const buffers = new Set<ArrayBuffer>();
  for (const array of arrays) {
    if (array && array.buffer instanceof ArrayBuffer) buffers.add(array.buffer);
  }
  return [...buffers];
}
