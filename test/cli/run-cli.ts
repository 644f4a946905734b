// Runs the ovn-ts CLI from source as a separate process (for tests of what a shell sees: exit status,
// stderr, a closed stdout): vite-node test/cli/run-cli.ts -- ARGS...
import { main } from "../../src/cli/main.js";

const args = process.argv.slice(2);
const at = args.indexOf("--");
process.exitCode = await main(at >= 0 ? args.slice(at + 1) : args);
