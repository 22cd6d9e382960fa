// The photo evidence of a screening hit: each listing photo beside the photo
// it matched (a rights holder's reference photo, a photo from the stay-down
// bank or a shared bank), with the Hamming distance of their PDQ hashes out
// of 256 bits against the bank's radius, the bank and the label. Photos are
// served by GET /v1/screening/hits/{id}/photos/{sha256} to staff and to the
// rights holder concerned; one that cannot be shown says why.
import { useEffect, useState } from 'react';
import { ApiError, problemFromBody } from '../api';
import { problemText, Section } from '../components/ui';
import { fmtNumber, t, type MessageKey } from '../i18n';
import { bitsInCommon, closenessOf, PDQ_BITS, photoMatchesOf, type PhotoMatch } from '../logic/photos';

type PhotoState = { kind: 'loading' } | { kind: 'loaded' } | { kind: 'error'; message: string };

// One photo with its own loading and error states. When the browser cannot
// show it, the server's answer for the same URL is read for the reason.
function EvidencePhoto({ url, alt, missing, testId }: { url?: string; alt: string; missing: string; testId: string }) {
  const [state, setState] = useState<PhotoState>({ kind: 'loading' });
  useEffect(() => setState({ kind: 'loading' }), [url]);
  if (!url) {
    return (
      <div className="photo-frame missing" data-testid={`${testId}-missing`}>
        <span>{missing}</span>
      </div>
    );
  }
  async function explain() {
    try {
      const r = await fetch(url as string, { credentials: 'same-origin' });
      if (!r.ok) {
        setState({ kind: 'error', message: problemText(problemFromBody(r.status, await r.text())) });
        return;
      }
      setState({ kind: 'error', message: t('photos.unreadable') });
    } catch {
      setState({ kind: 'error', message: problemText(new ApiError(0, 'network', '')) });
    }
  }
  return (
    <div className={`photo-frame ${state.kind}`} aria-busy={state.kind === 'loading'}>
      {state.kind !== 'error' && <img src={url} alt={alt} data-testid={testId} onLoad={() => setState({ kind: 'loaded' })} onError={explain} />}
      {state.kind === 'loading' && (
        <span className="photo-status" role="status">
          <span className="spinner" aria-hidden="true" /> {t('common.loading')}
        </span>
      )}
      {state.kind === 'error' && (
        <span className="photo-status" role="alert" data-testid={`${testId}-error`}>
          {state.message}
        </span>
      )}
      {state.kind === 'loaded' && (
        <a className="small" href={url} target="_blank" rel="noopener">
          {t('photos.full_size')}
        </a>
      )}
    </div>
  );
}

function bankName(m: PhotoMatch): string {
  const kind = t(`photos.bank_${m.bank_kind}` as MessageKey);
  return kind.startsWith('photos.bank_') ? m.bank : `${kind} · ${m.bank}`;
}

function variantText(v: string): string {
  const key = `photos.variant_${v}` as MessageKey;
  const s = t(key);
  return s === key ? v : s;
}

function MatchPair({ m, n, of }: { m: PhotoMatch; n: number; of: number }) {
  const closeness = closenessOf(m.distance, m.radius);
  const referenceMissing = m.bank_kind === 'reference' ? t('photos.reference_not_shown') : t('photos.bank_photo_not_kept');
  return (
    <figure className="photo-match" data-testid="photo-match">
      <figcaption>
        {of > 1 && <span className="muted small">{t('photos.match_n', { n, of })} </span>}
        <strong data-testid="photo-distance">{t('photos.distance', { d: m.distance, bits: PDQ_BITS, radius: m.radius })}</strong>{' '}
        <span className={`badge closeness-${closeness}`}>{t(`photos.closeness_${closeness}` as MessageKey)}</span>
      </figcaption>
      <div className="photo-pair">
        <div>
          <h4>{t('photos.listing_photo')}</h4>
          <EvidencePhoto url={m.photo_url} alt={t('photos.listing_photo_alt', { sha: m.photo.slice(0, 12) })} missing={t('photos.listing_not_shown')} testId="listing-photo" />
        </div>
        <div>
          <h4>{t('photos.matched_photo')}</h4>
          <EvidencePhoto url={m.reference_url} alt={t('photos.reference_photo_alt', { label: m.label || m.bank })} missing={referenceMissing} testId="reference-photo" />
        </div>
      </div>
      <dl className="kv small">
        <div>
          <dt>{t('photos.bank')}</dt>
          <dd>{bankName(m)}</dd>
        </div>
        {m.label && (
          <div>
            <dt>{t('photos.label')}</dt>
            <dd>{m.label}</dd>
          </div>
        )}
        {m.rights_holder && (
          <div>
            <dt>{t('photos.rights_holder')}</dt>
            <dd>{m.rights_holder}</dd>
          </div>
        )}
        <div>
          <dt>{t('photos.bits_in_common')}</dt>
          <dd>{fmtNumber(bitsInCommon(m.distance) * 100, 1)}%</dd>
        </div>
        {m.variant && m.variant !== 'original' && (
          <div>
            <dt>{t('photos.variant')}</dt>
            <dd>{variantText(m.variant)}</dd>
          </div>
        )}
      </dl>
    </figure>
  );
}

// Shown when the hit has photo matches, or names a photo match it cannot show.
export function PhotoEvidence({ hit }: { hit: { photo_matches?: unknown; verdict?: { reasons?: { code: string }[] } } }) {
  const matches = photoMatchesOf(hit);
  const named = (hit.verdict?.reasons ?? []).some((r) => r.code === 'photo_match');
  if (!matches.length && !named) return null;
  return (
    <Section title={t('photos.title')}>
      <div data-testid="photo-evidence">
        {matches.length === 0 ? (
          <p className="muted">{t('photos.none_visible')}</p>
        ) : (
          <>
            <p className="muted small">{t('photos.explain', { bits: PDQ_BITS })}</p>
            <div className="stack">
              {matches.map((m, i) => (
                <MatchPair key={`${m.photo}-${m.bank}-${m.reference ?? i}`} m={m} n={i + 1} of={matches.length} />
              ))}
            </div>
          </>
        )}
      </div>
    </Section>
  );
}
