/**
 * The call tree of a set of stacks: the oldest frames at the root, each
 * path down the tree one traceback, each node's own bytes those allocated
 * at its frame with that path above it. Flame graphs and DevTools' heap
 * profiles are drawn from it.
 *
 * @module
 */
import type { Frame } from "../model/frame.ts";
import { frameKey, type Stack } from "./stacks.ts";

/**
 * One node of a {@link StackTree}: a frame reached by one path from the root.
 *
 * @example
 * ```ts
 * import { Frame } from "../model/frame.ts";
 * import { stackTree } from "./tree.ts";
 * const tree = stackTree([{ frames: [new Frame("a.ts", 1), new Frame("a.ts", 2)], domain: 0, size: 8, count: 1, sizeDiff: 8, countDiff: 1 }]);
 * tree.children[0].children[0].self; // 8
 * ```
 */
export interface TreeNode {
  /** The frame; `null` at the root. */
  readonly frame: Frame | null;
  /** Weight of the stacks that end here. */
  self: number;
  /** `self` plus the totals of the children. */
  total: number;
  /** Blocks of the stacks that end here. */
  selfCount: number;
  /** `selfCount` plus the counts of the children. */
  count: number;
  /** Children, biggest total first. */
  readonly children: TreeNode[];
}

/**
 * The root of a call tree: {@link TreeNode} with no frame.
 *
 * @example
 * ```ts
 * declare const tree: StackTree;
 * tree.frame; // null
 * ```
 */
export type StackTree = TreeNode;

/**
 * What a tree's weights are: the stacks' bytes, or their growth since the
 * base snapshot of a comparison (stacks that shrank or stayed are left out).
 *
 * @example
 * ```ts
 * const measure: TreeMeasure = "growth";
 * ```
 */
export type TreeMeasure = "size" | "growth";

/**
 * The call tree of `stacks`, weighted by their size, or by their growth
 * (`sizeDiff`, and `countDiff` for the blocks); stacks of weight 0 or less
 * are left out. Children are sorted biggest first, then by frame, so the
 * same stacks always give the same tree. `ended` is told the node each
 * stack kept ends on.
 *
 * @example
 * ```ts
 * import { Snapshot } from "../model/snapshot.ts";
 * import { stacksOf } from "./stacks.ts";
 * const snapshot = new Snapshot([[0, 64, [["a.ts", 2], ["a.ts", 1]], 2]], 5);
 * stackTree(stacksOf(snapshot)).total; // 64
 * ```
 */
export function stackTree(
  stacks: readonly Stack[],
  measure: TreeMeasure = "size",
  ended?: (stack: Stack, node: TreeNode) => void,
): StackTree {
  const root: TreeNode = { frame: null, self: 0, total: 0, selfCount: 0, count: 0, children: [] };
  const index = new Map<TreeNode, Map<string, TreeNode>>();
  for (const stack of stacks) {
    const w = measure === "size" ? stack.size : stack.sizeDiff;
    if (!(w > 0)) continue;
    const blocks = Math.max(0, measure === "size" ? stack.count : stack.countDiff);
    let node = root;
    node.total += w;
    node.count += blocks;
    for (const frame of stack.frames) {
      let byKey = index.get(node);
      if (!byKey) index.set(node, byKey = new Map());
      const key = frameKey(frame);
      let child = byKey.get(key);
      if (!child) {
        child = { frame, self: 0, total: 0, selfCount: 0, count: 0, children: [] };
        byKey.set(key, child);
        node.children.push(child);
      }
      child.total += w;
      child.count += blocks;
      node = child;
    }
    node.self += w;
    ended?.(stack, node);
    node.selfCount += blocks;
  }
  sortTree(root);
  return root;
}

function sortTree(root: TreeNode): void {
  const pending = [root];
  while (pending.length) {
    const node = pending.pop()!;
    node.children.sort((a, b) => b.total - a.total || compareKeys(a.frame!, b.frame!));
    pending.push(...node.children);
  }
}

function compareKeys(a: Frame, b: Frame): number {
  const ka = frameKey(a), kb = frameKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
