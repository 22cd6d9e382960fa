// Agent authorisations as the rights holder's portal shows and grants them:
// whether each still lets the agency act, and the live check of the form.

export interface AuthorisationLike {
  revoked: boolean;
  valid_until?: string;
}

export type AuthorisationStatus = 'active' | 'expired' | 'revoked';

export function authorisationStatus(a: AuthorisationLike, now: number): AuthorisationStatus {
  if (a.revoked) return 'revoked';
  if (a.valid_until && Date.parse(a.valid_until) < now) return 'expired';
  return 'active';
}

// A date input's value ("2027-12-31") as the end of that day in UTC, the
// last moment the authorisation holds; "" when no date was chosen.
export function endOfDay(date: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return '';
  // A real calendar day (Date.parse would take 30 February as 2 March).
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (d.getUTCFullYear() !== Number(m[1]) || d.getUTCMonth() !== Number(m[2]) - 1 || d.getUTCDate() !== Number(m[3])) return '';
  return `${date}T23:59:59Z`;
}

export interface AgentDraft {
  agent_org_id: string;
  document: boolean; // a file was chosen
  valid_until: string; // "" or YYYY-MM-DD
}

export type AgentProblem = 'agent_required' | 'agent_format' | 'agent_is_self' | 'document_required' | 'date_invalid' | 'date_past';

// What is wrong with the form, by field; the server checks again (that the
// agency exists, that the document was uploaded).
export function agentProblems(d: AgentDraft, ownOrg: string, now: number): Partial<Record<'agent_org_id' | 'document' | 'valid_until', AgentProblem>> {
  const out: Partial<Record<'agent_org_id' | 'document' | 'valid_until', AgentProblem>> = {};
  const agent = d.agent_org_id.trim();
  if (!agent) out.agent_org_id = 'agent_required';
  else if (!/^[A-Za-z0-9._:-]{1,128}$/.test(agent)) out.agent_org_id = 'agent_format';
  else if (agent === ownOrg) out.agent_org_id = 'agent_is_self';
  if (!d.document) out.document = 'document_required';
  if (d.valid_until) {
    const end = endOfDay(d.valid_until);
    if (!end || Number.isNaN(Date.parse(end))) out.valid_until = 'date_invalid';
    else if (Date.parse(end) < now) out.valid_until = 'date_past';
  }
  return out;
}
