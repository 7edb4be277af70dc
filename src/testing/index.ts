/**
 * voxwire/testing: test voice apps without speaking. A faithful mock of the Realtime server on
 * loopback, scripted scenarios, the recorded log with assertion helpers, an energy VAD, and
 * fixture audio. Node only (the mock server imports `ws` and `node:http` when started).
 *
 * @packageDocumentation
 */

// The mock server.
export { MockRealtimeServer } from './mock-server';
export type { MockRealtimeServerOptions, MockAuthOptions, MockConnectionInfo, MockServerAddress } from './mock-server';
export type { MockWebRtcEndpoint, MockWebRtcOptions, MockClientSecret } from './webrtc-endpoint';
export type { MockWebRtcCall, SidebandSink } from './webrtc-call';
export type { MockSession, MockSessionLink, MockTransportKind } from './mock-session';
export { MockTranslationSession, DEFAULT_MOCK_TRANSLATION } from './mock-translation-session';
export type { MockTranslationOptions, MockTranslationSessionObject } from './mock-translation-session';
export type { MockItem } from './mock-conversation';
export type { MockSessionDefaults, MockSessionObject, MockTurnDetection, MockAudioFormat, MockSessionKind, MockTranscriptionSessionObject } from './mock-session-config';
export type { AudioPace } from './audio-pace';

// Scenarios.
export { createScenario, defineScenario, ScenarioBuilder, ScenarioTurnBuilder } from './scenario';
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
} from './scenario';

// The recorded log and assertions.
export { EventLog } from './event-log';
export type { LogEntry, ReceivedEntry, SentEntry, EventMatcher, LogQuery, WaitForOptions, WireEvent, EventLogOptions } from './event-log';
export { expectEvent, expectNoEvent, waitFor, eventTypes } from './expect';
export type { ExpectEventOptions, EventLogSource } from './expect';

// Voice activity detection (the mock's server VAD, usable on its own).
export { EnergyVad, detectSpeech, vadLevels, semanticVadSettings } from './vad';
export type { EnergyVadOptions, VadEvent, SpeechSegment, VadLevels, SemanticVadEagerness } from './vad';

// Fixture audio.
export { loadFixtureAudio, listFixtureAudio } from './fixtures';
export type { FixtureAudio, FixtureAudioEntry, FixtureAudioKind, FixtureAudioListOptions, FixtureAudioLoadOptions } from './fixtures';

// msw: intercept the SDK's WebSocket in app tests without a server.
export { realtimeHandlers, createGlobalWebSocket, ensureGlobalWebSocket } from './msw';
export type {
  RealtimeHandlers,
  RealtimeHandlersOptions,
  MswWebSocketApi,
  MswWebSocketConnection,
  MswWebSocketClient,
  MswWebSocketClientEvent,
} from './msw';

// Record and replay: a production session becomes a fixture.
export { RecordingTransport } from './record';
export type { RecordingTransportOptions } from './record';
export { ReplayTransport } from './replay';
export type { ReplayTransportOptions, ReplayReceivedEvent } from './replay';
export { scenarioFromRecording } from './scenario-from-recording';
export type { ScenarioFromRecordingOptions } from './scenario-from-recording';
export { parseRecording, stringifyRecording, RECORDING_FORMAT, RECORDING_VERSION } from './recording';
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
} from './recording';

// Ready flows every voice app must get right.
export { sessionSetupFlow, functionCallFlow, interruptionFlow, dropAndRecoveryFlow, sessionExpiryFlow, FLOW_CALL_ID } from './flows';
export type {
  RealtimeFlow,
  FlowVerifyContext,
  FlowOptions,
  SessionSetupFlowOptions,
  FunctionCallFlowOptions,
  DropAndRecoveryFlowOptions,
  SessionExpiryFlowOptions,
} from './flows';
export { runFlow } from './run-flow';
export type { FlowApp, FlowContext, FlowTeardown, RunFlowOptions, FlowResult } from './run-flow';
