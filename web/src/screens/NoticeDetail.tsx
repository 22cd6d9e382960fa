// One notice with its whole timeline, for every role that may see it; what
// can be done next depends on the role (the server checks every action).
import { useState, type FormEvent } from 'react';
import { ApiError, get, post } from '../api';
import { Async, Countdown, ErrorMessage, Field, KeyValues, Link, Section, StateBadge, Timeline, useLoad } from '../components/ui';
import { fmtDateTime, fmtMoney, t, type MessageKey } from '../i18n';
import { searchParam, useLocation } from '../router';
import type { CounterNotice, Me, Notice, Regime, Statement } from '../types';
import { DecisionPanel } from './Reviewer';
import { CounterNoticeCard } from './RightsHolder';

export function StatementView({ id }: { id: string }) {
  const s = useLoad(() => get<Statement>(`/v1/statements/${id}`), [id]);
  return (
    <Section title={t('sor.title')}>
      <Async value={s}>{(st) => <StatementFields s={st} />}</Async>
    </Section>
  );
}

export function StatementFields({ s }: { s: Pick<Statement, 'decision' | 'restriction' | 'facts' | 'legal_ground' | 'redress' | 'notice_based' | 'automated_decision'> & { automated_detection?: boolean } }) {
  return (
    <div data-testid="statement">
      <KeyValues
        rows={[
          [t('sor.decision'), s.decision],
          [t('sor.restriction'), s.restriction],
          [t('sor.facts'), s.facts],
          [t('sor.basis'), s.notice_based ? t('sor.notice_based') : t('sor.own_initiative')],
          [t('sor.automation'), `${s.automated_detection ? t('sor.automated_detection') : t('sor.human_detection')}; ${s.automated_decision ? t('sor.automated_decision') : t('sor.human_decision')}`],
          [t('sor.legal_ground'), s.legal_ground],
        ]}
      />
      <h4>{t('sor.redress')}</h4>
      <ul>
        {s.redress.map((r) => (
          <li key={r}>{r}</li>
        ))}
      </ul>
    </div>
  );
}

