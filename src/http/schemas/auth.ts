/** Schema of `GET /auth/whoami`: who the caller's token says it is. */
import { z } from 'zod';
import { ROLES } from '../auth/roles.js';
import { described, named } from './registry.js';

export const WhoamiSchema = named(
  'Whoami',
  z.object({
    client: described(z.string(), "The client's section in tokens.conf; `local` when the service has no tokens."),
    role: described(z.enum(ROLES), 'What the token may do: read < operate < admin.'),
    tokens_enabled: described(
      z.boolean(),
      'Whether the service has tokens: without them every request acts as the local admin (loopback only).',
    ),
  }),
  "The caller's identity and role, so a client (the web console) can offer only what its token may do.",
);
