/**
 * Regenerates the bundled models in `src/ovsdb/models/` from `schemas/*.ovsschema`:
 * `npx vite-node scripts/codegen.ts`. The test `test/ovsdb/model/bundled.test.ts` fails when the
 * checked-in files differ from what this writes.
 *
 * @module
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { MODELS_DIR, bundledModelFiles } from "./codegen-lib.js";

mkdirSync(MODELS_DIR, { recursive: true });
for (const [file, text] of bundledModelFiles()) {
  writeFileSync(join(MODELS_DIR, file), text);
  process.stdout.write(`wrote src/ovsdb/models/${file}\n`);
}
