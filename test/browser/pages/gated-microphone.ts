/**
 * A fake microphone that starts speaking once the call is up. A WebRTC transport opens its
 * microphone before the offer, and Chromium's fake device plays its file from that moment,
 * while ICE, DTLS and SCTP still run: on a loaded machine the connect (6-8 s measured at load
 * 20) outlasted the 3 s question, which then went nowhere. While gated, `getUserMedia` returns
 * a Web Audio track; the fake microphone itself is opened (its file starts) and fed into it on
 * `open()`. Stopping the returned track closes the fake microphone too, so a later open replays
 * the file. Opens while not gated (a reconnect) are direct.
 */

/** Wraps `navigator.mediaDevices.getUserMedia` once per page. */
export function gateMicrophone(onOpen: () => void = () => undefined): { gate(): void; open(): Promise<void> } {
  const devices = navigator.mediaDevices;
  const realGetUserMedia = devices.getUserMedia.bind(devices);
  let gated = false;
  const pending: Array<() => Promise<void>> = [];
  devices.getUserMedia = async (constraints?: MediaStreamConstraints) => {
    onOpen();
    if (!gated) return realGetUserMedia(constraints);
    const context = new AudioContext();
    const destination = context.createMediaStreamDestination();
    let microphone: MediaStream | undefined;
    let stopped = false;
    const track = destination.stream.getAudioTracks()[0]!;
    const stopTrack = track.stop.bind(track);
    track.stop = () => {
      stopped = true;
      stopTrack();
      for (const source of microphone?.getTracks() ?? []) source.stop();
      void context.close();
    };
    pending.push(async () => {
      if (stopped) return;
      microphone = await realGetUserMedia(constraints);
      context.createMediaStreamSource(microphone).connect(destination);
    });
    return destination.stream;
  };
  return {
    gate: () => {
      gated = true;
    },
    open: async () => {
      gated = false;
      for (const open of pending.splice(0)) await open();
    },
  };
}
