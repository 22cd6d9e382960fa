// Sign in with email and password; the server answers with the session
// cookie. In demo mode the demo accounts are listed to pick from.
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { get } from '../api';
import { ErrorMessage } from '../components/ui';
import { t, type MessageKey } from '../i18n';
import { navigate } from '../router';
import { homeFor, signIn, useSession } from '../session';
import type { DemoAccount } from '../types';

export function SignIn({ expired, header }: { expired?: boolean; header?: ReactNode }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [demo, setDemo] = useState<DemoAccount[]>([]);
  const session = useSession();
  useEffect(() => {
    get<{ items: DemoAccount[] }>('/v1/demo/accounts')
      .then((r) => setDemo(r.items))
      .catch(() => setDemo([])); // not a demo server
  }, []);
  useEffect(() => {
    if (session.status === 'signed_in') navigate(homeFor(session.me.role), true);
  }, [session]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(email.trim(), password);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="signin" id="main">
      <div className="signin-lang">{header}</div>
      <div className="signin-grid">
        <form className="card signin-form" onSubmit={submit} aria-labelledby="signin-title" noValidate>
          <h1 id="signin-title">
            <img src="/favicon.svg" alt="" width="28" height="28" /> {t('signin.title')}
          </h1>
          <p className="muted">{t('signin.subtitle')}</p>
          {expired && (
            <p className="notice-info" role="status">
              {t('signin.expired')}
            </p>
          )}
          <div className="field">
            <label htmlFor="email">{t('signin.email')}</label>
            <input id="email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="password">{t('signin.password')}</label>
            <input id="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
          </div>
          <ErrorMessage error={error} />
          <button type="submit" disabled={busy || !email || !password}>
            {busy ? t('common.working') : t('signin.submit')}
          </button>
        </form>
        {demo.length > 0 && (
          <section className="card demo-accounts" aria-labelledby="demo-title">
            <h2 id="demo-title">{t('signin.demo_title')}</h2>
            <p className="muted">{t('signin.demo_hint', { password: demo[0].password })}</p>
            <ul>
              {demo
                .filter((a) => a.role !== 'marketplace')
                .map((a) => (
                  <li key={a.email}>
                    <button
                      type="button"
                      className="demo-account"
                      onClick={() => {
                        setEmail(a.email);
                        setPassword(a.password);
                        setError(null);
                      }}
                    >
                      <strong>{t(`role.${a.role}` as MessageKey)}</strong>
                      <span>{a.email}</span>
                      <small className="muted">{a.description}</small>
                    </button>
                  </li>
                ))}
            </ul>
          </section>
        )}
      </div>
    </main>
  );
}
