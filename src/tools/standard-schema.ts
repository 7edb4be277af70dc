/**
 * The Standard Schema v1 and Standard JSON Schema v1 interfaces (standardschema.dev), copied
 * as the specification asks so that zod (classic and mini), Valibot, ArkType and any other
 * implementer fit structurally, without voxwire depending on any of them.
 */

/** A validator that implements Standard Schema v1 (zod 4, Valibot 1, ArkType 2, ...). */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  /** The Standard Schema properties. */
  readonly '~standard': StandardSchemaV1.Props<Input, Output>;
}

// The namespace mirrors the published specification, so that types written against it fit.
export declare namespace StandardSchemaV1 {
  /** The Standard Schema properties. */
  interface Props<Input = unknown, Output = Input> {
    /** The version of the standard. */
    readonly version: 1;
    /** The schema library's name. */
    readonly vendor: string;
    /** Validates an unknown value. */
    readonly validate: (value: unknown, options?: Options | undefined) => Result<Output> | Promise<Result<Output>>;
    /** The inferred types (type-level only). */
    readonly types?: Types<Input, Output> | undefined;
  }
  /** Options a library may accept in `validate`. */
  interface Options {
    /** Vendor-specific parameters. */
    readonly libraryOptions?: Record<string, unknown> | undefined;
  }
  /** The result of `validate`. */
  type Result<Output> = SuccessResult<Output> | FailureResult;
  /** A successful validation. */
  interface SuccessResult<Output> {
    /** The typed output value. */
    readonly value: Output;
    /** Absent on success. */
    readonly issues?: undefined;
  }
  /** A failed validation. */
  interface FailureResult {
    /** What is wrong. */
    readonly issues: ReadonlyArray<Issue>;
  }
  /** One validation issue. */
  interface Issue {
    /** The library's message. */
    readonly message: string;
    /** Where in the value, if known. */
    readonly path?: ReadonlyArray<PropertyKey | PathSegment> | undefined;
  }
  /** One segment of an issue path. */
  interface PathSegment {
    /** The key of the segment. */
    readonly key: PropertyKey;
  }
  /** The input and output types. */
  interface Types<Input = unknown, Output = Input> {
    /** The input type. */
    readonly input: Input;
    /** The output type. */
    readonly output: Output;
  }
  /** The input type of a schema. */
  type InferInput<Schema extends StandardSchemaV1> = NonNullable<Schema['~standard']['types']>['input'];
  /** The output type of a schema: what `execute` receives. */
  type InferOutput<Schema extends StandardSchemaV1> = NonNullable<Schema['~standard']['types']>['output'];
}

/**
 * A schema that can describe itself as JSON Schema (Standard JSON Schema v1): zod classic
 * from 4.2, ArkType, Valibot through its adapter. zod mini deliberately does not implement it.
 */
export interface StandardJSONSchemaV1Props {
  /** Converters for the input and output types. */
  readonly jsonSchema: {
    /** The JSON Schema of the input type. May throw when a type has no JSON Schema. */
    readonly input: (options: { readonly target: string; readonly libraryOptions?: Record<string, unknown> }) => Record<string, unknown>;
    /** The JSON Schema of the output type. */
    readonly output: (options: { readonly target: string; readonly libraryOptions?: Record<string, unknown> }) => Record<string, unknown>;
  };
}

/** True when `value` implements Standard Schema v1 (has a `~standard` object with `validate`). */
export function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
  const props = (value as { '~standard'?: unknown })['~standard'];
  return typeof props === 'object' && props !== null && typeof (props as { validate?: unknown }).validate === 'function';
}

/** True when a Standard Schema also implements Standard JSON Schema v1. */
export function hasStandardJsonSchema(schema: StandardSchemaV1): schema is StandardSchemaV1 & { readonly '~standard': StandardJSONSchemaV1Props } {
  const converter = (schema['~standard'] as Partial<StandardJSONSchemaV1Props>).jsonSchema;
  return typeof converter === 'object' && converter !== null && typeof converter.input === 'function';
}
