// Building blocks every screen shares: links, the loading / error / empty
// states, labelled form fields, badges, the countdown and tabs.
import { useCallback, useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { ApiError } from '../api';
import { serverNow } from '../clock';
import { fmtDateTime, t, type MessageKey } from '../i18n';
import { compactDuration, elapsedShare, remaining, urgency } from '../logic/time';
import { navigate } from '../router';

export function Link(props: { to: string; children: ReactNode; className?: string; 'aria-current'?: 'page' | undefined }) {
  return (
    <a
      href={props.to}
      className={props.className}
      aria-current={props['aria-current']}
      onClick={(e) => {
        if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(props.to);
      }}
    >
      {props.children}
    </a>
  );
}

// The problem+json error in words: what kind of problem, the server's detail,
// and the field at fault.
export function problemText(e: unknown): string {
  if (e instanceof ApiError) {
    const known: Record<string, MessageKey> = {
      network: 'error.network',
      unauthenticated: 'error.unauthenticated',
      permission_denied: 'error.permission_denied',
      csrf: 'error.csrf',
      not_found: 'error.not_found',
      invalid_argument: 'error.invalid_argument',
      malformed: 'error.malformed',
      duplicate_notice: 'error.duplicate_notice',
      already_exists: 'error.already_exists',
      failed_precondition: 'error.failed_precondition',
      claimed: 'error.claimed',
      same_reviewer: 'error.same_reviewer',
      notifier_limited: 'error.notifier_limited',
      resource_exhausted: 'error.resource_exhausted',
      too_large: 'error.too_large',
    };
    const key = known[e.type] ?? (e.status >= 500 ? 'error.server' : 'error.generic');
    const head = t(key);
    const field = e.pointer ? ` (${t('error.field')}: ${e.pointer})` : '';
    return e.detail ? `${head} ${e.detail}${field}` : `${head}${field}`;
  }
  return t('error.generic') + (e instanceof Error && e.message ? ` ${e.message}` : '');
}

export function ErrorMessage({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  if (!error) return null;
  return (
    <div className="error" role="alert">
      <span>{problemText(error)}</span>
      {onRetry && (
        <button type="button" className="secondary small" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}

export function Loading({ label }: { label?: string }) {
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label ?? t('common.loading')}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

// Runs `load` when `deps` change; keeps the last data while reloading.
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((x) => x + 1), []);
  useEffect(() => {
    const ctl = new AbortController();
    setLoading(true);
    setError(null);
    load(ctl.signal)
      .then((d) => {
        if (!ctl.signal.aborted) {
          setData(d);
          setLoading(false);
        }
      })
      .catch((e) => {
        if (!ctl.signal.aborted) {
          setError(e);
          setLoading(false);
        }
      });
    return () => ctl.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  return { data, error, loading, reload };
}

// Shows loading, error or the content of a Loaded value.
export function Async<T>({ value, children }: { value: Loaded<T>; children: (data: T) => ReactNode }) {
  if (value.error) return <ErrorMessage error={value.error} onRetry={value.reload} />;
  if (value.data === undefined) return <Loading />;
  return <>{children(value.data)}</>;
}

export function Field(props: {
  label: string;
  hint?: string;
  error?: string;
  required?: boolean;
  children: (id: string, describedBy: string | undefined) => ReactNode;
}) {
  const id = useId();
  const hintId = props.hint || props.error ? `${id}-hint` : undefined;
  // The star is visual; assistive technology hears "required" through aria-describedby.
  const describedBy = [props.required ? `${id}-req` : '', hintId ?? ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${props.error ? ' invalid' : ''}`}>
      <label htmlFor={id}>
        {props.label}
        {props.required && (
          <span className="required" aria-hidden="true">
            {' '}
            *
          </span>
        )}
      </label>
      {props.required && (
        <span id={`${id}-req`} className="sr-only">
          {t('common.required')}
        </span>
      )}
      {props.children(id, describedBy)}
      {(props.hint || props.error) && (
        <small id={hintId} className={props.error ? 'field-error' : 'hint'}>
          {props.error ?? props.hint}
        </small>
      )}
    </div>
  );
}

export function StateBadge({ state }: { state: string }) {
  const key = `state.${state}` as MessageKey;
  const text = t(key);
  return <span className={`badge state-${state}`}>{text === key ? state : text}</span>;
}

// Re-renders every `ms` milliseconds (for timers).
export function useNow(ms = 30_000): number {
  const [now, setNow] = useState(serverNow());
  useEffect(() => {
    const id = setInterval(() => setNow(serverNow()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}

// Time left to a deadline, with an optional bar from `start`.
export function Countdown({ deadline, start, label }: { deadline: string; start?: string; label?: string }) {
  const now = useNow(15_000);
  const r = remaining(deadline, now);
  const u = urgency(deadline, now);
  const text = r.overdue ? t('time.overdue', { d: compactDuration(r) }) : t('time.left', { d: compactDuration(r) });
  return (
    <span className={`countdown ${u}`} title={fmtDateTime(deadline)} data-testid="countdown">
      {label && <span className="countdown-label">{label} </span>}
      <strong>{text}</strong>
      {start && (
        <span className="bar" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(elapsedShare(start, deadline, now) * 100)} aria-label={label ?? text}>
          <span style={{ width: `${Math.round(elapsedShare(start, deadline, now) * 100)}%` }} />
        </span>
      )}
    </span>
  );
}

export function Tabs<K extends string>(props: { tabs: { id: K; label: string; count?: number }[]; current: K; onChange: (k: K) => void; label: string }) {
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  return (
    <div className="tabs" role="tablist" aria-label={props.label}>
      {props.tabs.map((tab, i) => (
        <button
          key={tab.id}
          ref={(el) => {
            refs.current[i] = el;
          }}
          type="button"
          role="tab"
          id={`tab-${tab.id}`}
          aria-selected={tab.id === props.current}
          tabIndex={tab.id === props.current ? 0 : -1}
          onClick={() => props.onChange(tab.id)}
          onKeyDown={(e) => {
            const dir = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
            if (!dir) return;
            const j = (i + dir + props.tabs.length) % props.tabs.length;
            props.onChange(props.tabs[j].id);
            refs.current[j]?.focus();
          }}
        >
          {tab.label}
          {tab.count !== undefined && <span className="count">{tab.count}</span>}
        </button>
      ))}
    </div>
  );
}

export function Section({ title, children, actions }: { title: string; children: ReactNode; actions?: ReactNode }) {
  return (
    <section className="card">
      <header className="card-head">
        <h2>{title}</h2>
        {actions}
      </header>
      {children}
    </section>
  );
}

export function KeyValues({ rows }: { rows: [string, ReactNode][] }) {
  return (
    <dl className="kv">
      {rows.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

export function Timeline({ entries }: { entries: { at: string; actor: string; action: string; detail: string }[] }) {
  if (!entries.length) return <Empty>{t('common.none')}</Empty>;
  return (
    <ol className="timeline">
      {entries.map((e, i) => (
        <li key={i}>
          <time dateTime={e.at}>{fmtDateTime(e.at)}</time>
          <strong>{e.action.replace(/_/g, ' ')}</strong>
          <span className="muted"> · {e.actor}</span>
          {e.detail && <p>{e.detail}</p>}
        </li>
      ))}
    </ol>
  );
}

// Announces a short message to screen readers and shows it briefly.
export function Toast({ message }: { message: string }) {
  if (!message) return null;
  return (
    <div className="toast" role="status" aria-live="polite">
      {message}
    </div>
  );
}
