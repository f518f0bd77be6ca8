import { replay as asana } from './asana.js';
import { replay as bamboohr } from './bamboohr.js';
import { replay as github } from './github.js';
import { replay as gitlab } from './gitlab.js';
import { replay as googleWorkspace } from './google-workspace.js';
import { replay as hubspot } from './hubspot.js';
import { replay as intercom } from './intercom.js';
import { replay as jira } from './jira.js';
import { replay as microsoftGraph } from './microsoft-graph.js';
import { replay as notion } from './notion.js';
import { replay as okta } from './okta.js';
import { replay as pagerduty } from './pagerduty.js';
import { replay as salesforce } from './salesforce.js';
import { replay as shopify } from './shopify.js';
import { replay as slack } from './slack.js';
import { replay as stripe } from './stripe.js';
import type { CatalogReplay } from './types.js';
import { replay as zendesk } from './zendesk.js';
import { replay as zoom } from './zoom.js';

export type { CatalogReplay } from './types.js';

/** Every catalogue replay by catalogue name (`catalog/<name>.json`). */
export const replays: Record<string, CatalogReplay> = {
  asana,
  bamboohr,
  github,
  gitlab,
  'google-workspace': googleWorkspace,
  hubspot,
  intercom,
  jira,
  'microsoft-graph': microsoftGraph,
  notion,
  okta,
  pagerduty,
  salesforce,
  shopify,
  slack,
  stripe,
  zendesk,
  zoom,
};
