// Operator admin: the platform-wide category bans (PUT the platform
// organisation's protection data, the rest of it kept as it is). Each ban is
// edited in place with live validation; saving first shows what changes;
// the server's problem+json is shown in words on the field it names.
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { ApiError, get, getAll, put } from '../api';
import { Async, Empty, ErrorMessage, Field, Section, Toast, useLoad } from '../components/ui';
import { t, type MessageKey } from '../i18n';
import { banFieldOf, banOf, diffBans, draftOf, isEmptyDiff, normaliseBan, validateBans, type BanDiff, type BanDraft, type BanField, type BanProblem, type CategoryBan } from '../logic/category_bans';
import type { Organisation, Protection } from '../types';

type PlatformProtection = Protection & { category_bans?: unknown[] } & Record<string, unknown>;

// Reasons from the EU DSA statement-of-reasons categories, offered as suggestions.
const REASONS = ['unsafe_and_prohibited_products', 'illegal_or_harmful_speech', 'intellectual_property_infringements', 'consumer_information', 'animal_welfare', 'scope_of_platform_service'];

function problemText(p: BanProblem): string {
  return t(`bans.problem_${p.field}_${p.code}` as MessageKey);
}

function DiffSummary({ diff }: { diff: BanDiff }) {
  const list = (xs: string[]) => xs.map((x) => `“${x}”`).join(', ');
  return (
    <ul data-testid="ban-diff">
      {diff.added.map((b) => (
        <li key={`a-${b.id}`}>
          <strong>{t('bans.diff_added', { id: b.id })}</strong>{' '}
          {t('bans.diff_names', { categories: list(b.categories) || '—', terms: list(b.terms) || '—' })}
        </li>
      ))}
      {diff.removed.map((b) => (
        <li key={`r-${b.id}`}>
          <strong className="warn">{t('bans.diff_removed', { id: b.id })}</strong>
        </li>
      ))}
      {diff.changed.map((c) => (
        <li key={`c-${c.id}`}>
          <strong>{t('bans.diff_changed', { id: c.id })}</strong>
          <ul>
            {c.categoriesAdded.length > 0 && <li>{t('bans.diff_categories_added', { list: list(c.categoriesAdded) })}</li>}
            {c.categoriesRemoved.length > 0 && <li>{t('bans.diff_categories_removed', { list: list(c.categoriesRemoved) })}</li>}
            {c.termsAdded.length > 0 && <li>{t('bans.diff_terms_added', { list: list(c.termsAdded) })}</li>}
            {c.termsRemoved.length > 0 && <li>{t('bans.diff_terms_removed', { list: list(c.termsRemoved) })}</li>}
            {c.reason && <li>{t('bans.diff_reason', { from: c.reason.from || '—', to: c.reason.to || '—' })}</li>}
          </ul>
        </li>
      ))}
    </ul>
  );
}

