import { test } from "node:test";
import assert from "node:assert/strict";
import { defaultRegistry } from "../../src/session/registry.ts";
import { lines, offlineSession } from "./helpers.ts";

/** The command language as the issue lists it. */
const LANGUAGE = [
  "start",
  "stop",
  "status",
  "snapshot",
  "snapshots",
  "stats",
  "compare",
  "leaks",
  "top",
  "traceback",
  "retainers",
  "filter",
  "memory",
  "reset-peak",
  "clear",
  "gc",
  "dump",
  "load",
  "export",
  "run",
  "attach",
  "detach",
  "eval",
  "wait",
  "help",
  "quit",
];

test("the language has exactly the commands of the issue", () => {
  assert.deepEqual(defaultRegistry().names(), LANGUAGE);
});

test("help lists every command with its summary", async () => {
  const out = await lines(offlineSession(), "help");
  for (const command of defaultRegistry().list()) {
    assert.ok(
      out.some((line) =>
        line.startsWith(command.spec.name) &&
        line.endsWith(command.spec.summary)
      ),
      `help does not list ${command.spec.name}`,
    );
  }
});

for (const name of LANGUAGE) {
  test(`help ${name} shows its usage, its description and every option`, async () => {
    const { spec } = defaultRegistry().get(name)!;
    const out = await lines(offlineSession(), `help ${name}`);
    assert.match(out[0], new RegExp(`^usage: ${name}\\b`));
    assert.ok(out.includes(spec.help[0]), `help ${name} lacks its description`);
    for (const option of spec.options) {
      assert.ok(
        out.some((l) => l.trimStart().startsWith(`--${option.name}`)),
        `help ${name} lacks --${option.name}`,
      );
    }
  });
}

test("help of an unknown command is an error", async () => {
  await assert.rejects(offlineSession().execute("help stat"), {
    message: /^help: unknown command stat \(did you mean/,
  });
});
