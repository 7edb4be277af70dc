/**
 * Call ids of `/v1/realtime/calls`: a leaf shared by the browser's WebRTC transport and the
 * server's SDP handler (which must not load the browser transport for it).
 */

/** `rtc_abc` from `Location: /v1/realtime/calls/rtc_abc` (absolute or relative). */
export function callIdFromLocation(location: string | null): string | undefined {
  if (!location) return undefined;
  const path = location.split(/[?#]/)[0] ?? '';
  const segment = path.replace(/\/+$/, '').split('/').pop();
  return segment ? decodeURIComponent(segment) : undefined;
}
