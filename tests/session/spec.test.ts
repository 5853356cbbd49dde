import { test } from "node:test";
import assert from "node:assert/strict";
import { CommandError } from "../../src/session/errors.ts";
import { type CommandSpec, parseArgs, usageOf } from "../../src/session/spec.ts";
import { tokenize } from "../../src/session/tokenize.ts";

const spec: CommandSpec = {
  name: "stats",
  summary: "",
  help: [],
  args: [{ name: "LABEL", optional: true }],
  options: [
    {
      name: "by",
      value: "KEY",
      kind: { choices: ["lineno", "filename"] },
      help: "",
    },
    { name: "limit", value: "N", kind: "count", help: "" },
    { name: "cumulative", help: "" },
  ],
};
const run: CommandSpec = {
  name: "run",
  summary: "",
  help: [],
  args: [{ name: "SCRIPT" }, { name: "ARGS", rest: true, optional: true }],
  options: [{ name: "runtime", value: "NAME", help: "" }],
  passThrough: true,
};
const parse = (s: CommandSpec, line: string) => parseArgs(s, tokenize(line));

test("options take their value from the next word or after =", () => {
  const a = parse(spec, "s1 --limit 5 --by=filename --cumulative");
  assert.equal(a.text("LABEL"), "s1");
  assert.equal(a.numberOption("limit", 10), 5);
  assert.equal(a.textOption("by", "lineno"), "filename");
  assert.equal(a.flag("cumulative"), true);
});

test("absent options fall back to their defaults", () => {
  const a = parse(spec, "");
  assert.equal(a.text("LABEL"), undefined);
  assert.equal(a.numberOption("limit", 10), 10);
  assert.equal(a.flag("cumulative"), false);
});

test("an unknown option is an error naming the command and the option", () => {
  assert.throws(() => parse(spec, "--bye"), (e: unknown) => {
    assert.ok(e instanceof CommandError);
    assert.match(
      e.message,
      /^stats: unknown option --bye \(stats takes --by, --limit, --cumulative\)$/,
    );
    return true;
  });
});

test("an option without its value is an error", () => {
  assert.throws(() => parse(spec, "--limit"), {
    message: /^stats: option --limit needs a value \(N\)$/,
  });
});

test("a bad number is an error naming the option and the value", () => {
  assert.throws(() => parse(spec, "--limit x"), {
    message: /^stats: option --limit must be a positive integer, not "x"$/,
  });
  assert.throws(
    () => parse(spec, "--limit 0"),
    /must be a positive integer, not "0"/,
  );
  assert.throws(() => parse(spec, "--limit 1.5"), /must be a positive integer/);
});

test("a value outside the choices is an error listing them", () => {
  assert.throws(() => parse(spec, "--by size"), {
    message: /^stats: option --by must be one of lineno, filename, not "size"$/,
  });
});

test("a flag given a value is an error", () => {
  assert.throws(
    () => parse(spec, "--cumulative=yes"),
    /option --cumulative takes no value/,
  );
});

test("an option given twice is an error", () => {
  assert.throws(
    () => parse(spec, "--limit 1 --limit 2"),
    /option --limit given twice/,
  );
});

test("an extra argument is an error", () => {
  assert.throws(() => parse(spec, "s1 s2"), {
    message: /^stats: unexpected argument "s2"$/,
  });
});

test("a missing argument is an error naming it", () => {
  assert.throws(() => parse(run, ""), { message: /^run: missing SCRIPT$/ });
});

test("a negative number is an argument, not an option", () => {
  const domain: CommandSpec = {
    ...spec,
    args: [{ name: "N", kind: "integer" }],
    options: [],
  };
  assert.equal(parse(domain, "-3").number("N"), -3);
});

test("words after a pass-through command's script belong to the script", () => {
  const a = parse(run, "--runtime deno app.ts --port 1 --limit");
  assert.equal(a.textOption("runtime"), "deno");
  assert.equal(a.text("SCRIPT"), "app.ts");
  assert.deepEqual(a.rest("ARGS"), ["--port", "1", "--limit"]);
});

test("-- ends the options", () => {
  assert.equal(parse(spec, "-- --odd-label").text("LABEL"), "--odd-label");
});

test("usage shows arguments and options", () => {
  assert.deepEqual(usageOf(spec), [
    "stats [LABEL] [--by KEY] [--limit N] [--cumulative]",
  ]);
  assert.deepEqual(usageOf(run), ["run [--runtime NAME] SCRIPT [ARGS...]"]);
});
