/** The little of the untyped npm clients (dev dependencies) that the tests use. */
declare module 'ari-client' {
  interface AriModule {
    name: string;
    description: string;
    use_count: number;
    status: string;
    support_level: string;
  }
  interface AriClient {
    asterisk: {
      listModules(): Promise<AriModule[]>;
      getModule(params: { moduleName: string }): Promise<AriModule>;
      loadModule(params: { moduleName: string }): Promise<void>;
      unloadModule(params: { moduleName: string }): Promise<void>;
      reloadModule(params: { moduleName: string }): Promise<void>;
    };
  }
  export function connect(url: string, user: string, password: string): Promise<AriClient>;
}

declare module 'asterisk-manager' {
  import type { EventEmitter } from 'node:events';
  type Message = Record<string, string>;
  interface Manager extends EventEmitter {
    connect(port: number, host: string, callback?: (err: Error | null) => void): void;
    login(callback?: (err?: Message) => void): void;
    action(action: Record<string, string>, callback?: (err: Message | undefined, res: Message) => void): string;
    disconnect(callback?: () => void): void;
    isConnected(): boolean;
  }
  function Manager(port: number, host: string, username: string, password: string, events?: boolean): Manager;
  export = Manager;
}
