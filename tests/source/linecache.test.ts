import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { checkcache, clearcache, getline, getlines } from "../../src/source/linecache.ts";
import { registerSourceMap } from "../../src/source/sourcemap.ts";
import { compilePoint, SQUARED_JS_LINE, SQUARED_JS_TEXT, SQUARED_TS_TEXT, withTempDir } from "./fixtures.ts";

const MAP_COMMENT = /\/\/# sourceMappingURL=.*\n/;

/** Whether this process can read `path` anyway (root ignores permission bits). */
function readableByUs(path: string): boolean {
  try {
    readFileSync(path);
    return true;
  } catch {
    return false;
  }
}

function writeTemp(
  dir: string,
  name: string,
  content: string | Uint8Array,
): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

test("getline returns a line with its newline", () => {
  withTempDir((dir) => {
    const file = writeTemp(dir, "plain.js", "first();\nsecond();\n");
    assert.equal(getline(file, 1), "first();\n");
    assert.equal(getline(file, 2), "second();\n");
  });
});

test("getline ends the last line with a newline when the file does not", () => {
  withTempDir((dir) => {
    const file = writeTemp(dir, "open-end.js", "first();\nlast();");
    assert.equal(getline(file, 2), "last();\n");
  });
});

test("getlines splits on CRLF and CR and ends every line with \\n, as Python's universal newlines", () => {
  withTempDir((dir) => {
    const file = writeTemp(
      dir,
      "mixed.js",
      "a();\r\nb();\rc();\n\r\nd();\u2028e();\f\r",
    );
    assert.deepEqual(getlines(file), [
      "a();\n",
      "b();\n",
      "c();\n",
      "\n",
      "d();\u2028e();\f\n",
    ]);
  });
});

test("getlines drops a UTF-8 byte order mark", () => {
  withTempDir((dir) => {
    const file = writeTemp(dir, "bom.js", "\ufeffconst é = 1;\n");
    assert.deepEqual(getlines(file), ["const é = 1;\n"]);
  });
});

test("getlines of an empty file is empty", () => {
  withTempDir((dir) => {
    assert.deepEqual(getlines(writeTemp(dir, "empty.js", "")), []);
  });
});

test("getline returns an empty string for a line out of range", () => {
  withTempDir((dir) => {
    const file = writeTemp(dir, "two.js", "a();\nb();\n");
    assert.equal(getline(file, 3), "");
    assert.equal(getline(file, 0), "");
    assert.equal(getline(file, -1), "");
    assert.equal(getline(file, 1.5), "");
    assert.equal(getline(file, Number.NaN), "");
  });
});

test("getline returns an empty string for a missing file", () => {
  withTempDir((dir) => {
    assert.equal(getline(join(dir, "missing.js"), 1), "");
    assert.deepEqual(getlines(join(dir, "missing.js")), []);
  });
});

test("getline returns an empty string for pseudo-files like <unknown>", () => {
  assert.equal(getline("<unknown>", 1), "");
  assert.equal(getline("<anonymous>", 1), "");
  assert.equal(getline("", 1), "");
});

test("getline returns an empty string for a directory", () => {
  withTempDir((dir) => {
    assert.equal(getline(dir, 1), "");
  });
});

test("getline returns an empty string for a file that is not UTF-8", () => {
  withTempDir((dir) => {
    const file = writeTemp(
      dir,
      "image.png",
      new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0a, 0xff, 0xfe, 0x0a]),
    );
    assert.equal(getline(file, 1), "");
  });
});

test("getline returns an empty string for an unreadable file", () => {
  withTempDir((dir) => {
    const file = writeTemp(dir, "secret.js", "hidden();\n");
    chmodSync(file, 0o000);
    try {
      assert.equal(getline(file, 1), readableByUs(file) ? "hidden();\n" : "");
    } finally {
      chmodSync(file, 0o600);
    }
  });
});

test("getline accepts a file:// URL", () => {
  withTempDir((dir) => {
    const file = writeTemp(dir, "url name.js", "byUrl();\n");
    assert.equal(getline(pathToFileURL(file).href, 1), "byUrl();\n");
  });
});

test("getline reads relative paths from the current directory", () => {
  withTempDir((dir) => {
    const file = writeTemp(dir, "relative.js", "nearby();\n");
    assert.equal(getline(relative(process.cwd(), file), 1), "nearby();\n");
  });
});

test("getline serves cached lines after a file changes, until checkcache", () => {
  withTempDir((dir) => {
    const file = writeTemp(dir, "edited.js", "before();\n");
    assert.equal(getline(file, 1), "before();\n");
    writeFileSync(file, "after_edit();\n");
    assert.equal(getline(file, 1), "before();\n");
    checkcache(file);
    assert.equal(getline(file, 1), "after_edit();\n");
  });
});

test("checkcache without a file name drops every changed or deleted file", () => {
  withTempDir((dir) => {
    const edited = writeTemp(dir, "a.js", "one();\n");
    const deleted = writeTemp(dir, "b.js", "two();\n");
    getline(edited, 1);
    getline(deleted, 1);
    writeFileSync(edited, "three();\n");
    rmSync(deleted);
    checkcache();
    assert.equal(getline(edited, 1), "three();\n");
    assert.equal(getline(deleted, 1), "");
  });
});

