/** The phone examples run offline as documented (`--mock`): a SIP call and a Twilio call against the mock. */
import { describe, expect, it } from 'vitest';
import { runWithMock as runSip } from '../../examples/phone/sip-server';
import { runWithMock as runTwilio } from '../../examples/phone/twilio-server';

describe('examples/phone', () => {
  it('sip-server: the call is answered, the server-side tool runs, # hangs up', async () => {
    const result = await runSip();
    expect(result.toolCalled).toBe(true);
    expect(result.heardMs).toBeGreaterThan(2000);
  }, 60_000);

  it('twilio-server: the barge-in is truncated at what Twilio played, within one 100 ms mark', async () => {
    const { truncatedAtMs, twilioPlayedMs } = await runTwilio();
    expect(truncatedAtMs).toBeDefined();
    expect(twilioPlayedMs).toBeDefined();
    expect(truncatedAtMs!).toBeLessThanOrEqual(twilioPlayedMs!);
    expect(twilioPlayedMs! - truncatedAtMs!).toBeLessThanOrEqual(120);
  }, 60_000);
});
