import type { Primitive } from './primitive.ts'

/** Primitives that strategies add (rolling sums, lookup tables): one place to list them. */
export async function extraPrimitives(): Promise<Primitive[]> {
  return []
}
