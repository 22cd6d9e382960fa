// The statement of reasons a decision will send (DSA art. 17(3)), previewed
// before the reviewer confirms. The server writes the real statement when the
// decision is taken, in these same terms; the preview lets the reviewer read
// what the seller (or the notifier) will read.
import type { Notice, Regime } from '../types';

export interface StatementPreview {
  decision: 'removal' | 'no_action';
  restriction: string;
  facts: string;
  notice_based: boolean;
  automated_decision: boolean;
  legal_ground: string;
  redress: string[];
}

function truncate(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}

export function previewStatement(
  notice: Notice,
  decision: 'accept' | 'reject',
  reason: string,
  rejectionCode: string,
  regimes: Regime[],
): StatementPreview {
  const legal = regimes.map((r) => r.legal_basis).filter(Boolean).join('; ');
  const counter = regimes.some((r) => r.counter_notice);
  const appeal = regimes.some((r) => r.appeal);
  const dsa = regimes.some((r) => r.id.includes('eu_dsa'));
  const redress: string[] = [];
  if (decision === 'accept' && counter)
    redress.push(
      'Counter-notice: you may file a counter-notice (declaration of non-infringement) with your evidence; it is forwarded to the complainant and, unless they show a filed complaint or lawsuit in time, the listing is restored.',
    );
  if (appeal) redress.push('Internal complaint (DSA art. 20): you may appeal this decision; a person who did not take the decision reviews it.');
  if (dsa) redress.push('Out-of-court dispute settlement before a certified body (DSA art. 21).');
  redress.push('Judicial redress before the competent courts.');
  if (decision === 'accept') {
    const explanation = typeof notice.body?.explanation === 'string' ? notice.body.explanation : '';
    return {
      decision: 'removal',
      restriction: 'Removal of the listing (access disabled); it stays down unless a counter-notice or an internal complaint succeeds.',
      facts:
        `Notice ${notice.id} reported ${notice.infringement_type} infringing right ${notice.right_id} in listing ${notice.listing_id} ("${truncate(notice.snapshot?.title ?? '', 200)}").` +
        (explanation ? ` The notifier explained: ${truncate(explanation, 500)}` : '') +
        (reason.trim() ? ` Reviewer's assessment: ${truncate(reason.trim(), 1000)}` : ''),
      notice_based: true,
      automated_decision: false,
      legal_ground: `Infringement of right ${notice.right_id}. Legal basis for acting: ${legal}`,
      redress,
    };
  }
  return {
    decision: 'no_action',
    restriction: 'None: the listing stays online.',
    facts: `Notice ${notice.id} was reviewed by a person and not upheld (${rejectionCode || 'other'}): ${truncate(reason.trim(), 1500)}`,
    notice_based: true,
    automated_decision: false,
    legal_ground: legal,
    redress,
  };
}
