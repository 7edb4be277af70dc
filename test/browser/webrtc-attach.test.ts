/**
 * One audio API on both transports (issue 19): over WebRTC in real Chromium,
 * `client.attachInput(MicrophoneCapture)` makes the capture's track the call's microphone (the
 * transport opens none of its own) and `client.attachOutput(AudioPlayer)` plays the assistant's
 * track through the player. The capture's mute, levels and device handling then hold for the
 * call: muted, the track the peer connection sends carries no energy at all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScenario } from '../../src/testing/script/scenario';
import { chromiumAvailable } from './harness';
import { startWebRTCRig, type WebRTCRig } from './webrtc-harness';

const enabled = chromiumAvailable();
const QUESTION = "What's the weather like in Paris today?";

describe.skipIf(!enabled)('attachInput/attachOutput over WebRTC (Chromium ↔ mock Node peer)', () => {
  let rig: WebRTCRig;

  beforeAll(async () => {
    let scenario = createScenario('attached-audio');
    // The fake microphone loops (ICE and DTLS can outlast one play of the clip on a loaded
    // machine), so the question may be heard several times: each gets a spoken answer.
    for (let turn = 0; turn < 8; turn++) scenario = scenario.turn((t) => t.hears(QUESTION).plays('reply-greeting'));
    rig = await startWebRTCRig({ mock: { scenario: scenario.build() }, microphoneLoop: true });
    await rig.call('start', rig.config('webrtc-sdp', { attachAudio: true }));
  }, 60_000);

  afterAll(async () => {
    await rig?.call('stop').catch(() => undefined);
    await rig?.close();
  });

  it("sends the capture's track: the server hears the question, and the transport opened no microphone of its own", async () => {
    const snapshot = await rig.until((s) => s.transcripts.some((t) => t.role === 'user'), 'a user transcript', 30_000);
    for (const transcript of snapshot.transcripts.filter((t) => t.role === 'user')) expect(transcript.text).toBe(QUESTION);
    const wiring = await rig.call<{ sendsCaptureTrack: boolean; microphoneOpens: number; captureLevels: number; localTracks: number }>('attached');
    // The capture's processed track (not the raw device track) is the one on the sender.
    expect(wiring.sendsCaptureTrack).toBe(true);
    expect(wiring.localTracks).toBe(1);
    // One getUserMedia: the capture's. The transport's own microphone was never opened.
    expect(wiring.microphoneOpens).toBe(1);
    // The capture's own features run on the same audio: level events came.
    expect(wiring.captureLevels).toBeGreaterThan(0);
    expect(snapshot.errors).toEqual([]);
  });

  it("plays the assistant's track through the attached AudioPlayer, the transport's element muted", async () => {
    let heard = { peak: 0, rms: 0 };
    await expect
      .poll(
        async () => {
          heard = await rig.call<{ peak: number; rms: number }>('listenPlayer', 600);
          return heard.peak;
        },
        { timeout: 30_000, interval: 50 },
      )
      .toBeGreaterThan(0.05);
    process.stdout.write(`[webrtc-attach] assistant through the player: peak ${heard.peak.toFixed(3)}, rms ${heard.rms.toFixed(4)}\n`);
    const wiring = await rig.call<{ elementMuted: boolean | undefined }>('attached');
    expect(wiring.elementMuted).toBe(true);
  });

  it("mutes the call with the capture's setMuted: the sent track carries no energy, and unmuting brings it back", async () => {
    await rig.call('setCaptureMuted', true);
    // Let the 5 ms ramp and anything in flight pass, then measure a muted window.
    await expect.poll(async () => {
      const before = await rig.call<number>('sentEnergy');
      await new Promise((resolve) => setTimeout(resolve, 300));
      return (await rig.call<number>('sentEnergy')) - before;
    }, { timeout: 10_000, interval: 50 }).toBeLessThan(1e-9);
    const mutedFrom = await rig.call<number>('sentEnergy');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const mutedTo = await rig.call<number>('sentEnergy');
    expect(mutedTo - mutedFrom).toBeLessThan(1e-9);
    await rig.call('setCaptureMuted', false);
    // The looping question comes back on the wire.
    await expect.poll(async () => (await rig.call<number>('sentEnergy')) - mutedTo, { timeout: 15_000, interval: 100 }).toBeGreaterThan(1e-4);
    process.stdout.write(`[webrtc-attach] sent energy muted Δ ${(mutedTo - mutedFrom).toExponential(2)}\n`);
  });
});
