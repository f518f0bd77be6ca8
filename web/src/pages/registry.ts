import type { ComponentType } from 'react';
import { FlowDetailPage } from './flows/FlowDetailPage';
import { FlowsPage } from './flows/FlowsPage';
import { NewFlowPage } from './flows/NewFlowPage';
import { AppAccountPage } from './inventory/AppAccountPage';
import { InventoryPage } from './inventory/InventoryPage';
import { LicensesPage } from './inventory/LicensesPage';
import { UploadPage } from './inventory/UploadPage';
import { UsersPage } from './inventory/UsersPage';
import { ConnectionDetailPage } from './connections/ConnectionDetailPage';
import { ConnectionsPage } from './connections/ConnectionsPage';
import { NewConnectionPage } from './connections/NewConnectionPage';
import { ExplorePage } from './explore/ExplorePage';
import { IntegrationDetailPage } from './integrations/IntegrationDetailPage';
import { IntegrationsPage } from './integrations/IntegrationsPage';
import { NewIntegrationPage } from './integrations/NewIntegrationPage';
import { SettingsPage } from './settings/SettingsPage';

/** The props every page gets: the `:params` of its path. */
export interface PageProps {
  params: Record<string, string>;
}

export type Section = 'integrations' | 'connections' | 'explore' | 'flows' | 'inventory' | 'settings';

export interface PageDef {
  /** A path pattern, e.g. `/connections/:id`. Static paths win over `:param` ones. */
  path: string;
  /** The document title. */
  title: string;
  /** Which navigation entry is highlighted on this page. */
  section: Section;
  component: ComponentType<PageProps>;
}

/** The navigation, in order; an entry shows when a page is registered at its path. */
export const NAV: { section: Section; label: string; path: string }[] = [
  { section: 'integrations', label: 'Integrations', path: '/integrations' },
  { section: 'connections', label: 'Connections', path: '/connections' },
  { section: 'explore', label: 'Explore', path: '/explore' },
  { section: 'flows', label: 'Flows', path: '/flows' },
  { section: 'inventory', label: 'Inventory', path: '/inventory' },
  { section: 'settings', label: 'Settings', path: '/settings' },
];

/**
 * Every page of the console. To add one: create `pages/<section>/<Name>Page.tsx` exporting a
 * component that takes `PageProps`, import it above and add one line here.
 */
export const PAGES: PageDef[] = [
  { path: '/integrations', title: 'Integrations', section: 'integrations', component: IntegrationsPage },
  { path: '/integrations/new', title: 'New integration', section: 'integrations', component: NewIntegrationPage },
  { path: '/integrations/:id', title: 'Integration', section: 'integrations', component: IntegrationDetailPage },
  { path: '/connections', title: 'Connections', section: 'connections', component: ConnectionsPage },
  { path: '/connections/new', title: 'New connection', section: 'connections', component: NewConnectionPage },
  { path: '/connections/:id', title: 'Connection', section: 'connections', component: ConnectionDetailPage },
  { path: '/explore', title: 'Explore', section: 'explore', component: ExplorePage },
  { path: '/settings', title: 'Settings', section: 'settings', component: SettingsPage },
  // flows (console-B): add lines here
  { path: '/flows', title: 'Flows', section: 'flows', component: FlowsPage },
  { path: '/flows/new', title: 'New flow', section: 'flows', component: NewFlowPage },
  { path: '/flows/:id', title: 'Flow', section: 'flows', component: FlowDetailPage },
  // inventory (console-B): add lines here
  { path: '/inventory', title: 'Inventory', section: 'inventory', component: InventoryPage },
  { path: '/inventory/users', title: 'Users', section: 'inventory', component: UsersPage },
  { path: '/inventory/licenses', title: 'Licenses', section: 'inventory', component: LicensesPage },
  { path: '/inventory/upload', title: 'Upload users and licenses', section: 'inventory', component: UploadPage },
  { path: '/inventory/accounts/:id', title: 'App account', section: 'inventory', component: AppAccountPage },
];
