/**
 * voxwire/testing: test voice apps without speaking. A faithful mock of the Realtime server on
 * loopback, scripted scenarios, the recorded log with assertion helpers, an energy VAD, and
 * fixture audio. Node only (the mock server imports `ws` and `node:http` when started).
 *
 * @packageDocumentation
 */

// The mock server.
export { MockRealtimeServer } from './mock/server';
export type { MockRealtimeServerOptions, MockAuthOptions, MockConnectionInfo, MockServerAddress, MockAttachRequest } from './mock/server-options';
export type { MockWebRTCEndpoint, MockWebRTCOptions, MockClientSecret } from './mock/webrtc-endpoint';
export type { MockWebRTCCall, MockCallSession, SidebandSink } from './mock/webrtc-call';
export type { MockSipEndpoint, MockPlaceCallOptions, MockWebhookDelivery } from './mock/sip-endpoint';
export type { MockWebhookTarget } from './mock/webhook-delivery';
export type { MockSipCall, MockSipCallState, MockSipInterruption } from './mock/sip-call';
export { TwilioSimulator } from './mock/twilio-simulator';
export type { TwilioSimulatorOptions, TwilioOutbound } from './mock/twilio-simulator';
export type { PlayoutClear } from './mock/playout';
export type { MockSession } from './mock/session';
export type { MockSessionLink, MockTransportKind } from './mock/session-link';
export { MockTranslationSession, DEFAULT_MOCK_TRANSLATION } from './mock/translation-session';
export type { MockTranslationOptions, MockTranslationSessionObject } from './mock/translation-session';
export type { MockItem } from './mock/conversation';
export type { MockSessionDefaults, MockSessionObject, MockTurnDetection, MockAudioFormat, MockSessionKind, MockTranscriptionSessionObject } from './mock/session-config';
export type { AudioPace } from './mock/audio-pace';

// The GPT-Live mock server (issue 14).
export { MockLiveServer } from './mock/live-server';
export type { MockLiveServerOptions, MockLiveServerAddress, MockLiveConnectionInfo } from './mock/live-server';
export type { MockLiveSession } from './mock/live-session';
export type { MockLiveSipEndpoint, MockLivePlaceCallOptions } from './mock/live-sip';

// Scenarios.
export { createScenario, defineScenario, ScenarioBuilder, ScenarioTurnBuilder } from './script/scenario';
export type {
  Scenario,
  ScenarioTurn,
  ScenarioReply,
  ScenarioFunctionCall,
  ScenarioError,
  ScenarioDrop,
  ScenarioLatency,
  ScenarioUsage,
  ScenarioAudio,
} from './script/scenario';

// The one log format (written by the mock, the recorder and fixture files; read by everything) and assertions.
export { EventLog } from './recording/event-log';
export { toEventLog, toRecording } from './recording/read-log';
export type { WireLogSource, WireLogLine, RecordingSource } from './recording/read-log';
export type { LogEntry, ReceivedEntry, SentEntry, EventMatcher, LogQuery, WaitForOptions, WireEvent, EventLogOptions, LifecycleChange } from './recording/event-log';
export { RECORDING_FORMAT, RECORDING_VERSION } from './recording/format';
export type { LogHeader, LogLine, LifecycleEntry } from './recording/format';
export { expectEvent, expectNoEvent, waitFor, eventTypes } from './assert/expect';
export type { ExpectEventOptions, EventLogSource } from './assert/expect';

// Voice activity detection (the mock's server VAD, usable on its own).
export { EnergyVad, detectSpeech, vadLevels, semanticVadSettings } from './mock/vad';
export type { EnergyVadOptions, VadEvent, SpeechSegment, VadLevels, SemanticVadEagerness } from './mock/vad';

// Fixture audio.
export { loadFixtureAudio, listFixtureAudio } from './fixtures';
export type { FixtureAudio, FixtureAudioEntry, FixtureAudioKind, FixtureAudioListOptions, FixtureAudioLoadOptions } from './fixtures';

// msw: intercept the SDK's WebSocket in app tests without a server.
export { realtimeHandlers, createGlobalWebSocket, ensureGlobalWebSocket } from './mock/msw';
export type {
  RealtimeHandlers,
  RealtimeHandlersOptions,
  MswWebSocketApi,
  MswWebSocketConnection,
  MswWebSocketClient,
  MswWebSocketClientEvent,
} from './mock/msw';

// Record and replay: a production session becomes a fixture.
export { RecordingTransport } from './recording/record';
export type { RecordingTransportOptions } from './recording/record';
export { ReplayTransport } from './recording/replay';
export type { ReplayTransportOptions, ReplayReceivedInfo } from './recording/replay';
export { scenarioFromRecording } from './script/from-recording';
export type { ScenarioFromRecordingOptions } from './script/from-recording';
// The version 1 recording shape, read forever (deprecated: the one log format replaces it).
export { parseRecording, stringifyRecording } from './recording/read-log';
export type {
  Recording,
  RecordingHeader,
  RecordingEntry,
  RecordingConnectEntry,
  RecordingOpenEntry,
  RecordingClientEntry,
  RecordingServerEntry,
  RecordingCloseEntry,
  RecordingErrorEntry,
} from './recording/legacy-recording';

// Ready flows every voice app must get right.
export { sessionSetupFlow, functionCallFlow, interruptionFlow, dropAndRecoveryFlow, sessionExpiryFlow, FLOW_CALL_ID } from './flows/flows';
export type {
  RealtimeFlow,
  FlowVerifyContext,
  FlowOptions,
  SessionSetupFlowOptions,
  FunctionCallFlowOptions,
  DropAndRecoveryFlowOptions,
  SessionExpiryFlowOptions,
} from './flows/flows';
export { runFlow } from './flows/run-flow';
export type { FlowApp, FlowContext, FlowTeardown, RunFlowOptions, FlowResult } from './flows/run-flow';
