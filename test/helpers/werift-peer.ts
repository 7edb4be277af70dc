import { RTCPeerConnection } from 'werift';

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
