/**
 * Source maps: positions in generated JavaScript mapped back to the original
 * source, through a map an engine registered or the one the file's
 * `sourceMappingURL` comment names; found maps are cached until checked.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { Buffer } from "node:buffer";
import { fileURLToPath, pathToFileURL } from "node:url";
import { isAbsolute } from "node:path";
import { AnyMap, decodedMappings, type SourceMapSegment, type TraceMap, traceSegment } from "@jridgewell/trace-mapping";
import { baseUrl, cacheKey, isPseudoFile, sameStamp, type Stamp, stampOf, toPath } from "./location.ts";

/**
 * Where a generated position came from in the original source; lines and
 * columns are 1-based.
 *
 * @example
 * ```ts
 * const pos: OriginalPosition = { file: "/srv/src/app.ts", line: 7, column: 3 };
 * ```
 */
export interface OriginalPosition {
  /** Absolute path of the original source, or its URL when it is not a `file:` one (`webpack://...`). */
  file: string;
  line: number;
  column?: number;
  /** The original identifier at that position, when the map names one. */
  name?: string;
}

/** A parsed map with its sources resolved to the names {@link OriginalPosition.file} uses. */
interface Loaded {
  readonly map: TraceMap;
  readonly sources: readonly (string | null)[];
}

/** A map found through the file's own comment, with the stamps that tell when it went stale. */
interface Discovered {
  /** `[path, stamp]` of the generated file and, for an external map, of the `.map` file. */
  readonly stamps: readonly (readonly [string, Stamp])[];
  /** `null` when the file has no usable map: "no map" is remembered too. */
  readonly loaded: Loaded | null;
}

/** A map an engine handed over; parsed on first use, since most are never looked at. */
interface Registered {
  readonly input: string | object;
  readonly base: string;
  loaded?: Loaded | null;
}

const discovered = new Map<string, Discovered>();
const registered = new Map<string, Registered>();

/**
 * Maps a position in generated JavaScript back to the original (TypeScript)
 * source, through the file's source map: one registered with
 * {@link registerSourceMap}, else the one named by the file's last
 * `//# sourceMappingURL=` comment (inline `data:` URL, or a path or URL of a
 * `.map` file). Without a column, the first mapped position on the line is
 * taken. Returns `null` when there is no map or no mapping, and never throws.
 * Found maps (and their absence) are cached until {@link checkSourceMaps}.
 *
 * @param file path or `file://` URL of the generated file
 * @param line 1-based generated line
 * @param column 1-based generated column
 * @param options `registered: false` ignores maps given to {@link registerSourceMap}
 * @example
 * ```ts
 * const pos = originalPosition("dist/app.js", 12, 5);
 * if (pos) console.log(`${pos.file}:${pos.line}:${pos.column}`);
 * ```
 */
export function originalPosition(
  file: string,
  line: number,
  column?: number,
  { registered = true }: { registered?: boolean } = {},
): OriginalPosition | null {
  try {
    if (!Number.isInteger(line) || line < 1) return null;
    const loaded = mapOf(file, registered);
    if (!loaded) return null;
    let segment: Readonly<SourceMapSegment> | null = null;
    if (column !== undefined && Number.isInteger(column) && column >= 1) {
      segment = traceSegment(loaded.map, line - 1, column - 1);
      // A segment without a source marks generated code that has no original.
      if (segment && segment.length === 1) return null;
    }
    // Before the line's first mapping, or no column: the line's first mapped position.
    segment ??= firstOnLine(loaded.map, line - 1);
    return segment ? toPosition(loaded, segment) : null;
  } catch {
    return null;
  }
}

/**
 * Registers the source map of a generated file that an engine learned about
 * another way (V8's `Debugger.scriptParsed` gives a `sourceMapURL`). `map` is
 * the map itself (an object or its JSON text) or a reference to it, resolved
 * against `file` as a `sourceMappingURL` comment would be (a `data:` URL, or
 * a path or URL of a `.map` file). It takes precedence over the file's own
 * comment and replaces an earlier registration; it is parsed on first use, and
 * a bad map makes lookups return `null`. Never throws.
 *
 * @example
 * ```ts
 * import { Session } from "node:inspector";
 *
 * const session = new Session();
 * session.connect();
 * session.on("Debugger.scriptParsed", ({ params }) => {
 *   if (params.sourceMapURL) registerSourceMap(params.url, params.sourceMapURL);
 * });
 * ```
 */
