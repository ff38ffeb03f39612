/** A tokens.conf with one client per role, and their secrets. */
export const SECRETS = {
  read: 'read-secret-0123456789abcdef',
  operate: 'operate-secret-0123456789abcdef',
  admin: 'admin-secret-0123456789abcdef',
} as const;

export const TOKENS_CONF = `[viewer]
secret=${SECRETS.read}
role=read

[deploy-bot]
secret=${SECRETS.operate}
role=operate

[oncall]
secret=${SECRETS.admin}
role=admin
`;
