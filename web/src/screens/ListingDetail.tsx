// A listing as the signed-in user may see it (a seller: only its own).
import { ApiError, get } from '../api';
import { Async, KeyValues, Link, Section, StateBadge, useLoad } from '../components/ui';
import { fmtDateTime, fmtMoney, t } from '../i18n';
import type { Listing, Me, Notice } from '../types';

export function ListingDetail({ id, me }: { id: string; me: Me }) {
  const listing = useLoad(() => get<Listing & { screening?: { decision: string; score: number }; updated_at?: string }>(`/v1/listings/${encodeURIComponent(id)}`), [id]);
  const notices = useLoad(() => get<{ items: Notice[] }>(`/v1/notices?listing_id=${encodeURIComponent(id)}`), [id]);
  if (listing.error instanceof ApiError && (listing.error.status === 404 || listing.error.status === 403))
    return (
      <section className="card" data-testid="not-found">
        <h1>{t('listing.not_found_title')}</h1>
        <p>{me.role === 'seller' ? t('listing.not_yours') : t('notice.not_found')}</p>
      </section>
    );
  return (
    <Async value={listing}>
      {(l) => (
        <>
          <div className="page-head">
            <h1>
              {l.title} <span className="muted">· {l.id}</span>
            </h1>
            <StateBadge state={l.status} />
          </div>
          <Section title={t('listing.details')}>
            <KeyValues
              rows={[
                [t('notice.price'), fmtMoney(l.price)],
                [t('notice.category'), l.category],
                [t('notice.seller'), l.seller_id],
                [t('notice.marketplace'), l.marketplace_id],
                [t('listing.status_reason'), l.status_reason || '—'],
                [t('listing.screening'), l.screening ? `${l.screening.decision} (${l.screening.score})` : '—'],
                [t('listing.updated'), fmtDateTime(l.updated_at)],
              ]}
            />
            <p className="snapshot-text">{l.description}</p>
          </Section>
          <Section title={t('listing.notices')}>
            <Async value={notices}>
              {(ns) =>
                ns.items.length === 0 ? (
                  <p className="empty">{t('common.none')}</p>
                ) : (
                  <ul className="plain">
                    {ns.items.map((n) => (
                      <li key={n.id}>
                        <Link to={`/notices/${n.id}`}>{n.id}</Link> <StateBadge state={n.state} /> {fmtDateTime(n.received_at)}
                      </li>
                    ))}
                  </ul>
                )
              }
            </Async>
          </Section>
        </>
      )}
    </Async>
  );
}
