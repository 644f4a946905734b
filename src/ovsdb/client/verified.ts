/**
 * Connecting with models: open an {@link OvsdbClient} and check at once that the server's
 * schemas (RFC 7047 §4.1.2 `get_schema`) can serve every model the application uses.
 *
 * @module
 */
import { type ClientOptions, OvsdbClient } from "./client.js";
import { type CompatibilityProblem, ModelCompatibilityError, type ModelSchemaSource, fetchAndCheck } from "../model/compat.js";

/** Result of {@link connectVerified}: the connected client and the compatibility warnings. */
export interface VerifiedConnection {
  readonly client: OvsdbClient;
  /** Warnings of every model (e.g. enumerations the server widened); empty when the schemas agree. */
  readonly warnings: readonly CompatibilityProblem[];
}

/**
 * Connects to `remote` (as {@link OvsdbClient.connect}) and compares the server's schema of each
 * model's database with the model's. When any model has errors (missing or mistyped tables and
 * columns), closes the client and throws one {@link ModelCompatibilityError} listing the problems
 * of all models, and resolves with the warnings otherwise. To have the check repeated on every
 * reconnect as well, pass the models as `ClientOptions.models`.
 */
export async function connectVerified(
  remote: string | readonly string[],
  models: readonly ModelSchemaSource[],
  options: ClientOptions = {},
): Promise<VerifiedConnection> {
  const client = await OvsdbClient.connect(remote, options);
  try {
    const problems: CompatibilityProblem[] = [];
    for (const m of models) {
      problems.push(...(await fetchAndCheck(client, m)));
    }
    if (problems.some((p) => p.severity === "error")) {
      throw new ModelCompatibilityError(models.map((m) => m.name).join(", "), problems);
    }
    return { client, warnings: problems };
  } catch (e) {
    client.close();
    throw e;
  }
}
