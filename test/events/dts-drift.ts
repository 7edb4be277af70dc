/**
 * Reads an `openai` package d.ts with the TypeScript compiler and walks its types down to the
 * leaves against our zod schemas: what the published types describe that our runtime schemas
 * do not know (an event type, a field at any depth) comes back as a list of paths. Shared by the
 * Realtime drift test (openai-drift.test.ts) and the GPT-Live one (live-drift.test.ts).
 */
import ts from 'typescript';
import type * as z from 'zod/mini';

/** A zod schema. */
export type Schema = z.core.$ZodType;

/** The walker of one d.ts (`main`, where union aliases are looked up) and the files it imports. */
export function dtsDrift(main: string, others: readonly string[] = []) {
  const program = ts.createProgram([main, ...others], { strict: true, noEmit: true, skipLibCheck: true });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(main);

  /** The members of an exported type alias union (`RealtimeServerEvent`), by their `type` literal. */
  function unionMembers(name: string): Map<string, ts.Type> {
    const members = new Map<string, ts.Type>();
    if (!source) return members;
    const alias = source.statements.find((statement): statement is ts.TypeAliasDeclaration => ts.isTypeAliasDeclaration(statement) && statement.name.text === name);
    if (!alias) return members;
    const type = checker.getTypeAtLocation(alias.name);
    for (const member of type.isUnion() ? type.types : [type]) {
      const literal = literalOf(member, 'type');
      if (literal !== undefined) members.set(literal, member);
    }
    return members;
  }

  /** An exported interface or type alias of one of the d.ts files, by name. */
  function namedType(file: string, name: string): ts.Type {
    const declaration = program
      .getSourceFile(file)
      ?.statements.find((statement) => (ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) && statement.name.text === name) as
      | ts.InterfaceDeclaration
      | ts.TypeAliasDeclaration
      | undefined;
    if (!declaration) throw new Error(`${name} is not declared in ${file}`);
    return checker.getTypeAtLocation(declaration.name);
  }

  function propertyType(type: ts.Type, name: string): ts.Type | undefined {
    const symbol = checker.getPropertyOfType(type, name);
    if (!symbol || !source) return undefined;
    return checker.getTypeOfSymbolAtLocation(symbol, source);
  }

  function literalOf(type: ts.Type, key: string): string | undefined {
    const property = propertyType(type, key);
    return property?.isStringLiteral() ? property.value : undefined;
  }

  /** The object types inside a type (through unions, arrays, null and undefined). */
  function objectsIn(type: ts.Type): ts.Type[] {
    if (type.isUnion()) return type.types.flatMap(objectsIn);
    if (checker.isArrayType(type)) return checker.getTypeArguments(type as ts.TypeReference).flatMap(objectsIn);
    if (type.flags & ts.TypeFlags.Object && type.getCallSignatures().length === 0 && type.getProperties().length > 0) return [type];
    return [];
  }

  /** The object schemas inside a schema (through optional, nullable, arrays and unions). */
  function objectSchemasIn(schema: Schema): Schema[] {
    const def = schema._zod.def as { type: string; innerType?: Schema; element?: Schema; options?: Schema[] };
    switch (def.type) {
      case 'optional':
      case 'nullable':
        return def.innerType ? objectSchemasIn(def.innerType) : [];
      case 'array':
        return def.element ? objectSchemasIn(def.element) : [];
      case 'union':
        return (def.options ?? []).flatMap(objectSchemasIn);
      case 'object':
        return [schema];
      default:
        return [];
    }
  }

  function shapeOf(schema: Schema): Record<string, Schema> {
    return (schema._zod.def as unknown as { shape: Record<string, Schema> }).shape;
  }

  /** Whether an object schema keeps fields it does not name (a generic member, `z.record`, ...). */
  function takesAnyField(schema: Schema): boolean {
    const shape = shapeOf(schema);
    return Object.keys(shape).length === 1 && 'type' in shape;
  }

  /**
   * Every field of THEIR type, recursively, that none of OUR matching object schemas names. Object
   * variants are matched by their `type` literal when both sides have one; a field is looked up in
   * every matching schema (their one message interface is our three, one per role).
   */
  function missing(theirs: ts.Type, ours: readonly Schema[], path: string, depth: number, seen: Set<ts.Type>): string[] {
    if (depth > 8 || seen.has(theirs)) return [];
    const ourObjects = ours.flatMap(objectSchemasIn).filter((schema) => !takesAnyField(schema));
    if (ourObjects.length === 0) return [];
    const problems: string[] = [];
    for (const variant of objectsIn(theirs)) {
      const tag = literalOf(variant, 'type');
      const matching = ourObjects.filter((schema) => {
        const ourTag = (shapeOf(schema).type?._zod as { values?: Set<unknown> } | undefined)?.values;
        return tag === undefined || ourTag === undefined || ourTag.has(tag);
      });
      const where = tag === undefined || depth === 0 ? path : `${path}(type ${tag})`;
      if (matching.length === 0) {
        problems.push(`${where}: variant missing`);
        continue;
      }
      const inner = new Set(seen).add(variant);
      for (const property of variant.getProperties()) {
        const name = property.getName();
        const fields = matching.map(shapeOf).flatMap((shape) => (Object.hasOwn(shape, name) ? [shape[name] as Schema] : []));
        if (fields.length === 0) {
          problems.push(`${where}.${name}: missing`);
          continue;
        }
        const type = propertyType(variant, name);
        if (type) problems.push(...missing(type, fields, `${where}.${name}`, depth + 1, inner));
      }
    }
    return [...new Set(problems)];
  }

  function drift(union: string, schemas: Readonly<Record<string, Schema>>): string[] {
    const theirs = unionMembers(union);
    const problems: string[] = [];
    for (const [type, member] of theirs) {
      const ours = schemas[type];
      if (ours === undefined) problems.push(`${type}: event type missing`);
      else problems.push(...missing(member, [ours], type, 0, new Set()));
    }
    return problems;
  }

  return { unionMembers, namedType, missing, drift };
}
