/**
 * Shows a `checkAudio()` report: one line per check (permission, devices, capture rate,
 * AudioContext, microphone signal, worklet, output selection, echo), then each problem with its
 * code, reason and fix. Plain DOM, styled by the page (classes `audio-report`, `check`,
 * `problem`, data-severity and data-state attributes).
 */
import type { AudioCheckReport, AudioProblem } from 'voxwire/audio';

function line(label: string, value: string, state: 'ok' | 'warn' | 'bad' | 'info'): HTMLLIElement {
  const item = document.createElement('li');
  item.className = 'check';
  item.dataset.state = state;
  const name = document.createElement('span');
  name.className = 'check-name';
  name.textContent = label;
  const text = document.createElement('span');
  text.className = 'check-value';
  text.textContent = value;
  item.append(name, text);
  return item;
}

function stateOf(report: AudioCheckReport, codes: readonly AudioProblem['code'][]): 'ok' | 'warn' | 'bad' | 'info' {
  const found = report.problems.filter((problem) => codes.includes(problem.code));
  if (found.some((problem) => problem.severity === 'error')) return 'bad';
  if (found.some((problem) => problem.severity === 'warning')) return 'warn';
  return found.length > 0 ? 'info' : 'ok';
}

function db(amplitude: number): string {
  return amplitude > 0 ? `${(20 * Math.log10(amplitude)).toFixed(0)} dBFS` : '–∞ dBFS';
}

/** Renders `report` into `container` (replacing what was there). */
export function renderAudioReport(container: HTMLElement, report: AudioCheckReport): void {
  const checks = document.createElement('ul');
  checks.className = 'checks';
  const { capture, input, worklet, echo } = report;
  checks.append(
    line('Microphone permission', report.permission, stateOf(report, ['MICROPHONE_PERMISSION_DENIED', 'MICROPHONE_PERMISSION_PROMPT', 'MEDIA_DEVICES_UNAVAILABLE'])),
    line(
      'Devices',
      `${report.devices.inputs.length} microphone(s), ${report.devices.outputs.length} output(s)`,
      stateOf(report, ['NO_MICROPHONE', 'NO_OUTPUT_DEVICE', 'MICROPHONE_UNREADABLE']),
    ),
    line(
      'Capture rate',
      capture === undefined ? 'not opened' : `${capture.trackSampleRate ?? '?'} Hz from the device, ${capture.contextSampleRate} Hz in the AudioContext`,
      capture === undefined ? 'info' : stateOf(report, ['LOW_CAPTURE_RATE']),
    ),
    line(
      'AudioContext',
      `${report.context.status}${report.context.needsUserGesture ? ' (needs a click)' : ''}`,
      stateOf(report, ['AUDIO_CONTEXT_UNAVAILABLE', 'AUDIO_CONTEXT_NEEDS_GESTURE', 'AUDIO_CONTEXT_INTERRUPTED']),
    ),
    line(
      'Microphone signal',
      input === undefined ? 'not heard' : input.silent ? 'digital silence' : input.constant ? `stuck at ${input.dcOffset.toFixed(3)}` : `peak ${db(input.peak)}, RMS ${db(input.rms)}`,
      input === undefined ? 'info' : stateOf(report, ['MICROPHONE_SILENT', 'MICROPHONE_CONSTANT']),
    ),
    line(
      'Worklet under this page\'s CSP',
      `inline ${worklet.inline}, files ${worklet.url} → ${worklet.use === 'none' ? 'none works' : `use ${worklet.use === 'url' ? 'the files' : 'inline'}`}`,
      stateOf(report, ['WORKLET_BLOCKED', 'WORKLET_URL_FAILED', 'WORKLET_INLINE_BLOCKED']),
    ),
    line('Output device selection', report.outputSelection, stateOf(report, ['OUTPUT_SELECTION_UNSUPPORTED'])),
  );
  if (echo !== undefined) {
    checks.append(
      line(
        'Echo',
        echo.detected ? `ERL ${echo.erlDb.toFixed(1)} dB after ${Math.round(echo.delayMs)} ms → ${echo.recommendation}` : `none heard (ERL ≥ ${echo.erlDb.toFixed(0)} dB) → ${echo.recommendation}`,
        stateOf(report, ['ECHO_DETECTED', 'ECHO_CHECK_FAILED']),
      ),
    );
  }
  const problems = document.createElement('ol');
  problems.className = 'problems';
  for (const problem of report.problems) {
    const item = document.createElement('li');
    item.className = 'problem';
    item.dataset.severity = problem.severity;
    item.dataset.code = problem.code;
    const code = document.createElement('code');
    code.textContent = problem.code;
    const reason = document.createElement('p');
    reason.className = 'reason';
    reason.textContent = problem.reason;
    const fix = document.createElement('p');
    fix.className = 'fix';
    fix.textContent = `Fix: ${problem.fix}`;
    item.append(code, reason, fix);
    problems.append(item);
  }
  const summary = document.createElement('p');
  summary.className = 'summary';
  summary.dataset.ok = String(report.ok);
  summary.textContent = report.ok ? 'Audio is ready for a call.' : 'Audio is not ready for a call:';
  container.replaceChildren(summary, checks, problems);
}

/** The styles the view's classes expect (the example page and the docs' screenshots use them). */
export const AUDIO_REPORT_CSS = `
.audio-report { font: 14px/1.4 system-ui, sans-serif; display: grid; gap: 10px; }
.audio-report .summary { margin: 0; font-weight: 600; }
.audio-report .summary[data-ok='true'] { color: #1f9d55; }
.audio-report .summary[data-ok='false'] { color: #d0353f; }
.audio-report .checks { list-style: none; margin: 0; padding: 0; display: grid; gap: 4px; }
.audio-report .check { display: grid; grid-template-columns: 14px 13em 1fr; gap: 8px; align-items: baseline; }
.audio-report .check::before { content: ''; width: 10px; height: 10px; border-radius: 50%; background: #1f9d55; }
.audio-report .check[data-state='warn']::before { background: #c77d00; }
.audio-report .check[data-state='bad']::before { background: #d0353f; }
.audio-report .check[data-state='info']::before { background: #7a7f8a; }
.audio-report .check-name { color: #555; }
.audio-report .problems { margin: 0; padding: 0; list-style: none; display: grid; gap: 8px; }
.audio-report .problem { border-left: 4px solid #7a7f8a; padding: 4px 10px; background: #f4f5f7; border-radius: 4px; }
.audio-report .problem[data-severity='error'] { border-color: #d0353f; }
.audio-report .problem[data-severity='warning'] { border-color: #c77d00; }
.audio-report .problem p { margin: 2px 0; }
.audio-report .problem .fix { color: #333; }
`;
