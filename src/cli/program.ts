/**
 * The command line: `repl`, `run`, `stats`, `compare`, `export`, `leaks`, `tui`, and the TUI
 * on the built-in demo when started on a terminal with no command.
 *
 * @module
 */
import { Command, CommanderError, InvalidArgumentError, Option } from "@commander-js/extra-typings";
import { DEFAULT_SAMPLE_EVERY, DEFAULT_SAMPLING_INTERVAL, DEFAULT_TRACEBACK_LIMIT } from "../defaults.ts";
import { HEAP_ENGINE_NAMES, type HeapEngineName } from "../engines/engine.ts";
import { EXPORT_FORMATS } from "../export/formats.ts";
import { cutEcho } from "../session/errors.ts";
import { quote } from "../session/tokenize.ts";
import { escapeControl } from "../text/escape.ts";
import type { CliIO } from "./io.ts";
import {
  type ExportOptions,
  type FilterOptions,
  offlineCompare,
  offlineExport,
  offlineLeaks,
  offlineStats,
} from "./offline.ts";
import { defaultHistoryFile, type ReplSource, runRepl } from "./repl.ts";
import { runProgram } from "./run.ts";
import { onTermination } from "./signals.ts";
import pkg from "../../package.json" with { type: "json" };

/** This package's version, for `--version`. */
export const VERSION: string = pkg.version;

function integer(min: number, what: string) {
  return (text: string): number => {
    const value = /^[+-]?\d+$/.test(text.trim()) ? Number(text) : NaN;
    if (!Number.isSafeInteger(value) || value < min) {
      throw new InvalidArgumentError(`must be ${what}`);
    }
    return value;
  };
}

const positive = integer(1, "a positive integer");

/**
 * How `run` and `tui` trace: `--nframe`, `--engine`, `--every`, `--interval`
 * and `--exclude`, each unset meaning the default of `src/defaults.ts`.
 */
const engineOptions = () =>
  [
    new Option("--nframe <n>", "frames kept per traceback").argParser(positive).default(DEFAULT_TRACEBACK_LIMIT),
    new Option("--engine <name>", "JS heap engine: line (exact lines, default) or sampler (V8's, function-level)")
      .choices(HEAP_ENGINE_NAMES),
    new Option(
      "--every <n>",
      `line engine: sample one JS allocation in n on average (default: ${DEFAULT_SAMPLE_EVERY})`,
    ).argParser(positive),
    new Option(
      "--interval <bytes>",
      `V8 sampler: sampling interval in bytes (default: ${DEFAULT_SAMPLING_INTERVAL})`,
    ).argParser(positive),
    new Option("--exclude <glob>", "line engine: leave modules whose path matches glob unrewritten (repeatable)")
      .argParser(collect(String)),
    new Option(
      "--internal-frames",
      "keep the runtime's own frames (node:internal/..., ext:...) at the ends of tracebacks",
    ),
  ] as const;

/** `--runtime node|deno|bun`, shared by `run` and `tui`. */
const runtimeOption = () =>
  new Option("--runtime <name>", "runtime to run it under (default: this one)").choices(
    ["node", "deno", "bun"] as const,
  );
const anyInteger = integer(-(2 ** 53), "an integer");
const collect = <T>(parse: (text: string) => T) =>
(
  text: string,
  previous: T[] = [],
): T[] => [...previous, parse(text)];

/** The options of the offline `stats` and `compare` (fresh objects for each command). */
function listingOptions(): Option[] {
  return [
    new Option("--by <key>", "group by lineno, filename or traceback").choices([
      "lineno",
      "filename",
      "traceback",
    ])
      .default("lineno"),
    new Option(
      "--cumulative",
      "count every frame of a traceback, not only the most recent",
    ),
    new Option("--limit <n>", "show the n first entries").argParser(positive)
      .default(10),
    new Option(
      "--include <glob>",
      "keep only traces whose file matches glob (repeatable)",
    ).argParser(collect(String)),
    new Option(
      "--exclude <glob>",
      "drop traces whose file matches glob (repeatable)",
    ).argParser(collect(String)),
    new Option(
      "--all-frames",
      "match --include and --exclude against every frame, not only the most recent",
    ),
    new Option(
      "--include-domain <n>",
      "keep only traces of domain n (repeatable)",
    ).argParser(collect(anyInteger)),
    new Option("--exclude-domain <n>", "drop traces of domain n (repeatable)")
      .argParser(collect(anyInteger)),
    new Option("--json", "print the result as JSON"),
  ] as unknown as Option[];
}

