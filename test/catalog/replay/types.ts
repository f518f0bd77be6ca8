/**
 * A replay fixture: a small, faithful fake of one catalogue API, enough to drive the engine through
 * authentication, a users list with the vendor's real paging, a user by id and the ping endpoint.
 *
 * The fakes route on the END of the request path (`…/users`, `…/orgs/acme/members`), so the engine
 * test may point the definition's base_url at `baseUrl` with or without the vendor's path prefix
 * (`/api/v2`, `/rest/api/3`, `/services/data/v60.0`): next-page links are built from the path the
 * request actually used.
 *
 * Page sizes: a fake honours the API's own page-size parameter (clamped to the vendor's maximum);
 * without it, it serves pages of `REPLAY_DEFAULT_PAGE_SIZE` (a stand-in for the vendor's default,
 * small enough that 7 users need several pages). Definitions ask for 100+ per page, so a test that
 * wants several pages should ask the engine for a page size of 3 (or less).
 */
export interface CatalogReplay {
  /** Catalogue name (`catalog/<name>.json`). */
  name: string;
  /**
   * Which of the definition's credentials formats the connection uses (its key under
   * `config.credentials`); absent when the definition has a single format.
   */
  credentialsFormat?: string;
  /** What the connection's credentials hold (fake values): exactly the fields of that format. */
  credentials: Record<string, string>;
  /** Context values the definition's templates read (subdomain, org, ...). */
  context: Record<string, string>;
  /** The token an OAuth connection holds; when present, the fake expects it instead of the credentials. */
  oauthToken?: { access_token: string; instance_url?: string };
  /** Users the list serves in total. */
  totalUsers: number;
  /**
   * Handles one request to the fake API. `baseUrl` is where the fake runs (`http://127.0.0.1:<port>`);
   * next links are absolute URLs on it. Checks authentication exactly as the vendor does and refuses
   * otherwise (401 with the vendor's error body; Slack answers 200 with `ok: false`, as Slack does),
   * honours the vendor's paging parameters and answers with the vendor's documented envelope.
   * A string body is sent as text; anything else as JSON.
   */
  handle(
    req: { method: string; url: string; headers: Record<string, string | string[] | undefined>; body: string },
    baseUrl: string,
  ): { status: number; headers?: Record<string, string>; body: unknown };
  /** ids of the users in the order the list serves them, to assert each arrives exactly once. */
  expectedIds: string[];
  /** The record field that holds the id when it is not `id` (Salesforce `Id`, Jira `accountId`). */
  idField?: string;
}

export type ReplayRequest = Parameters<CatalogReplay['handle']>[0];
export type ReplayResponse = ReturnType<CatalogReplay['handle']>;

/** Page size a fake serves when the request does not name one. */
export const REPLAY_DEFAULT_PAGE_SIZE = 3;
