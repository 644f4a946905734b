/**
 * `ovn-ts codegen SCHEMA.ovsschema -o DIR`: generates the typed model module of one database
 * (RFC 7047 §3.2 schema) — row interfaces, enum literal unions, table-name constants, the
 * embedded schema and the typed builders — as `DIR/<schema-basename>.ts`.
 *
 * @module
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateModel, modelFileName } from "../ovsdb/model/generate.js";
import { readSchemaFile } from "../ovsdb/schema/schema.js";
import { type CliCommand, UsageError } from "./io.js";
import { optionHint } from "./suggest.js";

const HELP = `usage: ovn-ts codegen SCHEMA.ovsschema -o DIR [OPTION...]
       ovn-ts codegen SCHEMA.ovsschema --stdout [OPTION...]

Generates a TypeScript model of one OVSDB database: one row interface per table,
literal unions for enum columns, table-name constants, the embedded schema and
typed operation builders. The output is DIR/NAME.ts, NAME being the schema file's
name without .ovsschema (e.g. ovn-nb.ovsschema -> ovn-nb.ts).

Options:
  -o, --output DIR       directory to write into (created if missing)
      --stdout           write the module to standard output instead
      --import-from MOD  module the generated code imports the runtime from
                         (default: ovn-ts/ovsdb)
      --name FILE.ts     output file name (default: from the schema file name)
      --load-schema PATH do not embed the schema: the module loads PATH (relative
                         to the generated module) on first use and exports
                         SCHEMA_FILE instead of SCHEMA
  -h, --help             show this help
`;

interface Args {
  schema: string;
  output: string | undefined;
  stdout: boolean;
  importFrom: string | undefined;
  name: string | undefined;
  loadSchema: string | undefined;
}

function parseArgs(argv: readonly string[]): Args | "help" {
  let schema: string | undefined;
  let output: string | undefined;
  let stdout = false;
  let importFrom: string | undefined;
  let name: string | undefined;
  let loadSchema: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (opt: string): string => {
      const eq = a.indexOf("=");
      if (a.startsWith("--") && eq > 0) return a.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined || v === "") throw new UsageError(`option ${opt} needs a value`);
      return v;
    };
    const opt = a.startsWith("--") && a.includes("=") ? a.slice(0, a.indexOf("=")) : a;
    switch (opt) {
      case "-h":
      case "--help":
        return "help";
      case "-o":
      case "--output":
        output = value(opt);
        break;
      case "--stdout":
        stdout = true;
        break;
      case "--import-from":
        importFrom = value(opt);
        break;
      case "--name":
        name = value(opt);
        if (!/^[\w.-]+\.ts$/.test(name)) throw new UsageError(`--name must be a file name ending in .ts, not "${name}"`);
        break;
      case "--load-schema":
        loadSchema = value(opt);
        break;
      default:
        if (a.startsWith("-") && a !== "-") throw new UsageError(`unknown option '${a}' (see --help)`, optionHint(a, ["--help", "--output", "--stdout", "--import-from", "--name"]));
        if (schema !== undefined) throw new UsageError(`only one schema file is accepted, got '${schema}' and '${a}'`);
        schema = a;
    }
  }
  if (schema === undefined) throw new UsageError("missing SCHEMA.ovsschema argument (see --help)");
  if (output === undefined && !stdout) throw new UsageError("missing -o DIR (or --stdout)");
  if (output !== undefined && stdout) throw new UsageError("-o and --stdout are mutually exclusive");
  return { schema, output, stdout, importFrom, name, loadSchema };
}

/** Entry point of `ovn-ts codegen`. */
export const codegenCommand: CliCommand = async (argv, io) => {
  const args = parseArgs(argv);
  if (args === "help") {
    io.out(HELP);
    return 0;
  }
  const schema = readSchemaFile(args.schema);
  const text = generateModel(schema, {
    ...(args.importFrom !== undefined ? { importFrom: args.importFrom } : {}),
    ...(args.loadSchema !== undefined ? { loadSchema: args.loadSchema } : {}),
    source: args.schema.split(/[\\/]/).pop() ?? args.schema,
  });
  if (args.stdout) {
    io.out(text);
    return 0;
  }
  mkdirSync(args.output!, { recursive: true });
  const file = join(args.output!, args.name ?? modelFileName(args.schema));
  writeFileSync(file, text);
  io.out(`wrote ${file} (database ${schema.name}, ${schema.tables.size} tables)\n`);
  return 0;
};
