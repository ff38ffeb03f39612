/**
 * ARI's own API description, in the shape Asterisk serves under `/ari/api-docs/` (Swagger
 * 1.1: a resource listing, then one API declaration per resource, with `httpMethod`,
 * `nickname`, `responseClass`, `errorResponses` and the models), listing only what modloader
 * implements: the `asterisk` resource's module operations. ARI clients such as `ari-client`
 * build their methods from these documents, so the nicknames are Asterisk's
 * (`listModules`, `getModule`, `loadModule`, `unloadModule`, `reloadModule`).
 *
 * `basePath` is made from the request's `Host`, as Asterisk does, so a client follows the
 * documents back to the address it used; without a `Host` it is left out.
 */

const SWAGGER_VERSION = '1.1';

/** The `api-docs` path of the one declared resource. */
export const ASTERISK_RESOURCE_PATH = '/api-docs/asterisk.{format}';

function basePath(host: string | undefined): { basePath?: string } {
  return host ? { basePath: `http://${host}/ari` } : {};
}

/** `/ari/api-docs/resources.json` */
export function resourceListing(apiVersion: string, host: string | undefined): Record<string, unknown> {
  return {
    apiVersion,
    swaggerVersion: SWAGGER_VERSION,
    ...basePath(host),
    apis: [{ path: ASTERISK_RESOURCE_PATH, description: 'Modules of the running service' }],
  };
}

const moduleName = {
  name: 'moduleName',
  description: 'The module, with or without a .so suffix',
  paramType: 'path',
  required: true,
  allowMultiple: false,
  dataType: 'string',
};

const notFound = (reason: string): { code: number; reason: string } => ({ code: 404, reason });
const conflict = (reason: string): { code: number; reason: string } => ({ code: 409, reason });

/** `/ari/api-docs/asterisk.json` */
export function asteriskDeclaration(apiVersion: string, host: string | undefined): Record<string, unknown> {
  return {
    apiVersion,
    swaggerVersion: SWAGGER_VERSION,
    ...basePath(host),
    resourcePath: ASTERISK_RESOURCE_PATH,
    apis: [
      {
        path: '/asterisk/modules',
        description: 'Every module the service knows',
        operations: [{ httpMethod: 'GET', summary: 'List the modules.', nickname: 'listModules', responseClass: 'List[Module]' }],
      },
      {
        path: '/asterisk/modules/{moduleName}',
        description: 'One module',
        operations: [
          {
            httpMethod: 'GET',
            summary: 'One module: its use count, status and support level.',
            nickname: 'getModule',
            responseClass: 'Module',
            parameters: [moduleName],
            errorResponses: [notFound('No module of that name.')],
          },
          {
            httpMethod: 'POST',
            summary: 'Load the module and what it needs; the admin becomes one of its users.',
            nickname: 'loadModule',
            responseClass: 'void',
            parameters: [moduleName],
            errorResponses: [notFound('No module of that name.'), conflict('It is already loaded, or could not be loaded (the message says why).')],
          },
          {
            httpMethod: 'DELETE',
            summary: "Release the admin's use of the module (a soft unload).",
            nickname: 'unloadModule',
            responseClass: 'void',
            parameters: [moduleName],
            errorResponses: [notFound('The module is not running.'), conflict('Something else still uses it (the message says what).')],
          },
          {
            httpMethod: 'PUT',
            summary: "Run the module's reload().",
            nickname: 'reloadModule',
            responseClass: 'void',
            parameters: [moduleName],
            errorResponses: [notFound('The module is not running.'), conflict('Its reload failed (the message says why).')],
          },
        ],
      },
    ],
    models: {
      Module: {
        id: 'Module',
        description: 'A module and how it is used',
        properties: {
          name: { type: 'string', description: 'Its name', required: true },
          description: { type: 'string', description: 'What it does, from its manifest', required: true },
          use_count: { type: 'int', description: 'How many users hold it', required: true },
          status: { type: 'string', description: 'Running, Not Running, Loading, Unloading, Stopped, Failed or Declined', required: true },
          support_level: { type: 'string', description: 'core, extended, deprecated or unknown', required: true },
        },
      },
    },
  };
}
