/**
 * The monitoring files of examples/deploy/ name only what the relay exports: every metric in the
 * Grafana dashboard's queries and the Prometheus alert rules is a series `RelayMetrics.render()`
 * writes, and every label value they select on is one it writes for that metric.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RelayMetrics } from '../../../src/server/metrics';

const DEPLOY = fileURLToPath(new URL('../../../examples/deploy/', import.meta.url));

/** Every series the relay exports, with the label values it writes: `name` → label → values. */
function exported(): Map<string, Map<string, Set<string>>> {
  const metrics = new RelayMetrics({ labels: { node: 'a' } });
  metrics.observeLatency(0.001);
  const series = new Map<string, Map<string, Set<string>>>();
  for (const line of metrics.render().split('\n')) {
    const match = /^([a-z_]+)(?:\{([^}]*)\})? /.exec(line);
    if (match === null) continue;
    const labels = series.get(match[1] as string) ?? new Map<string, Set<string>>();
    for (const pair of (match[2] ?? '').split(',').filter(Boolean)) {
      const [name, value] = pair.split('=') as [string, string];
      const values = labels.get(name) ?? new Set<string>();
      values.add(JSON.parse(value) as string);
      labels.set(name, values);
    }
    series.set(match[1] as string, labels);
  }
  return series;
}

/** The PromQL expressions of both files. */
function expressions(): Array<{ file: string; expr: string }> {
  const dashboard = JSON.parse(readFileSync(`${DEPLOY}grafana-dashboard.json`, 'utf8')) as { panels: Array<{ title: string; targets: Array<{ expr: string }> }> };
  const fromDashboard = dashboard.panels.flatMap((panel) => panel.targets.map((target) => ({ file: `grafana-dashboard.json: ${panel.title}`, expr: target.expr })));
  const rules = readFileSync(`${DEPLOY}prometheus-alerts.yml`, 'utf8');
  const fromRules = [...rules.matchAll(/^\s+expr: (.+)$/gm)].map((match) => ({ file: 'prometheus-alerts.yml', expr: match[1] as string }));
  return [...fromDashboard, ...fromRules];
}

describe('examples/deploy monitoring files', () => {
  it('name only series the relay exports, and only label values it writes', () => {
    const series = exported();
    expect(series.has('voxwire_relay_active_sessions')).toBe(true);
    expect(series.has('voxwire_relay_draining')).toBe(true);
    const all = expressions();
    expect(all.length).toBeGreaterThanOrEqual(15);
    const named = new Set<string>();
    for (const { file, expr } of all) {
      const metrics = [...expr.matchAll(/\b(voxwire_[a-z_]+)\b/g)].map((match) => match[1] as string);
      expect(metrics.length, `${file}: ${expr} names no relay metric`).toBeGreaterThan(0);
      // Only relay series besides PromQL itself (no `up`, no exporter's series): what is left once
      // strings, selectors, ranges, grouping clauses, functions and keywords are taken out.
      const bare = expr.replace(/"[^"]*"/g, '').replace(/\b(by|without|on|ignoring)\s*\([^)]*\)/g, '').replace(/\{[^}]*\}|\[[^\]]*\]/g, '');
      const names = [...bare.matchAll(/\b([a-zA-Z_][a-zA-Z0-9_]*)\b(?!\s*\()/g)].map((match) => match[1] as string).filter((word) => !['and', 'or', 'unless', 'offset', 'bool'].includes(word));
      for (const name of names) expect(name.startsWith('voxwire_'), `${file}: ${name} in ${expr}`).toBe(true);
      for (const metric of metrics) {
        named.add(metric);
        expect(series.has(metric), `${file}: ${metric} is not exported by RelayMetrics`).toBe(true);
      }
      for (const selector of expr.matchAll(/(voxwire_[a-z_]+)\{([^}]*)\}/g)) {
        const labels = series.get(selector[1] as string) as Map<string, Set<string>>;
        for (const matcher of (selector[2] as string).matchAll(/([a-z_]+)(=~|=)"([^"]*)"/g)) {
          const [, label, operator, value] = matcher as unknown as [string, string, string, string];
          if (value.includes('$')) continue; // a dashboard variable
          const values = labels.get(label);
          expect(values, `${file}: ${selector[1]} has no label ${label}`).toBeDefined();
          for (const wanted of operator === '=~' ? value.split('|') : [value]) expect(values?.has(wanted), `${file}: ${selector[1]}{${label}="${wanted}"}`).toBe(true);
        }
      }
    }
    // The dashboard covers every family the relay exports.
    const families = new Set([...series.keys()].map((name) => name.replace(/_(bucket|sum|count)$/, '')));
    for (const family of families) expect([...named].some((name) => name.startsWith(family)), `no panel or rule shows ${family}`).toBe(true);
  });

});
