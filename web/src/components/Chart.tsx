// A chart.js chart on a canvas, with the same numbers as a table one click
// away (charts alone are not accessible, and reviewers want the numbers).
import { useEffect, useRef, useState } from 'react';
import {
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Chart as ChartJs,
  DoughnutController,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartType,
} from 'chart.js';
import { t } from '../i18n';

ChartJs.register(BarController, BarElement, LineController, LineElement, PointElement, DoughnutController, ArcElement, CategoryScale, LinearScale, Legend, Tooltip);

export const PALETTE = ['#1d4ed8', '#dc2626', '#059669', '#d97706', '#7c3aed', '#0891b2', '#be185d', '#4b5563'];

export interface Series {
  label: string;
  data: number[];
}

export function ChartView(props: { type: 'bar' | 'line' | 'doughnut' | 'stacked'; title: string; labels: string[]; series: Series[]; height?: number; id: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [showTable, setShowTable] = useState(false);
  useEffect(() => {
    if (!canvas.current || showTable) return;
    const type: ChartType = props.type === 'stacked' ? 'bar' : props.type;
    const chart = new ChartJs(canvas.current, {
      type,
      data: {
        labels: props.labels,
        datasets: props.series.map((s, i) => ({
          label: s.label,
          data: s.data,
          backgroundColor: props.type === 'doughnut' ? props.labels.map((_, j) => PALETTE[j % PALETTE.length]) : PALETTE[i % PALETTE.length],
          borderColor: props.type === 'line' ? PALETTE[i % PALETTE.length] : undefined,
          tension: 0.25,
        })),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: props.series.length > 1 || props.type === 'doughnut', position: 'bottom' } },
        scales:
          props.type === 'doughnut'
            ? {}
            : {
                x: { stacked: props.type === 'stacked', ticks: { maxRotation: 0, autoSkip: true } },
                y: { stacked: props.type === 'stacked', beginAtZero: true, ticks: { precision: 0 } },
              },
      },
    });
    return () => chart.destroy();
  }, [props.type, props.labels, props.series, showTable]);
  return (
    <figure className="chart" data-testid={`chart-${props.id}`}>
      <figcaption>
        <span>{props.title}</span>
        <button type="button" className="link-button" aria-pressed={showTable} onClick={() => setShowTable((s) => !s)}>
          {showTable ? t('chart.show_chart') : t('chart.show_numbers')}
        </button>
      </figcaption>
      {showTable ? (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('chart.category')}</th>
                {props.series.map((s) => (
                  <th scope="col" key={s.label}>
                    {s.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {props.labels.map((l, i) => (
                <tr key={l}>
                  <th scope="row">{l}</th>
                  {props.series.map((s) => (
                    <td key={s.label}>{s.data[i]}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <div className="chart-canvas" style={{ height: props.height ?? 240 }}>
          <canvas ref={canvas} role="img" aria-label={props.title} />
        </div>
      )}
    </figure>
  );
}