function CounterNoticeForm({ notice, regime, onDone }: { notice: Notice; regime: Regime | undefined; onDone: () => void }) {
  const [statement, setStatement] = useState('');
  const [evidence, setEvidence] = useState('');
  const [signature, setSignature] = useState('');
  const [name, setName] = useState('');
  const [address, setAddress] = useState('');
  const [email, setEmail] = useState('');
  const [phone, setPhone] = useState('');
  const [mistake, setMistake] = useState(false);
  const [consent, setConsent] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const dmca = regime?.id.includes('us_dmca');
  const ptr = error instanceof ApiError ? error.pointer : '';
  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    const body: Record<string, unknown> = {
      statement,
      evidence: evidence.split('\n').map((s) => s.trim()).filter(Boolean),
      signature,
      contact: { name, address, email, ...(phone ? { phone } : {}) },
    };
    if (dmca) body.statements = { good_faith_mistake: mistake, consent_to_jurisdiction: consent };
    try {
      await post(`/v1/notices/${notice.id}/counter-notices`, body);
      onDone();
    } catch (err) {
      setError(err);
    }
  }
  const fe = (p: string) => (ptr === p && error instanceof ApiError ? error.detail : undefined);
  return (
    <form onSubmit={submit} aria-labelledby="cn-title" className="card" noValidate>
      <h2 id="cn-title">{t('seller.cn_title')}</h2>
      <p className="muted">{t('seller.cn_intro')}</p>
      {notice.counter_notice_deadline && <Countdown deadline={notice.counter_notice_deadline} label={t('seller.cn_deadline')} />}
      <Field label={t('seller.cn_statement')} required error={fe('/statement')} hint={t('seller.cn_statement_hint')}>
        {(id, d) => <textarea id={id} name="statement" aria-describedby={d} rows={4} value={statement} onChange={(e) => setStatement(e.target.value)} />}
      </Field>
      <Field label={t('form.evidence')} required={!dmca} error={fe('/evidence')} hint={t('form.evidence_hint')}>
        {(id, d) => <textarea id={id} name="evidence" aria-describedby={d} rows={2} value={evidence} onChange={(e) => setEvidence(e.target.value)} />}
      </Field>
      <div className="two-col tight">
        <Field label={t('seller.contact_name')} required error={fe('/contact/name')}>
          {(id) => <input id={id} name="contact.name" value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field label={t('seller.contact_email')} required error={fe('/contact/email')}>
          {(id) => <input id={id} name="contact.email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} />}
        </Field>
        <Field label={t('seller.contact_address')} required error={fe('/contact/address')}>
          {(id) => <input id={id} name="contact.address" value={address} onChange={(e) => setAddress(e.target.value)} />}
        </Field>
        <Field label={t('seller.contact_phone')} required={dmca} error={fe('/contact/phone')}>
          {(id) => <input id={id} type="tel" value={phone} onChange={(e) => setPhone(e.target.value)} />}
        </Field>
      </div>
      <Field label={t('form.signature')} required error={fe('/signature')}>
        {(id) => <input id={id} name="signature" value={signature} onChange={(e) => setSignature(e.target.value)} />}
      </Field>
      {dmca && (
        <fieldset className="statements">
          <legend>{t('form.statements')}</legend>
          <label className="check">
            <input type="checkbox" checked={mistake} onChange={(e) => setMistake(e.target.checked)} /> <span>{t('seller.st_mistake')}</span>
          </label>
          <label className="check">
            <input type="checkbox" checked={consent} onChange={(e) => setConsent(e.target.checked)} /> <span>{t('seller.st_jurisdiction')}</span>
          </label>
        </fieldset>
      )}
      <ErrorMessage error={error} />
      <button type="submit">{t('seller.cn_submit')}</button>
    </form>
  );
}

export function AppealForm({ noticeId, hitId, deadline, onDone }: { noticeId?: string; hitId?: string; deadline?: string; onDone: () => void }) {
  const [grounds, setGrounds] = useState('');
  const [error, setError] = useState<unknown>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      await post('/v1/appeals', { ...(noticeId ? { notice_id: noticeId } : { hit_id: hitId }), grounds });
      onDone();
    } catch (err) {
      setError(err);
    }
  }
  return (
    <form onSubmit={submit} className="card" aria-labelledby="appeal-title">
      <h2 id="appeal-title">{t('seller.appeal_title')}</h2>
      <p className="muted">{t('seller.appeal_intro')}</p>
      {deadline && <Countdown deadline={deadline} label={t('seller.appeal_deadline')} />}
      <Field label={t('seller.grounds')} required hint={t('seller.grounds_hint')}>
        {(id, d) => <textarea id={id} aria-describedby={d} rows={4} value={grounds} onChange={(e) => setGrounds(e.target.value)} />}
      </Field>
      <ErrorMessage error={error} />
      <button type="submit">{t('seller.appeal_submit')}</button>
    </form>
  );
}

function SupplyInformation({ notice, onDone }: { notice: Notice; onDone: () => void }) {
  const [info, setInfo] = useState('');
  const [error, setError] = useState<unknown>(null);
  return (
    <form
      className="card"
      onSubmit={async (e) => {
        e.preventDefault();
        try {
          await post(`/v1/notices/${notice.id}/information`, { information: info });
          onDone();
        } catch (err) {
          setError(err);
        }
      }}
    >
      <h2>{t('rh.info_requested')}</h2>
      <blockquote>{notice.info_request}</blockquote>
      {notice.info_deadline && <Countdown deadline={notice.info_deadline} label={t('rh.info_deadline')} />}
      <Field label={t('rh.information')} required>
        {(id) => <textarea id={id} rows={3} value={info} onChange={(e) => setInfo(e.target.value)} />}
      </Field>
      <ErrorMessage error={error} />
      <button type="submit">{t('rh.send_information')}</button>
    </form>
  );
}

