/** Schemas of the user routes (SPEC 9: `/modules/{name}/users`, `/users`). */
import { z } from 'zod';
import { OpResultSchema, UserKindSchema, UserSchema } from './common.js';
import { described, named } from './registry.js';

export const UserListSchema = z.object({ users: z.array(UserSchema) });

export const UserListQuery = z.strictObject({
  kind: UserKindSchema.optional(),
  holder: described(z.string().max(256).optional(), 'Only users with exactly this holder.'),
});

export const AddUserBody = z.strictObject({
  holder: described(
    z.string().regex(/^[\x21-\x7e][\x20-\x7e]{0,127}$/, 'printable ASCII, 1 to 128 characters'),
    'Who holds the module: a name the client chooses (printable ASCII, up to 128 characters).',
  ),
  cancellable: described(
    z.boolean().optional(),
    'A firm unload releases a cancellable hold at once; otherwise the holder is sent `dispose_request` and the hold stays until released.',
  ),
  dry_run: z.boolean().optional(),
});

export const AddUserResultSchema = named(
  'AddUserResult',
  OpResultSchema.extend({ id: described(z.string(), 'The id of the hold; `DELETE /users/{id}` releases it.') }),
);

export const ReleaseBody = z.strictObject({ dry_run: z.boolean().optional() }).nullish();