/**
 * Runs the command line with `argv` (the words after the program name) and
 * resolves to the exit status.
 *
 * @example
 * ```ts
 * import { processIO } from "./io.ts";
 *
 * process.exitCode = await main(process.argv.slice(2), processIO());
 * ```
 */
export async function main(
  argv: readonly string[],
  io: CliIO,
): Promise<number> {
  let status = 0;
  const program = new Command()
    .name("tracemalloc")
    .description(
      "Trace memory allocations of JavaScript programs on Node.js, Deno and Bun, as Python's tracemalloc.\n" +
        "Without a command on a terminal: the live terminal UI on a built-in demo service that leaks.",
    )
    .version(VERSION, "-V, --version", "print the version")
    .helpOption("-h, --help", "show help")
    .helpCommand("help [command]", "show help for a command")
    .enablePositionalOptions()
    .showHelpAfterError("(add --help for usage)")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      // Errors echo what was typed: its control characters are escaped.
      outputError: (text, write) => write(escapeControl(text, { keepNewlines: true })),
    })
    .action(async () => {
      if (!io.stdin.isTTY || !io.stdout.isTTY) {
        program.outputHelp();
        return;
      }
      status = await tui(io, {});
    });

  program.command("repl")
    .description(
      "The line REPL: commands from a terminal, --script FILE, or standard input",
    )
    .option("--script <file>", "run the commands of file")
    .option(
      "--keep-going",
      "in scripts, go on after a failing command (and exit non-zero at the end)",
    )
    .option("--json", "print one JSON object per command")
    .option(
      "--demo",
      "act on the built-in demo service (a child process) from the start",
    )
    .action(async (options) => {
      status = await repl(io, options);
    });

  const runTracing = engineOptions();
  program.command("run")
    .description(
      "Trace a program from its first line and print the top statistics when it exits",
    )
    .argument("<script>", "the program to run")
    .argument("[args...]", "its arguments")
    .addOption(runTracing[0])
    .addOption(runTracing[1])
    .addOption(runTracing[2])
    .addOption(runTracing[3])
    .addOption(runTracing[4])
    .addOption(runTracing[5])
    .option("--limit <n>", "lines shown at exit", positive, 10)
    .option("--dump <file>", "also write the snapshot taken at exit to file")
    .option("--dump-peak <file>", "also write the snapshot kept nearest the traced-memory peak to file")
    .addOption(runtimeOption())
    .passThroughOptions()
    .action(async (script, args, options) => {
      status = await runProgram({ script, args, ...options }, io);
    });

  const stats = program.command("stats")
    .description("Statistics of a dump file, biggest first ('[ Top N ]')")
    .argument("<file>", "a snapshot dump file");
  for (const option of listingOptions()) stats.addOption(option);
  stats.action(async (file, options) => {
    status = await offlineStats(file, options as unknown as FilterOptions, io);
  });

  const compare = program.command("compare")
    .description(
      "Differences between two dump files, biggest change first ('[ Top N differences ]')",
    )
    .argument("<new>", "the newer snapshot dump file")
    .argument("<old>", "the older snapshot dump file");
  for (const option of listingOptions()) compare.addOption(option);
  compare.action(async (newer, older, options) => {
    status = await offlineCompare(
      newer,
      older,
      options as unknown as FilterOptions,
      io,
    );
  });

  const exporting = program.command("export")
    .description("Write a dump file for pprof, Chrome DevTools, speedscope or a browser (html)")
    .argument("<dump>", "a snapshot dump file")
    .argument("<out>", "the file to write (.pb.gz, .heapprofile, .speedscope.json, .html give the format)")
    .addOption(new Option("--format <format>", "the format (default: from out's name)").choices(EXPORT_FORMATS))
    .option("--base <old>", "export the change since the older dump file old (pprof, html)");
  // The filters and --json, as stats takes them (not --by, --cumulative nor --limit).
  for (const option of listingOptions().slice(3)) exporting.addOption(option);
  exporting.action(async (dump, out, options) => {
    status = await offlineExport(dump, out, options as unknown as ExportOptions, io);
  });

  const leaks = program.command("leaks")
    .description("Places whose memory grew steadily over 3 or more dump files, steadiest first")
    .argument("<files...>", "snapshot dump files, in the order they were taken")
    .addOption(
      new Option("--by <key>", "a place is a line (lineno) or a whole traceback").choices(["lineno", "traceback"])
        .default("lineno"),
    );
  // --limit, the filters and --json, as stats and compare take them (not --by KEY nor --cumulative).
  for (const option of listingOptions().slice(2)) leaks.addOption(option);
  leaks.action(async (files, options) => {
    status = await offlineLeaks(files, options as unknown as FilterOptions, io);
  });

  const tuiTracing = engineOptions();
  program.command("tui")
    .description(
      "The live terminal UI: watch allocations, take snapshots, compare, filter and drill into tracebacks",
    )
    .argument(
      "[script]",
      "a program to run and trace (default: the built-in demo)",
    )
    .argument("[args...]", "its arguments")
    .addOption(tuiTracing[0])
    .addOption(tuiTracing[1])
    .addOption(tuiTracing[2])
    .addOption(tuiTracing[3])
    .addOption(tuiTracing[4])
    .addOption(tuiTracing[5])
    .addOption(runtimeOption())
    .option("--attach <pid>", "trace a program that is already running (see attach in the REPL's help)")
    .passThroughOptions()
    .action(async (script, args, options) => {
      status = await tui(io, { script, args, ...options });
    });

  // A word that is no command reaches the root's action (the TUI): call it an unknown command, not an excess argument.
  program.allowExcessArguments().hook("preAction", (_, action) => {
    if (action === program && program.args.length) {
      program.error(`error: unknown command '${cutEcho(program.args[0])}'`, { code: "commander.unknownCommand" });
    }
  });
  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    throw error;
  }
  return status;
}

