// The reviewer's console: queues for notices, post-review, screening hits,
// counter-notices and appeals, ordered by the server (priority, then SLA);
// a decision desk with the listing snapshot beside the evidence, keyboard
// shortcuts (a accept, r reject, j/k next/previous, x select, ? help), bulk
// decisions, and the statement of reasons previewed before it is sent; the
// rights waiting for verification (RightsVerification.tsx) and a screening
// hit's photo evidence (PhotoEvidence.tsx).
import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { get, post } from '../api';
import { Async, Countdown, Empty, ErrorMessage, Field, KeyValues, Link, Loading, Section, StateBadge, Tabs, Toast, useLoad } from '../components/ui';
import { fmtDateTime, fmtMoney, fmtNumber, t, type MessageKey } from '../i18n';
import { nextIndex, previousIndex, shortcutFor } from '../logic/queue';
import { previewStatement } from '../logic/statement';
import { navigate, searchParam, useLocation } from '../router';
import type { Appeal, CounterNotice, Me, Notice, Regime, ScreeningHit } from '../types';
import { StatementFields } from './NoticeDetail';
import { PhotoEvidence } from './PhotoEvidence';
import { RightsVerificationQueue } from './RightsVerification';

type QueueId = 'notices' | 'post_review' | 'screening' | 'counter_notices' | 'appeals' | 'rights';
// The server's review queues, then the rights waiting for verification (GET /v1/rights).
const QUEUES: QueueId[] = ['notices', 'post_review', 'screening', 'counter_notices', 'appeals', 'rights'];

const regimeCache = new Map<string, Promise<Regime>>();
function regimeOf(marketplace: string): Promise<Regime> {
  let p = regimeCache.get(marketplace);
  if (!p) {
    p = get<Regime>(`/v1/marketplaces/${encodeURIComponent(marketplace)}/regime`);
    p.catch(() => regimeCache.delete(marketplace));
    regimeCache.set(marketplace, p);
  }
  return p;
}

const REJECTION_CODES = ['not_infringing', 'insufficient_evidence', 'not_rights_holder', 'manifestly_unfounded', 'other'];

