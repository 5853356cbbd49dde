/**
 * The module a controller preloads into a traced program
 * (`node --import`, `bun --preload`, `deno run --preload`). It reads its
 * launch settings from the environment, removes them so the program cannot
 * read the channel's secret, starts tracing and waits for the controller,
 * all before the program's first line. Without the settings it does nothing.
 *
 * @example
 * ```ts
 * // node --import tsx --import ./src/agent/entry.ts app.ts   (launched by ChildTarget)
 * ```
 * @module
 */
import process from "node:process";
import { AGENT_ENV, type AgentLaunch } from "./protocol.ts";
import { runAgent } from "./agent.ts";
import { tracerForAgent } from "./tracer.ts";

// Captured before the program runs, so a program that replaces process.exit cannot keep itself alive.
const exit = process.exit.bind(process) as (code: number) => never;
const settings = process.env[AGENT_ENV];
delete process.env[AGENT_ENV];

if (settings) {
  await runAgent(JSON.parse(settings) as AgentLaunch, tracerForAgent(), exit);
}
