// Staff side of the IP registry: rights waiting for verification, each with
// its registration details and the certificates the rights holder uploaded
// to open; the reviewer verifies it against the certificate or rejects it
// with a reason the rights holder reads (POST /v1/rights/{id}/verification).
import { useState, type FormEvent } from 'react';
import { ApiError, getAll, post, query } from '../api';
import { Async, Empty, ErrorMessage, Field, KeyValues, StateBadge, Toast, useLoad } from '../components/ui';
import { fmtDate, fmtDateTime, fmtMoney, t, type MessageKey } from '../i18n';
import type { Me, Right } from '../types';

const FILTERS = ['pending', 'rejected', 'verified', ''] as const;

export function rightTitle(r: Right): string {
  return r.mark || r.works?.map((w) => w.title).join(', ') || r.id;
}

// Links that open each certificate (the stored upload, served to staff and its owner).
export function CertificateLinks({ right }: { right: Right }) {
  if (!right.certificates?.length) return <span className="muted">{t('rh.no_certificate')}</span>;
  return (
    <ul className="plain cert-links">
      {right.certificates.map((sha, i) => (
        <li key={sha}>
          <a href={`/v1/blobs/${sha}`} target="_blank" rel="noopener" data-testid="certificate-link">
            {t('verify.open_certificate', { n: i + 1 })}
          </a>{' '}
          <code className="muted small">{sha.slice(0, 12)}…</code>
        </li>
      ))}
    </ul>
  );
}

export function RightDetails({ r }: { r: Right }) {
  return (
    <KeyValues
      rows={[
        [t('rh.right_type'), t(`right.${r.type}` as MessageKey)],
        [t('verify.holder'), r.org_id],
        [t('rh.registration_number'), r.registration_number || '—'],
        [t('rh.office'), r.office || '—'],
        [t('rh.territories'), r.territories?.join(', ') || '—'],
        ...(r.nice_classes?.length ? ([[t('verify.nice_classes'), r.nice_classes.join(', ')]] as [string, string][]) : []),
        ...(r.expires_on ? ([[t('verify.expires_on'), r.expires_on]] as [string, string][]) : []),
        ...(r.works?.length
          ? ([[t('verify.works'), r.works.map((w) => [w.title, w.isbn, w.list_price ? fmtMoney({ amount: w.list_price, currency: w.currency ?? 'USD' }) : ''].filter(Boolean).join(' · ')).join('; ')]] as [string, string][])
          : []),
        [t('rh.certificates'), <CertificateLinks key="c" right={r} />],
        ...(r.created_at ? ([[t('verify.registered_at'), fmtDateTime(r.created_at)]] as [string, string][]) : []),
      ]}
    />
  );
}

function Decide({ r, onDone }: { r: Right; onDone: (msg: string) => void }) {
  const [decision, setDecision] = useState<'verified' | 'rejected' | ''>('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const noCertificate = !r.certificates?.length;
  const reasonError = error instanceof ApiError && error.pointer === '/reason' ? error.detail : undefined;
  async function send(e: FormEvent) {
    e.preventDefault();
    if (!decision) return;
    setBusy(true);
    setError(null);
    try {
      await post(`/v1/rights/${encodeURIComponent(r.id)}/verification`, { decision, ...(reason.trim() ? { reason: reason.trim() } : {}) });
      onDone(decision === 'verified' ? t('verify.done_verified', { id: r.id }) : t('verify.done_rejected', { id: r.id }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <form onSubmit={send} aria-label={t('verify.decide_for', { id: r.id })}>
      <fieldset className="decision-choice">
        <legend>{t('verify.decision')}</legend>
        <label className="inline">
          <input type="radio" name={`d-${r.id}`} value="verified" checked={decision === 'verified'} onChange={() => setDecision('verified')} disabled={noCertificate} />
          {t('verify.verify')}
        </label>
        <label className="inline">
          <input type="radio" name={`d-${r.id}`} value="rejected" checked={decision === 'rejected'} onChange={() => setDecision('rejected')} />
          {t('verify.reject')}
        </label>
      </fieldset>
      {noCertificate && <p className="muted small">{t('verify.needs_certificate')}</p>}
      {decision && (
        <Field label={decision === 'rejected' ? t('verify.reason_required') : t('verify.reason_optional')} required={decision === 'rejected'} error={reasonError} hint={t('verify.reason_hint')}>
          {(id, d) => <textarea id={id} aria-describedby={d} aria-invalid={!!reasonError} rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />}
        </Field>
      )}
      <ErrorMessage error={reasonError ? null : error} />
      <div className="actions">
        <button type="submit" className={decision === 'rejected' ? 'danger' : undefined} disabled={busy || !decision || (decision === 'rejected' && !reason.trim())}>
          {decision === 'rejected' ? t('verify.confirm_reject') : t('verify.confirm_verify')}
        </button>
      </div>
    </form>
  );
}

// `refresh` changes when the review console's Refresh button is pressed.
export function RightsVerificationQueue({ me, refresh = 0 }: { me: Me; refresh?: number }) {
  const [filter, setFilter] = useState<(typeof FILTERS)[number]>('pending');
  const rights = useLoad(() => getAll<Right>(`/v1/rights${query({ verification: filter })}`, 5), [filter, refresh]);
  const [toast, setToast] = useState('');
  const mayDecide = me.role === 'admin' || me.role === 'reviewer';
  return (
    <div data-testid="rights-queue">
      <Toast message={toast} />
      <div className="filters">
        <Field label={t('verify.show')}>
          {(id) => (
            <select id={id} value={filter} onChange={(e) => setFilter(e.target.value as (typeof FILTERS)[number])}>
              {FILTERS.map((f) => (
                <option key={f} value={f}>
                  {f ? t(`state.${f}` as MessageKey) : t('common.all')}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <Async value={rights}>
        {(items) =>
          items.length === 0 ? (
            <Empty>{filter === 'pending' ? t('verify.none_pending') : t('common.none')}</Empty>
          ) : (
            <ul className="stack plain">
              {items.map((r) => (
                <li key={r.id} className="card" data-testid="right-to-verify">
                  <header className="card-head">
                    <h3>
                      {rightTitle(r)} <span className="muted">· {r.id}</span>
                    </h3>
                    <StateBadge state={r.verification} />
                  </header>
                  <RightDetails r={r} />
                  {r.verification !== 'pending' && (
                    <p className="small muted">
                      {r.verification === 'rejected' ? t('verify.rejected_because', { reason: r.rejection_reason }) : ''}
                      {r.verified_at ? ` ${t('verify.decided_on', { at: fmtDate(r.verified_at), by: r.verified_by || '—' })}` : ''}
                    </p>
                  )}
                  {mayDecide && (
                    <Decide
                      r={r}
                      onDone={(msg) => {
                        setToast(msg);
                        rights.reload();
                      }}
                    />
                  )}
                </li>
              ))}
            </ul>
          )
        }
      </Async>
    </div>
  );
}
