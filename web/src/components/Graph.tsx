// A graph view (cytoscape) of who infringes whom: sellers linked to the
// rights holders whose notices and screening hits took their listings down.
// The same links are listed as text beside it for keyboard and screen-reader users.
import { useEffect, useRef } from 'react';
import cytoscape from 'cytoscape';

export interface GraphNode {
  id: string;
  label: string;
  kind: 'seller' | 'brand';
  weight: number;
}
export interface GraphEdge {
  source: string;
  target: string;
  weight: number;
}

export function GraphView({ nodes, edges, label, onSelect }: { nodes: GraphNode[]; edges: GraphEdge[]; label: string; onSelect?: (id: string) => void }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!el.current) return;
    const cy = cytoscape({
      container: el.current,
      elements: [
        ...nodes.map((n) => ({ data: { id: n.id, label: n.label, kind: n.kind, weight: n.weight } })),
        ...edges.map((e, i) => ({ data: { id: `e${i}`, source: e.source, target: e.target, weight: e.weight } })),
      ],
      style: [
        {
          selector: 'node',
          style: {
            label: 'data(label)',
            'font-size': 11,
            'text-valign': 'bottom',
            'text-margin-y': 4,
            width: 'mapData(weight, 1, 10, 18, 48)',
            height: 'mapData(weight, 1, 10, 18, 48)',
          },
        },
        { selector: 'node[kind = "seller"]', style: { 'background-color': '#dc2626' } },
        { selector: 'node[kind = "brand"]', style: { 'background-color': '#1d4ed8', shape: 'round-rectangle' } },
        { selector: 'edge', style: { width: 'mapData(weight, 1, 10, 1, 6)', 'line-color': '#94a3b8', 'curve-style': 'bezier' } },
      ],
      layout: { name: 'cose', animate: false, padding: 20 },
      userZoomingEnabled: false,
    });
    if (onSelect) cy.on('tap', 'node', (e) => onSelect(e.target.id()));
    return () => cy.destroy();
  }, [nodes, edges, onSelect]);
  return <div className="graph" ref={el} role="img" aria-label={label} data-testid="graph" />;
}