// Accept or reject one notice; the statement of reasons is shown before it is sent.
export function DecisionPanel({ notice, regimes, onDecided, shortcutsActive = false, onNext }: { notice: Notice; regimes: Regime[]; onDecided: () => void; shortcutsActive?: boolean; onNext?: () => void }) {
  const [decision, setDecision] = useState<'accept' | 'reject' | null>(null);
  const [reason, setReason] = useState('');
  const [code, setCode] = useState('other');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    setDecision(null);
    setReason('');
    setCode('other');
    setError(null);
  }, [notice.id]);
  useEffect(() => {
    if (decision === 'reject') reasonRef.current?.focus();
    else if (decision === 'accept') confirmRef.current?.focus();
  }, [decision]);
  useEffect(() => {
    if (!shortcutsActive) return;
    const onKey = (e: KeyboardEvent) => {
      const a = shortcutFor(e.key, e.target as HTMLElement, { ctrl: e.ctrlKey, alt: e.altKey, meta: e.metaKey });
      if (a === 'accept') {
        e.preventDefault();
        setDecision('accept');
      } else if (a === 'reject') {
        e.preventDefault();
        setDecision('reject');
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [shortcutsActive]);
  const preview = decision ? previewStatement(notice, decision, reason, code, regimes) : null;
  async function send(e: FormEvent) {
    e.preventDefault();
    if (!decision) return;
    setBusy(true);
    setError(null);
    try {
      await post(`/v1/notices/${notice.id}/decision`, decision === 'accept' ? { decision: 'accept', ...(reason.trim() ? { reason: reason.trim() } : {}) } : { decision: 'reject', reason: reason.trim(), rejection_code: code });
      setDecision(null);
      onDecided();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <section className="card decision" aria-labelledby={`decide-${notice.id}`}>
      <h2 id={`decide-${notice.id}`}>{notice.post_review_pending ? t('review.post_review_decide') : t('review.decide')}</h2>
      <div className="actions">
        <button type="button" onClick={() => setDecision('accept')} aria-pressed={decision === 'accept'} aria-keyshortcuts="a">
          {t('review.accept')} <kbd>a</kbd>
        </button>
        <button type="button" className="danger" onClick={() => setDecision('reject')} aria-pressed={decision === 'reject'} aria-keyshortcuts="r">
          {t('review.reject')} <kbd>r</kbd>
        </button>
        {onNext && (
          <button type="button" className="secondary" onClick={onNext} aria-keyshortcuts="j">
            {t('review.next')} <kbd>j</kbd>
          </button>
        )}
      </div>
      {decision && preview && (
        <form onSubmit={send} className="sor-preview" aria-label={t('review.sor_preview')}>
          {decision === 'reject' && (
            <Field label={t('review.rejection_code')}>
              {(id) => (
                <select id={id} value={code} onChange={(e) => setCode(e.target.value)}>
                  {REJECTION_CODES.map((c) => (
                    <option key={c} value={c}>
                      {t(`rejection.${c}` as MessageKey)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          )}
          <Field label={decision === 'reject' ? t('review.reason_required') : t('review.reason_optional')} required={decision === 'reject'}>
            {(id) => <textarea id={id} ref={reasonRef} rows={3} value={reason} onChange={(e) => setReason(e.target.value)} />}
          </Field>
          <h3>{t('review.sor_preview')}</h3>
          <p className="muted small">{t('review.sor_preview_hint')}</p>
          <StatementFields s={{ ...preview, automated_detection: false }} />
          <ErrorMessage error={error} />
          <div className="actions">
            <button type="submit" ref={confirmRef} disabled={busy || (decision === 'reject' && !reason.trim())} data-testid="confirm-decision">
              {decision === 'accept' ? t('review.confirm_accept') : t('review.confirm_reject')}
            </button>
            <button type="button" className="secondary" onClick={() => setDecision(null)}>
              {t('common.cancel')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

function NoticeEvidence({ n }: { n: Notice }) {
  return (
    <div className="desk">
      <Section title={t('notice.listing_snapshot')}>
        <KeyValues
          rows={[
            [t('notice.listing'), n.listing_id],
            [t('notice.title_field'), n.snapshot?.title],
            [t('notice.price'), fmtMoney(n.snapshot?.price)],
            [t('notice.category'), n.snapshot?.category],
            [t('notice.seller'), `${n.seller_id} · ${n.marketplace_id}`],
          ]}
        />
        {n.snapshot?.description && <p className="snapshot-text">{n.snapshot.description}</p>}
      </Section>
      <Section title={t('review.evidence')}>
        <KeyValues
          rows={[
            [t('notice.for'), n.principal_org_id + (n.complainant_org_id !== n.principal_org_id ? ` (${t('review.via')} ${n.complainant_org_id})` : '')],
            [t('form.right'), n.right_id],
            [t('notice.type'), t(`type.${n.infringement_type}` as MessageKey)],
            [t('form.explanation'), String(n.body?.explanation ?? '—')],
            [t('form.evidence'), (n.body?.evidence ?? []).join('; ') || '—'],
            [t('form.work'), String(n.body?.work ?? '—')],
          ]}
        />
      </Section>
    </div>
  );
}

function NoticeQueue({ items, reload, postReview }: { items: Notice[]; reload: () => void; postReview: boolean }) {
  const [cursor, setCursor] = useState(0);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [regimes, setRegimes] = useState<Regime[]>([]);
  const [help, setHelp] = useState(false);
  const [bulk, setBulk] = useState<'accept' | 'reject' | null>(null);
  const [bulkReason, setBulkReason] = useState('');
  const [bulkResults, setBulkResults] = useState<{ id: string; ok: boolean; message: string }[]>([]);
  const [toast, setToast] = useState('');
  const current = items[Math.min(cursor, items.length - 1)];
  useEffect(() => {
    if (!current) return;
    regimeOf(current.marketplace_id).then((r) => setRegimes([r]), () => setRegimes([]));
    if (current.state === 'received') post(`/v1/notices/${current.id}/claim`).catch(() => undefined);
  }, [current?.id]);
  const next = useCallback(() => setCursor((c) => nextIndex(items.length, c)), [items.length]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const a = shortcutFor(e.key, e.target as HTMLElement, { ctrl: e.ctrlKey, alt: e.altKey, meta: e.metaKey });
      if (a === 'next') setCursor((c) => nextIndex(items.length, c));
      else if (a === 'previous') setCursor((c) => previousIndex(items.length, c));
      else if (a === 'help') setHelp((h) => !h);
      else if (a === 'toggle' && current)
        setSelected((s) => {
          const n = new Set(s);
          if (n.has(current.id)) n.delete(current.id);
          else n.add(current.id);
          return n;
        });
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [items.length, current?.id]);

  async function runBulk(e: FormEvent) {
    e.preventDefault();
    if (!bulk) return;
    const out: { id: string; ok: boolean; message: string }[] = [];
    for (const id of selected) {
      try {
        await post(`/v1/notices/${id}/decision`, bulk === 'accept' ? { decision: 'accept', ...(bulkReason ? { reason: bulkReason } : {}) } : { decision: 'reject', reason: bulkReason, rejection_code: 'other' });
        out.push({ id, ok: true, message: '' });
      } catch (err) {
        out.push({ id, ok: false, message: err instanceof Error ? err.message : String(err) });
      }
    }
    setBulkResults(out);
    setSelected(new Set());
    setBulk(null);
    setToast(t('review.bulk_done', { ok: out.filter((x) => x.ok).length, failed: out.filter((x) => !x.ok).length }));
    reload();
  }

  if (items.length === 0) return <Empty>{postReview ? t('review.empty_post_review') : t('review.empty_notices')}</Empty>;
  return (
    <>
      <Toast message={toast} />
      {help && (
        <div className="card help" role="dialog" aria-label={t('review.shortcuts')}>
          <h2>{t('review.shortcuts')}</h2>
          <ul className="plain">
            <li><kbd>a</kbd> {t('review.accept')}</li>
            <li><kbd>r</kbd> {t('review.reject')}</li>
            <li><kbd>j</kbd> / <kbd>k</kbd> {t('review.next_previous')}</li>
            <li><kbd>x</kbd> {t('review.select')}</li>
            <li><kbd>?</kbd> {t('review.toggle_help')}</li>
          </ul>
        </div>
      )}
      <div className="bulkbar" aria-live="polite">
        <span>{t('review.selected', { n: selected.size })}</span>
        <button type="button" className="secondary small" disabled={!selected.size} onClick={() => setBulk('accept')}>
          {t('review.bulk_accept')}
        </button>
        <button type="button" className="secondary small" disabled={!selected.size} onClick={() => setBulk('reject')}>
          {t('review.bulk_reject')}
        </button>
        <button type="button" className="link-button" onClick={() => setHelp((h) => !h)} aria-keyshortcuts="?">
          {t('review.shortcuts')}
        </button>
      </div>
      {bulk && (
        <form className="card" onSubmit={runBulk} aria-label={t('review.bulk_title')}>
          <h2>{bulk === 'accept' ? t('review.bulk_accept_n', { n: selected.size }) : t('review.bulk_reject_n', { n: selected.size })}</h2>
          <Field label={bulk === 'reject' ? t('review.reason_required') : t('review.reason_optional')} required={bulk === 'reject'} hint={t('review.bulk_sor_hint')}>
            {(id, d) => <textarea id={id} aria-describedby={d} rows={2} value={bulkReason} onChange={(e) => setBulkReason(e.target.value)} />}
          </Field>
          <div className="actions">
            <button type="submit" disabled={bulk === 'reject' && !bulkReason.trim()}>
              {t('review.bulk_confirm')}
            </button>
            <button type="button" className="secondary" onClick={() => setBulk(null)}>
              {t('common.cancel')}
            </button>
          </div>
        </form>
      )}
      {bulkResults.some((r) => !r.ok) && (
        <div className="error" role="alert">
          <ul className="plain">
            {bulkResults
              .filter((r) => !r.ok)
              .map((r) => (
                <li key={r.id}>
                  {r.id}: {r.message}
                </li>
              ))}
          </ul>
        </div>
      )}
      <div className="queue-layout">
        <ol className="queue" aria-label={t('review.queue_items')}>
          {items.map((n, i) => (
            <li key={n.id} className={i === cursor ? 'current' : ''} aria-current={i === cursor ? 'true' : undefined}>
              <input
                type="checkbox"
                aria-label={t('review.select_notice', { id: n.id })}
                checked={selected.has(n.id)}
                onChange={(e) =>
                  setSelected((s) => {
                    const x = new Set(s);
                    if (e.target.checked) x.add(n.id);
                    else x.delete(n.id);
                    return x;
                  })
                }
              />
              <button type="button" className="queue-item" onClick={() => setCursor(i)} data-testid="queue-item">
                <span className="queue-title">
                  {n.listing_id} · {n.snapshot?.title}
                </span>
                <span className="queue-meta">
                  {n.principal_org_id} · {t(`type.${n.infringement_type}` as MessageKey)} {n.fast_lane && <span className="badge fast">{t('review.fast_lane')}</span>} {n.priority > 0 && <span className="badge prio">P{n.priority}</span>}
                </span>
                <Countdown deadline={n.review_due_at} />
              </button>
            </li>
          ))}
        </ol>
        {current && (
          <div className="queue-detail" data-testid="decision-desk">
            <div className="page-head">
              <h2>
                <Link to={`/notices/${current.id}`}>{current.id}</Link>
              </h2>
              <StateBadge state={current.state} />
            </div>
            <NoticeEvidence n={current} />
            <DecisionPanel notice={current} regimes={regimes} onDecided={() => { setToast(t('review.decided', { id: current.id })); reload(); }} shortcutsActive onNext={next} />
          </div>
        )}
      </div>
    </>
  );
}

function HitList({ items }: { items: ScreeningHit[] }) {
  if (items.length === 0) return <Empty>{t('review.empty_screening')}</Empty>;
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">{t('notice.listing')}</th>
            <th scope="col">{t('review.score')}</th>
            <th scope="col">{t('review.reasons')}</th>
            <th scope="col">{t('review.rights_holders')}</th>
            <th scope="col">{t('notice.received')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((h) => (
            <tr key={h.id}>
              <td>
                <Link to={`/review/hits/${h.id}`}>{h.listing_id}</Link>
                <div className="muted small">{h.snapshot?.title}</div>
              </td>
              <td>{fmtNumber(h.verdict.score, 2)}</td>
              <td>{h.verdict.reasons.map((r) => r.code).join(', ')}</td>
              <td>{h.rights_holder_ids.join(', ')}</td>
              <td>{fmtDateTime(h.created_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

// Whatever else a reason carries (a photo match's distance and reference photo,
// a stay-down source, the quoted evidence); photos by content hash are shown.
function ReasonExtras({ reason }: { reason: Record<string, unknown> }) {
  const extras = Object.entries(reason).filter(([k, v]) => !['code', 'rights_holder', 'detail'].includes(k) && v !== '' && v !== null && v !== undefined);
  if (!extras.length) return null;
  return (
    <dl className="kv small">
      {extras.map(([k, v]) => {
        const text = typeof v === 'object' ? JSON.stringify(v) : String(v);
        const photo = /image|photo/i.test(k) && /^[0-9a-f]{64}$/.test(text);
        return (
          <div key={k}>
            <dt>{k.replace(/_/g, ' ')}</dt>
            <dd>{photo ? <img src={`/v1/blobs/${text}`} alt={t('review.reference_photo')} className="thumb" /> : text}</dd>
          </div>
        );
      })}
    </dl>
  );
}

export function HitDecision({ id }: { id: string }) {
  const hit = useLoad(() => get<ScreeningHit>(`/v1/screening/hits/${encodeURIComponent(id)}`), [id]);
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState('');
  async function decide(kind: 'confirm' | 'dismiss') {
    setError(null);
    try {
      // The version judged: the server refuses the decision if a new push
      // changed the listing since the hit was loaded.
      const seen = hit.data ? { listing_version: hit.data.listing_version } : {};
      await post(`/v1/screening/hits/${id}/${kind}`, kind === 'confirm' ? { ...seen, ...(note.trim() ? { note: note.trim() } : {}) } : { ...seen, reason: note.trim() });
      setDone(kind === 'confirm' ? t('review.hit_confirmed') : t('review.hit_dismissed'));
      hit.reload();
    } catch (e) {
      setError(e);
    }
  }
  return (
    <Async value={hit}>
      {(h) => (
        <>
          <div className="page-head">
            <h1>
              {t('review.hit')} {h.id}
            </h1>
            <StateBadge state={h.status} />
          </div>
          <Toast message={done} />
          <div className="desk">
            <Section title={t('notice.listing_snapshot')}>
              <KeyValues
                rows={[
                  [t('notice.listing'), h.listing_id],
                  [t('notice.title_field'), h.snapshot?.title ?? '—'],
                  [t('notice.price'), fmtMoney(h.snapshot?.price)],
                  [t('notice.category'), h.snapshot?.category ?? '—'],
                  [t('notice.seller'), `${h.seller_id} · ${h.marketplace_id}`],
                ]}
              />
              {h.snapshot?.description && <p className="snapshot-text">{h.snapshot.description}</p>}
            </Section>
            <Section title={t('review.verdict')}>
              <p>
                <strong>{h.verdict.decision}</strong> · {t('review.score')} {fmtNumber(h.verdict.score, 3)}
              </p>
              <ul>
                {h.verdict.reasons.map((r, i) => (
                  <li key={i}>
                    <code>{r.code}</code> {r.rights_holder && <span className="muted">({r.rights_holder})</span>} {r.detail}
                    <ReasonExtras reason={r as unknown as Record<string, unknown>} />
                  </li>
                ))}
              </ul>
            </Section>
          </div>
          <PhotoEvidence hit={h} />
          {h.status === 'open' && (
            <section className="card">
              <Field label={t('review.hit_note')} hint={t('review.hit_note_hint')}>
                {(fid, d) => <textarea id={fid} aria-describedby={d} rows={2} value={note} onChange={(e) => setNote(e.target.value)} />}
              </Field>
              <ErrorMessage error={error} />
              <div className="actions">
                <button type="button" onClick={() => decide('confirm')}>
                  {t('review.confirm_hit')}
                </button>
                <button type="button" className="secondary" disabled={!note.trim()} onClick={() => decide('dismiss')}>
                  {t('review.dismiss_hit')}
                </button>
                <button type="button" className="link-button" onClick={() => navigate('/review?queue=screening')}>
                  {t('review.back_to_queue')}
                </button>
              </div>
            </section>
          )}
        </>
      )}
    </Async>
  );
}

function CounterNoticeQueue({ items }: { items: CounterNotice[] }) {
  if (items.length === 0) return <Empty>{t('review.empty_counter_notices')}</Empty>;
  return (
    <ul className="stack plain">
      {items.map((c) => (
        <li key={c.id} className="card">
          <Link to={`/notices/${c.notice_id}`}>{c.notice_id}</Link> · {c.seller_id} → {c.complainant_org_id} · <Countdown deadline={c.restore_at} label={t('rh.restored_in')} />
          <p className="small">{c.body?.statement}</p>
        </li>
      ))}
    </ul>
  );
}

function AppealQueue({ items, reload }: { items: Appeal[]; reload: () => void }) {
  const [open, setOpen] = useState<string>('');
  const [outcome, setOutcome] = useState('upheld');
  const [reasons, setReasons] = useState('');
  const [error, setError] = useState<unknown>(null);
  if (items.length === 0) return <Empty>{t('review.empty_appeals')}</Empty>;
  return (
    <ul className="stack plain">
      {items.map((a) => (
        <li key={a.id} className="card">
          <strong>{a.id}</strong> · {a.appellant} · {a.notice_id ? <Link to={`/notices/${a.notice_id}`}>{a.notice_id}</Link> : <Link to={`/review/hits/${a.hit_id}`}>{a.hit_id}</Link>} · {fmtDateTime(a.filed_at)}
          <blockquote>{a.grounds}</blockquote>
          {open === a.id ? (
            <form
              onSubmit={async (e) => {
                e.preventDefault();
                setError(null);
                try {
                  await post(`/v1/appeals/${a.id}/decision`, { outcome, reasons });
                  setOpen('');
                  reload();
                } catch (err) {
                  setError(err);
                }
              }}
            >
              <Field label={t('review.appeal_outcome')}>
                {(id) => (
                  <select id={id} value={outcome} onChange={(e) => setOutcome(e.target.value)}>
                    <option value="upheld">{t('review.appeal_upheld')}</option>
                    <option value="overturned">{t('review.appeal_overturned')}</option>
                  </select>
                )}
              </Field>
              <Field label={t('review.reason_required')} required>
                {(id) => <textarea id={id} rows={2} value={reasons} onChange={(e) => setReasons(e.target.value)} />}
              </Field>
              <ErrorMessage error={error} />
              <button type="submit">{t('review.decide_appeal')}</button>
            </form>
          ) : (
            <button type="button" className="secondary small" onClick={() => setOpen(a.id)}>
              {t('review.decide_appeal')}
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}

export function ReviewerScreen({ me }: { me: Me }) {
  const path = useLocation();
  const q = (searchParam(path, 'queue') || 'notices') as QueueId;
  const queue: QueueId = QUEUES.includes(q) ? q : 'notices';
  const data = useLoad(
    () => (queue === 'rights' ? Promise.resolve({ queue, items: [] as unknown[] }) : get<{ queue: string; items: unknown[] }>(`/v1/review/queue?queue=${queue}&limit=200`)),
    [queue],
  );
  const tabs = useMemo(() => QUEUES.map((id) => ({ id, label: t(`queue.${id}` as MessageKey) })), []);
  const [refreshes, setRefreshes] = useState(0);
  return (
    <>
      <div className="page-head">
        <h1>{t('review.title')}</h1>
        <button
          type="button"
          className="secondary small"
          onClick={() => {
            data.reload();
            setRefreshes((n) => n + 1);
          }}
        >
          {t('common.refresh')}
        </button>
      </div>
      {me.role === 'investigator' && <p className="muted">{t('review.read_only')}</p>}
      <Tabs label={t('review.queues')} tabs={tabs} current={queue} onChange={(k) => navigate(`/review?queue=${k}`)} />
      <div role="tabpanel" aria-labelledby={`tab-${queue}`}>
        {queue === 'rights' ? (
          <RightsVerificationQueue me={me} refresh={refreshes} />
        ) : data.loading && !data.data ? (
          <Loading />
        ) : data.error ? (
          <ErrorMessage error={data.error} onRetry={data.reload} />
        ) : data.data && data.data.queue === queue ? (
          queue === 'notices' || queue === 'post_review' ? (
            <NoticeQueue items={data.data.items as Notice[]} reload={data.reload} postReview={queue === 'post_review'} />
          ) : queue === 'screening' ? (
            <HitList items={data.data.items as ScreeningHit[]} />
          ) : queue === 'counter_notices' ? (
            <CounterNoticeQueue items={data.data.items as CounterNotice[]} />
          ) : (
            <AppealQueue items={data.data.items as Appeal[]} reload={data.reload} />
          )
        ) : (
          <Loading />
        )}
      </div>
    </>
  );
}
