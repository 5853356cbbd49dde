import { test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { checkSourceMaps, originalPosition, originalSource, registerSourceMap } from "../../src/source/sourcemap.ts";
import { compilePoint, POINT_TS, SQUARED_JS_LINE, SQUARED_TS_LINE, withTempDir } from "./fixtures.ts";

const MAP_COMMENT = /\/\/# sourceMappingURL=.*\n/;
const base64 = (text: string) => Buffer.from(text).toString("base64");

/** A one-line generated file whose only mapping points at `a.ts` line 3, column 5. */
const TINY_MAP = { version: 3, sources: ["a.ts"], names: [], mappings: "AAEI" };

test("originalPosition maps a generated line to its TypeScript line through an inline base64 map", () => {
  withTempDir((dir) => {
    const { js, ts } = compilePoint(dir, { map: "inline" });
    assert.deepEqual(originalPosition(js, SQUARED_JS_LINE), {
      file: ts,
      line: SQUARED_TS_LINE,
      column: 3,
    });
  });
});

test("originalPosition reads an external .map file named relative to the generated file", () => {
  withTempDir((dir) => {
    const { js, ts } = compilePoint(dir, { map: "external" });
    assert.equal(originalPosition(js, SQUARED_JS_LINE)?.file, ts);
    assert.equal(originalPosition(js, SQUARED_JS_LINE)?.line, SQUARED_TS_LINE);
  });
});

test("originalPosition reads a .map file named by a file URL", () => {
  withTempDir((dir) => {
    const { js, ts, map, code } = compilePoint(dir, { map: "external" });
    writeFileSync(js, code.replace("point.js.map", pathToFileURL(map).href));
    assert.equal(originalPosition(js, SQUARED_JS_LINE)?.file, ts);
  });
});

test("originalPosition reads a .map file named by an absolute path", () => {
  withTempDir((dir) => {
    const { js, ts, map, code } = compilePoint(dir, { map: "external" });
    writeFileSync(js, code.replace("point.js.map", map));
    assert.equal(originalPosition(js, SQUARED_JS_LINE)?.file, ts);
  });
});

test("originalPosition accepts the generated file as a file:// URL", () => {
  withTempDir((dir) => {
    const { js, ts } = compilePoint(dir);
    assert.equal(
      originalPosition(pathToFileURL(js).href, SQUARED_JS_LINE)?.file,
      ts,
    );
  });
});

test("originalPosition joins sourceRoot and the source, relative to the map", () => {
  withTempDir((dir) => {
    const { js, ts } = compilePoint(dir, {
      sourceRoot: "../src",
      sourcefile: "point.ts",
    });
    assert.equal(originalPosition(js, SQUARED_JS_LINE)?.file, ts);
  });
});

test("originalPosition with a column maps that column", () => {
  withTempDir((dir) => {
    const { js } = compilePoint(dir);
    // JS line 3 is "  return Math.sqrt(squared);"; "sqrt" starts at column 15, as in TS line 8.
    assert.deepEqual(originalPosition(js, 3, 15), {
      file: join(dir, "src", "point.ts"),
      line: 8,
      column: 15,
    });
  });
});

test("originalPosition without a column takes the first mapping on the line", () => {
  withTempDir((dir) => {
    const { js } = compilePoint(dir);
    assert.equal(originalPosition(js, 3)?.column, 3);
  });
});

test("originalPosition with a column before the line's first mapping takes that first mapping", () => {
  withTempDir((dir) => {
    const js = join(dir, "gen.js");
    const late = { ...TINY_MAP, mappings: "IAEI" }; // the mapping starts at column 5
    writeFileSync(
      js,
      `    run();\n//# sourceMappingURL=data:;base64,${base64(JSON.stringify(late))}\n`,
    );
    assert.deepEqual(originalPosition(js, 1, 2), {
      file: join(dir, "a.ts"),
      line: 3,
      column: 5,
    });
  });
});

test("originalPosition returns null for a file without a map", () => {
  withTempDir((dir) => {
    const { js } = compilePoint(dir, { map: "none" });
    assert.equal(originalPosition(js, SQUARED_JS_LINE), null);
  });
});

test("originalPosition returns null for a line no mapping covers", () => {
  withTempDir((dir) => {
    const { js } = compilePoint(dir, { extra: "globalThis.unmapped = 1;\n" });
    assert.equal(originalPosition(js, 5), null);
    assert.equal(originalPosition(js, 0), null);
  });
});

test("originalPosition returns null for missing files and pseudo-files", () => {
  withTempDir((dir) => {
    assert.equal(originalPosition(join(dir, "gone.js"), 1), null);
    assert.equal(originalPosition("<unknown>", 1), null);
    assert.equal(originalPosition(dir, 1), null);
  });
});

test("originalPosition reads a url-encoded (not base64) inline map", () => {
  withTempDir((dir) => {
    const js = join(dir, "gen.js");
    const url = `data:application/json,${encodeURIComponent(JSON.stringify(TINY_MAP))}`;
    writeFileSync(js, `run();\n//# sourceMappingURL=${url}\n`);
    assert.deepEqual(originalPosition(js, 1), {
      file: join(dir, "a.ts"),
      line: 3,
      column: 5,
    });
  });
});

test("originalPosition reads an inline map with a charset parameter", () => {
  withTempDir((dir) => {
    const js = join(dir, "gen.js");
    const url = `data:application/json;charset=utf-8;base64,${base64(JSON.stringify(TINY_MAP))}`;
    writeFileSync(js, `run();\n//# sourceMappingURL=${url}\n`);
    assert.equal(originalPosition(js, 1)?.line, 3);
  });
});

test("originalPosition uses the last sourceMappingURL comment", () => {
  withTempDir((dir) => {
    const js = join(dir, "gen.js");
    const other = { ...TINY_MAP, sources: ["b.ts"] };
    writeFileSync(
      js,
      `run();\n//# sourceMappingURL=data:application/json;base64,${base64(JSON.stringify(other))}\n` +
        `//# sourceMappingURL=data:application/json;base64,${base64(JSON.stringify(TINY_MAP))}\n`,
    );
    assert.equal(originalPosition(js, 1)?.file, join(dir, "a.ts"));
  });
});

test("originalPosition ignores a sourceMappingURL inside a line of code", () => {
  withTempDir((dir) => {
    const js = join(dir, "gen.js");
    const url = `data:application/json;base64,${base64(JSON.stringify(TINY_MAP))}`;
    writeFileSync(js, `const s = "//# sourceMappingURL=${url}";\n`);
    assert.equal(originalPosition(js, 1), null);
  });
});

test("originalPosition reads an index map with sections", () => {
  withTempDir((dir) => {
    const js = join(dir, "gen.js");
    const indexMap = {
      version: 3,
      sections: [{ offset: { line: 1, column: 0 }, map: TINY_MAP }],
    };
    writeFileSync(
      js,
      `a();\nb();\n//# sourceMappingURL=data:;base64,${base64(JSON.stringify(indexMap))}\n`,
    );
    assert.equal(originalPosition(js, 1), null);
    assert.deepEqual(originalPosition(js, 2), {
      file: join(dir, "a.ts"),
      line: 3,
      column: 5,
    });
  });
});

test("originalPosition returns null, without throwing, for malformed maps", () => {
  withTempDir((dir) => {
    const cases = [
      "data:application/json;base64,bm90IGpzb24=", // "not json"
      `data:application/json;base64,${base64('{"version":3}')}`,
      `data:application/json;base64,${base64('{"version":3,"sources":["a.ts"],"mappings":"!!!!"}')}`,
      `data:application/json;base64,${base64('{"version":3,"sources":["a.ts"],"mappings":"ZZZZ"}')}`,
      "data:application/json,%E0%A4%A", // a broken percent-escape
      "missing.js.map",
      "https://example.com/remote.js.map",
    ];
    cases.forEach((url, i) => {
      const js = join(dir, `gen${i}.js`);
      writeFileSync(js, `run();\n//# sourceMappingURL=${url}\n`);
      assert.equal(originalPosition(js, 1, 1), null, url);
      assert.equal(originalPosition(js, 1), null, url);
    });
  });
});

test("originalPosition returns null for a map file that is a directory or not JSON", () => {
  withTempDir((dir) => {
    mkdirSync(join(dir, "dir.map"));
    writeFileSync(join(dir, "junk.map"), new Uint8Array([0xff, 0x00, 0x7b]));
    writeFileSync(join(dir, "a.js"), "x();\n//# sourceMappingURL=dir.map\n");
    writeFileSync(join(dir, "b.js"), "x();\n//# sourceMappingURL=junk.map\n");
    assert.equal(originalPosition(join(dir, "a.js"), 1), null);
    assert.equal(originalPosition(join(dir, "b.js"), 1), null);
  });
});

test("originalPosition keeps a found map until checkSourceMaps sees the file changed", () => {
  withTempDir((dir) => {
    const { js, code } = compilePoint(dir);
    assert.equal(originalPosition(js, SQUARED_JS_LINE)?.line, SQUARED_TS_LINE);
    writeFileSync(js, code.replace(MAP_COMMENT, "// the map is gone\n"));
    assert.equal(originalPosition(js, SQUARED_JS_LINE)?.line, SQUARED_TS_LINE);
    checkSourceMaps(js);
    assert.equal(originalPosition(js, SQUARED_JS_LINE), null);
  });
});

test("originalPosition remembers that a file has no map until checkSourceMaps sees it changed", () => {
  withTempDir((dir) => {
    const { js, code } = compilePoint(dir);
    writeFileSync(js, code.replace(MAP_COMMENT, ""));
    assert.equal(originalPosition(js, SQUARED_JS_LINE), null);
    writeFileSync(js, code);
    assert.equal(originalPosition(js, SQUARED_JS_LINE), null);
    checkSourceMaps();
    assert.equal(originalPosition(js, SQUARED_JS_LINE)?.line, SQUARED_TS_LINE);
  });
});

test("checkSourceMaps notices a changed .map file", () => {
  withTempDir((dir) => {
    const { js, map, mapText } = compilePoint(dir, { map: "external" });
    assert.equal(originalPosition(js, SQUARED_JS_LINE)?.line, SQUARED_TS_LINE);
    appendFileSync(map, "garbage");
    checkSourceMaps(js);
    assert.equal(originalPosition(js, SQUARED_JS_LINE), null);
    writeFileSync(map, mapText);
  });
});

test("registerSourceMap maps a file through a map object", () => {
  withTempDir((dir) => {
    const js = join(dir, "registered-object.js");
    writeFileSync(js, "run();\n");
    registerSourceMap(js, TINY_MAP);
    assert.deepEqual(originalPosition(js, 1), {
      file: join(dir, "a.ts"),
      line: 3,
      column: 5,
    });
  });
});

test("registerSourceMap accepts the map's JSON text", () => {
  withTempDir((dir) => {
    const js = join(dir, "registered-json.js");
    registerSourceMap(js, JSON.stringify(TINY_MAP));
    assert.equal(originalPosition(js, 1)?.file, join(dir, "a.ts"));
  });
});

test("registerSourceMap accepts a sourceMapURL: a data URL or a path relative to the file", () => {
  withTempDir((dir) => {
    const { js, ts, code } = compilePoint(dir, { map: "external" });
    writeFileSync(js, code.replace(MAP_COMMENT, ""));
    registerSourceMap(js, "point.js.map");
    assert.equal(originalPosition(js, SQUARED_JS_LINE)?.file, ts);
    const other = join(dir, "registered-url.js");
    registerSourceMap(
      other,
      `data:application/json;base64,${base64(JSON.stringify(TINY_MAP))}`,
    );
    assert.equal(originalPosition(other, 1)?.line, 3);
  });
});

test("registerSourceMap takes precedence over the file's own comment, under any spelling of the file", () => {
  withTempDir((dir) => {
    const { js } = compilePoint(dir);
    registerSourceMap(pathToFileURL(js).href, TINY_MAP);
    assert.deepEqual(originalPosition(js, 1), {
      file: join(dir, "dist", "a.ts"),
      line: 3,
      column: 5,
    });
  });
});

test("registerSourceMap with a bad map never throws and gives no positions", () => {
  withTempDir((dir) => {
    const js = join(dir, "registered-bad.js");
    registerSourceMap(js, "{ not json");
    registerSourceMap("<anonymous>", {});
    assert.equal(originalPosition(js, 1), null);
    assert.equal(originalPosition("<anonymous>", 1), null);
  });
});

test("originalSource returns the map's sourcesContent for a source it maps to", () => {
  withTempDir((dir) => {
    const { js, ts } = compilePoint(dir);
    const position = originalPosition(js, SQUARED_JS_LINE);
    assert.equal(position?.file, ts);
    assert.equal(originalSource(ts), POINT_TS);
  });
});

test("originalSource returns null when the map has no sourcesContent", () => {
  withTempDir((dir) => {
    const { js, ts } = compilePoint(dir, { sourcesContent: false });
    assert.equal(originalPosition(js, SQUARED_JS_LINE)?.file, ts);
    assert.equal(originalSource(ts), null);
    assert.equal(originalSource(join(dir, "never-mapped.ts")), null);
  });
});
