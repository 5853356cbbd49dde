/**
 * A rewritten program computes exactly what it computed before. Each
 * fixture in `fixtures/` prints one JSON object of checks; it runs plain
 * and with the line engine installed by the startup preload
 * (`TRACEMALLOC=5`, every allocation sampled) under the runtime this test
 * runs on, and each check must come out the same: one test per check,
 * named after the behaviour it specifies. A probe shows that the rewritten
 * run really was rewritten (its allocations were sampled at their lines).
 *
 * Known differences, where what does hold is asserted instead:
 *
 * - Deno and Bun: error stack *columns* on a line where an allocation was
 *   wrapped may move; lines never move. On Bun the lines that count are
 *   those of Bun's transpiled text, where a statement spread over several
 *   source lines may stand on one (`check("x", () =>\n  f())`), so only
 *   lines are compared there.
 * - Bun: a function ending with `return <allocating built-in call>(...)`
 *   keeps its frame while that built-in runs (the wrapper around the call
 *   takes the tail position); other tail calls stay proper tail calls.
 * - Bun: a CommonJS module loaded through the hook shows the hook's
 *   CommonJS loader's frames below its own in error stacks.
 * - Bun, ES modules and TypeScript (not CommonJS, whose rewrite is made on
 *   Bun's transpiled text): Bun transpiles the rewritten text, and its
 *   printer folds, inlines and merges less around the wrappers, so
 *   `toString` of a rewritten function can be printed differently from
 *   the plain run's: the same code (`return { a: [x] };` plain,
 *   `const a = [x]; return { a };` rewritten). The fixtures' functions
 *   print the same; `instrument.test.ts` checks that the text is valid.
 *
 * @module
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { properTailCalls } from "../../../src/runtime/stack.ts";
import { runtime } from "../../../src/runtime/index.ts";
import { type Pair, runPair } from "./transparency-run.ts";

const rt = runtime().name;

/** What each check specifies. */
const BEHAVIOURS: Readonly<Record<string, string>> = {
  // semantics.mjs
  "names": "functions keep the names inferred from where they are made",
  "new": "new keeps its callee, new.target and member callees",
  "tagged": "a tagged template keeps one frozen template object per site",
  "optional": "optional chains short-circuit whole",
  "super-this-arguments": "super, this and arguments are those of the enclosing function",
  "accessors": "getters and setters run as defined",
  "strict": "strict mode stays what it was",
  "stack-lines": "error stacks keep their lines",
  "stack-lines-nested": "errors thrown in callbacks keep their stack lines",
  "toString": "Function.prototype.toString gives rewritten functions their original text",
  "toString-native": "Function.prototype.toString still reads as native",
  "values": "values, identities and prototypes are unchanged",
  "strings": "strings built by concatenation and templates are unchanged",
  "asi-minified": "minified code and code without semicolons keep their statements",
  "generator": "generators yield and receive the same values",
  "private": "private fields and `#x in o` work",
  "proxy-traps": "the sampler triggers no Proxy trap",
  "species": "built-ins keep making Symbol.species subclasses",
  "user-map": "user methods named like allocating built-ins keep their results",
  "direct-eval": "direct eval sees the local scope",
  "deep-recursion": "deep recursion works",
  "closures": "closures capture per-iteration bindings",
  "async": "async functions and promises resolve to the same values",
  // semantics.cjs
  "module-this": "CommonJS `this` is module.exports",
  "wrapper-arguments": "the CommonJS wrapper's arguments are unchanged",
  "sloppy-this": "sloppy-mode `this` is the global object, strict functions' undefined",
  "arguments-mapped": "sloppy-mode arguments stay mapped to the parameters",
  "arguments-callee": "arguments.callee is the running function",
  "with": "with statements resolve names on their object",
  "annex-b-hoisting": "block-level functions are hoisted as sloppy mode does (Annex B)",
  "undeclared-assignment": "assigning an undeclared name in sloppy mode makes a global",
  "tail-recursion": "strict-mode tail recursion of depth 1e6 works as plain (Bun has proper tail calls)",
  "tail-recursion-allocating-args": "tail calls with allocating arguments stay tail calls",
  "tail-builtin-frames": "frames seen from a built-in called in tail position",
  "stack-positions": "stack positions on lines without wrapped allocations are unchanged",
  "stack-positions-allocating": "stack positions on lines with wrapped allocations keep their lines",
  // semantics-ts.mts
  "enums": "TypeScript enums keep their values and reverse mappings",
  "namespaces": "TypeScript namespaces keep their members",
  "parameter-properties": "TypeScript parameter properties are assigned as plain",
  "classes": "abstract, derived and declare-field classes are unchanged",
  "type-assertions": "type assertions, satisfies and instantiation expressions keep values and names",
  "toString-ts": "Function.prototype.toString gives transpiled TypeScript functions their text",
  "decorators": "decorators on classes, methods and fields apply as plain",
};

