/**
 * The inline source map a module's text may end with (tsx's output on Node,
 * Deno's emitted JavaScript), used to put sites at their original lines and
 * to keep the map right after text went in.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { decodedMappings, originalPositionFor, type SourceMapInput, TraceMap } from "@jridgewell/trace-mapping";
import { encode, type SourceMapMappings } from "@jridgewell/sourcemap-codec";
import { pathOf } from "../../runtime/paths.ts";

const INLINE = /\/\/[#@] sourceMappingURL=data:application\/json;(?:charset=[\w-]+;)?base64,([A-Za-z0-9+/=]+)\s*$/;

/**
 * A source map found at the end of a module's text.
 *
 * @example
 * ```ts
 * declare const source: string; // emitted JavaScript ending with an inline map
 *
 * const found = InputMap.find(source, "file:///app/main.ts");
 * found?.original(3, 0); // { file: "/app/main.ts", line: 9, column: 1 }
 * ```
 */
export class InputMap {
  /** Offset where the `sourceMappingURL` comment starts. */
  readonly start: number;
  /** Offset where it ends. */
  readonly end: number;
  readonly #map: TraceMap;

  private constructor(start: number, end: number, map: TraceMap) {
    this.start = start;
    this.end = end;
    this.#map = map;
  }

  /**
   * The inline map at the end of `source`, or `null` when there is none or
   * it cannot be read. `url` is the module's URL, against which the map's
   * sources are resolved.
   */
  static find(source: string, url: string): InputMap | null {
    const tail = source.lastIndexOf("sourceMappingURL=data:");
    if (tail < 0) return null;
    const start = source.lastIndexOf("//", tail);
    const match = INLINE.exec(source.slice(start));
    if (!match) return null;
    try {
      const json = Buffer.from(match[1], "base64").toString("utf8");
      return new InputMap(start, source.length, new TraceMap(JSON.parse(json) as SourceMapInput, url));
    } catch {
      return null;
    }
  }

  /**
   * Where 1-based `line` and 0-based `column` of the generated text came
   * from: a path (or a URL that is not a file), 1-based line and column;
   * `null` for generated code with no origin (a transpiler's helpers).
   */
  original(line: number, column: number): { file: string; line: number; column: number } | null {
    const pos = originalPositionFor(this.#map, { line, column });
    if (pos.source === null || pos.line === null) return null;
    return { file: pathOf(pos.source), line: pos.line, column: pos.column + 1 };
  }

  /**
   * The map, as an inline comment, after insertions: `shift(line, column)`
   * gives how far text inserted on 0-based generated `line` moved the
   * character at 0-based `column`.
   */
  shifted(shift: (line: number, column: number) => number): string {
    const lines = decodedMappings(this.#map);
    const mappings: SourceMapMappings = lines.map((segments, line) =>
      segments.map((seg) => {
        const moved = seg.slice() as typeof seg;
        moved[0] = seg[0] + shift(line, seg[0]);
        return moved;
      })
    );
    const map = this.#map;
    const json = JSON.stringify({
      version: 3,
      file: map.file,
      sources: map.sources,
      sourcesContent: map.sourcesContent,
      names: map.names,
      mappings: encode(mappings),
    });
    return "//# sourceMappingURL=data:application/json;base64," + Buffer.from(json).toString("base64");
  }
}
