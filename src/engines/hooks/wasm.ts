/**
 * Domain 2: WebAssembly memories. Hooked: the `WebAssembly.Memory`
 * constructor (the initial size), `Memory#grow` (every grow from
 * JavaScript), and instantiation (`new WebAssembly.Instance`,
 * `WebAssembly.instantiate`, `instantiateStreaming`), which traces the
 * memories a module defines and exports, at the instantiating call. A grow
 * made by WebAssembly code itself (`memory.grow`) is seen when traces are
 * swept (every `takeSnapshot()` and traced-memory query). A memory a module
 * defines without exporting it cannot be seen.
 *
 * @module
 */
import type { CapturedStack, StackBoundary } from "../../runtime/stack.ts";
import { allocationStack, type HookContext, state } from "./context.ts";
import { isMemory, memorySize } from "./intrinsics.ts";
import { type AfterApply, type AfterConstruct, hookConstructor, hookFunction, type Patches } from "./patch.ts";
import { WASM_DOMAIN } from "./store.ts";

/**
 * Installs the domain-2 hooks, when the runtime has WebAssembly.
 *
 * @example
 * ```ts
 * import { Patches } from "./patch.ts";
 *
 * installWasmHooks(new Patches());
 * ```
 */
export function installWasmHooks(patches: Patches): void {
  const wasm = (globalThis as { WebAssembly?: typeof WebAssembly })
    .WebAssembly;
  if (!wasm) return;
  hookConstructor(patches, wasm, "Memory", traceMemory);
  hookFunction(patches, wasm.Memory.prototype, "grow", traceGrow);
  hookConstructor(patches, wasm, "Instance", traceInstance);
  hookFunction(patches, wasm, "instantiate", traceInstantiation);
  hookFunction(patches, wasm, "instantiateStreaming", traceInstantiation);
}

/** Traces `memory` at its current size, allocated here. */
function traceMemoryHere(ctx: HookContext, memory: object, below: StackBoundary): void {
  const stack = allocationStack(ctx, below, null);
  if (stack) addMemory(ctx, memory, stack);
}

function addMemory(
  ctx: HookContext,
  memory: object,
  stack: CapturedStack,
): void {
  ctx.store.add(memory, WASM_DOMAIN, "memory", memorySize(memory), stack);
}

const traceMemory: AfterConstruct = (ctx, _first, memory, below) => traceMemoryHere(ctx, memory, below);

/** A traced memory takes its new size; one made before start is traced from here. */
const traceGrow: AfterApply = (ctx, self, _first, _second, result, below) => {
  if (isMemory(self) && !ctx.store.resize(self, memorySize(self))) {
    traceMemoryHere(ctx, self, below);
  }
  return result;
};

const traceInstance: AfterConstruct = (ctx, _first, instance, below) => {
  const stack = allocationStack(ctx, below, null);
  if (stack) traceExports(ctx, instance, stack);
};

/**
 * `instantiate` resolves later: the stack is taken now, the exports looked
 * at when it resolves. The caller gets a promise that follows the original
 * one (settling the same way, unhandled rejections included).
 */
const traceInstantiation: AfterApply = (ctx, _self, _first, _second, result, below) => {
  if (!(result instanceof Promise)) return result;
  const stack = allocationStack(ctx, below, null);
  if (!stack) return result;
  return result.then((value: unknown) => {
    if (state.active === ctx) {
      const instance = (value as { instance?: unknown })?.instance ?? value;
      traceExports(ctx, instance, stack);
    }
    return value;
  });
};

function traceExports(
  ctx: HookContext,
  instance: unknown,
  stack: CapturedStack,
): void {
  const exports = (instance as { exports?: Record<string, unknown> })?.exports;
  if (typeof exports !== "object" || exports === null) return;
  for (const value of Object.values(exports)) {
    if (isMemory(value) && !ctx.store.has(value)) addMemory(ctx, value, stack);
  }
}
