import { describe, expect, it } from 'vitest';
import { RelayMetrics } from '../../src/server/metrics';

describe('RelayMetrics', () => {
  it('renders every family in the Prometheus text format, with constant labels', async () => {
    const metrics = new RelayMetrics({ labels: { node: 'a"b' }, latencyBucketsSeconds: [0.001, 0.01] });
    metrics.recordSessionStarted('s1', 'u1');
    metrics.recordSessionStarted('s2', 'u1');
    metrics.recordSessionEnded('s1', 'u1', 'time_limit', 1000);
    metrics.clientFrames += 3;
    metrics.clientBytes += 300;
    metrics.observeLatency(0.0005);
    metrics.observeLatency(0.005);
    metrics.observeLatency(1);
    metrics.recordBudgetRejection('u1', 'connect');
    metrics.recordFrameRejected('s2', 'too_large');
    const text = await metrics.handler(new Request('http://relay/metrics')).text();
    expect(text).toContain('# TYPE voxwire_relay_active_sessions gauge\nvoxwire_relay_active_sessions{node="a\\"b"} 1');
    expect(text).toContain('voxwire_relay_sessions_started_total{node="a\\"b"} 2');
    expect(text).toContain('voxwire_relay_sessions_ended_total{node="a\\"b",reason="time_limit"} 1');
    expect(text).toContain('voxwire_relay_frames_total{node="a\\"b",direction="client_to_upstream"} 3');
    expect(text).toContain('voxwire_relay_bytes_total{node="a\\"b",direction="client_to_upstream"} 300');
    expect(text).toContain('voxwire_relay_budget_rejections_total{node="a\\"b",stage="connect"} 1');
    expect(text).toContain('voxwire_relay_frames_rejected_total{node="a\\"b",reason="too_large"} 1');
    expect(text).toContain('voxwire_relay_added_latency_seconds_bucket{node="a\\"b",le="0.001"} 1');
    expect(text).toContain('voxwire_relay_added_latency_seconds_bucket{node="a\\"b",le="0.01"} 2');
    expect(text).toContain('voxwire_relay_added_latency_seconds_bucket{node="a\\"b",le="+Inf"} 3');
    expect(text).toContain('voxwire_relay_added_latency_seconds_count{node="a\\"b"} 3');
    expect(metrics.handler().headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  });

  it('counts every connection-reject reason from zero (a refused shut-down model included) and shows draining', () => {
    const metrics = new RelayMetrics();
    expect(metrics.render()).toContain('voxwire_relay_connections_rejected_total{reason="model"} 0');
    metrics.recordConnectionRejected('model', 101);
    metrics.setDraining(true);
    expect(metrics.snapshot().connectionsRejected.model).toBe(1);
    expect(metrics.render()).toContain('voxwire_relay_connections_rejected_total{reason="model"} 1');
    expect(metrics.render()).toContain('# TYPE voxwire_relay_draining gauge\nvoxwire_relay_draining 1');
  });

  it('emits events for other sinks', () => {
    const metrics = new RelayMetrics();
    const seen: string[] = [];
    metrics.on('sessionStarted', ({ sessionId }) => seen.push(`start ${sessionId}`));
    metrics.on('sessionEnded', ({ reason }) => seen.push(`end ${reason}`));
    metrics.on('budgetRejected', ({ stage }) => seen.push(`budget ${stage}`));
    metrics.recordSessionStarted('s1', 'u');
    metrics.recordBudgetRejection('u', 'session');
    metrics.recordSessionEnded('s1', 'u', 'budget_exhausted', 5);
    expect(seen).toEqual(['start s1', 'budget session', 'end budget_exhausted']);
    expect(metrics.snapshot()).toMatchObject({ activeSessions: 0, sessionsStarted: 1, sessionsEnded: { budget_exhausted: 1 }, budgetRejections: { session: 1 } });
  });
});
