import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The shipped list of well-known SaaS applications (`catalog/apps/known-apps.json`): plain data the
 * app inventory can match discovered apps against. Every entry is complete, uniquely identified,
 * filed under one of the listed categories and points at the vendor's https home page.
 */

const FILE = fileURLToPath(new URL('../../catalog/apps/known-apps.json', import.meta.url));
const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const APP_KEYS = ['category', 'description', 'id', 'name', 'url'];
const EXPECTED_CATEGORIES = [
  'Communication',
  'Collaboration',
  'Productivity',
  'Project Management',
  'Developer Tools',
  'DevOps & Cloud',
  'Security & Identity',
  'CRM & Sales',
  'Marketing',
  'Customer Support',
  'HR & People',
  'Finance & Accounting',
  'Design',
  'Analytics & BI',
  'Data & Databases',
  'E-commerce',
  'Legal & Compliance',
  'IT Management',
  'Education',
  'Other',
];
const WELL_KNOWN = [
  'slack',
  'github',
  'zoom',
  'salesforce',
  'google-workspace',
  'microsoft-365',
  'atlassian-jira',
  'notion',
  'figma',
  'zendesk',
  'hubspot',
  'okta',
  'dropbox',
  'box',
  'asana',
  'trello',
  'miro',
  'datadog',
  'aws',
  'stripe',
];

interface KnownApp {
  id: string;
  name: string;
  category: string;
  url: string;
  description: string;
}

interface KnownApps {
  version: number;
  categories: string[];
  apps: KnownApp[];
}

const raw = readFileSync(FILE, 'utf8');
const doc = JSON.parse(raw) as KnownApps;
const apps = Array.isArray(doc.apps) ? doc.apps : [];

function duplicates(values: string[]): string[] {
  const seen = new Set<string>();
  const dups = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) dups.add(v);
    seen.add(v);
  }
  return [...dups];
}

describe('catalog/apps/known-apps.json', () => {
  it('parses into version 1 with a category list and an app list', () => {
    expect(() => JSON.parse(raw)).not.toThrow();
    expect(Object.keys(doc).sort()).toEqual(['apps', 'categories', 'version']);
    expect(doc.version).toBe(1);
    expect(Array.isArray(doc.apps)).toBe(true);
    expect(doc.categories).toEqual(EXPECTED_CATEGORIES);
  });

  it('lists at least 300 apps', () => {
    expect(apps.length).toBeGreaterThanOrEqual(300);
  });

  it('gives every app all fields, as non-empty strings and nothing else', () => {
    const bad = apps.filter(
      (a) =>
        typeof a !== 'object' ||
        a === null ||
        Object.keys(a).sort().join() !== APP_KEYS.join() ||
        APP_KEYS.some((k) => {
          const v = (a as unknown as Record<string, unknown>)[k];
          return typeof v !== 'string' || v.trim() === '' || v !== v.trim();
        }),
    );
    expect(bad).toEqual([]);
  });

  it('uses lower-case slugs for ids', () => {
    expect(apps.filter((a) => !SLUG.test(a.id)).map((a) => a.id)).toEqual([]);
  });

  it('files every app under a listed category', () => {
    const allowed = new Set(doc.categories);
    expect(apps.filter((a) => !allowed.has(a.category)).map((a) => `${a.id}: ${a.category}`)).toEqual([]);
  });

  it('points every app at an https home page without query string, fragment or credentials', () => {
    const bad = apps
      .filter((a) => {
        let url: URL;
        try {
          url = new URL(a.url);
        } catch {
          return true;
        }
        return (
          url.protocol !== 'https:' ||
          !url.hostname.includes('.') ||
          /^[\d.]+$/.test(url.hostname) ||
          url.search !== '' ||
          url.hash !== '' ||
          url.username !== '' ||
          url.password !== '' ||
          url.port !== '' ||
          !a.url.startsWith(`https://${url.hostname}`)
        );
      })
      .map((a) => `${a.id}: ${a.url}`);
    expect(bad).toEqual([]);
  });

  it('describes every app in one short sentence', () => {
    const bad = apps
      .filter((a) => !a.description.endsWith('.') || a.description.length > 200 || /[.!?]\s+[A-Z]/.test(a.description))
      .map((a) => `${a.id}: ${a.description}`);
    expect(bad).toEqual([]);
  });

  it('has no duplicate ids or names (case-insensitive)', () => {
    expect(duplicates(apps.map((a) => a.id))).toEqual([]);
    expect(duplicates(apps.map((a) => a.name.toLowerCase()))).toEqual([]);
  });

  it('is sorted by name, case-insensitively', () => {
    const out = [];
    for (let i = 1; i < apps.length; i++) {
      const prev = apps[i - 1]!.name.toLowerCase();
      const cur = apps[i]!.name.toLowerCase();
      if (prev >= cur) out.push(`${apps[i - 1]!.name} >= ${apps[i]!.name}`);
    }
    expect(out).toEqual([]);
  });

  it('includes the well-known apps', () => {
    const ids = new Set(apps.map((a) => a.id));
    expect(WELL_KNOWN.filter((id) => !ids.has(id))).toEqual([]);
  });

  it('uses every listed category at least once', () => {
    const used = new Set(apps.map((a) => a.category));
    expect(doc.categories.filter((c) => !used.has(c))).toEqual([]);
  });
});
