// The rights holder's portal: notices (list, form with live validation, bulk
// CSV), counter-notices to answer, rights and certificates, protection data,
// the organisation and its agents, and statistics.
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { ApiError, get, getAll, getText, post, put, query, request, uploadBlob, type BlobRef } from '../api';
import { ChartView } from '../components/Chart';
import { Async, Countdown, Empty, ErrorMessage, Field, KeyValues, Link, Loading, Section, StateBadge, Toast, useLoad, useNow } from '../components/ui';
import { fmtDate, fmtDateTime, fmtMoney, fmtNumber, t, type MessageKey } from '../i18n';
import { agentProblems, authorisationStatus, endOfDay } from '../logic/agents';
import { serverNow } from '../clock';
import { previewCsv } from '../logic/csv';
import { referenceQualities, type ReferenceQuality } from '../logic/photos';
import { emptyDraft, missingFields, toRequestBody, unionRequirements, type NoticeDraft } from '../logic/notice_form';
import { countBy, outcomeOf, percentile, TAKEDOWN_STATES } from '../logic/stats';
import { hoursBetween } from '../logic/time';
import { navigate, searchParam, useLocation } from '../router';
import type { Accuracy, AgentAuthorisation, CounterNotice, Job, Listing, Marketplace, Me, Notice, Organisation, Protection, Regime, Right } from '../types';
import { CertificateLinks } from './RightsVerification';

const STATES = ['received', 'in_review', 'info_requested', 'accepted', 'counter_noticed', 'action_filed', 'restored', 'rejected', 'withdrawn', 'lapsed'];

