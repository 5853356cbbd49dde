import { test } from "node:test";
import assert from "node:assert/strict";
import { Traceback } from "../../src/model/traceback.ts";
import { compilePoint, SQUARED_JS_LINE, withTempDir } from "./fixtures.ts";

test("Traceback.format prints the TypeScript line for a frame in generated JavaScript with a map", () => {
  withTempDir((dir) => {
    const { js } = compilePoint(dir);
    const traceback = Traceback.fromRaw([[js, SQUARED_JS_LINE]]);
    assert.deepEqual(traceback.format(), [
      `  File "${js}", line ${SQUARED_JS_LINE}`,
      "    const squared: number = p.x * p.x + p.y * p.y;",
    ]);
  });
});
