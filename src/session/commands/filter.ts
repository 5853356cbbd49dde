/**
 * `filter`: the active filters every listing applies, as CPython's
 * `Filter` and `DomainFilter` passed to `Snapshot.filter_traces()`.
 *
 * @module
 */
import { DomainFilter, Filter } from "../../model/filter.ts";
import type { Command, CommandResult } from "../command.ts";
import { CommandError } from "../errors.ts";
import type { Session } from "../session.ts";
import { checkValue, type ParsedArgs } from "../spec.ts";

const ACTIONS = [
  "include",
  "exclude",
  "domain",
  "list",
  "clear",
  "remove",
] as const;

function listed(session: Session, note?: string): CommandResult {
  const lines = session.filters.length
    ? session.filters.map((f, i) => `${i + 1}: ${f}`)
    : ["no filters: every trace is shown"];
  return {
    lines: note ? [note, ...lines] : lines,
    data: {
      filters: session.filters.map((f) =>
        f instanceof Filter
          ? {
            type: "glob",
            inclusive: f.inclusive,
            pattern: f.filenamePattern,
            lineno: f.lineno,
            allFrames: f.allFrames,
            domain: f.domain,
            text: String(f),
          }
          : {
            type: "domain",
            inclusive: f.inclusive,
            domain: f.domain,
            text: String(f),
          }
      ),
    },
  };
}

/** Domains are 32-bit signed integers: the snapshot's domain column holds nothing else. */
const MIN_DOMAIN = -(2 ** 31);
const MAX_DOMAIN = 2 ** 31 - 1;

/**
 * `domain` when a trace can be in it; a filter of any other domain would
 * match nothing (an include would hide every trace), so it is refused.
 */
function checkDomain(what: string, domain: number): number {
  if (domain < MIN_DOMAIN || domain > MAX_DOMAIN) {
    throw new CommandError(
      "filter",
      `${what} must be an integer in range [${MIN_DOMAIN}; ${MAX_DOMAIN}] (domains are 32-bit), not ${domain}`,
    );
  }
  return domain;
}

function noGlobOptions(args: ParsedArgs, action: string): void {
  for (const name of ["lineno", "all-frames", "domain"]) {
    if (args.options.has(name)) {
      throw new CommandError(
        "filter",
        `option --${name} does not apply to filter ${action}`,
      );
    }
  }
}

function expectWords(
  args: ParsedArgs,
  action: string,
  usage: string,
  count: number,
): readonly string[] {
  const words = args.rest("ARGS");
  if (words.length !== count) {
    throw new CommandError("filter", `usage: filter ${action}${usage}`);
  }
  return words;
}

/**
 * `filter include|exclude GLOB ...`, `filter domain include|exclude N`, `filter list|clear|remove`.
 *
 * @example
 * ```ts
 * import type { Session } from "../session.ts";
 * declare const session: Session;
 * await session.execute('filter exclude "*node_modules*"');
 * ```
 */
export const filterCommand: Command = {
  spec: {
    name: "filter",
    summary: "Add, list, remove or clear the filters every listing applies",
    usage: [
      "filter include|exclude GLOB [--lineno N] [--all-frames] [--domain N]",
      "filter domain include|exclude N",
      "filter list",
      "filter remove INDEX",
      "filter clear",
    ],
    help: [
      "Filters keep or drop traces in every listing (stats, compare, top, traceback), as Python's",
      "Snapshot.filter_traces(): a trace is shown when any include filter matches it (or there is none)",
      "and no exclude filter does. GLOB is matched against the whole file name with fnmatch rules",
      "(* also crosses /): use '*/app.ts' or '*node_modules*'. --lineno also requires the line,",
      "--all-frames matches any frame of the traceback rather than the most recent, --domain narrows",
      "the filter to one domain (0 JS heap, 1 ArrayBuffer stores, 2 WebAssembly memory).",
      "Snapshots are never changed; filters only change what is shown.",
    ],
    args: [
      {
        name: "ACTION",
        kind: { choices: ACTIONS },
        complete: { choices: ACTIONS },
      },
      { name: "ARGS", rest: true, optional: true, complete: "none" },
    ],
    options: [
      {
        name: "lineno",
        value: "N",
        kind: "natural",
        help: "the line number must match too",
      },
      { name: "all-frames", help: "match any frame of the traceback" },
      {
        name: "domain",
        value: "N",
        kind: "integer",
        help: "only traces of domain N",
      },
    ],
  },
  run(session, args) {
    const action = args.text("ACTION")!;
    if (action === "include" || action === "exclude") {
      const [glob] = expectWords(
        args,
        action,
        " GLOB [--lineno N] [--all-frames] [--domain N]",
        1,
      );
      const domainOption = args.numberOption("domain");
      const filter = new Filter(
        action === "include",
        glob,
        args.numberOption("lineno") ?? null,
        args.flag("all-frames"),
        domainOption === undefined ? null : checkDomain("option --domain", domainOption),
      );
      session.setFilters([...session.filters, filter]);
      return Promise.resolve(listed(session, `added: ${filter}`));
    }
    noGlobOptions(args, action);
    if (action === "domain") {
      const [how, n] = expectWords(args, action, " include|exclude N", 2);
      checkValue(
        "filter",
        "filter domain",
        { choices: ["include", "exclude"] },
        how,
      );
      const domain = checkDomain("domain", checkValue("filter", "domain", "integer", n) as number);
      const filter = new DomainFilter(how === "include", domain);
      session.setFilters([...session.filters, filter]);
      return Promise.resolve(listed(session, `added: ${filter}`));
    }
    if (action === "remove") {
      const [index] = expectWords(args, action, " INDEX", 1);
      const i = checkValue("filter", "INDEX", "count", index) as number;
      if (i > session.filters.length) {
        throw new CommandError(
          "filter",
          `no filter ${i} (there are ${session.filters.length})`,
        );
      }
      const removed = session.filters[i - 1];
      session.setFilters(session.filters.filter((_, j) => j !== i - 1));
      return Promise.resolve(listed(session, `removed: ${removed}`));
    }
    expectWords(args, action, "", 0);
    if (action === "clear") {
      session.setFilters([]);
      return Promise.resolve(listed(session));
    }
    return Promise.resolve(listed(session));
  },
};
