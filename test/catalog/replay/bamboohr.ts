import { PEOPLE, header, requestUrl } from './helpers.js';
import type { CatalogReplay, ReplayRequest, ReplayResponse } from './types.js';

const API_KEY = 'REPLAY0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2';

const EMPLOYEES = PEOPLE.map((p, i) => ({
  id: String(40 + i),
  displayName: `${p.first} ${p.last}`,
  firstName: p.first,
  lastName: p.last,
  preferredName: null,
  jobTitle: i === 0 ? 'VP Engineering' : 'Software Engineer',
  workPhone: null,
  mobilePhone: null,
  workEmail: p.email,
  department: i < 4 ? 'Engineering' : 'Research',
  location: 'London',
  division: 'Product',
  linkedIn: null,
  pronouns: null,
  workPhoneExtension: null,
  supervisor: i === 0 ? null : 'Ada Lovelace',
  photoUploaded: false,
  photoUrl: 'https://resources.bamboohr.com/images/photo_person_150x150.png',
  canUploadPhoto: 1,
}));

const DIRECTORY_FIELDS = [
  { id: 'displayName', type: 'text', name: 'Display name' },
  { id: 'firstName', type: 'text', name: 'First name' },
  { id: 'lastName', type: 'text', name: 'Last name' },
  { id: 'jobTitle', type: 'list', name: 'Job title' },
  { id: 'workEmail', type: 'email', name: 'Work Email' },
  { id: 'department', type: 'list', name: 'Department' },
];

const respond = (status: number, body: unknown, headers: Record<string, string> = {}): ReplayResponse => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body,
});

/**
 * BambooHR uses basic auth with the API key as user name and any password ("x" by convention);
 * a refusal has an empty body and the reason in a header.
 */
function authError(req: ReplayRequest): ReplayResponse | undefined {
  const auth = header(req, 'authorization') ?? '';
  const decoded = auth.startsWith('Basic ') ? Buffer.from(auth.slice(6), 'base64').toString('utf8') : '';
  if (decoded.split(':')[0] === API_KEY) return undefined;
  return { status: 401, headers: { 'content-type': 'text/html', 'x-bamboohr-error-message': 'Invalid API key' }, body: '' };
}

/** Without `Accept: application/json` BambooHR answers XML — the definition's Accept header matters. */
function wantsJson(req: ReplayRequest): boolean {
  return (header(req, 'accept') ?? '').includes('application/json');
}

function xmlDirectory(): ReplayResponse {
  const rows = EMPLOYEES.map((e) => `<employee id="${e.id}"><field id="displayName">${e.displayName}</field><field id="workEmail">${e.workEmail}</field></employee>`).join('');
  return { status: 200, headers: { 'content-type': 'text/xml' }, body: `<?xml version="1.0"?><directory><employees>${rows}</employees></directory>` };
}

export const replay: CatalogReplay = {
  name: 'bamboohr',
  credentials: { api_key: API_KEY },
  context: { subdomain: 'acme' },
  totalUsers: EMPLOYEES.length,
  expectedIds: EMPLOYEES.map((e) => e.id),
  handle(req, baseUrl) {
    const refused = authError(req);
    if (refused) return refused;
    const url = requestUrl(req, baseUrl);
    const path = url.pathname;
    // The directory is not paged: every employee arrives in one response.
    if (path.endsWith('/employees/directory') && req.method === 'GET') {
      return wantsJson(req) ? respond(200, { fields: DIRECTORY_FIELDS, employees: EMPLOYEES }) : xmlDirectory();
    }
    const byId = /\/employees\/(\d+)$/.exec(path);
    if (byId && req.method === 'GET') {
      const employee = EMPLOYEES.find((e) => e.id === byId[1]);
      if (!employee) return { status: 404, headers: { 'x-bamboohr-error-message': 'Employee not found' }, body: '' };
      const fields = (url.searchParams.get('fields') ?? 'firstName,lastName').split(',');
      const picked: Record<string, unknown> = { id: employee.id };
      for (const field of fields) picked[field] = (employee as Record<string, unknown>)[field] ?? (field === 'status' ? 'Active' : null);
      return respond(200, picked);
    }
    if (path.endsWith('/meta/fields')) {
      return respond(200, DIRECTORY_FIELDS.map((f, i) => ({ id: i + 1, name: f.name, type: f.type, alias: f.id })));
    }
    return { status: 404, headers: { 'x-bamboohr-error-message': 'Not found' }, body: '' };
  },
};
