import { readFileSync } from 'node:fs';
import type { Registry } from 'prom-client';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { createMetrics } from '../../api/metrics';
import { createNotificationMetrics } from '../../notifications/metrics';
import { SHOP_PROCESSES } from '../../processes/list';
import { processRegistry } from '../../telemetry/metricsServer';

interface Panel {
  title: string;
  type: string;
  targets?: { expr: string }[];
}

const dashboard = JSON.parse(readFileSync('observability/grafana/dashboards/brew-saga.json', 'utf8')) as {
  uid: string;
  panels: Panel[];
};

/** The series names the processes' registries expose, read from the code that defines them. */
async function exportedSeries(): Promise<Set<string>> {
  const registries: Registry[] = [
    createMetrics(async () => 0).registry, // the API (its own and the shop's)
    createNotificationMetrics().registry, // the notifier
    processRegistry(), // workers and projector
  ];
  const names = new Set<string>();
  for (const registry of registries)
    for (const metric of await registry.getMetricsAsJSON()) {
      names.add(metric.name);
      if (String(metric.type) === 'histogram')
        for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${metric.name}${suffix}`);
    }
  return names;
}

/** The metric names a PromQL expression reads: what is left once labels, ranges, groupings and calls are gone. */
function metricsIn(expr: string): string[] {
  const bare = expr
    .replace(/"[^"]*"/g, '')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without)\s*\([^)]*\)/g, '')
    .replace(/\b[a-z_]+\s*\(/g, '(');
  return [...bare.matchAll(/\b[a-zA-Z_:][a-zA-Z0-9_:]*\b/g)]
    .map((match) => match[0])
    .filter((name) => !/^e\d/.test(name));
}

describe('the Grafana dashboard (observability/grafana/dashboards/brew-saga.json)', () => {
  test('is valid JSON with panels that each query Prometheus', () => {
    expect(dashboard.uid).toBe('brew-saga');
    expect(dashboard.panels.length).toBeGreaterThan(5);
    for (const panel of dashboard.panels) expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
  });

  test("every panel's query names a metric the processes actually export", async () => {
    const exported = await exportedSeries();
    for (const panel of dashboard.panels)
      for (const { expr } of panel.targets ?? []) {
        const names = metricsIn(expr);
        expect(names.length, `${panel.title}: ${expr}`).toBeGreaterThan(0);
        for (const name of names) expect(exported, `${panel.title}: ${name} in ${expr}`).toContain(name);
      }
  });

  test('shows orders by outcome, start→READY p50/p99, projection lag, the breaker and error rates', () => {
    const titles = dashboard.panels.map((panel) => panel.title).join('\n');
    for (const wanted of [
      /orders per minute by outcome/i,
      /start → ready/i,
      /projection lag/i,
      /breaker/i,
      /error rates/i,
    ])
      expect(titles).toMatch(wanted);
    const queries = JSON.stringify(dashboard.panels);
    expect(queries).toContain('histogram_quantile(0.5, sum by (le) (rate(brew_order_ready_seconds_bucket');
    expect(queries).toContain('histogram_quantile(0.99, sum by (le) (rate(brew_order_ready_seconds_bucket');
  });

  test('a mistaken metric name would be caught', async () => {
    const exported = await exportedSeries();
    expect(metricsIn('sum by (outcome) (rate(brew_no_such_thing_total{a="b"}[5m])) * 60')).toEqual([
      'brew_no_such_thing_total',
    ]);
    expect(exported).not.toContain('brew_no_such_thing_total');
  });
});

describe('the observability services in docker-compose.yml', () => {
  const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as {
    services: Record<string, { image?: string; environment?: Record<string, string>; volumes?: string[] }>;
  };
  const prometheus = parse(readFileSync('observability/prometheus.yml', 'utf8')) as {
    scrape_configs: { job_name: string }[];
  };

  test('run a trace backend, Prometheus and Grafana with the dashboard provisioned', () => {
    expect(compose.services.jaeger?.image).toMatch(/^jaegertracing\/all-in-one:/);
    expect(compose.services.prometheus?.volumes?.join()).toContain('observability/prometheus.yml');
    expect(compose.services.grafana?.volumes?.join()).toContain('observability/grafana/dashboards');
  });

  test('Prometheus scrapes every process, and every process exports its traces', () => {
    const jobs = prometheus.scrape_configs.map((config) => config.job_name).sort();
    expect(jobs).toEqual(SHOP_PROCESSES.map((process) => process.name).sort());
    for (const { name } of SHOP_PROCESSES)
      expect(compose.services[name]?.environment?.OTEL_EXPORTER_OTLP_ENDPOINT, name).toBe(
        'http://jaeger:4318',
      );
  });
});
