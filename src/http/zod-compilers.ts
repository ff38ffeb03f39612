/**
 * Fastify's schema controller with zod's validator and serializer compilers from the start, so
 * fastify never builds its default ones (which would load ajv and fast-json-stringify, unused
 * here: zod validates every request and serializes every answer).
 */
import type { FastifyServerOptions } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';

export const zodSchemaController: NonNullable<FastifyServerOptions['schemaController']> = {
  compilersFactory: {
    buildValidator: () => validatorCompiler as never,
    buildSerializer: () => serializerCompiler as never,
  },
};
