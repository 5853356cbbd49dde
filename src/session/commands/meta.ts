/**
 * Commands about the session itself: help and quit.
 *
 * @module
 */
import type { Command } from "../command.ts";
import { CommandError } from "../errors.ts";
import { usageOf } from "../spec.ts";

/**
 * `help [COMMAND]`: the list of commands, or one command in full.
 *
 * @example
 * ```ts
 * import type { Session } from "../session.ts";
 * declare const session: Session;
 * await session.execute("help stats");
 * ```
 */
export const helpCommand: Command = {
  spec: {
    name: "help",
    summary: "List the commands, or explain one",
    help: [
      "Without COMMAND, lists every command; with it, shows its usage, options and what it does.",
    ],
    args: [{ name: "COMMAND", optional: true, complete: "command" }],
    options: [],
  },
  run(session, args) {
    const name = args.text("COMMAND");
    if (name === undefined) {
      const commands = session.commands.list();
      // The list shows arguments only; commands with several forms show that they have them.
      const usages = commands.map((c) =>
        c.spec.usage && c.spec.usage.length > 1
          ? `${c.spec.name} ACTION ...`
          : usageOf(c.spec)[0].replace(/ \[--[^\]]*\]/g, "")
      );
      const width = Math.max(...usages.map((u) => u.length));
      return Promise.resolve({
        lines: [
          ...commands.map((c, i) => `${usages[i].padEnd(width)}  ${c.spec.summary}`),
          "",
          "help COMMAND shows a command's options. One command per line; # starts a comment.",
        ],
        data: {
          commands: commands.map((c) => ({
            name: c.spec.name,
            usage: usageOf(c.spec),
            summary: c.spec.summary,
          })),
        },
      });
    }
    const command = session.commands.get(name);
    if (!command) {
      throw new CommandError(
        "help",
        `unknown command ${name}${session.commands.suggest(name)}`,
      );
    }
    const { spec } = command;
    const usage = usageOf(spec);
    const options = spec.options.map((o) => {
      const head = o.value ? `--${o.name} ${o.value}` : `--${o.name}`;
      return { head, help: o.help };
    });
    const width = Math.max(0, ...options.map((o) => o.head.length));
    const lines = [
      ...usage.map((u, i) => `${i ? "       " : "usage: "}${u}`),
      "",
      ...spec.help,
      ...(options.length
        ? [
          "",
          "options:",
          ...options.map((o) => `  ${o.head.padEnd(width)}  ${o.help}`),
        ]
        : []),
    ];
    return Promise.resolve({
      lines,
      data: {
        name: spec.name,
        usage,
        summary: spec.summary,
        help: spec.help,
        options: spec.options.map((o) => ({
          name: o.name,
          value: o.value ?? null,
          help: o.help,
        })),
      },
    });
  },
};

/**
 * `quit`: ends the session (a program started by run is ended too).
 *
 * @example
 * ```ts
 * import type { Session } from "../session.ts";
 * declare const session: Session;
 * await session.execute("quit");
 * ```
 */
export const quitCommand: Command = {
  spec: {
    name: "quit",
    summary: "End the session (and the program run started)",
    help: ["Ends the session. A program started by run is ended with it."],
    args: [],
    options: [],
  },
  run() {
    return Promise.resolve({ lines: [], data: { quit: true }, quit: true });
  },
};
