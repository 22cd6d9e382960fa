// Operator admin: marketplaces with their legal regimes and windows (created
// and edited in Marketplaces.tsx), their screening thresholds and
// repeat-infringer policy, screening status, category bans (CategoryBans.tsx),
// users, API keys, webhook endpoints and their delivery log.
import { useState, type FormEvent } from 'react';
import { del, get, getAll, patch, post } from '../api';
import { Async, Empty, ErrorMessage, Field, KeyValues, Section, StateBadge, Tabs, Toast, useLoad } from '../components/ui';
import { fmtDateTime, fmtNumber, t, type MessageKey } from '../i18n';
import { navigate, searchParam, useLocation } from '../router';
import type { ApiKey, Delivery, Marketplace, Me, Regime, User, Webhook } from '../types';
import { CategoryBans } from './CategoryBans';
import { NewMarketplace, RegimeEditor } from './Marketplaces';

type TabId = 'marketplaces' | 'screening' | 'bans' | 'users' | 'keys' | 'webhooks';
const TABS: TabId[] = ['marketplaces', 'screening', 'bans', 'users', 'keys', 'webhooks'];

function MarketplaceCard({ m, builtIns, onSaved }: { m: Marketplace; builtIns: Regime[]; onSaved: () => void }) {
  const regime = useLoad(() => get<Regime>(`/v1/marketplaces/${m.id}/regime`), [m.id]);
  const ri = (m.repeat_infringer ?? {}) as { strikes_to_suspend?: number; window_days?: number };
  const [block, setBlock] = useState(String(m.screening?.block ?? ''));
  const [review, setReview] = useState(String(m.screening?.review ?? ''));
  const [strikes, setStrikes] = useState(String(ri.strikes_to_suspend ?? 3));
  const [windowDays, setWindowDays] = useState(String(ri.window_days ?? 90));
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState('');
  async function save(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setSaved('');
    try {
      const screening: Record<string, number> = {};
      if (block.trim()) screening.block = Number(block);
      if (review.trim()) screening.review = Number(review);
      await patch(`/v1/marketplaces/${m.id}`, {
        ...(Object.keys(screening).length ? { screening } : {}),
        repeat_infringer: { ...(m.repeat_infringer ?? {}), strikes_to_suspend: Number(strikes), window_days: Number(windowDays) },
      });
      setSaved(t('common.saved'));
      onSaved();
    } catch (err) {
      setError(err);
    }
  }
  return (
    <article className="card">
      <header className="card-head">
        <h3>
          {m.name} <span className="muted">· {m.id}</span>
        </h3>
        <span>{m.regimes.join(' + ')}</span>
      </header>
      <Async value={regime}>
        {(r) => (
          <KeyValues
            rows={[
              [t('admin.legal_basis'), r.legal_basis],
              [t('admin.restoration'), r.restoration === 'none' ? t('common.no') : `${r.restoration} · ${t('admin.days', { n: r.restore_after_days })}`],
              [t('admin.required_fields'), r.required_notice_fields.map((f) => f.pointer).join(', ')],
            ]}
          />
        )}
      </Async>
      <RegimeEditor m={m} builtIns={builtIns} effective={regime} onSaved={onSaved} />
      <h4>{t('admin.policy_title')}</h4>
      <form onSubmit={save} className="inline-form" aria-label={t('admin.policy_for', { name: m.name })}>
        <Field label={t('admin.block_threshold')} hint="0–1">{(id, d) => <input id={id} aria-describedby={d} inputMode="decimal" value={block} onChange={(e) => setBlock(e.target.value)} />}</Field>
        <Field label={t('admin.review_threshold')} hint="0–1">{(id, d) => <input id={id} aria-describedby={d} inputMode="decimal" value={review} onChange={(e) => setReview(e.target.value)} />}</Field>
        <Field label={t('admin.strikes_to_suspend')}>{(id) => <input id={id} inputMode="numeric" value={strikes} onChange={(e) => setStrikes(e.target.value)} />}</Field>
        <Field label={t('admin.window_days')}>{(id) => <input id={id} inputMode="numeric" value={windowDays} onChange={(e) => setWindowDays(e.target.value)} />}</Field>
        <button type="submit">{t('common.save')}</button>
      </form>
      <ErrorMessage error={error} />
      <Toast message={saved} />
    </article>
  );
}

