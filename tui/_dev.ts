import process from "node:process";
import { runTui } from "./mod.ts";
const [script, ...args] = process.argv.slice(2);
const code = await runTui(script ? { script, args } : {});
process.exit(code);
