// TypeDoc plugin: documents the keys of zod's enum objects. A `z.enum(['text', 'audio'])` in a
// schema shape has the type `ZodMiniEnum<{ text: 'text'; audio: 'audio' }>`, and TypeDoc lists
// that object's keys as properties of the exported schemas (`serverEventSchemas`, ...). zod
// builds the object with a mapped type, so the keys have no declaration a JSDoc comment could be
// written on, and `validation.notDocumented` would flag each one. This plugin gives exactly those
// keys (no declaration, a literal type equal to the key's own name) a one-line comment; any other
// undocumented property still fails the build. The generic member of an open union
// (src/events/primitives.ts `openUnion`: an item, content part or session of a kind voxwire does
// not know) has the same problem: its `type: string` key comes from a mapped type too, and gets
// a one-line comment the same way.
import { Comment, Converter, LiteralType, ReflectionKind } from 'typedoc';

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_CREATE_DECLARATION, (context, reflection) => {
    if (!reflection.kindOf(ReflectionKind.Property) || reflection.comment) return;
    if (!reflection.parent?.kindOf(ReflectionKind.TypeLiteral)) return;
    const symbol = context.getSymbolFromReflection(reflection);
    if (!symbol || (symbol.declarations?.length ?? 0) > 0) return;
    const type = reflection.type;
    if (reflection.name === 'type' && !(type instanceof LiteralType)) {
      reflection.comment = new Comment([{ kind: 'text', text: 'The tag of a kind voxwire does not know (newer than this release); the object is kept whole.' }]);
      return;
    }
    if (!(type instanceof LiteralType) || type.value !== reflection.name) return;
    reflection.comment = new Comment([{ kind: 'code', text: `\`${reflection.name}\`` }, { kind: 'text', text: ', one of the enum values.' }]);
  });
}
