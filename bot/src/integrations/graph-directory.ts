/**
 * The directory on Microsoft Graph (see graph-client.ts for the client, token and retries it shares with the
 * calendar).
 *
 * - Needs the application permission `User.Read.All` (admin consent): reading another user's manager and
 *   any user by id. Without it Graph answers 403 and every call fails with DIRECTORY_FORBIDDEN.
 * - `GET /users/{id}/manager` answers 404 (Request_ResourceNotFound) when no manager is recorded, and also
 *   when the user is not there: both mean "no manager we know of". The manager may be an orgContact rather
 *   than a user; it is taken only when it is a user (its `@odata.type`), as only users can sign in to Teams.
 * - `GET /users/{id}` answers 404 for an id that is not a user of the tenant.
 * - The app's token is for one tenant; a person of another tenant (a guest's home tenant, a multi-tenant bot)
 *   is not looked up: DIRECTORY_OTHER_TENANT.
 */

import {
  DirectoryError,
  type Directory,
  type DirectoryErrorCode,
  type DirectoryPerson,
} from '../domain/directory';
import {
  classifyGraphError,
  createGraphApi,
  graphUserPath,
  type GraphClientConfig,
  type GraphFailureKind,
} from './graph-client';

interface GraphDirectoryObject {
  '@odata.type'?: string;
  id?: string;
  displayName?: string | null;
}

const DIRECTORY_CODES: Record<Exclude<GraphFailureKind, 'not_found'>, DirectoryErrorCode> = {
  unavailable: 'DIRECTORY_UNAVAILABLE',
  auth_failed: 'DIRECTORY_AUTH_FAILED',
  forbidden: 'DIRECTORY_FORBIDDEN',
  rejected: 'DIRECTORY_REJECTED',
};

export function createGraphDirectory(config: GraphClientConfig): Directory {
  const api = createGraphApi(config);
  const tenant = config.tenantId.toLowerCase();

  /** The object at `path`, undefined on 404; any other failure as a DirectoryError. */
  async function read(tenantId: string, path: string): Promise<GraphDirectoryObject | undefined> {
    if (tenantId.toLowerCase() !== tenant) {
      throw new DirectoryError(
        'DIRECTORY_OTHER_TENANT',
        'the directory is configured for another tenant than the person',
      );
    }
    try {
      return (await api(path).select(['id', 'displayName']).get()) as GraphDirectoryObject;
    } catch (err) {
      const failure = classifyGraphError(err);
      if (failure.kind === 'not_found') return undefined;
      throw new DirectoryError(DIRECTORY_CODES[failure.kind], failure.message, {
        status: failure.details.status,
        serviceCode: failure.details.serviceCode,
      });
    }
  }

  const personOf = (found: GraphDirectoryObject | undefined): DirectoryPerson | undefined =>
    typeof found?.id === 'string' && found.id !== ''
      ? { aadObjectId: found.id, name: found.displayName ?? '' }
      : undefined;

  return {
    async managerOf(tenantId, aadObjectId) {
      const found = await read(tenantId, `${graphUserPath(aadObjectId)}/manager`);
      const type = found?.['@odata.type'];
      // Absent type: Graph's $select answers may leave it out; the manager navigation is a user by default.
      if (type !== undefined && type !== '#microsoft.graph.user') return undefined;
      return personOf(found);
    },
    async findUser(tenantId, aadObjectId) {
      return personOf(await read(tenantId, graphUserPath(aadObjectId)));
    },
  };
}
