/** A manager.conf for tests: enabled on a free port, an ops user with system rights, a reader without. */
export const AMI_SECRET = 'ops-secret-0123';

export const MANAGER_CONF = `[general]
enabled = yes
port = 0            ; a free port, for tests
bindaddr = 127.0.0.1

[ops]
secret = ${AMI_SECRET}
read = system,call
write = system

[watcher]
secret = watcher-secret
read = system
write = call
`;
