// The seller centre: actions against the seller's own listings with their
// statements of reasons, counter-notices and appeals (on each notice's page),
// and strikes with what they mean under the marketplace's policy.
import { useState } from 'react';
import { get, getAll, query } from '../api';
import { Async, Countdown, Empty, KeyValues, Link, Section, StateBadge, useLoad } from '../components/ui';
import { fmtDateTime, fmtMoney, t, type MessageKey } from '../i18n';
import type { Listing, Marketplace, Me, Notice, Seller, Strike } from '../types';
import { AppealForm } from './NoticeDetail';

function useSellerContext(me: Me) {
  const seller = useLoad(() => get<Seller>(`/v1/sellers/${encodeURIComponent(me.seller_id)}${query({ marketplace_id: me.marketplace_id })}`), [me.seller_id]);
  const market = useLoad(() => get<Marketplace>(`/v1/marketplaces/${encodeURIComponent(me.marketplace_id)}`), [me.marketplace_id]);
  const strikes = useLoad(() => get<{ items: Strike[] }>(`/v1/sellers/${encodeURIComponent(me.seller_id)}/strikes${query({ marketplace_id: me.marketplace_id })}`), [me.seller_id]);
  return { seller, market, strikes };
}

function StrikeSummary({ me }: { me: Me }) {
  const { seller, market, strikes } = useSellerContext(me);
  const policy = (market.data?.repeat_infringer ?? {}) as { strikes_to_suspend?: number; window_days?: number };
  const active = (strikes.data?.items ?? []).filter((s) => !s.voided);
  const limit = policy.strikes_to_suspend ?? 3;
  return (
    <div className="tiles">
      <div className="tile">
        <span>{t('seller.account')}</span>
        <strong>{seller.data ? <StateBadge state={seller.data.status} /> : '…'}</strong>
        {seller.data?.suspension_reason && <small>{seller.data.suspension_reason}</small>}
      </div>
      <div className="tile">
        <span>{t('seller.active_strikes')}</span>
        <strong data-testid="active-strikes">
          {active.length} / {limit}
        </strong>
        <small>{t('seller.policy', { n: limit, days: policy.window_days ?? 90 })}</small>
      </div>
    </div>
  );
}

export function SellerScreen({ me }: { me: Me }) {
  const notices = useLoad(() => getAll<Notice>('/v1/notices', 5), []);
  const listings = useLoad(() => getAll<Listing>(`/v1/listings${query({ seller_id: me.seller_id })}`, 5), [me.seller_id]);
  const [filter, setFilter] = useState<'actions' | 'all'>('actions');
  return (
    <>
      <h1>{t('seller.title')}</h1>
      <StrikeSummary me={me} />
      <Section title={t('seller.actions')}>
        <Async value={notices}>
          {(ns) =>
            ns.length === 0 ? (
              <Empty>{t('seller.no_actions')}</Empty>
            ) : (
              <div className="table-wrap">
                <table data-testid="seller-notices">
                  <thead>
                    <tr>
                      <th scope="col">{t('notice.id')}</th>
                      <th scope="col">{t('notice.listing')}</th>
                      <th scope="col">{t('notice.type')}</th>
                      <th scope="col">{t('notice.state')}</th>
                      <th scope="col">{t('seller.what_you_can_do')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {ns.map((n) => (
                      <tr key={n.id}>
                        <td>
                          <Link to={`/notices/${n.id}`}>{n.id}</Link>
                        </td>
                        <td>
                          {n.listing_id}
                          <div className="muted small">{n.snapshot?.title}</div>
                        </td>
                        <td>{t(`type.${n.infringement_type}` as MessageKey)}</td>
                        <td>
                          <StateBadge state={n.state} />
                        </td>
                        <td>
                          {n.state === 'accepted' && n.counter_notice_deadline ? (
                            <Countdown deadline={n.counter_notice_deadline} label={t('seller.counter_notify_within')} />
                          ) : n.state === 'accepted' && n.appeal_deadline ? (
                            <Countdown deadline={n.appeal_deadline} label={t('seller.appeal_within')} />
                          ) : n.state === 'counter_noticed' ? (
                            t('seller.waiting_for_complainant')
                          ) : (
                            '—'
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
      </Section>
      <Section
        title={t('seller.listings')}
        actions={
          <label className="inline">
            <input type="checkbox" checked={filter === 'actions'} onChange={(e) => setFilter(e.target.checked ? 'actions' : 'all')} /> {t('seller.only_restricted')}
          </label>
        }
      >
        <Async value={listings}>
          {(ls) => {
            const shown = filter === 'actions' ? ls.filter((l) => l.status !== 'active') : ls;
            return shown.length === 0 ? (
              <Empty>{t('seller.no_listings')}</Empty>
            ) : (
              <ul className="plain listing-list">
                {shown.map((l) => (
                  <li key={l.id}>
                    <Link to={`/listings/${l.id}`}>{l.id}</Link> · {l.title} · {fmtMoney(l.price)} <StateBadge state={l.status} />
                    {l.status_reason && <div className="muted small">{l.status_reason}</div>}
                  </li>
                ))}
              </ul>
            );
          }}
        </Async>
      </Section>
    </>
  );
}

export function SellerStrikes({ me }: { me: Me }) {
  const { strikes, market } = useSellerContext(me);
  const [appealing, setAppealing] = useState('');
  const [done, setDone] = useState('');
  const policy = (market.data?.repeat_infringer ?? {}) as { strikes_to_suspend?: number; window_days?: number; strike_expiry_days?: number };
  return (
    <>
      <h1>{t('seller.strikes_title')}</h1>
      <StrikeSummary me={me} />
      <Section title={t('seller.what_strikes_mean')}>
        <p>{t('seller.strikes_explain', { n: policy.strikes_to_suspend ?? 3, days: policy.window_days ?? 90, expiry: policy.strike_expiry_days ?? 365 })}</p>
      </Section>
      {done && (
        <p className="success" role="status">
          {done}
        </p>
      )}
      <Async value={strikes}>
        {(s) =>
          s.items.length === 0 ? (
            <Empty>{t('seller.no_strikes')}</Empty>
          ) : (
            <ul className="stack plain">
              {s.items.map((x) => (
                <li key={x.id} className="card">
                  <KeyValues
                    rows={[
                      [t('seller.strike'), x.id],
                      [t('seller.strike_at'), fmtDateTime(x.at)],
                      [t('seller.strike_source'), x.notice_id ? <Link key="n" to={`/notices/${x.notice_id}`}>{x.notice_id}</Link> : t('seller.screening_takedown', { id: x.hit_id ?? '' })],
                      [t('seller.strike_status'), x.voided ? t('seller.voided', { reason: x.voided_reason }) : t('seller.counts')],
                    ]}
                  />
                  {!x.voided && x.hit_id && (appealing === x.id ? (
                    <AppealForm hitId={x.hit_id} onDone={() => { setAppealing(''); setDone(t('seller.appeal_filed')); }} />
                  ) : (
                    <button type="button" className="secondary small" onClick={() => setAppealing(x.id)}>
                      {t('seller.appeal_title')}
                    </button>
                  ))}
                </li>
              ))}
            </ul>
          )
        }
      </Async>
    </>
  );
}
