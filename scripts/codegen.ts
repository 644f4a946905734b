/**
 * Regenerates the bundled models in `src/ovsdb/models/` from `schemas/*.ovsschema`, the OVN
 * feature table `src/ovn/schema-features-table.ts` (from diffing the OVN schemas), and the
 * models of the test fixtures in `test/ovsdb/model/fixtures/`: `npx vite-node scripts/codegen.ts`. The test `test/ovsdb/model/bundled.test.ts` fails when the
 * checked-in files differ from what this writes.
 *
 * @module
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FEATURE_TABLE_FILE, FIXTURES_DIR, MODELS_DIR, bundledModelFiles, featureTableFile, fixtureModelFiles } from "./codegen-lib.js";

mkdirSync(MODELS_DIR, { recursive: true });
for (const [file, text] of bundledModelFiles()) {
  writeFileSync(join(MODELS_DIR, file), text);
  process.stdout.write(`wrote src/ovsdb/models/${file}\n`);
}
for (const [file, text] of fixtureModelFiles()) {
  writeFileSync(join(FIXTURES_DIR, file), text);
  process.stdout.write(`wrote test/ovsdb/model/fixtures/${file}\n`);
}
writeFileSync(FEATURE_TABLE_FILE, featureTableFile());
process.stdout.write("wrote src/ovn/schema-features-table.ts\n");
