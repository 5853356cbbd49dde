/**
 * Filter, DomainFilter and Snapshot.filterTraces keep and drop traces as
 * CPython's tracemalloc does. Every trace below has its own size, so a
 * result is written as the list of sizes it keeps.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { type RawTrace, Snapshot } from "../../src/model/snapshot.ts";
import { DomainFilter, Filter } from "../../src/model/filter.ts";

const TRACES: RawTrace[] = [
  [0, 1, [["src/app.ts", 10], ["main.ts", 1]], 2],
  [0, 2, [["node_modules/pkg/index.js", 5], ["src/app.ts", 20]], 2],
  [1, 4, [["src/app.ts", 12]], 1],
  [1, 8, [["lib/util.ts", 12], ["src/app.ts", 12]], 2],
  [2, 16, [["lib/util.ts", 3]], 1],
];

const snapshot = () => new Snapshot(TRACES, 10);

function keptSizes(filters: (Filter | DomainFilter)[]): number[] {
  const sizes = [...snapshot().filterTraces(filters).traces].map((t) => t.size);
  return sizes.sort((a, b) => a - b);
}

test("an inclusive filter keeps traces whose most recent frame matches", () => {
  assert.deepEqual(keptSizes([new Filter(true, "src/*")]), [1, 4]);
});

test("an exclusive filter drops traces whose most recent frame matches", () => {
  assert.deepEqual(keptSizes([new Filter(false, "*node_modules*")]), [
    1,
    4,
    8,
    16,
  ]);
});

test("a filter that matches nothing keeps nothing", () => {
  assert.deepEqual(keptSizes([new Filter(true, "nowhere/*")]), []);
});

test("any of several inclusive filters is enough to keep a trace", () => {
  const filters = [new Filter(true, "src/*"), new Filter(true, "lib/*")];
  assert.deepEqual(keptSizes(filters), [1, 4, 8, 16]);
});

test("an exclusive filter drops a trace an inclusive filter keeps", () => {
  const filters = [new Filter(true, "*.ts"), new Filter(false, "lib/*")];
  assert.deepEqual(keptSizes(filters), [1, 4]);
});

test("a filter with a line number matches only that line", () => {
  // Trace 8 has src/app.ts:12 too, but not as its most recent frame.
  assert.deepEqual(keptSizes([new Filter(true, "src/app.ts", 12)]), [4]);
  assert.deepEqual(keptSizes([new Filter(false, "src/app.ts", 12)]), [
    1,
    2,
    8,
    16,
  ]);
});

test("an all-frames inclusive filter keeps a trace when any frame matches", () => {
  assert.deepEqual(keptSizes([new Filter(true, "src/*", null, true)]), [
    1,
    2,
    4,
    8,
  ]);
});

test("an all-frames exclusive filter drops a trace when any frame matches", () => {
  assert.deepEqual(keptSizes([new Filter(false, "src/*", null, true)]), [16]);
});

test("an all-frames filter with a line number needs one frame with both", () => {
  assert.deepEqual(keptSizes([new Filter(true, "src/app.ts", 12, true)]), [
    4,
    8,
  ]);
});

test("an inclusive filter with a domain keeps only matches in that domain", () => {
  assert.deepEqual(keptSizes([new Filter(true, "*", null, false, 1)]), [4, 8]);
});

test("an exclusive filter with a domain drops only matches in that domain", () => {
  // src/app.ts at 1 stays: it is in domain 0.
  assert.deepEqual(keptSizes([new Filter(false, "src/*", null, false, 1)]), [
    1,
    2,
    8,
    16,
  ]);
});

test("an inclusive DomainFilter keeps the traces of its domain", () => {
  assert.deepEqual(keptSizes([new DomainFilter(true, 1)]), [4, 8]);
});

test("an exclusive DomainFilter drops the traces of its domain", () => {
  assert.deepEqual(keptSizes([new DomainFilter(false, 0)]), [4, 8, 16]);
});

test("an inclusive DomainFilter and an inclusive Filter keep either's traces", () => {
  const filters = [new Filter(true, "lib/*"), new DomainFilter(true, 0)];
  assert.deepEqual(keptSizes(filters), [1, 2, 8, 16]);
});

test("an empty filter list gives a copy of every trace", () => {
  const original = snapshot();
  const copy = original.filterTraces([]);
  assert.notEqual(copy, original);
  assert.deepEqual(
    [...copy.traces].map(String),
    [...original.traces].map(String),
  );
  assert.notEqual(copy.columns.size, original.columns.size);
  assert.equal(copy.tracebackLimit, original.tracebackLimit);
});

test("filtering leaves the original snapshot untouched", () => {
  const original = snapshot();
  const before = [...original.traces].map(String);
  original.filterTraces([
    new Filter(true, "src/*"),
    new DomainFilter(false, 1),
  ]);
  assert.deepEqual([...original.traces].map(String), before);
});

test("filtering keeps the allocation count of sampled traces", () => {
  const sampled = new Snapshot([
    [0, 100, [["a.ts", 1]], 1, 3],
    [0, 200, [["b.ts", 1]], 1, 7],
  ], 1);
  const kept = sampled.filterTraces([new Filter(true, "b.ts")]);
  assert.deepEqual([...kept.traces].map((t) => [t.size, t.count]), [[200, 7]]);
});

test("filterTraces with something other than an array is a TypeError", () => {
  assert.throws(
    () => snapshot().filterTraces(new Filter(true, "*") as unknown as Filter[]),
    TypeError,
  );
});

test("a filter list element that is not a filter is a TypeError naming its index", () => {
  const filters = [new Filter(true, "*"), "src/*"] as unknown as Filter[];
  assert.throws(
    () => snapshot().filterTraces(filters),
    new TypeError("filters[1] must be a Filter or DomainFilter, not string"),
  );
});

test("a Filter leaves unset options null and allFrames false", () => {
  const filter = new Filter(true, "src/*");
  assert.deepEqual(
    [
      filter.inclusive,
      filter.filenamePattern,
      filter.lineno,
      filter.allFrames,
      filter.domain,
    ],
    [true, "src/*", null, false, null],
  );
});

test("a Filter keeps a .pyc pattern as given", () => {
  assert.equal(new Filter(true, "mod.pyc").filenamePattern, "mod.pyc");
});

test("a Filter rejects a pattern that is not a string", () => {
  assert.throws(
    () => new Filter(true, 3 as unknown as string),
    new TypeError("filenamePattern must be a string, not 3"),
  );
});

test("a Filter rejects a line number that is not an integer", () => {
  assert.throws(
    () => new Filter(true, "*", 1.5),
    new TypeError("lineno must be an integer or null, not 1.5"),
  );
  assert.throws(
    () => new Filter(true, "*", "12" as unknown as number),
    TypeError,
  );
});

test("a Filter rejects a domain that is not an integer", () => {
  assert.throws(
    () => new Filter(true, "*", null, false, NaN),
    new TypeError("domain must be an integer or null, not NaN"),
  );
});

test("a Filter rejects an inclusive flag that is not a boolean", () => {
  assert.throws(
    () => new Filter(1 as unknown as boolean, "*"),
    new TypeError("inclusive must be a boolean, not 1"),
  );
  assert.throws(
    () => new Filter(true, "*", null, "yes" as unknown as boolean),
    TypeError,
  );
});

test("a DomainFilter rejects a domain that is not an integer", () => {
  assert.throws(
    () => new DomainFilter(true, "1" as unknown as number),
    new TypeError('domain must be an integer, not "1"'),
  );
  assert.throws(
    () => new DomainFilter(true, undefined as unknown as number),
    TypeError,
  );
});

test("a Filter reads as its settings", () => {
  assert.equal(
    String(new Filter(true, "src/*", 12, true, 1)),
    'include "src/*" line 12 all-frames domain 1',
  );
  assert.equal(
    String(new Filter(false, "*node_modules*")),
    'exclude "*node_modules*"',
  );
});

test("a DomainFilter reads as its settings", () => {
  assert.equal(String(new DomainFilter(true, 2)), "include domain 2");
  assert.equal(String(new DomainFilter(false, 1)), "exclude domain 1");
});