export function NoticeList({ me }: { me: Me }) {
  const path = useLocation();
  const state = searchParam(path, 'state');
  const listing = searchParam(path, 'listing_id');
  const [listingInput, setListingInput] = useState(listing);
  const [pages, setPages] = useState<Notice[][]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const first = useLoad(async () => {
    const r = await get<{ items: Notice[]; next_cursor: string | null }>(`/v1/notices${query({ state, listing_id: listing, limit: 50 })}`);
    setPages([r.items]);
    setCursor(r.next_cursor);
    return r;
  }, [state, listing]);
  const items = pages.flat();
  const setFilter = (k: string, v: string) => {
    const q = new URLSearchParams(path.split('?')[1] ?? '');
    if (v) q.set(k, v);
    else q.delete(k);
    navigate(`/rh${q.toString() ? `?${q}` : ''}`);
  };
  return (
    <>
      <div className="page-head">
        <h1>{t('rh.notices_title')}</h1>
        <Link to="/rh/new" className="button">
          {t('nav.file_notice')}
        </Link>
      </div>
      <form
        className="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setFilter('listing_id', listingInput.trim());
        }}
      >
        <Field label={t('notice.state')}>
          {(id) => (
            <select id={id} value={state} onChange={(e) => setFilter('state', e.target.value)}>
              <option value="">{t('common.all')}</option>
              {STATES.map((s) => (
                <option key={s} value={s}>
                  {t(`state.${s}` as MessageKey)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('notice.listing')}>{(id) => <input id={id} value={listingInput} onChange={(e) => setListingInput(e.target.value)} placeholder="TM-1001" />}</Field>
        <button type="submit" className="secondary">
          {t('common.filter')}
        </button>
      </form>
      {first.error ? (
        <ErrorMessage error={first.error} onRetry={first.reload} />
      ) : first.loading && !items.length ? (
        <Loading />
      ) : items.length === 0 ? (
        <Empty>{t('rh.no_notices')}</Empty>
      ) : (
        <div className="table-wrap">
          <table data-testid="notice-table" className="cards-on-phone">
            <caption className="sr-only">{t('rh.notices_title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('notice.id')}</th>
                <th scope="col">{t('notice.listing')}</th>
                <th scope="col">{t('notice.marketplace')}</th>
                <th scope="col">{t('notice.type')}</th>
                <th scope="col">{t('notice.state')}</th>
                <th scope="col">{t('notice.received')}</th>
                {me.visible_org_ids.length > 1 && <th scope="col">{t('notice.for')}</th>}
              </tr>
            </thead>
            <tbody>
              {items.map((n) => (
                <tr key={n.id}>
                  <td data-label={t('notice.id')}>
                    <Link to={`/notices/${n.id}`}>{n.id}</Link>
                  </td>
                  <td data-label={t('notice.listing')}>
                    {n.listing_id}
                    <div className="muted small">{n.snapshot?.title}</div>
                  </td>
                  <td data-label={t('notice.marketplace')}>{n.marketplace_id}</td>
                  <td data-label={t('notice.type')}>{t(`type.${n.infringement_type}` as MessageKey)}</td>
                  <td data-label={t('notice.state')}>
                    <StateBadge state={n.state} />
                  </td>
                  <td data-label={t('notice.received')}>{fmtDateTime(n.received_at)}</td>
                  {me.visible_org_ids.length > 1 && <td data-label={t('notice.for')}>{n.principal_org_id}</td>}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {cursor && (
        <button
          type="button"
          className="secondary"
          onClick={async () => {
            const r = await get<{ items: Notice[]; next_cursor: string | null }>(`/v1/notices${query({ state, listing_id: listing, limit: 50, cursor })}`);
            setPages((p) => [...p, r.items]);
            setCursor(r.next_cursor);
          }}
        >
          {t('common.load_more')}
        </button>
      )}
    </>
  );
}

const POINTER_LABELS: Record<string, MessageKey> = {
  '/explanation': 'form.explanation',
  '/evidence': 'form.evidence',
  '/work': 'form.work',
  '/signature': 'form.signature',
  '/location_url': 'form.location_url',
  '/listing_id': 'notice.listing',
  '/complainant/name': 'form.complainant_name',
  '/complainant/email': 'form.complainant_email',
  '/complainant/address': 'form.complainant_address',
  '/complainant/phone': 'form.complainant_phone',
  '/complainant/identity_document': 'form.identity_document',
  '/statements/good_faith': 'form.st_good_faith',
  '/statements/accurate': 'form.st_accurate',
  '/statements/under_penalty_of_perjury': 'form.st_perjury',
  '/statements/authorised': 'form.st_authorised',
  '/statements/bona_fide': 'form.st_bona_fide',
};

export function NoticeForm({ me }: { me: Me }) {
  const [d, setD] = useState<NoticeDraft>(() => ({ ...emptyDraft(), listing_id: searchParam(location.search, 'listing_id') }));
  const [listing, setListing] = useState<Listing | null>(null);
  const [listingError, setListingError] = useState<unknown>(null);
  const [regimes, setRegimes] = useState<Regime[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [touched, setTouched] = useState(false);
  const rights = useLoad(() => getAll<Right>('/v1/rights', 5), []);

  // Look the listing up as it is typed (debounced) to learn its marketplace's regime.
  useEffect(() => {
    const id = d.listing_id.trim();
    setListingError(null);
    if (!id) {
      setListing(null);
      setRegimes([]);
      return;
    }
    const timer = setTimeout(async () => {
      try {
        const l = await get<Listing>(`/v1/listings/${encodeURIComponent(id)}`);
        setListing(l);
        const r = await get<Regime>(`/v1/marketplaces/${encodeURIComponent(l.marketplace_id)}/regime`);
        setRegimes([r]);
      } catch (e) {
        setListing(null);
        setRegimes([]);
        setListingError(e);
      }
    }, 350);
    return () => clearTimeout(timer);
  }, [d.listing_id]);

  const required = useMemo(() => unionRequirements(regimes.map((r) => r.required_notice_fields)), [regimes]);
  const missing = missingFields(d, required);
  const requiredSet = new Set(required.map((r) => r.pointer));
  const serverField = error instanceof ApiError ? error.pointer : '';
  const errFor = (pointer: string) => {
    if (serverField === pointer && error instanceof ApiError) return error.detail;
    const m = missing.find((x) => x.pointer === pointer);
    return touched && m ? t('form.required_by', { citation: m.citation }) : undefined;
  };
  const set = <K extends keyof NoticeDraft>(k: K, v: NoticeDraft[K]) => setD((x) => ({ ...x, [k]: v }));
  const setC = (k: keyof NoticeDraft['complainant'], v: string) => setD((x) => ({ ...x, complainant: { ...x.complainant, [k]: v } }));
  const setS = (k: keyof NoticeDraft['statements'], v: boolean) => setD((x) => ({ ...x, statements: { ...x.statements, [k]: v } }));
  const verified = (rights.data ?? []).filter((r) => r.verification === 'verified');

  async function submit(e: FormEvent) {
    e.preventDefault();
    setTouched(true);
    setError(null);
    if (missing.length || !d.listing_id || !d.right_id) return;
    setBusy(true);
    try {
      const n = await post<Notice>('/v1/notices', toRequestBody(d));
      navigate(`/notices/${n.id}?filed=1`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const text = (pointer: string, key: keyof NoticeDraft, multiline = false, hint?: string) => (
    <Field label={t(POINTER_LABELS[pointer])} required={requiredSet.has(pointer)} error={errFor(pointer)} hint={hint}>
      {(id, desc) =>
        multiline ? (
          <textarea id={id} name={key} aria-describedby={desc} aria-invalid={!!errFor(pointer)} rows={3} value={d[key] as string} onChange={(e) => set(key, e.target.value as never)} />
        ) : (
          <input id={id} name={key} aria-describedby={desc} aria-invalid={!!errFor(pointer)} value={d[key] as string} onChange={(e) => set(key, e.target.value as never)} />
        )
      }
    </Field>
  );
  const comp = (pointer: string, key: keyof NoticeDraft['complainant'], type = 'text') => (
    <Field label={t(POINTER_LABELS[pointer])} required={requiredSet.has(pointer)} error={errFor(pointer)}>
      {(id, desc) => <input id={id} name={`complainant.${key}`} type={type} aria-describedby={desc} aria-invalid={!!errFor(pointer)} value={d.complainant[key]} onChange={(e) => setC(key, e.target.value)} />}
    </Field>
  );

  return (
    <form className="notice-form" onSubmit={submit} noValidate aria-labelledby="nf-title">
      <h1 id="nf-title">{t('rh.new_notice')}</h1>
      <div className="two-col">
        <Section title={t('form.what')}>
          <Field label={t('notice.listing')} required error={listingError ? t('form.listing_unknown') : serverField === '/listing_id' ? (error as ApiError).detail : undefined} hint={listing ? `${listing.title} · ${listing.marketplace_id} · ${fmtMoney(listing.price)}` : t('form.listing_hint')}>
            {(id, desc) => <input id={id} name="listing_id" aria-describedby={desc} value={d.listing_id} onChange={(e) => set('listing_id', e.target.value)} autoComplete="off" />}
          </Field>
          <Field label={t('form.right')} required error={touched && !d.right_id ? t('form.choose_right') : serverField === '/right_id' ? (error as ApiError).detail : undefined}>
            {(id, desc) => (
              <select id={id} name="right_id" aria-describedby={desc} value={d.right_id} onChange={(e) => set('right_id', e.target.value)}>
                <option value="">{rights.loading ? t('common.loading') : t('form.choose_right')}</option>
                {verified.map((r) => (
                  <option key={r.id} value={r.id}>
                    {r.id} — {r.mark || r.works?.[0]?.title || r.type} ({t(`right.${r.type}` as MessageKey)})
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('notice.type')} required>
            {(id) => (
              <select id={id} name="infringement_type" value={d.infringement_type} onChange={(e) => set('infringement_type', e.target.value)}>
                {['counterfeit', 'trademark', 'copyright', 'design', 'piracy'].map((x) => (
                  <option key={x} value={x}>
                    {t(`type.${x}` as MessageKey)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {me.may_file_for.length > 1 && (
            <Field label={t('form.on_behalf_of')} required={me.role === 'agent'}>
              {(id) => (
                <select id={id} value={d.on_behalf_of} onChange={(e) => set('on_behalf_of', e.target.value)}>
                  <option value="">{me.org_id}</option>
                  {me.may_file_for
                    .filter((o) => o !== me.org_id)
                    .map((o) => (
                      <option key={o} value={o}>
                        {o}
                      </option>
                    ))}
                </select>
              )}
            </Field>
          )}
          {text('/explanation', 'explanation', true)}
          {text('/evidence', 'evidence', true, t('form.evidence_hint'))}
          {text('/work', 'work')}
          {text('/location_url', 'location_url', false, t('form.location_hint'))}
        </Section>
        <Section title={t('form.who')}>
          {comp('/complainant/name', 'name')}
          {comp('/complainant/email', 'email', 'email')}
          {comp('/complainant/address', 'address')}
          {comp('/complainant/phone', 'phone', 'tel')}
          {comp('/complainant/identity_document', 'identity_document')}
          {text('/signature', 'signature')}
          <fieldset className="statements">
            <legend>{t('form.statements')}</legend>
            {(['good_faith', 'accurate', 'under_penalty_of_perjury', 'authorised', 'bona_fide'] as const).map((k) => {
              const pointer = `/statements/${k}`;
              const err = errFor(pointer);
              return (
                <label key={k} className={`check${err ? ' invalid' : ''}`}>
                  <input type="checkbox" name={`statements.${k}`} checked={d.statements[k]} onChange={(e) => setS(k, e.target.checked)} aria-invalid={!!err} />
                  <span>
                    {t(POINTER_LABELS[pointer])}
                    {requiredSet.has(pointer) && <span className="required"> *</span>}
                    {err && <small className="field-error"> {err}</small>}
                  </span>
                </label>
              );
            })}
          </fieldset>
        </Section>
      </div>
      <div className="regime-box" aria-live="polite" data-testid="regime-requirements">
        {regimes.length === 0 ? (
          <p className="muted">{t('form.regime_unknown')}</p>
        ) : (
          <>
            <p>
              <strong>{regimes.map((r) => r.name).join(' + ')}</strong> — {missing.length === 0 ? t('form.all_present') : t('form.still_missing', { n: missing.length })}
            </p>
            {missing.length > 0 && (
              <ul>
                {missing.map((m) => (
                  <li key={m.pointer}>
                    {t(POINTER_LABELS[m.pointer] ?? 'form.field')} — <span className="muted">{m.citation}</span>
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </div>
      <ErrorMessage error={error} />
      <div className="actions">
        <button type="submit" disabled={busy}>
          {busy ? t('common.working') : t('form.submit_notice')}
        </button>
      </div>
    </form>
  );
}

const SAMPLE_CSV = `listing_id,right_id,infringement_type,explanation,evidence,complainant.name,complainant.email,complainant.identity_document,statements.good_faith,statements.accurate
TM-1002,rgt-aurora-tm,counterfeit,Counterfeit AURORA goods,test-buy 2026-01,Aurora Appliances legal,legal@aurora.example,Company no. 01234567,true,true
`;

export function BulkUpload({ me }: { me: Me }) {
  const [csv, setCsv] = useState('');
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const preview = csv.trim() ? previewCsv(csv) : null;

  useEffect(() => {
    if (!job || job.state === 'done' || job.state === 'failed') return;
    const timer = setTimeout(async () => {
      try {
        setJob(await get<Job>(`/v1/jobs/${job.id}`));
      } catch (e) {
        setError(e);
      }
    }, 500);
    return () => clearTimeout(timer);
  }, [job]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setJob(null);
    setBusy(true);
    try {
      setJob(await request<Job>('POST', '/v1/notices/bulk', { body: csv, contentType: 'text/csv' }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  const pct = job ? Math.round((job.total ? job.processed / job.total : job.progress || 0) * 100) : 0;
  return (
    <>
      <h1>{t('rh.bulk_title')}</h1>
      <p className="muted">{t('rh.bulk_intro')}</p>
      <form onSubmit={submit} className="card">
        <Field label={t('rh.bulk_file')}>
          {(id) => (
            <input
              id={id}
              type="file"
              accept=".csv,text/csv"
              onChange={async (e) => {
                const f = e.target.files?.[0];
                if (f) setCsv(await f.text());
              }}
            />
          )}
        </Field>
        <Field label={t('rh.bulk_text')} hint={t('rh.bulk_hint')}>
          {(id, desc) => <textarea id={id} aria-describedby={desc} rows={8} className="mono" value={csv} onChange={(e) => setCsv(e.target.value)} placeholder={SAMPLE_CSV} />}
        </Field>
        {preview && (
          <div className="preview" aria-live="polite" data-testid="csv-preview">
            <p>{t('rh.bulk_rows', { n: preview.rows })}</p>
            {preview.missingListingId && <p className="field-error">{t('rh.bulk_no_listing_column')}</p>}
            {preview.unknownColumns.length > 0 && <p className="field-error">{t('rh.bulk_unknown_columns', { cols: preview.unknownColumns.join(', ') })}</p>}
            {preview.emptyListingRows.length > 0 && <p className="warn">{t('rh.bulk_empty_rows', { rows: preview.emptyListingRows.join(', ') })}</p>}
          </div>
        )}
        <ErrorMessage error={error} />
        <div className="actions">
          <button type="submit" disabled={busy || !csv.trim() || !!preview?.missingListingId}>
            {t('rh.bulk_submit')}
          </button>
          {me.may_file_for.length > 1 && <span className="muted small">{t('rh.bulk_on_behalf')}</span>}
        </div>
      </form>
      {job && (
        <Section title={t('rh.bulk_job', { id: job.id })}>
          <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} aria-label={t('rh.bulk_progress')}>
            <span style={{ width: `${pct}%` }} />
          </div>
          <p data-testid="bulk-summary">
            {t('rh.bulk_summary', { processed: job.processed, total: job.total, ok: job.succeeded, failed: job.failed })} · <StateBadge state={job.state} />
          </p>
          {job.error && <p className="field-error">{job.error}</p>}
          {job.results && job.results.length > 0 && (
            <div className="table-wrap">
              <table data-testid="bulk-results">
                <thead>
                  <tr>
                    <th scope="col">{t('rh.bulk_row')}</th>
                    <th scope="col">{t('rh.bulk_line')}</th>
                    <th scope="col">{t('rh.bulk_result')}</th>
                    <th scope="col">{t('rh.bulk_detail')}</th>
                  </tr>
                </thead>
                <tbody>
                  {job.results.map((r) => (
                    <tr key={r.row} className={r.status === 'error' ? 'row-error' : ''}>
                      <td>{r.row}</td>
                      <td>{r.line}</td>
                      <td>{r.status === 'created' ? t('rh.bulk_created') : t('rh.bulk_error')}</td>
                      <td>
                        {r.notice_id ? <Link to={`/notices/${r.notice_id}`}>{r.notice_id}</Link> : null}
                        {r.error && (
                          <span>
                            {r.error}
                            {r.field && <span className="muted"> ({r.field})</span>}
                          </span>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Section>
      )}
    </>
  );
}

function LegalActionForm({ cn, onDone }: { cn: CounterNotice; onDone: () => void }) {
  const [court, setCourt] = useState('');
  const [caseNo, setCaseNo] = useState('');
  const [filedOn, setFiledOn] = useState('');
  const [kind, setKind] = useState('lawsuit');
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (!file) throw new ApiError(422, 'invalid_argument', t('rh.legal_file_needed'), [{ pointer: '/document_sha256', detail: '' }]);
      const blob: BlobRef = await uploadBlob(file, 'legal_action');
      await post(`/v1/counter-notices/${cn.id}/legal-action`, { kind, court, case_number: caseNo, filed_on: filedOn, document_sha256: blob.sha256 });
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <form onSubmit={submit} className="inline-form" aria-label={t('rh.legal_action')}>
      <Field label={t('rh.legal_kind')}>
        {(id) => (
          <select id={id} value={kind} onChange={(e) => setKind(e.target.value)}>
            <option value="lawsuit">{t('rh.lawsuit')}</option>
            <option value="complaint">{t('rh.complaint')}</option>
          </select>
        )}
      </Field>
      <Field label={t('rh.court')} required>
        {(id) => <input id={id} value={court} onChange={(e) => setCourt(e.target.value)} />}
      </Field>
      <Field label={t('rh.case_number')} required>
        {(id) => <input id={id} value={caseNo} onChange={(e) => setCaseNo(e.target.value)} />}
      </Field>
      <Field label={t('rh.filed_on')} required>
        {(id) => <input id={id} type="date" value={filedOn} onChange={(e) => setFiledOn(e.target.value)} />}
      </Field>
      <Field label={t('rh.filing')} required>
        {(id) => <input id={id} type="file" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />}
      </Field>
      <ErrorMessage error={error} />
      <button type="submit" disabled={busy}>
        {t('rh.report_legal_action')}
      </button>
    </form>
  );
}

export function CounterNoticeCard({ cn, onChange }: { cn: CounterNotice; onChange: () => void }) {
  const [open, setOpen] = useState(false);
  return (
    <article className="card counter-notice" data-testid="counter-notice">
      <header className="card-head">
        <h3>
          <Link to={`/notices/${cn.notice_id}`}>{cn.notice_id}</Link> · {cn.seller_id} · {cn.marketplace_id}
        </h3>
        <StateBadge state={cn.state} />
      </header>
      <blockquote>{cn.body?.statement}</blockquote>
      {cn.state === 'pending' ? (
        <>
          <Countdown deadline={cn.restore_at} start={cn.forwarded_at || cn.received_at} label={t('rh.restored_in')} />
          <p className="muted small">{t('rh.restore_explain', { at: fmtDateTime(cn.restore_at) })}</p>
          <button type="button" className="secondary" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
            {t('rh.report_legal_action')}
          </button>
          {open && (
            <LegalActionForm
              cn={cn}
              onDone={() => {
                setOpen(false);
                onChange();
              }}
            />
          )}
        </>
      ) : (
        <p>{cn.state === 'restored' ? t('rh.cn_restored', { at: fmtDateTime(cn.closed_at) }) : t('rh.cn_action_filed')}</p>
      )}
    </article>
  );
}

export function CounterNoticesToAnswer() {
  const [state, setState] = useState('pending');
  const list = useLoad(() => getAll<CounterNotice>(`/v1/counter-notices${query({ state })}`, 5), [state]);
  return (
    <>
      <div className="page-head">
        <h1>{t('rh.cn_title')}</h1>
        <Field label={t('notice.state')}>
          {(id) => (
            <select id={id} value={state} onChange={(e) => setState(e.target.value)}>
              <option value="pending">{t('state.pending')}</option>
              <option value="restored">{t('state.restored')}</option>
              <option value="action_filed">{t('state.action_filed')}</option>
              <option value="">{t('common.all')}</option>
            </select>
          )}
        </Field>
      </div>
      <Async value={list}>{(items) => (items.length === 0 ? <Empty>{t('rh.cn_none')}</Empty> : <div className="stack">{items.map((c) => <CounterNoticeCard key={c.id} cn={c} onChange={list.reload} />)}</div>)}</Async>
    </>
  );
}

function CertificateUpload({ right, onDone }: { right: Right; onDone: () => void }) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  return (
    <div className="inline-form">
      <Field label={t('rh.upload_certificate')}>
        {(id) => (
          <input
            id={id}
            type="file"
            disabled={busy}
            onChange={async (e) => {
              const f = e.target.files?.[0];
              if (!f) return;
              setBusy(true);
              setError(null);
              try {
                const b = await uploadBlob(f, 'certificate');
                await post(`/v1/rights/${right.id}/certificates`, { sha256: b.sha256 });
                onDone();
              } catch (err) {
                setError(err);
              } finally {
                setBusy(false);
              }
            }}
          />
        )}
      </Field>
      {busy && <Loading label={t('common.uploading')} />}
      <ErrorMessage error={error} />
    </div>
  );
}

function NewRightForm({ onDone }: { onDone: () => void }) {
  const [type, setType] = useState('trademark');
  const [mark, setMark] = useState('');
  const [reg, setReg] = useState('');
  const [office, setOffice] = useState('');
  const [title, setTitle] = useState('');
  const [error, setError] = useState<unknown>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      const body: Record<string, unknown> = { type };
      if (type !== 'copyright') Object.assign(body, { mark, registration_number: reg, office });
      else body.works = [{ title }];
      await post('/v1/rights', body);
      onDone();
    } catch (err) {
      setError(err);
    }
  }
  return (
    <form onSubmit={submit} className="inline-form" aria-label={t('rh.new_right')}>
      <Field label={t('rh.right_type')}>
        {(id) => (
          <select id={id} value={type} onChange={(e) => setType(e.target.value)}>
            <option value="trademark">{t('right.trademark')}</option>
            <option value="copyright">{t('right.copyright')}</option>
            <option value="design">{t('right.design')}</option>
          </select>
        )}
      </Field>
      {type === 'copyright' ? (
        <Field label={t('rh.work_title')}>{(id) => <input id={id} value={title} onChange={(e) => setTitle(e.target.value)} />}</Field>
      ) : (
        <>
          <Field label={t('rh.mark')}>{(id) => <input id={id} value={mark} onChange={(e) => setMark(e.target.value)} />}</Field>
          <Field label={t('rh.registration_number')}>{(id) => <input id={id} value={reg} onChange={(e) => setReg(e.target.value)} />}</Field>
          <Field label={t('rh.office')}>{(id) => <input id={id} value={office} onChange={(e) => setOffice(e.target.value)} placeholder="CNIPA" />}</Field>
        </>
      )}
      <ErrorMessage error={error} />
      <button type="submit">{t('rh.register_right')}</button>
    </form>
  );
}

// Where the right stands with the platform's reviewers, and what to do next.
function VerificationStatus({ r }: { r: Right }) {
  if (r.verification === 'rejected')
    return (
      <div className="error" role="note" data-testid="verification-status">
        <span>
          <strong>{t('rh.rejection_reason')}:</strong> {r.rejection_reason || '—'} <span className="small">{t('rh.rejected_next')}</span>
        </span>
      </div>
    );
  if (r.verification === 'verified')
    return (
      <p className="success small" data-testid="verification-status">
        {r.verified_at ? t('rh.verified_on', { at: fmtDate(r.verified_at) }) : t('state.verified')}
      </p>
    );
  return (
    <p className="notice-info small" data-testid="verification-status">
      {r.certificates?.length ? t('rh.verification_pending') : t('rh.verification_needs_certificate')}
    </p>
  );
}

export function RightsScreen({ me }: { me: Me }) {
  const rights = useLoad(() => getAll<Right>('/v1/rights', 5), []);
  const [adding, setAdding] = useState(false);
  return (
    <>
      <div className="page-head">
        <h1>{t('rh.rights_title')}</h1>
        {me.role === 'rights_holder' && (
          <button type="button" className="secondary" aria-expanded={adding} onClick={() => setAdding((a) => !a)}>
            {t('rh.new_right')}
          </button>
        )}
      </div>
      {adding && (
        <NewRightForm
          onDone={() => {
            setAdding(false);
            rights.reload();
          }}
        />
      )}
      <Async value={rights}>
        {(items) =>
          items.length === 0 ? (
            <Empty>{t('rh.no_rights')}</Empty>
          ) : (
            <div className="stack">
              {items.map((r) => (
                <article className="card" key={r.id}>
                  <header className="card-head">
                    <h3>
                      {r.mark || r.works?.map((w) => w.title).join(', ') || r.id} <span className="muted">· {r.id}</span>
                    </h3>
                    <StateBadge state={r.verification} />
                  </header>
                  <VerificationStatus r={r} />
                  <KeyValues
                    rows={[
                      [t('rh.right_type'), t(`right.${r.type}` as MessageKey)],
                      [t('rh.registration_number'), r.registration_number || '—'],
                      [t('rh.office'), r.office || '—'],
                      [t('rh.territories'), r.territories?.join(', ') || '—'],
                      [t('rh.certificates'), <CertificateLinks key="c" right={r} />],
                    ]}
                  />
                  {me.role === 'rights_holder' && r.org_id === me.org_id && <CertificateUpload right={r} onDone={rights.reload} />}
                </article>
              ))}
            </div>
          )
        }
      </Async>
    </>
  );
}

const lines = (a: string[] | undefined) => (a ?? []).join('\n');
const unlines = (s: string) =>
  s
    .split('\n')
    .map((x) => x.trim())
    .filter(Boolean);

export function ProtectionData({ me }: { me: Me }) {
  const [org, setOrg] = useState(me.org_id);
  const p = useLoad(() => get<Protection>(`/v1/organisations/${encodeURIComponent(org)}/protection`), [org]);
  const [form, setForm] = useState<Record<string, string>>({});
  const [products, setProducts] = useState<{ name: string; terms: string; msrp: string; currency: string }[]>([]);
  const [images, setImages] = useState<string[]>([]);
  const [server, setServer] = useState<Protection>();
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState('');
  useEffect(() => {
    if (!p.data) return;
    setServer(p.data);
    setForm({
      brand_terms: lines(p.data.brand_terms),
      categories: lines(p.data.categories),
      authorized_sellers: lines(p.data.authorized_sellers),
      isbn_prefixes: lines(p.data.isbn_prefixes),
    });
    setProducts(
      (p.data.products ?? []).map((x) => {
        // Stored as {"msrp": 429, "currency": "USD"}; the catalogue form {"msrp": {amount, currency}} too.
        const m = typeof x.msrp === 'number' ? { amount: x.msrp, currency: x.currency || 'USD' } : x.msrp;
        return { name: x.name, terms: (x.terms ?? []).join(', '), msrp: m ? String(m.amount) : '', currency: m?.currency ?? 'USD' };
      }),
    );
    setImages(p.data.reference_images ?? []);
  }, [p.data]);
  async function save(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setSaved('');
    try {
      await put(`/v1/organisations/${encodeURIComponent(org)}/protection`, {
        ...(server as object),
        brand_terms: unlines(form.brand_terms ?? ''),
        categories: unlines(form.categories ?? ''),
        authorized_sellers: unlines(form.authorized_sellers ?? ''),
        isbn_prefixes: unlines(form.isbn_prefixes ?? ''),
        reference_images: images,
        products: products
          .filter((x) => x.name.trim())
          .map((x) => ({
            name: x.name.trim(),
            terms: x.terms.split(',').map((s) => s.trim()).filter(Boolean),
            ...(x.msrp.trim() ? { msrp: { amount: Number(x.msrp), currency: x.currency || 'USD' } } : {}),
          })),
      });
      setSaved(t('rh.protection_saved'));
      p.reload();
    } catch (err) {
      setError(err);
    }
  }
  const area = (k: string, label: MessageKey, hint?: MessageKey) => (
    <Field label={t(label)} hint={hint ? t(hint) : undefined}>
      {(id, desc) => <textarea id={id} aria-describedby={desc} rows={4} value={form[k] ?? ''} onChange={(e) => setForm((f) => ({ ...f, [k]: e.target.value }))} />}
    </Field>
  );
  return (
    <>
      <div className="page-head">
        <h1>{t('rh.protection_title')}</h1>
        {me.visible_org_ids.length > 1 && (
          <Field label={t('notice.for')}>
            {(id) => (
              <select id={id} value={org} onChange={(e) => setOrg(e.target.value)}>
                {me.visible_org_ids.map((o) => (
                  <option key={o}>{o}</option>
                ))}
              </select>
            )}
          </Field>
        )}
      </div>
      <p className="muted">{t('rh.protection_intro')}</p>
      <Async value={p}>
        {(data) => (
          <form onSubmit={save}>
            <div className="two-col">
              <Section title={t('rh.terms_and_categories')}>
                {area('brand_terms', 'rh.brand_terms', 'common.one_per_line')}
                {area('categories', 'rh.categories', 'common.one_per_line')}
                {area('authorized_sellers', 'rh.authorized_sellers', 'common.one_per_line')}
                {area('isbn_prefixes', 'rh.isbn_prefixes', 'common.one_per_line')}
              </Section>
              <div>
                <Section title={t('rh.products')}>
                  {products.length === 0 && <Empty>{t('rh.no_products')}</Empty>}
                  {products.map((x, i) => (
                    <fieldset key={i} className="product-row">
                      <legend className="sr-only">{t('rh.product_n', { n: i + 1 })}</legend>
                      <Field label={t('rh.product_name')}>{(id) => <input id={id} value={x.name} onChange={(e) => setProducts((ps) => ps.map((q, j) => (j === i ? { ...q, name: e.target.value } : q)))} />}</Field>
                      <Field label={t('rh.product_terms')}>{(id) => <input id={id} value={x.terms} onChange={(e) => setProducts((ps) => ps.map((q, j) => (j === i ? { ...q, terms: e.target.value } : q)))} />}</Field>
                      <Field label={t('rh.msrp')}>{(id) => <input id={id} inputMode="decimal" value={x.msrp} onChange={(e) => setProducts((ps) => ps.map((q, j) => (j === i ? { ...q, msrp: e.target.value } : q)))} />}</Field>
                      <Field label={t('rh.currency')}>{(id) => <input id={id} maxLength={3} value={x.currency} onChange={(e) => setProducts((ps) => ps.map((q, j) => (j === i ? { ...q, currency: e.target.value.toUpperCase() } : q)))} />}</Field>
                      <button type="button" className="link-button" onClick={() => setProducts((ps) => ps.filter((_, j) => j !== i))}>
                        {t('common.remove')}
                      </button>
                    </fieldset>
                  ))}
                  <button type="button" className="secondary small" onClick={() => setProducts((ps) => [...ps, { name: '', terms: '', msrp: '', currency: 'USD' }])}>
                    {t('rh.add_product')}
                  </button>
                </Section>
                {server && (
                  <ReferencePhotos
                    org={org}
                    images={images}
                    mayEdit={me.role === 'rights_holder' || me.role === 'agent' || me.role === 'admin'}
                    save={async (next) => {
                      const r = await put<Protection>(`/v1/organisations/${encodeURIComponent(org)}/protection`, { ...server, reference_images: next });
                      setServer(r);
                      setImages(r.reference_images ?? []);
                    }}
                  />
                )}
              </div>
            </div>
            <p className="muted small">{t('rh.updated_at', { at: fmtDateTime(data.updated_at) })}</p>
            <ErrorMessage error={error} />
            <Toast message={saved} />
            <div className="actions">
              <button type="submit">{t('common.save')}</button>
            </div>
          </form>
        )}
      </Async>
      <IsbnCatalogue org={org} />
    </>
  );
}

// The genuine product photos screening compares listing photos with: each
// with its quality as fingerprinted (from the bank's CSV export); photos
// below quality 50 are too plain to match and are not used. Adding or
// removing one saves at once (the rest of the form is left as it is).
function ReferencePhotos({ org, images, mayEdit, save }: { org: string; images: string[]; mayEdit: boolean; save: (next: string[]) => Promise<void> }) {
  const quality = useLoad(async () => {
    if (!images.length) return new Map<string, ReferenceQuality>();
    const banks = await get<{ items: { id: string }[] }>('/v1/photo-banks');
    const bank = banks.items.find((b) => b.id === `reference:${org}`);
    if (!bank) return new Map<string, ReferenceQuality>();
    return referenceQualities(await getText(`/v1/photo-banks/${encodeURIComponent(bank.id)}/export`));
  }, [org, images.join(',')]);
  const [busy, setBusy] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [toast, setToast] = useState('');
  const [fileKey, setFileKey] = useState(0);
  async function change(next: string[], done: string, what: string) {
    setBusy(what);
    setError(null);
    setToast('');
    try {
      await save(next);
      setToast(done);
    } catch (err) {
      setError(err);
    } finally {
      setBusy('');
    }
  }
  return (
    <Section title={t('rh.reference_images')}>
      <div data-testid="reference-photos">
        <p className="muted small">{t('photos.reference_intro')}</p>
        <Toast message={toast} />
        {images.length === 0 ? (
          <Empty>{t('photos.no_references')}</Empty>
        ) : (
          <ul className="reference-grid plain">
            {images.map((sha, i) => {
              const q = quality.data?.get(sha);
              return (
                <li key={sha} className="reference-item" data-testid="reference-photo-item">
                  <img src={`/v1/blobs/${sha}`} alt={q?.label || t('photos.reference_n', { n: i + 1 })} className="thumb" loading="lazy" />
                  <div className="small">
                    <div className="reference-label">{q?.label || t('photos.reference_n', { n: i + 1 })}</div>
                    {quality.loading && !quality.data ? (
                      <span className="muted">{t('common.loading')}</span>
                    ) : quality.error ? (
                      <span className="muted">{t('photos.quality_unknown')}</span>
                    ) : q ? (
                      <span data-testid="reference-quality" className={q.indexed ? '' : 'warn'}>
                        {t('photos.quality', { q: q.quality })} · {q.indexed ? t('photos.indexed') : t('photos.not_indexed')}
                      </span>
                    ) : (
                      <span className="warn">{t('photos.no_fingerprint')}</span>
                    )}
                  </div>
                  {mayEdit && (
                    <button type="button" className="link-button small" disabled={!!busy} onClick={() => change(images.filter((x) => x !== sha), t('photos.removed'), sha)}>
                      {t('photos.remove_n', { n: i + 1 })}
                    </button>
                  )}
                </li>
              );
            })}
          </ul>
        )}
        {mayEdit && (
          <Field label={t('rh.add_reference_image')} hint={t('photos.upload_hint')}>
            {(id, d) => (
              <input
                key={fileKey}
                id={id}
                type="file"
                accept="image/jpeg,image/png,image/webp"
                aria-describedby={d}
                disabled={!!busy}
                onChange={async (e) => {
                  const f = e.target.files?.[0];
                  if (!f) return;
                  setBusy('upload');
                  setError(null);
                  try {
                    const b = await uploadBlob(f, 'reference_photo');
                    if (images.includes(b.sha256)) setToast(t('photos.already_registered'));
                    else await change([...images, b.sha256], t('photos.added'), 'upload');
                  } catch (err) {
                    setError(err);
                  } finally {
                    setBusy('');
                    setFileKey((k) => k + 1);
                  }
                }}
              />
            )}
          </Field>
        )}
        {busy && <Loading label={busy === 'upload' ? t('photos.fingerprinting') : t('common.loading')} />}
        <ErrorMessage error={error} />
        {quality.error ? <ErrorMessage error={quality.error} onRetry={quality.reload} /> : null}
      </div>
    </Section>
  );
}

// The works of the organisation's copyright registrations with their ISBNs
// and list prices: the catalogue screening checks listings against. Works
// are registered with the right (IP rights), its ISBN prefixes above.
function IsbnCatalogue({ org }: { org: string }) {
  const rights = useLoad(() => getAll<Right>(`/v1/rights${query({ org_id: org })}`, 5), [org]);
  const works = (rights.data ?? []).flatMap((r) => (r.works ?? []).map((w) => ({ ...w, right: r })));
  if (rights.data && works.length === 0) return null;
  return (
    <Section title={t('rh.isbn_catalogue')}>
      <p className="muted small">{t('rh.isbn_catalogue_hint')}</p>
      <Async value={rights}>
        {() => (
          <div className="table-wrap">
            <table className="cards-on-phone" data-testid="isbn-catalogue">
              <thead>
                <tr>
                  <th scope="col">{t('rh.work_title')}</th>
                  <th scope="col">ISBN</th>
                  <th scope="col">{t('rh.list_price')}</th>
                  <th scope="col">{t('form.right')}</th>
                </tr>
              </thead>
              <tbody>
                {works.map((w, i) => (
                  <tr key={`${w.right.id}-${i}`}>
                    <td data-label={t('rh.work_title')}>{w.title}</td>
                    <td data-label="ISBN"><code>{w.isbn || '—'}</code></td>
                    <td data-label={t('rh.list_price')}>{w.list_price ? fmtMoney({ amount: w.list_price, currency: w.currency ?? 'USD' }) : '—'}</td>
                    <td data-label={t('form.right')}>
                      {w.right.id} <StateBadge state={w.right.verification} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Async>
    </Section>
  );
}

const AGENT_POINTERS: Record<string, 'agent_org_id' | 'document' | 'valid_until'> = {
  '/agent_org_id': 'agent_org_id',
  '/document_sha256': 'document',
  '/valid_until': 'valid_until',
};

// Authorise an agency to file for the organisation (POST /v1/authorisations
// with the signed authorisation document uploaded first).
function AuthoriseAgentForm({ me, onDone }: { me: Me; onDone: (msg: string) => void }) {
  const [agent, setAgent] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [until, setUntil] = useState('');
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [fileKey, setFileKey] = useState(0);
  const problems = agentProblems({ agent_org_id: agent, document: !!file, valid_until: until }, me.org_id, serverNow());
  const serverField = error instanceof ApiError ? AGENT_POINTERS[error.pointer] : undefined;
  const errFor = (k: 'agent_org_id' | 'document' | 'valid_until') => {
    if (serverField === k && error instanceof ApiError) return error.detail;
    const p = problems[k];
    return p && touched.has(k) ? t(`agents.problem_${p}` as MessageKey) : undefined;
  };
  const touch = (k: string) => setTouched((s) => new Set(s).add(k));
  async function submit(e: FormEvent) {
    e.preventDefault();
    setTouched(new Set(['agent_org_id', 'document', 'valid_until']));
    setError(null);
    if (Object.keys(problems).length || !file) return;
    setBusy(true);
    try {
      const doc = await uploadBlob(file, 'authorisation');
      const a = await post<AgentAuthorisation>('/v1/authorisations', {
        agent_org_id: agent.trim(),
        document_sha256: doc.sha256,
        ...(until ? { valid_until: endOfDay(until) } : {}),
      });
      setAgent('');
      setFile(null);
      setUntil('');
      setTouched(new Set());
      setFileKey((k) => k + 1);
      onDone(t('agents.authorised', { agent: a.agent_org_id }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <form onSubmit={submit} noValidate className="authorise-agent" aria-labelledby="authorise-agent" data-testid="authorise-agent">
      <h3 id="authorise-agent">{t('agents.authorise_title')}</h3>
      <p className="muted small">{t('agents.authorise_intro')}</p>
      <Field label={t('agents.agent_org')} required error={errFor('agent_org_id')} hint={t('agents.agent_org_hint')}>
        {(id, d) => <input id={id} name="agent_org_id" aria-describedby={d} aria-invalid={!!errFor('agent_org_id')} value={agent} autoComplete="off" onChange={(e) => { setAgent(e.target.value); touch('agent_org_id'); if (serverField === 'agent_org_id') setError(null); }} />}
      </Field>
      <Field label={t('agents.document')} required error={errFor('document')} hint={t('agents.document_hint')}>
        {(id, d) => <input key={fileKey} id={id} name="document" type="file" aria-describedby={d} aria-invalid={!!errFor('document')} onChange={(e) => { setFile(e.target.files?.[0] ?? null); touch('document'); }} />}
      </Field>
      <Field label={t('agents.valid_until')} error={errFor('valid_until')} hint={t('agents.valid_until_hint')}>
        {(id, d) => <input id={id} name="valid_until" type="date" aria-describedby={d} aria-invalid={!!errFor('valid_until')} value={until} onChange={(e) => { setUntil(e.target.value); touch('valid_until'); if (serverField === 'valid_until') setError(null); }} />}
      </Field>
      <ErrorMessage error={serverField ? null : error} />
      <div className="actions">
        <button type="submit" disabled={busy}>
          {busy ? t('common.uploading') : t('agents.authorise')}
        </button>
      </div>
    </form>
  );
}

function AgentsSection({ me }: { me: Me }) {
  const auths = useLoad(() => get<{ items: AgentAuthorisation[] }>('/v1/authorisations'), []);
  const [confirming, setConfirming] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [toast, setToast] = useState('');
  const now = useNow(60_000);
  const mayGrant = me.role === 'rights_holder';
  async function revoke(a: AgentAuthorisation) {
    setError(null);
    setToast('');
    try {
      await request('DELETE', `/v1/authorisations/${encodeURIComponent(a.id)}`);
      setConfirming('');
      setToast(t('agents.revoked_done', { agent: a.agent_org_id }));
      auths.reload();
    } catch (err) {
      setError(err);
    }
  }
  return (
    <Section title={t('rh.agents')}>
      <Toast message={toast} />
      <ErrorMessage error={error} />
      <Async value={auths}>
        {(a) =>
          a.items.length === 0 ? (
            <Empty>{t('rh.no_agents')}</Empty>
          ) : (
            <div className="table-wrap">
              <table className="cards-on-phone" data-testid="authorisations">
                <thead>
                  <tr>
                    <th scope="col">{t('agents.agent_org')}</th>
                    <th scope="col">{t('agents.principal')}</th>
                    <th scope="col">{t('agents.valid_until')}</th>
                    <th scope="col">{t('admin.status')}</th>
                    <th scope="col">{t('agents.document')}</th>
                    <th scope="col"><span className="sr-only">{t('agents.actions')}</span></th>
                  </tr>
                </thead>
                <tbody>
                  {a.items.map((x) => {
                    const status = authorisationStatus(x, now);
                    const mine = mayGrant && x.principal_org_id === me.org_id;
                    return (
                      <tr key={x.id}>
                        <td data-label={t('agents.agent_org')}><strong>{x.agent_org_id}</strong></td>
                        <td data-label={t('agents.principal')}>{x.principal_org_id}</td>
                        <td data-label={t('agents.valid_until')}>{x.valid_until ? fmtDate(x.valid_until) : t('rh.no_end')}</td>
                        <td data-label={t('admin.status')}><span className={`badge auth-${status}`}>{t(`agents.status_${status}` as MessageKey)}</span></td>
                        <td data-label={t('agents.document')}>
                          <a href={`/v1/blobs/${x.document_sha256}`} target="_blank" rel="noopener">{t('agents.open_document')}</a>
                        </td>
                        <td data-label={t('agents.actions')}>
                          {mine && status !== 'revoked' && (confirming === x.id ? (
                            <span className="confirm-inline" role="group" aria-label={t('agents.revoke_confirm', { agent: x.agent_org_id })}>
                              <span className="small">{t('agents.revoke_confirm', { agent: x.agent_org_id })}</span>
                              <button type="button" className="danger small" onClick={() => revoke(x)} autoFocus>{t('agents.revoke')}</button>
                              <button type="button" className="secondary small" onClick={() => setConfirming('')}>{t('common.cancel')}</button>
                            </span>
                          ) : (
                            <button type="button" className="link-button" onClick={() => setConfirming(x.id)}>
                              {t('agents.revoke_agent', { agent: x.agent_org_id })}
                            </button>
                          ))}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )
        }
      </Async>
      {mayGrant && <AuthoriseAgentForm me={me} onDone={(msg) => { setToast(msg); auths.reload(); }} />}
    </Section>
  );
}

export function OrganisationScreen({ me }: { me: Me }) {
  const org = useLoad(() => get<Organisation>(`/v1/organisations/${encodeURIComponent(me.org_id)}`), [me.org_id]);
  const users = useLoad(() => getAll<{ id: string; email: string; name: string; role: string }>('/v1/users', 3), []);
  return (
    <>
      <h1>{t('rh.org_title')}</h1>
      <div className="two-col">
        <div>
          <Section title={t('rh.org_details')}>
            <Async value={org}>
              {(o) => (
                <KeyValues
                  rows={[
                    [t('rh.org_name'), o.name],
                    [t('rh.org_kind'), o.kind],
                    [t('rh.contact'), o.contact_email || '—'],
                    [t('rh.country'), o.country || '—'],
                    [t('rh.standing'), <StateBadge key="s" state={o.standing} />],
                    [t('rh.trusted_flagger'), o.trusted_flagger ? t('common.yes') : t('common.no')],
                    ...(o.member_ids?.length ? ([[t('rh.members'), o.member_ids.join(', ')]] as [string, string][]) : []),
                  ]}
                />
              )}
            </Async>
          </Section>
          <Section title={t('rh.people')}>
            <Async value={users}>
              {(u) =>
                u.length === 0 ? (
                  <Empty>{t('common.none')}</Empty>
                ) : (
                  <ul className="plain">
                    {u.map((x) => (
                      <li key={x.id}>
                        {x.name} · {x.email} · {t(`role.${x.role}` as MessageKey)}
                      </li>
                    ))}
                  </ul>
                )
              }
            </Async>
          </Section>
        </div>
        <AgentsSection me={me} />
      </div>
    </>
  );
}

export function RightsHolderStats({ me }: { me: Me }) {
  const notices = useLoad(() => getAll<Notice>('/v1/notices', 20), []);
  const accuracy = useLoad(() => get<Accuracy>(`/v1/organisations/${encodeURIComponent(me.org_id)}/accuracy`), [me.org_id]);
  return (
    <>
      <h1>{t('rh.stats_title')}</h1>
      <Async value={notices}>
        {(ns) => {
          const outcomes = countBy(ns, (n) => outcomeOf(n.state));
          const takedownHours = ns.filter((n) => TAKEDOWN_STATES.has(n.state) && n.decided_at).map((n) => hoursBetween(n.received_at, n.decided_at as string));
          const byMarket = countBy(ns, (n) => n.marketplace_id);
          return (
            <>
              <div className="tiles">
                <div className="tile">
                  <span>{t('rh.total_notices')}</span>
                  <strong>{ns.length}</strong>
                </div>
                <div className="tile">
                  <span>{t('rh.median_takedown')}</span>
                  <strong>{takedownHours.length ? `${fmtNumber(percentile(takedownHours, 50), 1)} h` : '—'}</strong>
                </div>
                <div className="tile">
                  <span>{t('rh.p90_takedown')}</span>
                  <strong>{takedownHours.length ? `${fmtNumber(percentile(takedownHours, 90), 1)} h` : '—'}</strong>
                </div>
                <Async value={accuracy}>
                  {(a) => (
                    <>
                      <div className="tile">
                        <span>{t('rh.accept_rate')}</span>
                        <strong>{fmtNumber(a.accept_rate * 100, 0)}%</strong>
                      </div>
                      <div className="tile">
                        <span>{t('rh.standing')}</span>
                        <strong>
                          <StateBadge state={a.standing} />
                        </strong>
                      </div>
                    </>
                  )}
                </Async>
              </div>
              {ns.length === 0 ? (
                <Empty>{t('rh.no_notices')}</Empty>
              ) : (
                <div className="charts">
                  <ChartView id="outcomes" type="doughnut" title={t('rh.by_outcome')} labels={outcomes.map(([k]) => t(`outcome.${k}` as MessageKey))} series={[{ label: t('rh.notices'), data: outcomes.map(([, v]) => v) }]} />
                  <ChartView id="by-marketplace" type="bar" title={t('rh.by_marketplace')} labels={byMarket.map(([k]) => k)} series={[{ label: t('rh.notices'), data: byMarket.map(([, v]) => v) }]} />
                </div>
              )}
              <Async value={accuracy}>
                {(a) => (
                  <Section title={t('rh.accuracy_title', { days: a.window_days })}>
                    <KeyValues
                      rows={[
                        [t('rh.accepted'), String(a.accepted)],
                        [t('rh.rejected'), String(a.rejected)],
                        [t('rh.restored_after_cn'), String(a.restored_after_counter_notice)],
                        [t('rh.manifestly_unfounded'), String(a.manifestly_unfounded)],
                        [t('rh.restore_rate'), `${fmtNumber(a.restore_rate * 100, 0)}%`],
                      ]}
                    />
                    <p className="muted small">{t(`standing.${a.standing}` as MessageKey)}</p>
                  </Section>
                )}
              </Async>
            </>
          );
        }}
      </Async>
    </>
  );
}

export type { Marketplace };
