/**
 * The registry of named API schemas. Schemas registered here with an `id` become
 * `components/schemas` of the OpenAPI document and `$ref`s where routes use them; descriptions
 * registered here become the documents' field descriptions. It is separate from zod's global
 * registry so other parts of the project can name their own schemas without colliding.
 */
import { z } from 'zod';

export interface ApiMeta {
  id?: string;
  description?: string;
  examples?: unknown[];
  [key: string]: unknown;
}

export const apiRegistry = z.registry<ApiMeta>();

/** Registers `schema` as a named component of the documents; returns it. */
export function named<T extends z.ZodType>(id: string, schema: T, description?: string): T {
  apiRegistry.add(schema as z.ZodType, description === undefined ? { id } : { id, description });
  return schema;
}

/** Gives `schema` a description in the documents; returns it. */
export function described<T extends z.ZodType>(schema: T, description: string): T {
  apiRegistry.add(schema as z.ZodType, { description });
  return schema;
}