function Editor({ orgId, profile, onSaved }: { orgId: string; profile: PlatformProtection; onSaved: () => void }) {
  const saved: CategoryBan[] = useMemo(() => (profile.category_bans ?? []).map(normaliseBan), [profile]);
  const [drafts, setDrafts] = useState<BanDraft[]>(() => saved.map(draftOf));
  const [touched, setTouched] = useState<Set<number>>(new Set());
  const [reviewing, setReviewing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [serverField, setServerField] = useState<{ key: number; field: BanField; detail: string } | null>(null);
  const [toast, setToast] = useState('');
  const firstNew = useRef<HTMLInputElement | null>(null);
  const [focusKey, setFocusKey] = useState<number | null>(null);
  useEffect(() => {
    setDrafts(saved.map(draftOf));
    setTouched(new Set());
    setReviewing(false);
  }, [saved]);
  useEffect(() => {
    if (focusKey !== null) firstNew.current?.focus();
  }, [focusKey]);

  const problems = validateBans(drafts);
  const valid = problems.every((p) => p.length === 0);
  const diff = diffBans(saved, drafts.map(banOf));
  const unchanged = isEmptyDiff(diff);

  const update = (key: number, field: BanField, value: string) => {
    setDrafts((ds) => ds.map((d) => (d.key === key ? { ...d, [field]: value } : d)));
    setTouched((s) => new Set(s).add(key));
    setReviewing(false);
    if (serverField?.key === key && serverField.field === field) setServerField(null);
  };
  const fieldError = (d: BanDraft, i: number, field: BanField): string | undefined => {
    if (serverField && serverField.key === d.key && serverField.field === field) return serverField.detail;
    if (!touched.has(d.key)) return undefined;
    const p = problems[i].find((x) => x.field === field);
    return p ? problemText(p) : undefined;
  };

  function review(e: FormEvent) {
    e.preventDefault();
    setTouched(new Set(drafts.map((d) => d.key)));
    setError(null);
    if (!valid || unchanged) return;
    setReviewing(true);
  }
  async function save() {
    setBusy(true);
    setError(null);
    setToast('');
    setServerField(null);
    try {
      await put(`/v1/organisations/${encodeURIComponent(orgId)}/protection`, { ...profile, category_bans: drafts.map(banOf) });
      setToast(t('bans.saved'));
      setReviewing(false);
      onSaved();
    } catch (err) {
      setError(err);
      setReviewing(false);
      if (err instanceof ApiError) {
        const at = banFieldOf(err.pointer);
        const d = at ? drafts[at.index] : undefined;
        if (at && d) setServerField({ key: d.key, field: at.field, detail: err.detail });
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={review} noValidate aria-label={t('admin.category_bans')} data-testid="category-bans">
      <p className="muted small">{t('bans.intro')}</p>
      {drafts.length === 0 && <Empty>{t('admin.no_bans')}</Empty>}
      <datalist id="ban-reasons">
        {REASONS.map((r) => (
          <option key={r} value={r} />
        ))}
      </datalist>
      <div className="stack">
        {drafts.map((d, i) => {
          const label = d.id.trim() || t('bans.new_ban_n', { n: i + 1 });
          return (
            <fieldset key={d.key} className={`ban-row${problems[i].length && touched.has(d.key) ? ' invalid' : ''}`} data-testid="ban-row">
              <legend>{label}</legend>
              <Field label={t('bans.id')} required error={fieldError(d, i, 'id')} hint={t('bans.id_hint')}>
                {(id, desc) => <input id={id} ref={d.key === focusKey ? firstNew : undefined} aria-describedby={desc} aria-invalid={!!fieldError(d, i, 'id')} value={d.id} onChange={(e) => update(d.key, 'id', e.target.value)} autoComplete="off" />}
              </Field>
              <Field label={t('bans.categories')} error={fieldError(d, i, 'categories')} hint={t('bans.categories_hint')}>
                {(id, desc) => <textarea id={id} aria-describedby={desc} aria-invalid={!!fieldError(d, i, 'categories')} rows={3} value={d.categories} onChange={(e) => update(d.key, 'categories', e.target.value)} />}
              </Field>
              <Field label={t('bans.terms')} error={fieldError(d, i, 'terms')} hint={t('bans.terms_hint')}>
                {(id, desc) => <textarea id={id} aria-describedby={desc} aria-invalid={!!fieldError(d, i, 'terms')} rows={3} value={d.terms} onChange={(e) => update(d.key, 'terms', e.target.value)} />}
              </Field>
              <Field label={t('bans.reason')} error={fieldError(d, i, 'reason')} hint={t('bans.reason_hint')}>
                {(id, desc) => <input id={id} list="ban-reasons" aria-describedby={desc} aria-invalid={!!fieldError(d, i, 'reason')} value={d.reason} onChange={(e) => update(d.key, 'reason', e.target.value)} />}
              </Field>
              <div className="ban-remove">
                <button
                  type="button"
                  className="link-button"
                  onClick={() => {
                    setDrafts((ds) => ds.filter((x) => x.key !== d.key));
                    setReviewing(false);
                    if (serverField?.key === d.key) setServerField(null);
                  }}
                >
                  {t('bans.remove', { id: label })}
                </button>
              </div>
            </fieldset>
          );
        })}
      </div>
      <div className="actions">
        <button
          type="button"
          className="secondary"
          onClick={() => {
            const d = draftOf({});
            setDrafts((ds) => [...ds, d]);
            setFocusKey(d.key);
            setReviewing(false);
          }}
        >
          {t('bans.add')}
        </button>
        <button type="submit" disabled={busy}>
          {t('bans.review')}
        </button>
        {!unchanged && <span className="muted small">{t('bans.unsaved')}</span>}
      </div>
      {touched.size > 0 && !valid && (
        <p className="field-error" role="alert">
          {t('bans.fix_first', { n: problems.filter((p) => p.length).length })}
        </p>
      )}
      {touched.size > 0 && valid && unchanged && !reviewing && <p className="muted small">{t('bans.nothing_changed')}</p>}
      {reviewing && (
        <section className="confirm-box" role="region" aria-label={t('bans.confirm_title')} data-testid="ban-confirm">
          <h3>{t('bans.confirm_title')}</h3>
          <DiffSummary diff={diff} />
          <p className="muted small">{t('bans.confirm_hint')}</p>
          <div className="actions">
            <button type="button" onClick={save} disabled={busy} autoFocus>
              {t('bans.confirm_save')}
            </button>
            <button type="button" className="secondary" onClick={() => setReviewing(false)}>
              {t('bans.keep_editing')}
            </button>
          </div>
        </section>
      )}
      <ErrorMessage error={error} />
      <Toast message={toast} />
    </form>
  );
}

export function CategoryBans() {
  const data = useLoad(async () => {
    const orgs = await getAll<Organisation>('/v1/organisations', 5);
    const platform = orgs.find((o) => o.kind === 'platform');
    if (!platform) return null;
    const profile = await get<PlatformProtection>(`/v1/organisations/${encodeURIComponent(platform.id)}/protection`);
    return { orgId: platform.id, profile };
  }, []);
  return (
    <Section title={t('admin.category_bans')}>
      <Async value={data}>{(d) => (d ? <Editor orgId={d.orgId} profile={d.profile} onSaved={data.reload} /> : <Empty>{t('bans.no_platform')}</Empty>)}</Async>
    </Section>
  );
}
