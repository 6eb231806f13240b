/**
 * The organisation's directory as the traject needs it: who a professional's manager is, and whether a
 * person named as manager exists in the tenant. Microsoft Graph is one implementation
 * (integrations/graph-directory.ts); no vendor types here.
 */

export interface DirectoryPerson {
  aadObjectId: string;
  name: string;
}

export interface Directory {
  /** The person's manager in the directory; undefined when none is recorded there. */
  managerOf(tenantId: string, aadObjectId: string): Promise<DirectoryPerson | undefined>;
  /** The person, when the tenant's directory has them; undefined when it has not. */
  findUser(tenantId: string, aadObjectId: string): Promise<DirectoryPerson | undefined>;
}

export type DirectoryErrorCode =
  /** Unreachable, timed out, throttled or failing (429/5xx) after the allowed retries: try again later. */
  | 'DIRECTORY_UNAVAILABLE'
  /** The app's credentials were refused (wrong secret, unknown app or tenant): configuration. */
  | 'DIRECTORY_AUTH_FAILED'
  /** The app may not read users (User.Read.All not granted). */
  | 'DIRECTORY_FORBIDDEN'
  /** The directory refused the request itself (400): a bug or an id of the wrong shape. */
  | 'DIRECTORY_REJECTED'
  /** The person's tenant is not the one the directory is configured for: nothing can be said about it. */
  | 'DIRECTORY_OTHER_TENANT';

export class DirectoryError extends Error {
  constructor(
    readonly code: DirectoryErrorCode,
    message: string,
    readonly details: {
      /** The HTTP status of the directory service's answer, when there was one. */
      status?: number | undefined;
      /** The service's own error code, e.g. Graph's `Authorization_RequestDenied`. */
      serviceCode?: string | undefined;
    } = {},
  ) {
    super(message);
    this.name = 'DirectoryError';
  }
}

export const isDirectoryError = (err: unknown): err is DirectoryError => err instanceof DirectoryError;

/**
 * Whether a named manager may be saved: 'found' in the tenant, 'not_in_tenant' (refuse), or 'unchecked'
 * when there is no directory or it failed (the caller saves as it would without one, and says so in its log).
 */
export type ManagerCheck =
  | { kind: 'found'; manager: DirectoryPerson }
  | { kind: 'not_in_tenant' }
  | { kind: 'unchecked'; error: DirectoryError | undefined };

export async function checkManagerInDirectory(
  directory: Directory | undefined,
  tenantId: string,
  managerAadObjectId: string,
): Promise<ManagerCheck> {
  if (!directory) return { kind: 'unchecked', error: undefined };
  try {
    const manager = await directory.findUser(tenantId, managerAadObjectId);
    return manager ? { kind: 'found', manager } : { kind: 'not_in_tenant' };
  } catch (err) {
    if (isDirectoryError(err)) return { kind: 'unchecked', error: err };
    throw err;
  }
}