export function registerSourceMap(file: string, map: string | object): void {
  try {
    registered.set(cacheKey(file), { input: map, base: baseUrl(file) });
  } catch {
    // Never throws: a file name we cannot place simply gets no map.
  }
}

/**
 * The text of an original source as a loaded map carries it (`sourcesContent`),
 * for when the file itself is gone. `file` is an original source as
 * {@link originalPosition} names it; only maps already looked up are searched.
 *
 * @example
 * ```ts
 * const pos = originalPosition("dist/app.js", 3);
 * const text = pos ? originalSource(pos.file) : null;
 * ```
 */
export function originalSource(file: string): string | null {
  try {
    const key = cacheKey(file);
    const maps = [
      ...[...registered.values()].map((r) => r.loaded),
      ...[...discovered.values()].map((d) => d.loaded),
    ];
    for (const loaded of maps) {
      if (!loaded) continue;
      const i = loaded.sources.indexOf(key);
      const content = i < 0 ? undefined : loaded.map.sourcesContent?.[i];
      if (typeof content === "string") return content;
    }
    return null;
  } catch {
    return null;
  }
}

/**
 * Forgets found maps whose generated file or `.map` file changed (size or
 * mtime) or disappeared, like CPython's `linecache.checkcache`; all files, or
 * one. Registered maps stay.
 *
 * @example
 * ```ts
 * checkSourceMaps("dist/app.js"); // after a rebuild
 * ```
 */
export function checkSourceMaps(file?: string): void {
  const keys = file === undefined ? [...discovered.keys()] : [cacheKey(file)];
  for (const key of keys) {
    const entry = discovered.get(key);
    if (
      entry &&
      entry.stamps.some(([path, stamp]) => !sameStamp(stamp, stampOf(path)))
    ) {
      discovered.delete(key);
    }
  }
}

/**
 * Forgets every found map (registered maps stay).
 *
 * @example
 * ```ts
 * clearSourceMaps();
 * ```
 */
export function clearSourceMaps(): void {
  discovered.clear();
}

function mapOf(file: string, useRegistered: boolean): Loaded | null {
  if (isPseudoFile(file)) return null;
  const key = cacheKey(file);
  const reg = useRegistered ? registered.get(key) : undefined;
  if (reg) {
    if (reg.loaded === undefined) reg.loaded = loadRegistered(reg);
    return reg.loaded;
  }
  let entry = discovered.get(key);
  if (!entry) {
    entry = discover(key);
    discovered.set(key, entry);
  }
  return entry.loaded;
}

function loadRegistered({ input, base }: Registered): Loaded | null {
  try {
    if (typeof input !== "string") return parseMap(input, base);
    if (/^\s*(?:\{|\)\]\})/.test(input)) return parseMap(input, base);
    return loadReference(input, base, []);
  } catch {
    return null;
  }
}

function discover(key: string): Discovered {
  const path = toPath(key);
  if (path === null) return { stamps: [], loaded: null };
  const stamps: (readonly [string, Stamp])[] = [[path, stampOf(path)]];
  if (stamps[0][1] === null) return { stamps, loaded: null };
  let loaded: Loaded | null = null;
  try {
    const url = lastMappingUrl(new TextDecoder().decode(readFileSync(path)));
    if (url !== null) {
      loaded = loadReference(url, pathToFileURL(path).href, stamps);
    }
  } catch {
    // Unreadable, or a reference that does not decode or resolve: "no map", remembered.
  }
  return { stamps, loaded };
}