/** What `tui` was given on the command line. */
interface TuiChoices {
  script?: string;
  attach?: string;
  args?: readonly string[];
  nframe?: number;
  engine?: HeapEngineName;
  every?: number;
  interval?: number;
  exclude?: readonly string[];
  runtime?: "node" | "deno" | "bun";
}

async function tui(io: CliIO, choices: TuiChoices): Promise<number> {
  // Loaded on demand: the other commands never load Ink and React.
  const { runTui } = await import("../../tui/mod.ts");
  return runTui({ ...choices, stdin: io.stdin, stdout: io.stdout, stderr: io.stderr });
}

interface ReplChoices {
  script?: string;
  keepGoing?: boolean;
  json?: boolean;
  demo?: boolean;
  /** A program and its arguments to run, traced, before the first command. */
  program?: readonly string[];
}

async function repl(io: CliIO, choices: ReplChoices): Promise<number> {
  // Loaded on demand: offline commands never load the tracer.
  const { DEMO_SCRIPT, openSession } = await import("../session/open.ts");
  const session = openSession();
  const source: ReplSource = choices.script !== undefined
    ? { kind: "script", file: choices.script }
    : io.stdin.isTTY
    ? {
      kind: "terminal",
      input: io.stdin,
      output: io.stdout,
      history: defaultHistoryFile(),
    }
    : { kind: "stream", input: io.stdin, name: "<stdin>" };
  const program = choices.demo ? [DEMO_SCRIPT] : choices.program;
  let off = () => {};
  const code = await runRepl({
    session,
    source,
    sinks: io,
    json: choices.json,
    keepGoing: choices.keepGoing,
    startup: program ? [`run ${program.map(quote).join(" ")}`] : [],
    // At a terminal, readline turns Ctrl-C into its own event; signals matter for scripts and pipes.
    onReady: source.kind === "terminal" ? undefined : (interrupt) => off = onTermination(interrupt),
  });
  off();
  return code;
}
