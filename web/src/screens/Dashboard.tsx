// The dashboard: removals by source (proactive screening versus notices) over
// time, handling-time percentiles, top rights holders and categories, and
// repeat infringers as a table and a graph — every chart with its numbers one
// click away. The server computes the figures (GET /v1/reports/dashboard) for
// what the signed-in user may see; the controls choose the period, the
// bucket and the marketplace.
import { useMemo, useState } from 'react';
import { get } from '../api';
import { ChartView } from '../components/Chart';
import { GraphView, type GraphEdge, type GraphNode } from '../components/Graph';
import { Empty, ErrorMessage, Loading, Section, useLoad } from '../components/ui';
import { serverNow } from '../clock';
import { fmtDate, fmtNumber, t } from '../i18n';
import { bucketLabel, dashboardQuery, isEmptyReport, toHours, type Bucket, type DashboardReport } from '../logic/stats';
import type { Marketplace, Me } from '../types';

const PERIODS = [7, 30, 90, 365];
const NOWRAP = { whiteSpace: 'nowrap' } as const;

export function DashboardScreen({ me }: { me: Me }) {
  const [days, setDays] = useState(30);
  const [bucket, setBucket] = useState<Bucket>('day');
  const [marketplaceId, setMarketplaceId] = useState(me.role === 'marketplace' ? me.marketplace_id : '');
  const url = dashboardQuery({ days, bucket, marketplaceId }, serverNow());
  const report = useLoad((signal) => get<DashboardReport>(url, signal), [url]);
  const markets = useLoad((signal) => get<{ items: Marketplace[] }>('/v1/marketplaces', signal), []);
  return (
    <>
      <div className="page-head">
        <h1>{t('dash.title')}</h1>
        <div className="filters" role="group" aria-label={t('dash.controls')}>
          <label className="inline" style={NOWRAP}>
            {t('dash.period')}{' '}
            <select value={days} onChange={(e) => setDays(Number(e.target.value))} data-testid="dash-period">
              {PERIODS.map((n) => (
                <option key={n} value={n}>
                  {t('dash.days', { n })}
                </option>
              ))}
            </select>
          </label>
          <label className="inline" style={NOWRAP}>
            {t('dash.bucket')}{' '}
            <select value={bucket} onChange={(e) => setBucket(e.target.value as Bucket)} data-testid="dash-bucket">
              <option value="day">{t('dash.bucket_day')}</option>
              <option value="week">{t('dash.bucket_week')}</option>
              <option value="month">{t('dash.bucket_month')}</option>
            </select>
          </label>
          {me.role !== 'marketplace' && (
            <label className="inline" style={NOWRAP}>
              {t('notice.marketplace')}{' '}
              <select value={marketplaceId} onChange={(e) => setMarketplaceId(e.target.value)} data-testid="dash-marketplace">
                <option value="">{t('common.all')}</option>
                {(markets.data?.items ?? []).map((m) => (
                  <option key={m.id} value={m.id}>
                    {m.name}
                  </option>
                ))}
              </select>
            </label>
          )}
        </div>
      </div>
      {report.error ? (
        <ErrorMessage error={report.error} onRetry={report.reload} />
      ) : report.data === undefined ? (
        <Loading />
      ) : (
        <div aria-busy={report.loading} className={report.loading ? 'reloading' : undefined}>
          <DashboardBody r={report.data} />
        </div>
      )}
    </>
  );
}

function hoursText(seconds: number | null): string {
  const h = toHours(seconds);
  return h === null ? '—' : `${fmtNumber(h, 1)} h`;
}

