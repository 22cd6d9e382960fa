// The dashboard: removals by source (proactive screening versus notices) over
// time, handling-time percentiles, top brands and categories, and repeat
// infringers as a table and a graph — every chart with its numbers one click
// away. Figures are computed from what the signed-in user may see.
import { useMemo, useState } from 'react';
import { ApiError, getAll } from '../api';
import { ChartView } from '../components/Chart';
import { GraphView, type GraphEdge, type GraphNode } from '../components/Graph';
import { Async, Empty, Link, Section, useLoad } from '../components/ui';
import { serverNow } from '../clock';
import { fmtNumber, t } from '../i18n';
import { countBy, handlingTimes, removalsByDay, repeatInfringers, TAKEDOWN_STATES } from '../logic/stats';
import type { Me, Notice, ScreeningHit } from '../types';

async function loadData(): Promise<{ notices: Notice[]; hits: ScreeningHit[] }> {
  const notices = await getAll<Notice>('/v1/notices', 25);
  let hits: ScreeningHit[] = [];
  try {
    hits = await getAll<ScreeningHit>('/v1/screening/hits', 10);
  } catch (e) {
    if (!(e instanceof ApiError && (e.status === 403 || e.status === 404))) throw e;
  }
  return { notices, hits };
}

export function DashboardScreen({ me }: { me: Me }) {
  const data = useLoad(loadData, []);
  const [days, setDays] = useState(30);
  return (
    <>
      <div className="page-head">
        <h1>{t('dash.title')}</h1>
        <label className="inline">
          {t('dash.period')}{' '}
          <select value={days} onChange={(e) => setDays(Number(e.target.value))}>
            <option value={14}>{t('dash.days', { n: 14 })}</option>
            <option value={30}>{t('dash.days', { n: 30 })}</option>
            <option value={90}>{t('dash.days', { n: 90 })}</option>
          </select>
        </label>
      </div>
      <Async value={data}>{(d) => <DashboardBody notices={d.notices} hits={d.hits} days={days} me={me} />}</Async>
    </>
  );
}

function DashboardBody({ notices, hits, days }: { notices: Notice[]; hits: ScreeningHit[]; days: number; me: Me }) {
  const removals = useMemo(() => removalsByDay(notices, hits, serverNow(), days), [notices, hits, days]);
  const handling = useMemo(() => handlingTimes(notices), [notices]);
  const topBrands = useMemo(() => countBy(notices.filter((n) => TAKEDOWN_STATES.has(n.state)), (n) => n.principal_org_id, 8), [notices]);
  const topCategories = useMemo(
    () => countBy([...notices.map((n) => n.snapshot?.category), ...hits.map((h) => h.snapshot?.category)].map((c) => ({ c })), (x) => x.c, 8),
    [notices, hits],
  );
  const repeat = useMemo(() => repeatInfringers(notices, hits, 2), [notices, hits]);
  const graph = useMemo(() => {
    const nodes: GraphNode[] = [];
    const edges: GraphEdge[] = [];
    const seen = new Set<string>();
    for (const r of repeat.slice(0, 20)) {
      const sid = `seller:${r.marketplace_id}/${r.seller_id}`;
      nodes.push({ id: sid, label: r.seller_id, kind: 'seller', weight: r.takedowns });
      for (const b of r.brands) {
        const bid = `brand:${b}`;
        if (!seen.has(bid)) {
          seen.add(bid);
          nodes.push({ id: bid, label: b, kind: 'brand', weight: 3 });
        }
        edges.push({ source: sid, target: bid, weight: 2 });
      }
    }
    return { nodes, edges };
  }, [repeat]);
  const totalNotice = removals.notices.reduce((a, b) => a + b, 0);
  const totalProactive = removals.proactive.reduce((a, b) => a + b, 0);
  const shortDays = removals.days.map((d) => d.slice(5));
  if (notices.length === 0 && hits.length === 0) return <Empty>{t('dash.empty')}</Empty>;
  return (
    <>
      <div className="tiles">
        <div className="tile">
          <span>{t('dash.removals_notice')}</span>
          <strong data-testid="tile-notice-removals">{totalNotice}</strong>
        </div>
        <div className="tile">
          <span>{t('dash.removals_proactive')}</span>
          <strong>{totalProactive}</strong>
        </div>
        <div className="tile">
          <span>{t('dash.p50')}</span>
          <strong>{Number.isFinite(handling.p50) ? `${fmtNumber(handling.p50, 1)} h` : '—'}</strong>
        </div>
        <div className="tile">
          <span>{t('dash.p90')}</span>
          <strong>{Number.isFinite(handling.p90) ? `${fmtNumber(handling.p90, 1)} h` : '—'}</strong>
        </div>
      </div>
      <div className="charts">
        <ChartView
          id="removals"
          type="stacked"
          title={t('dash.removals_by_source')}
          labels={shortDays}
          series={[
            { label: t('dash.source_notice'), data: removals.notices },
            { label: t('dash.source_proactive'), data: removals.proactive },
          ]}
          height={260}
        />
        <ChartView
          id="handling"
          type="bar"
          title={t('dash.handling_percentiles', { n: handling.count })}
          labels={['p50', 'p90', 'p99']}
          series={[{ label: t('dash.hours'), data: [handling.p50, handling.p90, handling.p99].map((x) => (Number.isFinite(x) ? Math.round(x * 10) / 10 : 0)) }]}
        />
        <ChartView id="brands" type="bar" title={t('dash.top_brands')} labels={topBrands.map(([k]) => k)} series={[{ label: t('dash.takedowns'), data: topBrands.map(([, v]) => v) }]} />
        <ChartView id="categories" type="bar" title={t('dash.top_categories')} labels={topCategories.map(([k]) => k)} series={[{ label: t('dash.listings'), data: topCategories.map(([, v]) => v) }]} />
      </div>
      <Section title={t('dash.repeat_infringers')}>
        {repeat.length === 0 ? (
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
                    <th scope="col">{t('dash.brands')}</th>
                  </tr>
                </thead>
                <tbody>
                  {repeat.map((r) => (
                    <tr key={`${r.marketplace_id}/${r.seller_id}`}>
                      <td>
                        <Link to={`/review?queue=notices`}>{r.seller_id}</Link>
                      </td>
                      <td>{r.marketplace_id}</td>
                      <td>{r.takedowns}</td>
                      <td>{r.brands.join(', ')}</td>
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
