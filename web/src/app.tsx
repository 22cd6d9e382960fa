// The console's shell: the header with the role's navigation, the language
// switch and sign-out, and the screen for the current path.
import { useEffect, useState } from 'react';
import { onUnauthenticated } from './api';
import { syncServerClock } from './clock';
import { ErrorMessage, Link, Loading } from './components/ui';
import { LOCALES, setLocale, t, useLocale, type Locale, type MessageKey } from './i18n';
import { match, navigate, useLocation } from './router';
import { AdminScreen } from './screens/Admin';
import { DashboardScreen } from './screens/Dashboard';
import { NoticeDetail } from './screens/NoticeDetail';
import { ReviewerScreen, HitDecision } from './screens/Reviewer';
import { BulkUpload, CounterNoticesToAnswer, NoticeForm, NoticeList, ProtectionData, RightsScreen, RightsHolderStats, OrganisationScreen } from './screens/RightsHolder';
import { SellerScreen, SellerStrikes } from './screens/Seller';
import { SignIn } from './screens/SignIn';
import { ListingDetail } from './screens/ListingDetail';
import { homeFor, loadSession, sessionExpired, signOut, useSession } from './session';
import type { Me } from './types';

type NavItem = { to: string; label: MessageKey };

function navFor(me: Me): NavItem[] {
  switch (me.role) {
    case 'rights_holder':
    case 'agent':
      return [
        { to: '/rh', label: 'nav.notices' },
        { to: '/rh/new', label: 'nav.file_notice' },
        { to: '/rh/bulk', label: 'nav.bulk' },
        { to: '/rh/counter-notices', label: 'nav.counter_notices' },
        { to: '/rh/rights', label: 'nav.rights' },
        { to: '/rh/protection', label: 'nav.protection' },
        { to: '/rh/organisation', label: 'nav.organisation' },
        { to: '/rh/stats', label: 'nav.stats' },
        { to: '/dashboard', label: 'nav.dashboard' },
      ];
    case 'reviewer':
      return [
        { to: '/review', label: 'nav.queues' },
        { to: '/dashboard', label: 'nav.dashboard' },
      ];
    case 'seller':
      return [
        { to: '/seller', label: 'nav.actions' },
        { to: '/seller/strikes', label: 'nav.strikes' },
      ];
    case 'admin':
      return [
        { to: '/admin', label: 'nav.admin' },
        { to: '/review', label: 'nav.queues' },
        { to: '/dashboard', label: 'nav.dashboard' },
      ];
    default:
      return [
        { to: '/dashboard', label: 'nav.dashboard' },
        { to: '/review', label: 'nav.queues' },
      ];
  }
}

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, true), [to]);
  return null;
}

function Screen({ path, me }: { path: string; me: Me }) {
  let m: Record<string, string> | null;
  const p = path.split('?')[0];
  if (p === '/' || p === '/signin') return <Redirect to={homeFor(me.role)} />;
  if (p === '/rh') return <NoticeList me={me} />;
  if (p === '/rh/new') return <NoticeForm me={me} />;
  if (p === '/rh/bulk') return <BulkUpload me={me} />;
  if (p === '/rh/counter-notices') return <CounterNoticesToAnswer />;
  if (p === '/rh/rights') return <RightsScreen me={me} />;
  if (p === '/rh/protection') return <ProtectionData me={me} />;
  if (p === '/rh/organisation') return <OrganisationScreen me={me} />;
  if (p === '/rh/stats') return <RightsHolderStats me={me} />;
  if (p === '/review') return <ReviewerScreen me={me} />;
  if ((m = match('/review/hits/:id', p))) return <HitDecision id={m.id} />;
  if ((m = match('/notices/:id', p))) return <NoticeDetail id={m.id} me={me} />;
  if ((m = match('/listings/:id', p))) return <ListingDetail id={m.id} me={me} />;
  if (p === '/seller') return <SellerScreen me={me} />;
  if (p === '/seller/strikes') return <SellerStrikes me={me} />;
  if (p === '/admin') return <AdminScreen me={me} />;
  if (p === '/dashboard') return <DashboardScreen me={me} />;
  return (
    <section className="card">
      <h1>{t('common.page_not_found')}</h1>
      <Link to={homeFor(me.role)}>{t('common.go_home')}</Link>
    </section>
  );
}

function LanguageSwitch() {
  const l = useLocale();
  return (
    <label className="lang">
      <span className="sr-only">{t('common.language')}</span>
      <select value={l} onChange={(e) => setLocale(e.target.value as Locale)} aria-label={t('common.language')}>
        {LOCALES.map((x) => (
          <option key={x.id} value={x.id}>
            {x.name}
          </option>
        ))}
      </select>
    </label>
  );
}

export function App() {
  useLocale();
  const session = useSession();
  const path = useLocation();
  const [error, setError] = useState<unknown>(null);
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => {
    syncServerClock();
    loadSession().catch(setError);
    return onUnauthenticated(sessionExpired);
  }, []);
  useEffect(() => setMenuOpen(false), [path]);

  if (error)
    return (
      <main className="center">
        <ErrorMessage error={error} onRetry={() => location.reload()} />
      </main>
    );
  if (session.status === 'loading')
    return (
      <main className="center">
        <Loading />
      </main>
    );
  if (session.status === 'signed_out') return <SignIn expired={session.reason === 'expired'} header={<LanguageSwitch />} />;
  const me = session.me;
  const nav = navFor(me);
  const current = path.split('?')[0];
  return (
    <>
      <a className="skip" href="#main">
        {t('common.skip_to_content')}
      </a>
      <header className="topbar">
        <Link to={homeFor(me.role)} className="brand">
          <img src="/favicon.svg" alt="" width="24" height="24" /> Counterfoil
        </Link>
        <button type="button" className="menu-toggle secondary small" aria-expanded={menuOpen} aria-controls="main-nav" onClick={() => setMenuOpen((o) => !o)}>
          {t('common.menu')}
        </button>
        <nav id="main-nav" aria-label={t('common.main_navigation')} className={menuOpen ? 'open' : ''}>
          {nav.map((n) => (
            <Link key={n.to} to={n.to} aria-current={current === n.to ? 'page' : undefined}>
              {t(n.label)}
            </Link>
          ))}
        </nav>
        <div className="who">
          <span className="muted" data-testid="whoami">
            {me.email} · {t(`role.${me.role}` as MessageKey)}
          </span>
          <LanguageSwitch />
          <button type="button" className="secondary small" onClick={() => signOut().then(() => navigate('/signin'))}>
            {t('common.sign_out')}
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Screen path={path} me={me} />
      </main>
    </>
  );
}
