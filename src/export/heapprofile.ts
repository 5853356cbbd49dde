/**
 * `.heapprofile`: the JSON Chrome DevTools' Memory panel loads ("Load
 * profile") as a sampling heap profile, the shape of V8's
 * `HeapProfiler.getSamplingProfile`: a tree of nodes from a `(root)` node,
 * each with its call frame (0-based line and column, as V8 gives them), its
 * own bytes and children, and samples that add up to each node's own bytes.
 *
 * @module
 */
import { pathToFileURL } from "node:url";
import type { Frame } from "../model/frame.ts";
import type { Stack } from "./stacks.ts";
import { stackTree, type TreeNode } from "./tree.ts";

/**
 * A call frame as V8's inspector gives it (`Runtime.CallFrame`).
 *
 * @example
 * ```ts
 * const frame: CallFrame = { functionName: "leak", scriptId: "1", url: "file:///app/leak.ts", lineNumber: 15, columnNumber: 2 };
 * ```
 */
export interface CallFrame {
  /** The function's name; `""` for code outside any function. */
  readonly functionName: string;
  /** A number, as a string, for each distinct `url`; `"0"` for none. */
  readonly scriptId: string;
  /** A `file://` URL for a path, else the file name as the runtime gave it (`node:fs`, `ext:...`). */
  readonly url: string;
  /** 0-based; -1 when unknown. */
  readonly lineNumber: number;
  /** 0-based; -1 when unknown. */
  readonly columnNumber: number;
}

/**
 * A node of the profile (`HeapProfiler.SamplingHeapProfileNode`).
 *
 * @example
 * ```ts
 * const node: HeapProfileNode = {
 *   callFrame: { functionName: "(root)", scriptId: "0", url: "", lineNumber: -1, columnNumber: -1 },
 *   selfSize: 0,
 *   id: 1,
 *   children: [],
 * };
 * ```
 */
export interface HeapProfileNode {
  readonly callFrame: CallFrame;
  /** Bytes allocated at this frame with this path above it. */
  readonly selfSize: number;
  /** Unique in the profile, from 1 (the root). */
  readonly id: number;
  readonly children: readonly HeapProfileNode[];
}

/**
 * A sampling heap profile (`HeapProfiler.SamplingHeapProfile`).
 *
 * @example
 * ```ts
 * declare const profile: HeapProfile;
 * profile.samples.reduce((n, s) => n + s.size, 0); // the bytes of every node
 * ```
 */
export interface HeapProfile {
  readonly head: HeapProfileNode;
  /** One per distinct traceback and domain: its bytes, its node, and an order number. */
  readonly samples: readonly { readonly size: number; readonly nodeId: number; readonly ordinal: number }[];
}

/** A file name as V8 gives a script's URL: absolute paths as `file://` URLs. */
function urlOf(filename: string): string {
  if (filename === "<unknown>") return "";
  if (filename.startsWith("/") || /^[A-Za-z]:[\\/]/.test(filename)) return pathToFileURL(filename).href;
  return filename;
}

/**
 * The heap profile of `stacks` (their sizes; a comparison cannot be one, as
 * DevTools reads no negative sizes).
 *
 * @example
 * ```ts
 * import { Snapshot } from "../model/snapshot.ts";
 * import { stacksOf } from "./stacks.ts";
 * const snapshot = new Snapshot([[1, 4096, [["/app/leak.ts", 16, 3, "handle"]], 1]], 5);
 * const profile = heapProfile(stacksOf(snapshot));
 * profile.head.children[0].callFrame.lineNumber; // 15
 * ```
 */
export function heapProfile(stacks: readonly Stack[]): HeapProfile {
  const scripts = new Map<string, string>();
  const callFrame = (frame: Frame): CallFrame => {
    const url = urlOf(frame.filename);
    let scriptId = url ? scripts.get(url) : "0";
    if (scriptId === undefined) scripts.set(url, scriptId = String(scripts.size + 1));
    return {
      functionName: frame.functionName ?? "",
      scriptId,
      url,
      lineNumber: frame.lineno > 0 ? frame.lineno - 1 : -1,
      columnNumber: frame.lineno > 0 ? Math.max(0, (frame.column ?? 1) - 1) : -1,
    };
  };
  const ends: [Stack, TreeNode][] = [];
  const tree = stackTree(stacks, "size", (stack, node) => ends.push([stack, node]));
  const ids = new Map<TreeNode, number>();
  let next = 1;
  const convert = (node: TreeNode): HeapProfileNode => {
    const id = next++;
    ids.set(node, id);
    return {
      callFrame: node.frame
        ? callFrame(node.frame)
        : { functionName: "(root)", scriptId: "0", url: "", lineNumber: -1, columnNumber: -1 },
      selfSize: node.self,
      id,
      children: node.children.map(convert),
    };
  };
  const head = convert(tree);
  // A sample per stack, at the node its path ends on.
  const samples: { size: number; nodeId: number; ordinal: number }[] = [];
  for (const [stack, node] of ends) {
    samples.push({ size: stack.size, nodeId: ids.get(node)!, ordinal: samples.length + 1 });
  }
  return { head, samples };
}

/**
 * The `.heapprofile` file of `stacks`: {@link heapProfile} as JSON.
 *
 * @example
 * ```ts
 * import { writeFile } from "node:fs/promises";
 * import { Snapshot } from "../model/snapshot.ts";
 * import { stacksOf } from "./stacks.ts";
 * const snapshot = new Snapshot([[1, 4096, [["/app/leak.ts", 16, 3, "handle"]], 1]], 5);
 * await writeFile("app.heapprofile", encodeHeapProfile(stacksOf(snapshot)));
 * ```
 */
export function encodeHeapProfile(stacks: readonly Stack[]): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(heapProfile(stacks)));
}
