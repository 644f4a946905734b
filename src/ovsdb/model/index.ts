/**
 * model: typed models of OVSDB databases — the generator behind `ovn-ts codegen`, the type-level
 * row/insert/update/condition/mutation types, the typed operation builders and result decoding
 * (RFC 7047 §5.2), and the schema compatibility check against a server.
 *
 * @module
 */
export type { Json, NamedUuid, Uuid } from "../wire/notation.js";
export type {
  ArithmeticMutator,
  AtomInput,
  ColumnCondition,
  ColumnMutation,
  ElementOf,
  IncludesValue,
  InsertRow,
  MapInput,
  MutableColumn,
  NamedRef,
  ReadOnlyColumn,
  Ref,
  RelationalFunction,
  RowOf,
  RowUuid,
  Simplify,
  TableDef,
  TablesDef,
  TypedCondition,
  TypedMutation,
  UpdateRow,
  ValueInput,
  Where,
  WritableColumn,
} from "./types.js";
export { asRowUuid } from "./uuid.js";
export { requiredOnInsert } from "./roles.js";
export { GENERATED_NAMES, type GenerateModelOptions, generateModel, modelFileName } from "./generate.js";
export {
  type DatabaseModel,
  OPERATION_INFO,
  type OperationInfo,
  type ResultOf,
  type TableBuilder,
  type TransactClient,
  type TransactResults,
  type TypedDelete,
  type TypedInsert,
  type TypedInsertOptions,
  type TypedMutate,
  type TypedOperation,
  type TypedSelect,
  type TypedUpdate,
  type TypedWait,
  type TypedWaitOptions,
  defineLazyModel,
  defineModel,
  encodeWhere,
} from "./model.js";
export { type ExpectedSchema, defineModelFromFile, loadSchemaJson } from "./file-model.js";
export {
  type CompatibilityProblem,
  type CompatibilityProblemKind,
  ModelCompatibilityError,
  type ModelSchemaSource,
  type SchemaClient,
  checkModelCompatibility,
  fetchAndCheck,
  verifyModelSchema,
} from "./compat.js";