// Own line only: a mention inside a string literal mid-line is not the comment.
const MAPPING_COMMENT = /^[ \t]*\/\/[#@][ \t]*sourceMappingURL=(\S+)[ \t]*$/gm;

function lastMappingUrl(text: string): string | null {
  let url: string | null = null;
  for (const match of text.matchAll(MAPPING_COMMENT)) url = match[1];
  return url;
}

/** Loads the map `ref` names; a `.map` file read is added to `stamps`. */
function loadReference(
  ref: string,
  base: string,
  stamps: (readonly [string, Stamp])[],
): Loaded | null {
  if (/^data:/i.test(ref)) {
    const json = decodeDataUrl(ref);
    return json === null ? null : parseMap(json, base);
  }
  const url = isAbsolute(ref) ? pathToFileURL(ref).href : new URL(ref, base).href;
  const path = toPath(url);
  if (path === null) return null; // not fetched over the network
  const stamp = stampOf(path);
  stamps.push([path, stamp]);
  if (stamp === null) return null;
  return parseMap(new TextDecoder().decode(readFileSync(path)), url);
}

function decodeDataUrl(url: string): string | null {
  const comma = url.indexOf(",");
  if (comma < 0) return null;
  const params = url.slice(5, comma).split(";").map((p) => p.trim().toLowerCase());
  let body = url.slice(comma + 1);
  if (params.includes("base64")) {
    if (body.includes("%")) body = decodeURIComponent(body);
    return new TextDecoder().decode(Buffer.from(body, "base64"));
  }
  return decodeURIComponent(body);
}

function parseMap(input: string | object, mapUrl: string): Loaded | null {
  try {
    const raw: unknown = typeof input === "string"
      // Some servers prefix maps with `)]}'` against JSON hijacking; the spec says skip that line.
      ? JSON.parse(input.replace(/^\s*\)\]\}[^\n]*\n/, ""))
      : input;
    if (!isMapShaped(raw)) return null;
    const map = AnyMap(raw as Parameters<typeof AnyMap>[0], mapUrl);
    decodedMappings(map); // decode now, so a broken `mappings` fails here, once
    // A `null` source resolves to the map's own directory; it names no source.
    const sources = map.resolvedSources.map((r, i) => map.sources[i] == null ? null : sourceName(r));
    return { map, sources };
  } catch {
    return null;
  }
}

function isMapShaped(raw: unknown): boolean {
  if (typeof raw !== "object" || raw === null) return false;
  const m = raw as Record<string, unknown>;
  if (Array.isArray(m.sections)) return true;
  if (!Array.isArray(m.sources)) return false;
  // The VLQ decoder reads any other character as a digit: garbage would map somewhere.
  if (typeof m.mappings === "string") return VLQ_TEXT.test(m.mappings);
  return Array.isArray(m.mappings);
}

const VLQ_TEXT = /^[A-Za-z0-9+/,;]*$/;

/** A resolved source as a file path when it is a `file:` URL, as is otherwise. */
function sourceName(resolved: string | null): string | null {
  if (typeof resolved !== "string") return null;
  if (!/^file:/i.test(resolved)) return resolved;
  try {
    return fileURLToPath(resolved);
  } catch {
    return resolved;
  }
}

function firstOnLine(
  map: TraceMap,
  line: number,
): Readonly<SourceMapSegment> | null {
  const segments = decodedMappings(map)[line];
  let first: Readonly<SourceMapSegment> | null = null;
  for (const segment of segments ?? []) {
    if (segment.length > 1 && (first === null || segment[0] < first[0])) {
      first = segment;
    }
  }
  return first;
}

function toPosition(
  loaded: Loaded,
  segment: Readonly<SourceMapSegment>,
): OriginalPosition | null {
  if (segment.length === 1) return null;
  const file = loaded.sources[segment[1]];
  const line = segment[2] + 1;
  // A damaged `mappings` decodes to indexes and lines that point nowhere.
  if (typeof file !== "string" || !Number.isInteger(line) || line < 1) {
    return null;
  }
  const position: OriginalPosition = { file, line };
  if (Number.isInteger(segment[3]) && segment[3] >= 0) {
    position.column = segment[3] + 1;
  }
  const name = segment.length === 5 ? loaded.map.names[segment[4]] : undefined;
  if (typeof name === "string") position.name = name;
  return position;
}