export function NoticeDetail({ id, me }: { id: string; me: Me }) {
  const path = useLocation();
  const notice = useLoad(() => get<Notice>(`/v1/notices/${encodeURIComponent(id)}`), [id]);
  const regime = useLoad(async () => (notice.data ? get<Regime>(`/v1/marketplaces/${notice.data.marketplace_id}/regime`) : undefined), [notice.data?.marketplace_id]);
  const cn = useLoad(async () => (notice.data?.counter_notice_id ? get<CounterNotice>(`/v1/counter-notices/${notice.data.counter_notice_id}`) : null), [notice.data?.counter_notice_id, notice.data?.state]);
  const [withdrawError, setWithdrawError] = useState<unknown>(null);
  const [filed, setFiled] = useState('');
  if (notice.error instanceof ApiError && notice.error.status === 404)
    return (
      <section className="card" data-testid="not-found">
        <h1>{t('notice.not_found_title')}</h1>
        <p>{t('notice.not_found')}</p>
      </section>
    );
  const isRh = me.role === 'rights_holder' || me.role === 'agent';
  const isStaff = me.role === 'reviewer' || me.role === 'admin';
  return (
    <Async value={notice}>
      {(n) => (
        <>
          {searchParam(path, 'filed') && (
            <p className="success" role="status">
              {t('notice.filed', { id: n.id, due: fmtDateTime(n.review_due_at) })}
            </p>
          )}
          {filed && (
            <p className="success" role="status">
              {filed}
            </p>
          )}
          <div className="page-head">
            <h1>
              {t('notice.title')} {n.id}
            </h1>
            <StateBadge state={n.state} />
          </div>
          <div className="two-col">
            <Section title={t('notice.listing_snapshot')}>
              <KeyValues
                rows={[
                  [t('notice.listing'), <Link key="l" to={`/listings/${n.listing_id}`}>{n.listing_id}</Link>],
                  [t('notice.title_field'), n.snapshot?.title],
                  [t('notice.price'), fmtMoney(n.snapshot?.price)],
                  [t('notice.category'), n.snapshot?.category],
                  [t('notice.seller'), n.seller_id],
                  [t('notice.marketplace'), n.marketplace_id],
                ]}
              />
              {n.snapshot?.description && <p className="snapshot-text">{n.snapshot.description}</p>}
            </Section>
            <Section title={t('notice.complaint')}>
              <KeyValues
                rows={[
                  [t('notice.type'), t(`type.${n.infringement_type}` as MessageKey)],
                  [t('form.right'), n.right_id],
                  [t('notice.for'), n.principal_org_id],
                  [t('notice.received'), fmtDateTime(n.received_at)],
                  [t('notice.review_due'), ['received', 'in_review'].includes(n.state) ? <Countdown key="c" deadline={n.review_due_at} /> : fmtDateTime(n.review_due_at)],
                  [t('form.explanation'), String(n.body?.explanation ?? '—')],
                  [t('form.evidence'), (n.body?.evidence ?? []).join('; ') || '—'],
                  ...(n.decision_reason ? ([[t('notice.decision_reason'), n.decision_reason]] as [string, string][]) : []),
                ]}
              />
            </Section>
          </div>

          {isStaff && ['received', 'in_review'].includes(n.state) || (isStaff && n.post_review_pending) ? (
            <DecisionPanel notice={n} regimes={regime.data ? [regime.data] : []} onDecided={notice.reload} />
          ) : null}

          {isRh && n.state === 'info_requested' && <SupplyInformation notice={n} onDone={notice.reload} />}
          {isRh && ['received', 'in_review', 'info_requested'].includes(n.state) && (
            <div className="actions">
              <button
                type="button"
                className="secondary"
                onClick={async () => {
                  setWithdrawError(null);
                  try {
                    await post(`/v1/notices/${n.id}/withdraw`, {});
                    notice.reload();
                  } catch (e) {
                    setWithdrawError(e);
                  }
                }}
              >
                {t('rh.withdraw')}
              </button>
              <ErrorMessage error={withdrawError} />
            </div>
          )}

          {cn.data && (me.role !== 'seller' ? <CounterNoticeCard cn={cn.data} onChange={() => { cn.reload(); notice.reload(); }} /> : (
            <Section title={t('seller.your_cn')}>
              <p>
                <StateBadge state={cn.data.state} /> {cn.data.state === 'pending' && <Countdown deadline={cn.data.restore_at} label={t('seller.restore_expected')} />}
              </p>
            </Section>
          ))}

          {me.role === 'seller' && n.state === 'accepted' && regime.data?.counter_notice && !n.counter_notice_id && (
            <CounterNoticeForm
              notice={n}
              regime={regime.data}
              onDone={() => {
                setFiled(t('seller.cn_filed'));
                notice.reload();
              }}
            />
          )}
          {me.role === 'seller' && n.appeal_deadline && ['accepted', 'counter_noticed'].includes(n.state) && (
            <AppealForm noticeId={n.id} deadline={n.appeal_deadline} onDone={() => setFiled(t('seller.appeal_filed'))} />
          )}

          {n.statement_id && <StatementView id={n.statement_id} />}
          <Section title={t('notice.timeline')}>
            <Timeline entries={n.timeline ?? []} />
          </Section>
        </>
      )}
    </Async>
  );
}
