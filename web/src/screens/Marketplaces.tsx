// Operator admin: creating a marketplace under one or more legal regimes, and
// changing a marketplace's regimes and its overrides of each regime's
// windows, with the effective windows (GET /v1/marketplaces/{id}/regime)
// beside the built-in ones. Live validation; what saving changes is listed
// before the save button; the server's problem+json is shown in words on the
// field it names (the statutory floors are checked only by the server).
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { ApiError, patch, post } from '../api';
import { ErrorMessage, Field, type Loaded } from '../components/ui';
import { t, type MessageKey } from '../i18n';
import {
  WINDOW_FIELDS,
  combineWindows,
  diffMarketplace,
  marketplaceBody,
  marketplaceFieldOf,
  overridesOf,
  toggleRegime,
  validateMarketplace,
  validateWindows,
  windowApplies,
  windowDraftsOf,
  windowsOf,
  type MarketplaceChange,
  type MarketplaceDraft,
  type MarketplaceField,
  type MarketplaceProblem,
  type WindowDrafts,
  type WindowField,
  type WindowProblem,
} from '../logic/marketplaces';
import type { Marketplace, Regime } from '../types';

const windowLabel = (f: WindowField) => t(`mkt.w_${f}` as MessageKey);

function windowValue(f: WindowField, n: number | null): string {
  if (n === null) return '—';
  if (n === 0 && f !== 'restore_after_days') return t('mkt.no_limit');
  return f === 'review_sla_hours' ? t('admin.hours', { n }) : t('admin.days', { n });
}

function windowProblemText(p: WindowProblem): string {
  return p.code === 'not_whole' ? t('mkt.window_not_whole') : t('mkt.window_range', { min: p.min, max: p.max });
}

function regimeName(builtIns: Regime[], id: string): string {
  return builtIns.find((r) => r.id === id)?.name ?? id;
}

// The regime checkboxes, in a group with its legend and error.
function RegimeChoice({ builtIns, value, onChange, error, name }: { builtIns: Regime[]; value: string[]; onChange: (v: string[]) => void; error?: string; name: string }) {
  const errId = `${name}-regimes-error`;
  return (
    <fieldset className={`regime-choice${error ? ' invalid' : ''}`} aria-describedby={`${name}-regimes-hint${error ? ` ${errId}` : ''}`}>
      <legend>
        {t('mkt.regimes')}
        <span className="required" aria-hidden="true">
          {' '}
          *
        </span>
      </legend>
      <div className="regime-options">
        {builtIns.map((r) => {
          const at = value.indexOf(r.id);
          return (
            <label key={r.id} className="check">
              <input type="checkbox" checked={at >= 0} aria-invalid={!!error} onChange={(e) => onChange(toggleRegime(value, r.id, e.target.checked))} />
              <span>
                {r.name} <code>{r.id}</code>
                {at >= 0 && value.length > 1 && <span className="badge">{t('mkt.order', { n: at + 1 })}</span>}
              </span>
            </label>
          );
        })}
      </div>
      <small id={`${name}-regimes-hint`} className="hint">
        {t('mkt.regimes_hint')}
      </small>
      {error && (
        <small id={errId} className="field-error">
          {error}
        </small>
      )}
    </fieldset>
  );
}

function problemText(p: MarketplaceProblem): string {
  return t(`mkt.problem_${p.field}_${p.code}` as MessageKey);
}

