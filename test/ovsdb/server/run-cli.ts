// Runs the ovn-ts CLI from source (for tests that need it as a separate process): vite-node run-cli.ts -- ARGS...
import { main } from "../../../src/cli/main.js";

const args = process.argv.slice(2);
const at = args.indexOf("--");
process.exitCode = await main(at >= 0 ? args.slice(at + 1) : args);
