/**
 * `import` of a `.wasm` module on Deno while a `load` hook is registered.
 * Deno 2.9.5 turns every hook result's source into a string, so the bytes
 * of a wasm module cannot pass through any hook (a pass-through hook makes
 * Deno compile them as JavaScript; `format: "wasm"` is refused with "Source
 * code for Wasm module must be provided as bytes"). The hook answers such an
 * import with a small ES module that does what Deno's wasm integration does:
 * imports each module the wasm imports from, instantiates the module
 * compiled here, and exports its exports by name.
 *
 * @module
 */
import { readFileSync } from "node:fs";

/** Compiled modules handed from the hook to the shim it returns, by URL. */
const compiled = new Map<string, WebAssembly.Module>();
const REGISTRY = Symbol.for("tracemalloc.runtime.wasm-modules");
(globalThis as Record<symbol, unknown>)[REGISTRY] = compiled;

/**
 * The source of an ES module standing for the wasm file at `path` (URL
 * `url`): compiles the file now, then instantiates it with its imports when
 * evaluated, exporting each wasm export under its own name (string export
 * names, so any name works) and nothing else, as Deno does.
 *
 * @example
 * ```ts
 * const source = wasmModuleSource("/app/add.wasm", "file:///app/add.wasm");
 * ```
 */
export function wasmModuleSource(path: string, url: string): string {
  const module = new WebAssembly.Module(readFileSync(path));
  compiled.set(url, module);
  const specifiers = [...new Set(WebAssembly.Module.imports(module).map((i) => i.module))];
  const lines = specifiers.map((s, i) => `import * as __import${i} from ${JSON.stringify(s)};`);
  const imports = specifiers.map((s, i) => `${JSON.stringify(s)}: __import${i}`).join(", ");
  lines.push(
    `const __registry = globalThis[Symbol.for(${JSON.stringify(REGISTRY.description)})];`,
    `const __instance = new WebAssembly.Instance(__registry.get(import.meta.url), { ${imports} });`,
    `__registry.delete(import.meta.url);`,
  );
  WebAssembly.Module.exports(module).forEach(({ name }, i) => {
    const quoted = JSON.stringify(name);
    lines.push(`const __export${i} = __instance.exports[${quoted}];`, `export { __export${i} as ${quoted} };`);
  });
  return lines.join("\n") + "\n";
}