function MarketplacesAdmin() {
  const markets = useLoad(() => get<{ items: Marketplace[] }>('/v1/marketplaces'), []);
  const regimes = useLoad(() => get<{ items: Regime[] }>('/v1/regimes'), []);
  return (
    <Async value={regimes}>
      {({ items: builtIns }) => (
        <>
          <Section title={t('mkt.new_title')}>
            <NewMarketplace builtIns={builtIns} taken={(markets.data?.items ?? []).map((x) => x.id)} onCreated={markets.reload} />
          </Section>
          <Async value={markets}>
            {(m) =>
              m.items.length === 0 ? (
                <Empty>{t('mkt.none')}</Empty>
              ) : (
                <div className="stack">
                  {m.items.map((x) => (
                    <MarketplaceCard key={x.id} m={x} builtIns={builtIns} onSaved={markets.reload} />
                  ))}
                </div>
              )
            }
          </Async>
        </>
      )}
    </Async>
  );
}

function ScreeningAdmin() {
  const status = useLoad(() => get<Record<string, unknown>>('/v1/screening/status'), []);
  const rules = useLoad(() => get<{ items: { code: string; rights_holder_id: string; confirmed: number; dismissed: number; auto_blocked: number; false_positive_rate: number | null }[] }>('/v1/screening/rules'), []);
  const [error, setError] = useState<unknown>(null);
  return (
    <>
      <Section
        title={t('admin.screening_status')}
        actions={
          <button
            type="button"
            className="secondary small"
            onClick={async () => {
              try {
                await post('/v1/screening/rebuild');
                status.reload();
              } catch (e) {
                setError(e);
              }
            }}
          >
            {t('admin.rebuild')}
          </button>
        }
      >
        <ErrorMessage error={error} />
        <Async value={status}>{(s) => <KeyValues rows={Object.entries(s).map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)])} />}</Async>
      </Section>
      <Section title={t('admin.rule_stats')}>
        <Async value={rules}>
          {(r) =>
            r.items.length === 0 ? (
              <Empty>{t('common.none')}</Empty>
            ) : (
              <div className="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">{t('admin.rule')}</th>
                      <th scope="col">{t('review.rights_holders')}</th>
                      <th scope="col">{t('admin.confirmed')}</th>
                      <th scope="col">{t('admin.dismissed')}</th>
                      <th scope="col">{t('admin.auto_blocked')}</th>
                      <th scope="col">{t('admin.fp_rate')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {r.items.map((x) => (
                      <tr key={x.code + x.rights_holder_id}>
                        <td><code>{x.code}</code></td>
                        <td>{x.rights_holder_id || '—'}</td>
                        <td>{x.confirmed}</td>
                        <td>{x.dismissed}</td>
                        <td>{x.auto_blocked}</td>
                        <td>{x.false_positive_rate === null ? '—' : `${fmtNumber(x.false_positive_rate * 100, 0)}%`}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )
          }
        </Async>
      </Section>
    </>
  );
}

const ROLES = ['admin', 'reviewer', 'rights_holder', 'agent', 'seller', 'investigator', 'marketplace'];

function UsersAdmin() {
  const users = useLoad(() => getAll<User>('/v1/users', 5), []);
  const [form, setForm] = useState({ email: '', name: '', role: 'reviewer', org_id: '', seller_id: '', marketplace_id: '', password: '' });
  const [error, setError] = useState<unknown>(null);
  const set = (k: keyof typeof form, v: string) => setForm((f) => ({ ...f, [k]: v }));
  async function create(e: FormEvent) {
    e.preventDefault();
    setError(null);
    const body: Record<string, string> = {};
    for (const [k, v] of Object.entries(form)) if (v.trim()) body[k] = v.trim();
    try {
      await post('/v1/users', body);
      setForm({ email: '', name: '', role: 'reviewer', org_id: '', seller_id: '', marketplace_id: '', password: '' });
      users.reload();
    } catch (err) {
      setError(err);
    }
  }
  return (
    <>
      <Section title={t('admin.add_user')}>
        <form onSubmit={create} className="inline-form">
          <Field label={t('signin.email')} required>{(id) => <input id={id} type="email" value={form.email} onChange={(e) => set('email', e.target.value)} />}</Field>
          <Field label={t('admin.name')} required>{(id) => <input id={id} value={form.name} onChange={(e) => set('name', e.target.value)} />}</Field>
          <Field label={t('admin.role')} required>
            {(id) => (
              <select id={id} value={form.role} onChange={(e) => set('role', e.target.value)}>
                {ROLES.map((r) => (
                  <option key={r} value={r}>
                    {t(`role.${r}` as MessageKey)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('admin.org')}>{(id) => <input id={id} value={form.org_id} onChange={(e) => set('org_id', e.target.value)} />}</Field>
          <Field label={t('notice.seller')}>{(id) => <input id={id} value={form.seller_id} onChange={(e) => set('seller_id', e.target.value)} />}</Field>
          <Field label={t('notice.marketplace')}>{(id) => <input id={id} value={form.marketplace_id} onChange={(e) => set('marketplace_id', e.target.value)} />}</Field>
          <Field label={t('signin.password')} hint={t('admin.password_hint')}>{(id, d) => <input id={id} aria-describedby={d} type="password" autoComplete="new-password" value={form.password} onChange={(e) => set('password', e.target.value)} />}</Field>
          <button type="submit">{t('admin.add_user')}</button>
        </form>
        <ErrorMessage error={error} />
      </Section>
      <Async value={users}>
        {(us) => (
          <div className="table-wrap">
            <table data-testid="users-table">
              <thead>
                <tr>
                  <th scope="col">{t('signin.email')}</th>
                  <th scope="col">{t('admin.name')}</th>
                  <th scope="col">{t('admin.role')}</th>
                  <th scope="col">{t('admin.scope')}</th>
                  <th scope="col">{t('admin.created')}</th>
                </tr>
              </thead>
              <tbody>
                {us.map((u) => (
                  <tr key={u.id}>
                    <td>{u.email}</td>
                    <td>{u.name}</td>
                    <td>{t(`role.${u.role}` as MessageKey)}</td>
                    <td>{[u.org_id, u.seller_id, u.marketplace_id].filter(Boolean).join(' · ') || '—'}</td>
                    <td>{fmtDateTime(u.created_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Async>
    </>
  );
}

function KeysAdmin() {
  const keys = useLoad(() => getAll<ApiKey>('/v1/api-keys', 5), []);
  const [name, setName] = useState('');
  const [userId, setUserId] = useState('');
  const [secret, setSecret] = useState('');
  const [error, setError] = useState<unknown>(null);
  return (
    <>
      <Section title={t('admin.new_key')}>
        <form
          className="inline-form"
          onSubmit={async (e) => {
            e.preventDefault();
            setError(null);
            try {
              const k = await post<ApiKey & { secret: string }>('/v1/api-keys', { ...(name ? { name } : {}), ...(userId ? { user_id: userId } : {}) });
              setSecret(k.secret);
              keys.reload();
            } catch (err) {
              setError(err);
            }
          }}
        >
          <Field label={t('admin.key_name')}>{(id) => <input id={id} value={name} onChange={(e) => setName(e.target.value)} />}</Field>
          <Field label={t('admin.key_user')} hint={t('admin.key_user_hint')}>{(id, d) => <input id={id} aria-describedby={d} value={userId} onChange={(e) => setUserId(e.target.value)} />}</Field>
          <button type="submit">{t('admin.create_key')}</button>
        </form>
        {secret && (
          <p className="success" role="status">
            {t('admin.key_secret')} <code>{secret}</code>
          </p>
        )}
        <ErrorMessage error={error} />
      </Section>
      <Async value={keys}>
        {(ks) =>
          ks.length === 0 ? (
            <Empty>{t('common.none')}</Empty>
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('admin.key_prefix')}</th>
                    <th scope="col">{t('admin.key_name')}</th>
                    <th scope="col">{t('admin.key_user')}</th>
                    <th scope="col">{t('admin.created')}</th>
                    <th scope="col">{t('admin.status')}</th>
                  </tr>
                </thead>
                <tbody>
                  {ks.map((k) => (
                    <tr key={k.id}>
                      <td><code>{k.prefix}…</code></td>
                      <td>{k.name || '—'}</td>
                      <td>{k.user_id}</td>
                      <td>{fmtDateTime(k.created_at)}</td>
                      <td>
                        {k.revoked_at ? (
                          t('admin.revoked_at', { at: fmtDateTime(k.revoked_at) })
                        ) : (
                          <button
                            type="button"
                            className="link-button"
                            onClick={async () => {
                              if (!confirm(t('admin.revoke_confirm', { prefix: k.prefix ?? k.id }))) return;
                              try {
                                await del(`/v1/api-keys/${k.id}`);
                                keys.reload();
                              } catch (err) {
                                setError(err);
                              }
                            }}
                          >
                            {t('admin.revoke')}
                          </button>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Async>
    </>
  );
}

function Deliveries({ id }: { id: string }) {
  const d = useLoad(() => get<{ items: Delivery[] }>(`/v1/webhooks/${id}/deliveries?limit=50`), [id]);
  return (
    <Async value={d}>
      {(x) =>
        x.items.length === 0 ? (
          <Empty>{t('admin.no_deliveries')}</Empty>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('admin.event')}</th>
                  <th scope="col">{t('admin.status')}</th>
                  <th scope="col">{t('admin.attempts')}</th>
                  <th scope="col">{t('admin.last_result')}</th>
                  <th scope="col">{t('admin.next_attempt')}</th>
                </tr>
              </thead>
              <tbody>
                {x.items.map((dl) => (
                  <tr key={dl.id}>
                    <td>#{dl.event_seq} <span className="muted small">{dl.event_id}</span></td>
                    <td><StateBadge state={dl.state} /></td>
                    <td>{dl.attempts}</td>
                    <td>{dl.last_status || '—'} {dl.last_error}</td>
                    <td>{dl.state === 'pending' ? fmtDateTime(dl.next_attempt_at) : fmtDateTime(dl.delivered_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )
      }
    </Async>
  );
}

function WebhooksAdmin() {
  const hooks = useLoad(() => get<{ items: Webhook[] }>('/v1/webhooks'), []);
  const markets = useLoad(() => get<{ items: Marketplace[] }>('/v1/marketplaces'), []);
  const [url, setUrl] = useState('');
  const [market, setMarket] = useState('');
  const [secret, setSecret] = useState('');
  const [open, setOpen] = useState('');
  const [error, setError] = useState<unknown>(null);
  return (
    <>
      <Section title={t('admin.new_webhook')}>
        <form
          className="inline-form"
          onSubmit={async (e) => {
            e.preventDefault();
            setError(null);
            try {
              const w = await post<Webhook & { secret: string }>('/v1/webhooks', { url, ...(market ? { marketplace_id: market } : {}) });
              setSecret(w.secret);
              setUrl('');
              hooks.reload();
            } catch (err) {
              setError(err);
            }
          }}
        >
          <Field label={t('admin.webhook_url')} required>{(id) => <input id={id} type="url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://" />}</Field>
          <Field label={t('notice.marketplace')}>
            {(id) => (
              <select id={id} value={market} onChange={(e) => setMarket(e.target.value)}>
                <option value="">—</option>
                {(markets.data?.items ?? []).map((m) => (
                  <option key={m.id} value={m.id}>
                    {m.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <button type="submit">{t('admin.add_webhook')}</button>
        </form>
        {secret && (
          <p className="success" role="status">
            {t('admin.webhook_secret')} <code>{secret}</code>
          </p>
        )}
        <ErrorMessage error={error} />
      </Section>
      <Async value={hooks}>
        {(h) =>
          h.items.length === 0 ? (
            <Empty>{t('admin.no_webhooks')}</Empty>
          ) : (
            <ul className="stack plain">
              {h.items.map((w) => (
                <li key={w.id} className="card">
                  <header className="card-head">
                    <h3>
                      {w.url} <span className="muted">· {w.id}</span>
                    </h3>
                    <span>{w.marketplace_id}</span>
                  </header>
                  <div className="actions">
                    <button type="button" className="secondary small" aria-expanded={open === w.id} onClick={() => setOpen(open === w.id ? '' : w.id)}>
                      {t('admin.delivery_log')}
                    </button>
                    <button
                      type="button"
                      className="link-button"
                      onClick={async () => {
                        if (!confirm(t('admin.delete_webhook_confirm'))) return;
                        try {
                          await del(`/v1/webhooks/${w.id}`);
                          hooks.reload();
                        } catch (err) {
                          setError(err);
                        }
                      }}
                    >
                      {t('common.delete')}
                    </button>
                  </div>
                  {open === w.id && <Deliveries id={w.id} />}
                </li>
              ))}
            </ul>
          )
        }
      </Async>
    </>
  );
}

export function AdminScreen({ me }: { me: Me }) {
  const path = useLocation();
  const tab = (TABS.includes(searchParam(path, 'tab') as TabId) ? searchParam(path, 'tab') : 'marketplaces') as TabId;
  return (
    <>
      <h1>{t('admin.title')}</h1>
      {me.role !== 'admin' && <p className="muted">{t('admin.admin_only')}</p>}
      <Tabs label={t('admin.title')} tabs={TABS.map((id) => ({ id, label: t(`admin.tab_${id}` as MessageKey) }))} current={tab} onChange={(k) => navigate(`/admin?tab=${k}`)} />
      <div role="tabpanel" aria-labelledby={`tab-${tab}`}>
        {tab === 'marketplaces' && <MarketplacesAdmin />}
        {tab === 'screening' && <ScreeningAdmin />}
        {tab === 'bans' && <CategoryBans />}
        {tab === 'users' && <UsersAdmin />}
        {tab === 'keys' && <KeysAdmin />}
        {tab === 'webhooks' && <WebhooksAdmin />}
      </div>
    </>
  );
}