test("checkcache keeps lines of unchanged files", () => {
  withTempDir((dir) => {
    const file = writeTemp(dir, "same.js", "same();\n");
    const lines = getlines(file);
    checkcache();
    assert.equal(getlines(file), lines);
  });
});

test("clearcache forgets every file", () => {
  withTempDir((dir) => {
    const file = writeTemp(dir, "cleared.js", "old();\n");
    getline(file, 1);
    writeFileSync(file, "new();\n");
    clearcache();
    assert.equal(getline(file, 1), "new();\n");
  });
});

test("getline of generated JavaScript returns the TypeScript line through an inline map", () => {
  withTempDir((dir) => {
    const { js } = compilePoint(dir, { map: "inline" });
    assert.equal(getline(js, SQUARED_JS_LINE), SQUARED_TS_TEXT);
  });
});

test("getline of generated JavaScript returns the TypeScript line through an external .map file", () => {
  withTempDir((dir) => {
    const { js } = compilePoint(dir, { map: "external" });
    assert.equal(getline(js, SQUARED_JS_LINE), SQUARED_TS_TEXT);
  });
});

test("getline follows a map whose sources sit under sourceRoot", () => {
  withTempDir((dir) => {
    const { js } = compilePoint(dir, {
      sourceRoot: "../src",
      sourcefile: "point.ts",
    });
    assert.equal(getline(js, SQUARED_JS_LINE), SQUARED_TS_TEXT);
  });
});

test("getline takes the TypeScript line from sourcesContent when the .ts file is gone", () => {
  withTempDir((dir) => {
    const { js, ts } = compilePoint(dir);
    rmSync(ts);
    assert.equal(getline(js, SQUARED_JS_LINE), SQUARED_TS_TEXT);
  });
});

test("getline falls back to the generated line when the .ts file is gone and the map has no sourcesContent", () => {
  withTempDir((dir) => {
    const { js, ts } = compilePoint(dir, { sourcesContent: false });
    rmSync(ts);
    assert.equal(getline(js, SQUARED_JS_LINE), SQUARED_JS_TEXT);
  });
});

test("getline returns the file's own line for a generated line no mapping covers", () => {
  withTempDir((dir) => {
    const { js } = compilePoint(dir, { extra: "globalThis.unmapped = 1;\n" });
    assert.equal(getline(js, 5), "globalThis.unmapped = 1;\n");
  });
});

test("getline returns the file's own line when the file has no map", () => {
  withTempDir((dir) => {
    const { js } = compilePoint(dir, { map: "none" });
    assert.equal(getline(js, SQUARED_JS_LINE), SQUARED_JS_TEXT);
  });
});

test("getline returns the file's own line, without throwing, when the map is malformed", () => {
  withTempDir((dir) => {
    const { js, code } = compilePoint(dir);
    writeFileSync(
      js,
      code.replace(
        MAP_COMMENT,
        "//# sourceMappingURL=data:application/json;base64,e30K\n",
      ),
    );
    assert.equal(getline(js, SQUARED_JS_LINE), SQUARED_JS_TEXT);
    writeFileSync(
      js,
      code.replace(
        MAP_COMMENT,
        "//# sourceMappingURL=data:application/json,%E0%A4%A\n",
      ),
    );
    checkcache(js);
    assert.equal(getline(js, SQUARED_JS_LINE), SQUARED_JS_TEXT);
  });
});

test("getline ignores maps engines registered, whose frames are already original positions", () => {
  withTempDir((dir) => {
    const { js, code, mapText } = compilePoint(dir);
    writeFileSync(js, code.replace(MAP_COMMENT, ""));
    registerSourceMap(js, mapText);
    assert.equal(getline(js, SQUARED_JS_LINE), SQUARED_JS_TEXT);
  });
});

test("getline sees a map added to a file once checkcache notices the change", () => {
  withTempDir((dir) => {
    const { js, code } = compilePoint(dir);
    writeFileSync(js, code.replace(MAP_COMMENT, ""));
    assert.equal(getline(js, SQUARED_JS_LINE), SQUARED_JS_TEXT);
    writeFileSync(js, code);
    checkcache(js);
    assert.equal(getline(js, SQUARED_JS_LINE), SQUARED_TS_TEXT);
  });
});

test("getlines returns the same lines as Python's linecache.getlines", () => {
  withTempDir((dir) => {
    const file = writeTemp(
      dir,
      "tricky.js",
      "\ufeffa();\r\n\tb();\r\r\n\u0085c();\u2028\x1c\x0b\n\u00e9\u{1f600};\n\n  \r",
    );
    mkdirSync(join(dir, "sub"));
    const cases = [file, join(dir, "sub"), join(dir, "missing.js")];
    const python = spawnSync("python3", [
      "-c",
      "import json, linecache, sys; print(json.dumps([linecache.getlines(f) for f in sys.argv[1:]]))",
      ...cases,
    ], { encoding: "utf8" });
    assert.equal(
      python.status,
      0,
      `python3 is needed as the oracle: ${python.error ?? python.stderr}`,
    );
    assert.deepEqual(
      cases.map((f) => [...getlines(f)]),
      JSON.parse(python.stdout),
    );
  });
});
