import { PEOPLE, header, json, requestUrl } from './helpers.js';
import type { CatalogReplay, ReplayRequest, ReplayResponse } from './types.js';

const TOKEN = 'xoxb-1122334455-6677889900-REPLAYbotTokenAbCdEf';
const TEAM_ID = 'T0ACME0001';

const HUMANS = PEOPLE.slice(0, 6).map((p, i) => ({
  id: `U0${(61_000_000 + i * 7919).toString(36).toUpperCase()}`,
  team_id: TEAM_ID,
  name: p.login,
  deleted: i === 3,
  real_name: `${p.first} ${p.last}`,
  tz: 'Europe/London',
  is_admin: i === 0,
  is_owner: i === 0,
  is_bot: false,
  is_app_user: false,
  updated: 1_700_000_000 + i,
  profile: { real_name: `${p.first} ${p.last}`, display_name: p.first, email: p.email, image_72: `https://avatars.slack-edge.com/${p.login}_72.png` },
}));
// users.list includes Slackbot, as the real one does.
const SLACKBOT = {
  id: 'USLACKBOT',
  team_id: TEAM_ID,
  name: 'slackbot',
  deleted: false,
  real_name: 'Slackbot',
  tz: 'America/Los_Angeles',
  is_admin: false,
  is_owner: false,
  is_bot: false,
  is_app_user: false,
  updated: 0,
  profile: { real_name: 'Slackbot', display_name: 'Slackbot', image_72: 'https://a.slack-edge.com/slackbot_72.png' },
};
const MEMBERS = [...HUMANS, SLACKBOT];

// Slack answers HTTP 200 with ok:false for every failure but rate limits (429): the error is in
// the body, which is why the definition has an error_expression.
const fail = (error: string): ReplayResponse => json(200, { ok: false, error });

function authError(req: ReplayRequest, url: URL): ReplayResponse | undefined {
  const auth = header(req, 'authorization');
  const formToken = new URLSearchParams(req.body).get('token');
  const given = auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length) : (formToken ?? url.searchParams.get('token') ?? undefined);
  if (given === undefined || given === '') return fail('not_authed');
  return given === TOKEN ? undefined : fail('invalid_auth');
}

/** Slack's cursors are base64 of "user:<id of the next member>"; the last page has next_cursor "". */
function usersList(url: URL): ReplayResponse {
  const rawLimit = url.searchParams.get('limit');
  // Slack itself sends everything without a limit; the replay serves 3 so a missing limit still pages.
  const limit = rawLimit === null || rawLimit === '0' ? 3 : Number(rawLimit);
  if (!Number.isInteger(limit) || limit < 1) return fail('invalid_limit');
  const size = Math.min(limit, 1000);
  const cursor = url.searchParams.get('cursor');
  let start = 0;
  if (cursor !== null && cursor !== '') {
    const decoded = Buffer.from(cursor, 'base64').toString('utf8');
    start = decoded.startsWith('user:') ? MEMBERS.findIndex((m) => m.id === decoded.slice(5)) : -1;
    if (start < 0) return fail('invalid_cursor');
  }
  const next = MEMBERS[start + size];
  return json(200, {
    ok: true,
    members: MEMBERS.slice(start, start + size),
    cache_ts: 1_700_000_123,
    response_metadata: { next_cursor: next ? Buffer.from(`user:${next.id}`).toString('base64') : '' },
  });
}

export const replay: CatalogReplay = {
  name: 'slack',
  credentialsFormat: 'api_key',
  credentials: { bot_token: TOKEN },
  context: {},
  totalUsers: MEMBERS.length,
  expectedIds: MEMBERS.map((m) => m.id),
  handle(req, baseUrl) {
    const url = requestUrl(req, baseUrl);
    const refused = authError(req, url);
    if (refused) return refused;
    const params = req.method === 'POST' ? new URLSearchParams(req.body) : url.searchParams;
    if (url.pathname.endsWith('/users.list')) return usersList(req.method === 'POST' ? new URL(`${url.origin}${url.pathname}?${params}`) : url);
    if (url.pathname.endsWith('/users.info')) {
      const user = MEMBERS.find((m) => m.id === params.get('user'));
      return user ? json(200, { ok: true, user }) : fail('user_not_found');
    }
    if (url.pathname.endsWith('/auth.test')) {
      return json(200, { ok: true, url: 'https://acme.slack.com/', team: 'Acme', user: 'switchyard', team_id: TEAM_ID, user_id: 'U07SWITCH1', bot_id: 'B07SWITCH1', is_enterprise_install: false });
    }
    return fail('unknown_method');
  },
};