/** The checks of the fixtures (the first file is the entry). */
const FIXTURES: { label: string; files: string[]; options?: { rename: string; extra: string } }[] = [
  { label: "semantics.mjs", files: ["semantics.mjs"] },
  { label: "semantics.cjs", files: ["semantics.cjs", "tail.cjs"] },
  { label: "semantics-ts.mts", files: ["semantics-ts.mts", "decorators.mts"] },
];
// Bun evaluates a file without import/export as CommonJS whatever its extension; the same checks with
// an `export` go through its ES module path (where Bun transpiles the rewritten text again).
if (rt === "bun") {
  FIXTURES.push({
    label: "semantics.mjs as an ES module",
    files: ["semantics.mjs"],
    options: { rename: "semantics-esm.mjs", extra: "\nexport {};\n" },
  });
}

const pairs = await Promise.all(FIXTURES.map((f) => runPair(f.files, f.options)));

/** Lines of a `line:column,...` or `line,...` frame list (`file@line:column` in semantics.cjs). */
function lines(frames: unknown): string[] {
  return String(frames).split(",").map((frame) => frame.split(":")[0]);
}

/** True when `inner` is `outer` with some items left out. */
function isSubsequence(inner: string[], outer: string[]): boolean {
  let i = 0;
  for (const item of outer) if (item === inner[i]) i++;
  return i === inner.length;
}

/** Asserts check `name` of a pair: equal, or what holds where a difference is known. */
function assertSame(name: string, { plain, rewritten }: Pair): void {
  const before = plain.checks[name];
  const after = rewritten.checks[name];
  if (rt === "bun" && name === "stack-lines") {
    // Frames below the module: Bun's own loader plain, the hook's CommonJS loader rewritten.
    const head = lines(after).slice(0, lines(before).length);
    return assert.deepEqual(head, lines(before));
  }
  if (rt === "bun" && name === "tail-builtin-frames") {
    // The function returning `[1].map(...)` keeps its frame rewritten: one more line, all others kept.
    assert.equal(lines(after).length, lines(before).length + 1, `${before} → ${after}`);
    return assert.ok(isSubsequence(lines(before), lines(after)), `${before} → ${after}`);
  }
  if (rt !== "node" && name === "stack-positions-allocating" || rt === "bun" && name === "stack-positions") {
    return assert.deepEqual(lines(after), lines(before));
  }
  assert.deepEqual(after, before);
}

for (const [i, fixture] of FIXTURES.entries()) {
  const pair = pairs[i];
  test(`${fixture.label} runs plain and rewritten to the end`, () => {
    assert.equal(pair.plain.code, 0, pair.plain.stderr);
    assert.equal(pair.rewritten.code, 0, pair.rewritten.stderr);
    assert.deepEqual(Object.keys(pair.rewritten.checks), Object.keys(pair.plain.checks), pair.rewritten.stderr);
    assert.ok(Object.keys(pair.plain.checks).length > 0, "the plain run printed its checks");
  });
  test(`${fixture.label} is rewritten: its allocations are sampled at their lines`, () => {
    assert.equal(pair.plain.sampledLines, null, "the plain run does not trace");
    assert.ok((pair.rewritten.sampledLines ?? 0) > 10, `lines with samples: ${pair.rewritten.sampledLines}`);
  });
  for (const name of Object.keys(pair.plain.checks)) {
    test(`${fixture.label}: ${BEHAVIOURS[name] ?? name}`, () => assertSame(name, pair));
  }
}

test("strict-mode tail recursion of depth 1e6 ends as it does plain, and returns where calls in tail position are proper (Bun)", () => {
  const { plain, rewritten } = pairs[FIXTURES.findIndex((f) => f.label === "semantics.cjs")];
  assert.deepEqual(rewritten.checks["tail-recursion"], plain.checks["tail-recursion"]);
  assert.deepEqual(rewritten.checks["tail-recursion-allocating-args"], plain.checks["tail-recursion-allocating-args"]);
  if (properTailCalls()) {
    assert.deepEqual(rewritten.checks["tail-recursion"], { total: 1e6 });
    assert.deepEqual(rewritten.checks["tail-recursion-allocating-args"], [1e6, 750000, 500000, 250000]);
  }
});