function DashboardBody({ r }: { r: DashboardReport }) {
  const names = useMemo(() => new Map(r.top_rights_holders.map((o) => [o.org_id, o.name])), [r]);
  const graph = useMemo(() => {
    const nodes: GraphNode[] = [];
    const edges: GraphEdge[] = [];
    const seen = new Set<string>();
    for (const s of r.repeat_infringers.slice(0, 20)) {
      const sid = `seller:${s.marketplace_id}/${s.seller_id}`;
      nodes.push({ id: sid, label: s.seller_id, kind: 'seller', weight: s.removals });
      for (const b of s.rights_holder_ids) {
        const bid = `brand:${b}`;
        if (!seen.has(bid)) {
          seen.add(bid);
          nodes.push({ id: bid, label: names.get(b) ?? b, kind: 'brand', weight: 3 });
        }
        edges.push({ source: sid, target: bid, weight: 2 });
      }
    }
    return { nodes, edges };
  }, [r, names]);
  const labels = useMemo(() => r.removals.buckets.map((b) => bucketLabel(b.start, r.period.bucket)), [r]);
  const removalSeries = useMemo(
    () => [
      { label: t('dash.source_notice'), data: r.removals.buckets.map((b) => b.notices) },
      { label: t('dash.source_proactive'), data: r.removals.buckets.map((b) => b.proactive) },
    ],
    [r],
  );
  const handling = r.handling_time;
  const handlingSeries = useMemo(
    () => [
      { label: t('dash.handling_notices', { n: handling.notices.count }), data: [handling.notices.p50_seconds, handling.notices.p90_seconds, handling.notices.p99_seconds].map((s) => toHours(s) ?? 0) },
      { label: t('dash.handling_hits', { n: handling.screening_hits.count }), data: [handling.screening_hits.p50_seconds, handling.screening_hits.p90_seconds, handling.screening_hits.p99_seconds].map((s) => toHours(s) ?? 0) },
    ],
    [handling],
  );
  const brandLabels = useMemo(() => r.top_rights_holders.map((o) => o.name || o.org_id), [r]);
  const brandSeries = useMemo(
    () => [
      { label: t('dash.source_notice'), data: r.top_rights_holders.map((o) => o.notices) },
      { label: t('dash.source_proactive'), data: r.top_rights_holders.map((o) => o.proactive) },
    ],
    [r],
  );
  const categoryLabels = useMemo(() => r.top_categories.map((c) => c.category), [r]);
  const categorySeries = useMemo(() => [{ label: t('dash.takedowns'), data: r.top_categories.map((c) => c.removals) }], [r]);
  const period = `${fmtDate(r.period.from)} – ${fmtDate(new Date(Date.parse(r.period.to) - 1).toISOString())}`;
  if (isEmptyReport(r)) return <Empty>{t('dash.empty', { period })}</Empty>;
  return (
    <>
      <p className="muted" data-testid="dash-period-text">
        {t('dash.period_text', { period })}
      </p>
      <div className="tiles">
        <div className="tile">
          <span>{t('dash.removals_notice')}</span>
          <strong data-testid="tile-notice-removals">{r.removals.notices}</strong>
        </div>
        <div className="tile">
          <span>{t('dash.removals_proactive')}</span>
          <strong data-testid="tile-proactive-removals">{r.removals.proactive}</strong>
        </div>
        <div className="tile">
          <span>{t('dash.p50')}</span>
          <strong data-testid="tile-p50">{hoursText(handling.notices.p50_seconds)}</strong>
        </div>
        <div className="tile">
          <span>{t('dash.p90')}</span>
          <strong>{hoursText(handling.notices.p90_seconds)}</strong>
        </div>
      </div>
      <div className="charts">
        <ChartView id="removals" type="stacked" title={t(r.period.bucket === 'month' ? 'dash.removals_by_month' : r.period.bucket === 'week' ? 'dash.removals_by_week' : 'dash.removals_by_day')} labels={labels} series={removalSeries} height={260} />
        <ChartView id="handling" type="bar" title={t('dash.handling_percentiles')} labels={['p50', 'p90', 'p99']} series={handlingSeries} />
        <ChartView id="brands" type="stacked" title={t('dash.top_brands')} labels={brandLabels} series={brandSeries} />
        <ChartView id="categories" type="bar" title={t('dash.top_categories')} labels={categoryLabels} series={categorySeries} />
      </div>
      <Section title={t('dash.repeat_infringers')}>
        {r.repeat_infringers.length === 0 ? (
          <Empty>{t('dash.no_repeat')}</Empty>
        ) : (
          <div className="two-col">
            <div className="table-wrap">
              <table data-testid="repeat-infringers">
                <thead>
                  <tr>
                    <th scope="col">{t('notice.seller')}</th>
                    <th scope="col">{t('notice.marketplace')}</th>
                    <th scope="col">{t('dash.takedowns')}</th>
                    <th scope="col">{t('dash.strikes')}</th>
                    <th scope="col">{t('dash.seller_status')}</th>
                    <th scope="col">{t('dash.brands')}</th>
                  </tr>
                </thead>
                <tbody>
                  {r.repeat_infringers.map((s) => (
                    <tr key={`${s.marketplace_id}/${s.seller_id}`}>
                      <td>{s.seller_id}</td>
                      <td>{s.marketplace_id}</td>
                      <td>{s.removals}</td>
                      <td>{s.strikes}</td>
                      <td>{s.status === null ? '—' : t(s.status === 'suspended' ? 'dash.status_suspended' : 'dash.status_active')}</td>
                      <td>{s.rights_holder_ids.map((id) => names.get(id) ?? id).join(', ')}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <GraphView nodes={graph.nodes} edges={graph.edges} label={t('dash.graph_label')} />
          </div>
        )}
      </Section>
    </>
  );
}
