import { type ReactNode, useState } from 'react';
import { NAV, PAGES, type Section } from '../pages/registry';
import { Link } from '../router';
import { useSession } from '../session';

export function Layout({ section, children }: { section: Section | undefined; children: ReactNode }) {
  const { session, signOut } = useSession();
  const [open, setOpen] = useState(false);
  const entries = NAV.filter((entry) => PAGES.some((page) => page.path === entry.path));
  return (
    <div className="layout">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/integrations" className="brand">
          Switchyard
        </Link>
        <button type="button" className="nav-toggle" aria-expanded={open} aria-controls="main-nav" onClick={() => setOpen((o) => !o)}>
          Menu
        </button>
        <nav id="main-nav" aria-label="Main" className={open ? 'nav open' : 'nav'}>
          <ul>
            {entries.map((entry) => (
              <li key={entry.section}>
                <Link to={entry.path} aria-current={entry.section === section ? 'page' : undefined} onClick={() => setOpen(false)}>
                  {entry.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="whoami">
          <span title={`key ${session.key.name} (${session.key.scope})`}>{session.team.name}</span>
          <button type="button" className="link-button" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
