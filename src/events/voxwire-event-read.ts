/**
 * Reading the relay's own `voxwire.*` events on the client. They arrive as unknown server
 * events (they are not OpenAI's), so the client checks each one it acts on against its schema
 * here, apart from the GA server event tables (which load with the connection).
 */
import { runCheck } from './check';
import type { Check } from './check';
import { voxwireEventValidators } from './generated/validators';
import type { VoxwireEventMap, VoxwireEventType } from './voxwire-events';

/**
 * A relay `voxwire.*` event (delivered as an unknown server event: it is not OpenAI's) checked
 * against its schema, or undefined when it is another type or malformed (the caller passes it
 * on whole).
 */
export function readVoxwireEvent<Type extends VoxwireEventType>(event: { type: string }, type: Type): VoxwireEventMap[Type] | undefined {
  if (event.type !== type) return undefined;
  const check = voxwireEventValidators.get(type) as Check;
  return runCheck(check, event).issues.length === 0 ? (event as unknown as VoxwireEventMap[Type]) : undefined;
}
