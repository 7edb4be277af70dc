import { RTCPeerConnection } from 'werift';
import type { RTCDataChannel } from 'werift';

/** A werift peer standing in for the browser: loopback only, as the mock answers. */
export function loopbackPeer(): RTCPeerConnection {
  const loopback = (host: string) => host === '127.0.0.1';
  return new RTCPeerConnection({
    iceServers: [],
    iceUseIpv4: false,
    iceUseIpv6: false,
    iceAdditionalHostAddresses: ['127.0.0.1'],
    iceInterfaceAddresses: { udp4: '127.0.0.1' },
    iceFilterStunResponse: (_message: unknown, address: readonly [string, number]) => loopback(address[0]),
    iceFilterCandidatePair: (pair: { remoteCandidate: { host: string } }) => loopback(pair.remoteCandidate.host),
  } as ConstructorParameters<typeof RTCPeerConnection>[0]);
}

/** A werift offer with an audio transceiver and the `oai-events` data channel, ICE gathered (loopback only, as the mocks answer). */
export async function gatheredOffer(): Promise<{ sdp: string; pc: RTCPeerConnection; channel: RTCDataChannel; close(): Promise<void> }> {
  const pc = loopbackPeer();
  pc.addTransceiver('audio', { direction: 'sendrecv' });
  const channel = pc.createDataChannel('oai-events');
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise<void>((resolve) => {
    if (pc.iceGatheringState === 'complete') resolve();
    pc.iceGatheringStateChange.subscribe((state) => state === 'complete' && resolve());
  });
  return { sdp: pc.localDescription!.sdp, pc, channel, close: () => pc.close() };
}