// "Add a marketplace": id, name, URL template and its regimes.
export function NewMarketplace({ builtIns, taken, onCreated }: { builtIns: Regime[]; taken: string[]; onCreated: (id: string) => void }) {
  const empty: MarketplaceDraft = { id: '', name: '', url_template: '', regimes: [] };
  const [draft, setDraft] = useState<MarketplaceDraft>(empty);
  const [touched, setTouched] = useState<Set<MarketplaceField>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [serverField, setServerField] = useState<{ field: MarketplaceField; detail: string } | null>(null);
  const [done, setDone] = useState('');
  const problems = validateMarketplace(draft, taken);

  const set = <K extends MarketplaceField>(k: K, v: MarketplaceDraft[K]) => {
    setDraft((d) => ({ ...d, [k]: v }));
    setTouched((s) => new Set(s).add(k));
    setDone('');
    if (serverField?.field === k) setServerField(null);
  };
  const errorOf = (f: MarketplaceField): string | undefined => {
    if (serverField?.field === f) return serverField.detail;
    if (!submitted && !touched.has(f)) return undefined;
    const p = problems.find((x) => x.field === f);
    return p ? problemText(p) : undefined;
  };

  async function create(e: FormEvent) {
    e.preventDefault();
    setSubmitted(true);
    setError(null);
    setServerField(null);
    if (problems.length) return;
    setBusy(true);
    try {
      const m = await post<Marketplace>('/v1/marketplaces', marketplaceBody(draft));
      setDone(t('mkt.created', { id: m.id }));
      setDraft(empty);
      setTouched(new Set());
      setSubmitted(false);
      onCreated(m.id);
    } catch (err) {
      setError(err);
      if (err instanceof ApiError) {
        const at = marketplaceFieldOf(err.pointer);
        if (at && 'field' in at) setServerField({ field: at.field, detail: err.detail });
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={create} noValidate aria-label={t('mkt.new_title')} data-testid="new-marketplace">
      <div className="marketplace-fields">
        <Field label={t('mkt.id')} required hint={t('mkt.id_hint')} error={errorOf('id')}>
          {(id, d) => <input id={id} aria-describedby={d} aria-invalid={!!errorOf('id')} autoComplete="off" spellCheck={false} value={draft.id} onChange={(e) => set('id', e.target.value)} />}
        </Field>
        <Field label={t('mkt.name')} required error={errorOf('name')}>
          {(id, d) => <input id={id} aria-describedby={d} aria-invalid={!!errorOf('name')} value={draft.name} onChange={(e) => set('name', e.target.value)} />}
        </Field>
        <Field label={t('mkt.url_template')} hint={t('mkt.url_template_hint')} error={errorOf('url_template')}>
          {(id, d) => <input id={id} aria-describedby={d} aria-invalid={!!errorOf('url_template')} type="url" inputMode="url" placeholder="https://shop.example/item/{id}" value={draft.url_template} onChange={(e) => set('url_template', e.target.value)} />}
        </Field>
      </div>
      <RegimeChoice name="new" builtIns={builtIns} value={draft.regimes} onChange={(v) => set('regimes', v)} error={errorOf('regimes')} />
      <div className="actions">
        <button type="submit" disabled={busy}>
          {busy ? t('common.working') : t('mkt.create')}
        </button>
        {submitted && problems.length > 0 && (
          <span className="field-error" role="alert">
            {t('mkt.fix_first')}
          </span>
        )}
      </div>
      <ErrorMessage error={error} />
      {done && (
        <p className="success" role="status">
          {done}
        </p>
      )}
    </form>
  );
}

function ChangeList({ changes, builtIns }: { changes: MarketplaceChange[]; builtIns: Regime[] }) {
  const name = (id: string) => regimeName(builtIns, id);
  return (
    <ul data-testid="marketplace-changes">
      {changes.map((c, i) => (
        <li key={i}>
          {c.kind === 'regime_added' && t('mkt.change_regime_added', { regime: name(c.regime) })}
          {c.kind === 'regime_removed' && t('mkt.change_regime_removed', { regime: name(c.regime) })}
          {c.kind === 'regime_order' && t('mkt.change_regime_order', { list: c.regimes.join(' → ') })}
          {c.kind === 'window' &&
            t('mkt.change_window', {
              window: windowLabel(c.field),
              regime: c.regime,
              from: c.from === null ? t('mkt.builtin') : String(c.from),
              to: c.to === null ? t('mkt.builtin') : String(c.to),
            })}
        </li>
      ))}
    </ul>
  );
}

// The effective windows beside the built-in ones of the marketplace's regimes.
function EffectiveWindows({ m, builtIns, effective }: { m: Marketplace; builtIns: Regime[]; effective: Regime }) {
  const base = combineWindows(m.regimes.map((id) => builtIns.find((r) => r.id === id)).filter((r): r is Regime => !!r));
  const now = windowsOf(effective);
  return (
    <div className="table-wrap">
      <table data-testid="effective-windows">
        <caption className="sr-only">{t('mkt.effective_title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('mkt.col_window')}</th>
            <th scope="col">{t('mkt.col_builtin')}</th>
            <th scope="col">{t('mkt.col_effective')}</th>
          </tr>
        </thead>
        <tbody>
          {WINDOW_FIELDS.map(({ field }) => {
            const changed = base[field] !== now[field];
            return (
              <tr key={field} className={changed ? 'changed' : undefined} data-window={field}>
                <th scope="row">{windowLabel(field)}</th>
                <td>{windowValue(field, base[field])}</td>
                <td>
                  <strong data-testid="effective-value">{windowValue(field, now[field])}</strong>
                  {changed && <span className="badge state-changed"> {t('mkt.changed')}</span>}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

// A marketplace's regimes and its overrides of their windows.
export function RegimeEditor({ m, builtIns, effective, onSaved }: { m: Marketplace; builtIns: Regime[]; effective: Loaded<Regime>; onSaved: () => void }) {
  const [regimes, setRegimes] = useState<string[]>(m.regimes);
  const [drafts, setDrafts] = useState<WindowDrafts>(() => windowDraftsOf(m.regime_overrides));
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [serverField, setServerField] = useState<{ key: string; detail: string } | null>(null);
  const [done, setDone] = useState('');
  // Back to the stored values when they change (after a save), not each time
  // the list reloads (another card saved), which would lose this card's edits.
  const stored = JSON.stringify([m.regimes, m.regime_overrides ?? {}]);
  useEffect(() => {
    setRegimes(m.regimes);
    setDrafts(windowDraftsOf(m.regime_overrides));
    setTouched(false);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [stored]);

  const problems = validateWindows(drafts, regimes, builtIns);
  const overrides = useMemo(() => overridesOf(m.regime_overrides, drafts, regimes), [m.regime_overrides, drafts, regimes]);
  const changes = diffMarketplace(m, regimes, overrides);
  const regimesError = serverField?.key === 'regimes' ? serverField.detail : regimes.length === 0 ? t('mkt.problem_regimes_required') : undefined;
  const valid = problems.size === 0 && regimes.length > 0;

  const setWindow = (regime: string, field: WindowField, value: string) => {
    setDrafts((d) => ({ ...d, [regime]: { ...d[regime], [field]: value } }));
    setTouched(true);
    setDone('');
    if (serverField?.key === `${regime}/${field}`) setServerField(null);
  };
  const windowError = (regime: string, field: WindowField): string | undefined => {
    const key = `${regime}/${field}`;
    if (serverField?.key === key) return serverField.detail;
    const p = problems.get(key);
    return p ? windowProblemText(p) : undefined;
  };

  async function save(e: FormEvent) {
    e.preventDefault();
    setTouched(true);
    setError(null);
    setServerField(null);
    if (!valid || changes.length === 0) return;
    setBusy(true);
    try {
      await patch(`/v1/marketplaces/${encodeURIComponent(m.id)}`, { regimes, regime_overrides: overrides });
      setDone(t('mkt.saved', { name: m.name }));
      setTouched(false);
      effective.reload();
      onSaved();
    } catch (err) {
      setError(err);
      if (err instanceof ApiError) {
        const at = marketplaceFieldOf(err.pointer);
        if (at && 'field' in at && at.field === 'regimes') setServerField({ key: 'regimes', detail: err.detail });
        else if (at && 'regime' in at && at.window) setServerField({ key: `${at.regime}/${at.window}`, detail: err.detail });
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={save} noValidate aria-label={t('mkt.edit_for', { name: m.name })} data-testid="regime-editor">
      <h4>{t('mkt.edit_title')}</h4>
      {effective.data && <EffectiveWindows m={m} builtIns={builtIns} effective={effective.data} />}
      <RegimeChoice
        name={`m-${m.id}`}
        builtIns={builtIns}
        value={regimes}
        onChange={(v) => {
          setRegimes(v);
          setTouched(true);
          setDone('');
          if (serverField?.key === 'regimes') setServerField(null);
        }}
        error={regimesError}
      />
      {regimes.map((id) => {
        const base = builtIns.find((r) => r.id === id);
        if (!base) return null;
        return (
          <fieldset key={id} className="regime-windows">
            <legend>{t('mkt.windows_under', { regime: base.name })}</legend>
            {WINDOW_FIELDS.filter((w) => windowApplies(base, w.field)).map(({ field }) => {
              const value = drafts[id]?.[field] ?? '';
              const err = windowError(id, field);
              const zero = field === 'restore_after_days' ? t('mkt.hint_zero_earliest') : field === 'review_sla_hours' || field === 'info_request_days' ? '' : t('mkt.hint_zero_no_limit');
              const builtin = (base as unknown as Record<string, number>)[field];
              return (
                <div key={field} className="window-field">
                  <Field label={windowLabel(field)} hint={`${t('mkt.builtin_hint', { value: windowValue(field, builtin) })}${zero ? ` ${zero}` : ''}`} error={err}>
                    {(inputId, d) => <input id={inputId} aria-describedby={d} aria-invalid={!!err} inputMode="numeric" placeholder={String(builtin)} value={value} onChange={(e) => setWindow(id, field, e.target.value)} />}
                  </Field>
                  {value.trim() !== '' && (
                    <button type="button" className="link-button small" aria-label={t('mkt.drop_override_label', { window: windowLabel(field), regime: base.name })} onClick={() => setWindow(id, field, '')}>
                      {t('mkt.drop_override')}
                    </button>
                  )}
                </div>
              );
            })}
          </fieldset>
        );
      })}
      {changes.length > 0 && (
        <section className="confirm-box" aria-label={t('mkt.changes_title')}>
          <strong>{t('mkt.changes_title')}</strong>
          <ChangeList changes={changes} builtIns={builtIns} />
        </section>
      )}
      <div className="actions">
        <button type="submit" disabled={busy || changes.length === 0}>
          {busy ? t('common.working') : t('mkt.save')}
        </button>
        {touched && !valid && (
          <span className="field-error" role="alert">
            {t('mkt.fix_first')}
          </span>
        )}
        {changes.length === 0 && !done && <span className="muted small">{t('mkt.nothing_changed')}</span>}
      </div>
      <ErrorMessage error={error} />
      {done && (
        <p className="success" role="status">
          {done}
        </p>
      )}
    </form>
  );
}
