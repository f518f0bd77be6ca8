import { Link, useLocation } from '../../router';

const TABS = [
  { path: '/inventory', label: 'Apps' },
  { path: '/inventory/users', label: 'Users' },
  { path: '/inventory/licenses', label: 'Licenses' },
  { path: '/inventory/upload', label: 'Upload a file' },
];

/** The inventory's own navigation (links, so each view has its URL). */
export function InventoryTabs() {
  const { pathname } = useLocation();
  const current = TABS.filter((t) => pathname === t.path || pathname.startsWith(`${t.path}/`)).sort((a, b) => b.path.length - a.path.length)[0];
  return (
    <nav className="subnav" aria-label="Inventory">
      {TABS.map((t) => (
        <Link key={t.path} to={t.path} aria-current={t === current ? 'page' : undefined}>
          {t.label}
        </Link>
      ))}
    </nav>
  );
}
